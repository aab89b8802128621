import { app } from "./http/app";
import { metered } from "./lib/cost-meter";
import { queue } from "./queues";
import { scheduled } from "./scheduled";

export { MetricsDO } from "../durable-objects/metrics";
export { TenantDO } from "../durable-objects/tenant";

export default {
  // `metered` is the env itself unless COST_METER=true (bench/ counts what a message costs).
  fetch: (req, env, ctx) => app.fetch(req, metered(env), ctx),
  queue: (batch, env) => queue(batch, metered(env)),
  scheduled: (controller, env) => scheduled(controller, metered(env)),
} satisfies ExportedHandler<Env>;

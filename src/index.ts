import { app } from "./http/app";
import { queue } from "./queues";

export { TenantDO } from "../durable-objects/tenant";

export default {
  fetch: app.fetch,
  queue,
} satisfies ExportedHandler<Env>;

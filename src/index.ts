import { app } from "./http/app";
import { queue } from "./queues";
import { scheduled } from "./scheduled";

export { TenantDO } from "../durable-objects/tenant";

export default {
  fetch: app.fetch,
  queue,
  scheduled,
} satisfies ExportedHandler<Env>;

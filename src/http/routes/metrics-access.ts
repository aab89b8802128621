/**
 * Who may read GET /metrics. It names every tenant with its volumes, so a deployed Worker needs
 * METRICS_TOKEN; only local development (ENVIRONMENT="development", set by `npm start`, the
 * benchmarks and the tests) may scrape without one.
 */
import { log } from "../../lib/log";
export type MetricsAccess = "token" | "open" | "refused";

export function metricsAccess(env: Pick<Env, "METRICS_TOKEN" | "ENVIRONMENT">): MetricsAccess {
  if (env.METRICS_TOKEN) return "token";
  return env.ENVIRONMENT === "development" ? "open" : "refused";
}

let warned = false;

/** Once per isolate, the first time a deployed Worker without METRICS_TOKEN serves a request: say so in the logs. */
export function warnIfMetricsUnprotected(env: Pick<Env, "METRICS_TOKEN" | "ENVIRONMENT">): void {
  if (warned || metricsAccess(env) !== "refused") return;
  warned = true;
  log.warn("METRICS_TOKEN is not set: GET /metrics answers 403 metrics_token_required until `wrangler secret put METRICS_TOKEN`", { environment: env.ENVIRONMENT });
}

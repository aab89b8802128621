import { Hono } from "hono";
import { safeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { metricsStub } from "../../metrics/push";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../metrics/render";
import { assembleScrape } from "../../metrics/scrape";
import { readProfile } from "../../tenants/profile";
import { UNATTRIBUTED_COMPANY_LABEL } from "../../tenants/stubs";
import type { AppEnv } from "../types";
import { health } from "./health";
import { metricsAccess } from "./metrics-access";

export const ops = new Hono<AppEnv>();

ops.route("/", health);

/** The profile's default handoff SLA, for tenants that never set one (the store reads each tenant's own). */
const DEFAULT_SLA_MINUTES = readProfile({}).handoff.slaMinutes;

/**
 * Prometheus text 0.0.4. Counts live in each tenant's Durable Object and are pushed to the metrics
 * aggregate (durable-objects/metrics.ts) a few seconds after they change; a scrape is one call to it
 * plus two store reads, whatever the tenant count.
 */
ops.get("/metrics", async (c) => {
  const access = metricsAccess(c.env);
  if (access === "refused") throw new AppError(403, "metrics_token_required", "Set the METRICS_TOKEN secret: /metrics names every tenant, so it is never anonymous when deployed");
  if (access === "token") {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!(await safeEqual(token, c.env.METRICS_TOKEN))) throw new AppError(401, "unauthorized", "Missing or wrong metrics token");
  }
  const store = c.get("store");
  const [aggregate, companies, gauges] = await Promise.all([metricsStub(c.env).snapshot(), store.companies.list(), store.ops.gauges(Date.now(), DEFAULT_SLA_MINUTES)]);
  // Each (owner, series) is one row of the aggregate and owners map to distinct slugs: nothing to merge.
  // The renderer still drops invalid samples and undeclared families or labels.
  const snap = assembleScrape(aggregate, companies, gauges, UNATTRIBUTED_COMPANY_LABEL);
  return c.body(renderPrometheus(snap), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
});

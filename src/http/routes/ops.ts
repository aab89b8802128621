import { Hono } from "hono";
import { safeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { metricsStub } from "../../metrics/push";
import { ownerLabels } from "../../metrics/chunks";
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/render";
import { assembleExposition, storeGaugeLines } from "../../metrics/scrape";
import { readProfile } from "../../tenants/profile";
import { UNATTRIBUTED_COMPANY_LABEL } from "../../tenants/stubs";
import type { AppEnv } from "../types";
import { health } from "./health";
import { metricsAccess } from "./metrics-access";

export const ops = new Hono<AppEnv>();

/**
 * Prometheus asks for gzip, and exposition text shrinks ~15× (3.9 MB → ~250 KB at 1,000 tenants):
 * the header alone makes the runtime compress the body as it streams it (natively, not in JS).
 */
export const scrapeEncoding = (accept: string | undefined): Record<string, string> => (/\bgzip\b/i.test(accept ?? "") ? { "content-encoding": "gzip" } : {});

ops.route("/", health);

/** The profile's default handoff SLA, for tenants that never set one (the store reads each tenant's own). */
const DEFAULT_SLA_MINUTES = readProfile({}).handoff.slaMinutes;

/**
 * Prometheus text 0.0.4. Counts live in each tenant's Durable Object and are pushed to the metrics
 * aggregate (durable-objects/metrics.ts) a few seconds after they change, which keeps them rendered;
 * a scrape is one call to it plus two store reads, whatever the tenant count, and concatenates text.
 */
ops.get("/metrics", async (c) => {
  const access = metricsAccess(c.env);
  if (access === "refused") throw new AppError(403, "metrics_token_required", "Set the METRICS_TOKEN secret: /metrics names every tenant, so it is never anonymous when deployed");
  if (access === "token") {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!(await safeEqual(token, c.env.METRICS_TOKEN))) throw new AppError(401, "unauthorized", "Missing or wrong metrics token");
  }
  const store = c.get("store");
  // The aggregate needs the tenants (their current slugs; a deleted tenant's lines are left out), so
  // it follows companies.list(); the store's gauges are read meanwhile.
  const listed = store.companies.list();
  const [companies, aggregate, gauges] = await Promise.all([
    listed,
    listed.then((list) => metricsStub(c.env).exposition(ownerLabels(list, UNATTRIBUTED_COMPANY_LABEL))),
    store.ops.gauges(Date.now(), DEFAULT_SLA_MINUTES),
  ]);
  return c.body(assembleExposition(aggregate, storeGaugeLines(companies, gauges)), 200, {
    "content-type": PROMETHEUS_CONTENT_TYPE,
    ...scrapeEncoding(c.req.header("accept-encoding")),
  });
});

import { Hono } from "hono";
import { safeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { metricsStub } from "../../metrics/push";
import { ownerLabels } from "../../metrics/chunks";
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/render";
import { GzipMemo } from "../../metrics/gzip";
import { assembleExposition, assembleGzipExposition } from "../../metrics/scrape";
import { UNATTRIBUTED_COMPANY_LABEL } from "../../tenants/stubs";
import { describer } from "../openapi/meta";
import type { AppEnv } from "../types";
import { health } from "./health";
import { metricsAccess } from "./metrics-access";

export const ops = new Hono<AppEnv>();

/**
 * Whether the client takes gzip (Prometheus always asks for it); `gzip;q=0` is a refusal. Read by
 * bench.ts too, for its floor.
 */
export function acceptsGzip(accept: string | undefined): boolean {
  for (const part of (accept ?? "").split(",")) {
    const [coding = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    if (coding !== "gzip" && coding !== "x-gzip" && coding !== "*") continue;
    const q = params.find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/**
 * The client's own Accept-Encoding: Cloudflare (and wrangler dev, which imitates it) hands the Worker
 * "br, gzip" whatever the client sent, and keeps the client's header in `cf.clientAcceptEncoding`.
 */
function clientAcceptEncoding(req: Request): string | undefined {
  const cf = req.cf as { clientAcceptEncoding?: unknown } | undefined;
  return typeof cf?.clientAcceptEncoding === "string" ? cf.clientAcceptEncoding : (req.headers.get("accept-encoding") ?? undefined);
}

/** The headers' members, per isolate: only a cache (each hit is checked against the text). */
const scrapeMembers = new GzipMemo();

ops.route("/", health);

/**
 * Prometheus text 0.0.4. Counts live in each tenant's Durable Object and are pushed to the metrics
 * aggregate (durable-objects/metrics.ts) a few seconds after they change, which keeps them rendered;
 * the gauges from stored rows and the tenants' labels are pushed there by the minute cron
 * (src/metrics/store-gauges.ts). A scrape is one call to the aggregate, whatever the tenant count,
 * and reads the tenants from the store only before the first refresh.
 */
ops.get(
  "/metrics",
  describer({ tag: "Operations", auth: "metrics" })({
    summary: "Prometheus text 0.0.4 (gzip when asked)",
    responses: { 200: { description: "The exposition", mediaType: PROMETHEUS_CONTENT_TYPE } },
    errors: { 401: "`unauthorized`: missing or wrong metrics token", 403: "`metrics_token_required`: METRICS_TOKEN is not set where deployed" },
  }),
  async (c) => {
    const access = metricsAccess(c.env);
    if (access === "refused")
      throw new AppError(403, "metrics_token_required", "Set the METRICS_TOKEN secret: /metrics names every tenant, so it is never anonymous when deployed");
    if (access === "token") {
      const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
      if (!(await safeEqual(token, c.env.METRICS_TOKEN))) throw new AppError(401, "unauthorized", "Missing or wrong metrics token");
    }
    const aggregate = metricsStub(c.env);
    const labels = async () => ownerLabels(await c.get("store").companies.list(), UNATTRIBUTED_COMPANY_LABEL);
    const headers = { "content-type": PROMETHEUS_CONTENT_TYPE, vary: "accept-encoding" };
    if (!acceptsGzip(clientAcceptEncoding(c.req.raw))) {
      const families = (await aggregate.exposition()) ?? (await aggregate.exposition(await labels()));
      return c.body(assembleExposition(families ?? {}), 200, headers);
    }
    const members = (await aggregate.gzipExposition()) ?? (await aggregate.gzipExposition(await labels()));
    const body = assembleGzipExposition(members ?? { bytes: new Uint8Array(), families: {} }, scrapeMembers);
    // Already gzip: `manual` keeps the runtime from compressing it again (it would, for the header alone).
    // The bytes themselves, not `res.body`: a stream would go out chunked, piece by piece (~10 ms at 1,000 tenants).
    const res = c.body(null, 200, { ...headers, "content-encoding": "gzip" });
    return new Response(body, { status: res.status, headers: res.headers, encodeBody: "manual" });
  },
);

import { Hono } from "hono";
import { safeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { metricsStub } from "../../metrics/push";
import { ownerLabels } from "../../metrics/chunks";
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/render";
import { GzipMemo } from "../../metrics/gzip";
import { assembleExposition, assembleGzipExposition, storeGaugeBlocks } from "../../metrics/scrape";
import { readProfile } from "../../tenants/profile";
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

/** The store gauges' and headers' members, per isolate: only a cache (each hit is checked against the text). */
const scrapeMembers = new GzipMemo();

/**
 * The labels the last gzip scrape of this isolate gave the aggregate: the next one asks with them
 * at once, alongside the store reads, and asks again only if the tenants turn out to have changed.
 */
let lastLabels: Record<string, string> | undefined;

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

ops.route("/", health);

/** The profile's default handoff SLA, for tenants that never set one (the store reads each tenant's own). */
const DEFAULT_SLA_MINUTES = readProfile({}).handoff.slaMinutes;

/**
 * Prometheus text 0.0.4. Counts live in each tenant's Durable Object and are pushed to the metrics
 * aggregate (durable-objects/metrics.ts) a few seconds after they change, which keeps them rendered;
 * a scrape is one call to it plus two store reads, whatever the tenant count, and concatenates text.
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
    const store = c.get("store");
    const gzip = acceptsGzip(clientAcceptEncoding(c.req.raw));
    const aggregate = metricsStub(c.env);
    // The aggregate needs the tenants (their current slugs; a deleted tenant's lines are left out), so
    // it follows companies.list() (gzip: unless this isolate's last labels still hold); the store's
    // gauges are read meanwhile.
    const listed = store.companies.list();
    const labels = listed.then((list) => ownerLabels(list, UNATTRIBUTED_COMPANY_LABEL));
    const gauges = store.ops.gauges(Date.now(), DEFAULT_SLA_MINUTES);
    const headers = { "content-type": PROMETHEUS_CONTENT_TYPE, vary: "accept-encoding" };
    if (!gzip) {
      const [companies, families, rows] = await Promise.all([listed, labels.then((l) => aggregate.exposition(l)), gauges]);
      return c.body(assembleExposition(families, storeGaugeBlocks(companies, rows)), 200, headers);
    }
    const guess = lastLabels;
    const early = guess && aggregate.gzipExposition(guess);
    early?.catch(() => {}); // Not awaited when the guess was wrong; awaited (and thrown) when it was right.
    const [companies, owners, rows] = await Promise.all([listed, labels, gauges]);
    lastLabels = owners;
    const members = early && guess && sameLabels(guess, owners) ? await early : await aggregate.gzipExposition(owners);
    const body = assembleGzipExposition(members, storeGaugeBlocks(companies, rows), scrapeMembers);
    // Already gzip: `manual` keeps the runtime from compressing it again (it would, for the header alone).
    const res = c.body(body, 200, { ...headers, "content-encoding": "gzip" });
    return new Response(res.body, { status: res.status, headers: res.headers, encodeBody: "manual" });
  },
);

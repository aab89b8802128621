import { Hono } from "hono";
import { costs, metering, resetCosts } from "../../lib/cost-meter";
import { AppError } from "../../lib/errors";
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/render";
import type { MetricEvent } from "../../metrics/sql-metrics";
import { GzipMemo } from "../../metrics/gzip";
import { dispatch, forgetZones } from "../../jobs/dispatcher";
import { storeEngine } from "../../store";
import { acceptsGzip } from "./ops";
import { tenantStub } from "../../tenants/stubs";
import type { AppEnv } from "../types";

/** bench/webhook.mjs reads what the messages cost from here; absent (404) unless COST_METER=true. */
export const bench = new Hono<AppEnv>();

bench.use("/__bench/*", async (c, next) => {
  if (!metering(c.env)) throw new AppError(404, "not_found", "No such route");
  await next();
});

bench.get("/__bench/costs", async (c) => {
  const worker = { ...costs };
  const company = await c.get("store").companies.bySlug(c.req.query("company") ?? "");
  // The DO may share this isolate (then its counts are these) or not: its SQLite count is taken from it.
  const inDo = company ? await tenantStub(c.env, company.id).costs() : null;
  // `engine` says which store counts are this server's: D1's or Postgres's (the other stay at zero).
  return c.json({ ...worker, sqlite: inDo?.sqlite ?? worker.sqlite, doRpc: worker.doRpc, engine: storeEngine(c.env) });
});

bench.post("/__bench/costs/reset", async (c) => {
  resetCosts();
  const company = await c.get("store").companies.bySlug(c.req.query("company") ?? "");
  if (company) await tenantStub(c.env, company.id).resetCosts();
  resetCosts();
  return c.json({ ok: true });
});

/**
 * bench/webhook.mjs' floors for the ack, posted the same signed Meta body as the webhook: `echo`
 * reads it and answers (what a POST with that body costs through the runtime), `enqueue` also makes
 * the ack's one queue send, of a body that size. Webhook ÷ enqueue is then the share of the ack's own
 * work (verify, parse, bound, look up, limit). Only on the bench's ack-only server, whose inbound
 * queue has no consumer: the `bench_floor` bodies are never processed.
 */
bench.post("/__bench/echo", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ ok: true });
});
bench.post("/__bench/enqueue", async (c) => {
  const raw = await c.req.text();
  await c.env.INBOUND_QUEUE.send({ kind: "bench_floor", raw });
  return c.json({ ok: true });
});

/** A tenant's usual series (bench/metrics.mjs): what a day of traffic leaves in its counters and histograms. */
const TYPICAL_EVENTS: MetricEvent[] = [
  ...["accepted", "duplicate", "status"].map((outcome) => ({ metric: "secretaria_webhook_requests_total", labels: { channel: "meta", outcome }, inc: 7 })),
  ...["greeting", "booking", "question", "handoff"].map((intent) => ({ metric: "secretaria_turns_total", labels: { intent }, inc: 3 })),
  { metric: "secretaria_messages_inbound_total", labels: { channel: "meta", type: "text" }, inc: 9 },
  { metric: "secretaria_messages_outbound_total", labels: { channel: "meta", kind: "text" }, inc: 9 },
  ...["ok", "retry"].map((result) => ({ metric: "secretaria_send_attempts_total", labels: { channel: "meta", result }, inc: 4 })),
  ...["delivered", "read"].map((status) => ({ metric: "secretaria_deliveries_total", labels: { channel: "meta", status }, inc: 5 })),
  { metric: "secretaria_replies_total", labels: { source: "template", reason: "no_llm_key" }, inc: 9 },
  ...[0.01, 0.02, 0.3].map((v) => ({ metric: "secretaria_webhook_duration_seconds", labels: { channel: "meta" }, observe: v })),
  ...[0.8, 2.5].map((v) => ({ metric: "secretaria_reply_latency_seconds", labels: { channel: "meta" }, observe: v })),
];

/** Fills tenants' metrics and pushes them to the aggregate now, `limit` tenants from `offset` (by id). */
bench.post("/__bench/metrics/seed", async (c) => {
  const offset = Number(c.req.query("offset") ?? 0);
  const limit = Math.min(200, Number(c.req.query("limit") ?? 100));
  const companies = (await c.get("store").companies.list()).sort((a, b) => a.id - b.id).slice(offset, offset + limit);
  await Promise.all(
    companies.map(async (co) => {
      const stub = tenantStub(c.env, co.id);
      await stub.record(TYPICAL_EVENTS);
      await stub.flushMetrics();
    }),
  );
  return c.json({ seeded: companies.length });
});

/**
 * bench/metrics.mjs' floor: `bytes` of exposition-like text (a tenant's lines, one tenant after
 * another, so it compresses about as well as a scrape) served from memory, gzip'd in advance when
 * the client takes gzip, as /metrics is: no reads, no work. What a scrape of that size costs just to
 * leave the Worker and reach the client.
 */
let filler = "";
let fillerTenants = 0;
const fillerGzip = new GzipMemo();
bench.get("/__bench/bytes", (c) => {
  const bytes = Math.min(64 * 1024 * 1024, Math.max(0, Number(c.req.query("bytes") ?? 0) || 0));
  for (let i = fillerTenants; filler.length < bytes; i = ++fillerTenants)
    filler += ["accepted", "duplicate", "status", "ignored"]
      .map((o, k) => `secretaria_webhook_requests_total{company="bench-${i}",channel="meta",outcome="${o}"} ${(i * 7 + k) % 1000}\n`)
      .join("");
  if (!acceptsGzip(c.req.header("accept-encoding"))) return c.body(filler.slice(0, bytes), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  const body = fillerGzip.member(String(bytes), filler.slice(0, bytes));
  return new Response(body, { headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "content-encoding": "gzip" }, encodeBody: "manual" });
});

/** bench/jobs.mjs: one dispatcher tick at `time` (ms), and what it cost (the minute trigger's other work apart). */
bench.post("/__bench/jobs/tick", async (c) => {
  const at = Number(c.req.query("time"));
  if (!Number.isFinite(at)) throw new AppError(400, "bad_time", "time: ms since 1970");
  if (c.req.query("forget") === "1") forgetZones();
  resetCosts();
  const t0 = performance.now();
  const summary = await dispatch(c.env, c.get("store"), at);
  const ms = performance.now() - t0;
  return c.json({ summary, ms, costs: { ...costs } });
});

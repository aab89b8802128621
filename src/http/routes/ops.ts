import { Hono } from "hono";
import { safeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../metrics/render";
import { mergeSnapshots, type MetricSnapshot } from "../../metrics/snapshot";
import { tenantStub, UNATTRIBUTED_COMPANY_LABEL, unattributedStub } from "../../tenants/stubs";
import { readProfile } from "../../tenants/profile";
import { WEEKDAYS as WEEKDAY_KEYS } from "../../lib/time-zone";
import type { AppEnv } from "../types";

export const ops = new Hono<AppEnv>();

/** Liveness: answers without touching any binding (load balancers, and the benchmarks' baseline route). */
ops.get("/health/live", (c) => c.json({ status: "ok" }));

/** Deep health: the store (D1 or Postgres) answers, a Durable Object answers, the queue producers are bound. */
ops.get("/health", async (c) => {
  const checks: Record<string, "ok" | string> = {};
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      checks[name] = "ok";
    } catch (err) {
      checks[name] = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
  };
  await Promise.all([
    timed("store", () => c.var.store.ping()),
    timed("tenant_do", () => unattributedStub(c.env).ping()),
    timed("queues", async () => {
      for (const q of [c.env.INBOUND_QUEUE, c.env.OUTBOUND_QUEUE, c.env.JOBS_QUEUE]) if (typeof q?.send !== "function") throw new Error("queue binding missing");
    }),
  ]);
  const ok = Object.values(checks).every((v) => v === "ok");
  return c.json({ status: ok ? "ok" : "degraded", checks }, ok ? 200 : 503);
});

const withCompany = (snap: MetricSnapshot, company: string): MetricSnapshot => ({
  counters: snap.counters.map((s) => ({ ...s, labels: { ...s.labels, company } })),
  histograms: snap.histograms.map((s) => ({ ...s, labels: { ...s.labels, company } })),
});

/**
 * Prometheus text 0.0.4. Counts live in each tenant's Durable Object (exact across isolates); a
 * scrape asks every tenant plus the unattributed bucket and merges.
 */
ops.get("/metrics", async (c) => {
  if (c.env.METRICS_TOKEN) {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!(await safeEqual(token, c.env.METRICS_TOKEN))) throw new AppError(401, "unauthorized", "Missing or wrong metrics token");
  }
  const companies = await c.get("store").companies.list();
  const store = c.get("store");
  const now = Date.now();
  const snaps = await Promise.all([
    ...companies.map(async (co) => {
      const snap = await tenantStub(c.env, co.id).metricsSnapshot();
      // Computed at scrape time from D1: a gauge of conversations past the tenant's SLA, for alerting.
      const sla = readProfile(await store.profiles.get(co.id)).handoff.slaMinutes;
      snap.counters.push({ metric: "secretaria_handoffs_overdue", labels: {}, value: await store.conversations.countOverdueHandoffs(co.id, now - sla * 60_000) });
      // The last analysis' attendance per weekday × hour, for a Grafana heatmap.
      for (const i of await store.scheduling.insights(co.id)) {
        snap.counters.push({
          metric: "secretaria_agenda_attendance_rate",
          labels: { weekday: WEEKDAY_KEYS[i.weekday] ?? String(i.weekday), hour: String(i.hour) },
          value: i.attendanceRate,
        });
      }
      return withCompany(snap, co.slug);
    }),
    unattributedStub(c.env)
      .metricsSnapshot()
      .then((s) => withCompany(s, UNATTRIBUTED_COMPANY_LABEL)),
  ]);
  return c.body(renderPrometheus(mergeSnapshots(snaps)), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
});

import { createExecutionContext, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { metricsStub, PUSH_DELAY_MS, type MetricsPush } from "../../src/metrics/push";
import { SqlMetrics } from "../../src/metrics/sql-metrics";
import { validateExposition } from "../../src/metrics/validate";
import { tenantStub } from "../../src/tenants/stubs";
import { metricsText, seedCompany, seriesValue, store } from "../support/helpers";

/** A scrape without the tests' flush: only what the tenants' own alarms have pushed. */
const scrape = async () => (await exports.default.fetch("http://localhost/metrics")).text();
const pushRow = (sql: SqlStorage) => sql.exec<{ due_at: number }>(`SELECT due_at FROM schedule WHERE key = 'metrics'`).toArray()[0]?.due_at ?? null;

describe("the metrics push", () => {
  it("reaches the aggregate from the tenant's alarm a few seconds after a change, not at scrape time", async () => {
    const co = await seedCompany({ slug: "push-alarm" });
    const stub = tenantStub(env, co.id);
    await stub.record([{ metric: "secretaria_opt_outs_total", labels: {}, inc: 2 }]);
    expect(seriesValue(await scrape(), "secretaria_opt_outs_total", { company: "push-alarm" })).toBe(0);

    // Planned PUSH_DELAY_MS out; run the alarm as if that time had come.
    await runInDurableObject(stub, (_i, state) => {
      const due = pushRow(state.storage.sql);
      expect(due).not.toBeNull();
      expect((due ?? 0) - Date.now()).toBeLessThanOrEqual(PUSH_DELAY_MS);
      state.storage.sql.exec(`UPDATE schedule SET due_at = 0 WHERE key = 'metrics'`);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const text = await scrape();
    expect(seriesValue(text, "secretaria_opt_outs_total", { company: "push-alarm" })).toBe(2);
    expect(seriesValue(text, "secretaria_metrics_last_push_timestamp_seconds", { company: "push-alarm" })).toBeGreaterThan(1_700_000_000);
    // Nothing changed since: the next push is a heartbeat, not another one in a few seconds.
    await runInDurableObject(stub, (_i, state) => expect((pushRow(state.storage.sql) ?? 0) - Date.now()).toBeGreaterThan(PUSH_DELAY_MS));
  });

  it("ships only the series that changed since the last push", async () => {
    const co = await seedCompany({ slug: "push-delta" });
    const stub = tenantStub(env, co.id);
    await stub.record([
      { metric: "secretaria_turns_total", labels: { intent: "greeting" }, inc: 1 },
      { metric: "secretaria_handoffs_total", labels: { trigger: "asked" }, inc: 1 },
    ]);
    await stub.flushMetrics();
    await stub.record([{ metric: "secretaria_turns_total", labels: { intent: "greeting" }, inc: 1 }]);
    await runInDurableObject(stub, (_i, state) => {
      const m = new SqlMetrics(state.storage.sql);
      const changed = m.changedSince(m.state().pushedSeq);
      expect(changed.counters.map((c) => [c.metric, c.value])).toEqual([["secretaria_turns_total", 2]]);
    });
    await stub.flushMetrics();
    const text = await scrape();
    expect(seriesValue(text, "secretaria_turns_total", { company: "push-delta", intent: "greeting" })).toBe(2);
    expect(seriesValue(text, "secretaria_handoffs_total", { company: "push-delta", trigger: "asked" })).toBe(1);
  });

  it("is idempotent: a repeated push or one finishing after a newer one never moves a series back", async () => {
    const co = await seedCompany({ slug: "push-order" });
    const push = (seq: number, value: number): MetricsPush => ({
      owner: `company:${co.id}`,
      seq,
      counters: [{ metric: "secretaria_opt_outs_total", labels: "{}", value, seq }],
      histograms: [],
      gauges: [{ metric: "secretaria_queue_backlog", labels: '{"queue":"inbound"}', value: seq }],
      idle: false,
    });
    const agg = metricsStub(env);
    await agg.push(push(5, 10));
    await agg.push(push(3, 7)); // late
    await agg.push(push(5, 10)); // retried
    const text = await scrape();
    expect(seriesValue(text, "secretaria_opt_outs_total", { company: "push-order" })).toBe(10);
    expect(seriesValue(text, "secretaria_queue_backlog", { company: "push-order", queue: "inbound" })).toBe(5);
  });

  it("stops waking an idle tenant, and then reports no push timestamp for it (nothing is expected)", async () => {
    const co = await seedCompany({ slug: "push-idle" });
    const stub = tenantStub(env, co.id);
    await stub.record([{ metric: "secretaria_opt_outs_total", labels: {}, inc: 1 }]);
    await stub.flushMetrics();
    expect(seriesValue(await scrape(), "secretaria_metrics_last_push_timestamp_seconds", { company: "push-idle" })).toBeGreaterThan(0);
    // A day without changes.
    await runInDurableObject(stub, (_i, state) => state.storage.sql.exec(`UPDATE metric_push SET changed_at = 0`));
    await stub.flushMetrics();
    await runInDurableObject(stub, (_i, state) => expect(pushRow(state.storage.sql)).toBeNull());
    const text = await scrape();
    expect(text).not.toContain(`secretaria_metrics_last_push_timestamp_seconds{company="push-idle"}`);
    expect(seriesValue(text, "secretaria_opt_outs_total", { company: "push-idle" })).toBe(1);
  });
});

describe("gauges on GET /metrics", () => {
  it("reports turns waiting on the lanes, unsent replies, pending dead letters, stored rows and overdue handoffs per tenant", async () => {
    const co = await seedCompany({ slug: "gauges" });
    const quiet = await seedCompany({ slug: "gauges-quiet" });
    const s = store();
    await s.profiles.put(co.id, { handoff: { slaMinutes: 1 } }, Date.now());
    const contact = await s.contacts.upsertInbound(co.id, { phone: "5511987651001", at: Date.now() });
    const conv = await s.conversations.open(co.id, contact.id, Date.now());
    await s.conversations.handoff(co.id, conv.id, "asked", Date.now() - 5 * 60_000);
    await s.messages.insertOutbound(co.id, {
      conversationId: conv.id,
      contactId: contact.id,
      channel: "sandbox",
      clientRef: "g-1:0",
      payload: { kind: "text", text: "Olá" },
      correlationId: "c-1",
    });
    await s.deadLetters.insert(co.id, { queue: "outbound", payload: {}, reason: "boom", attempts: 6, dedupKey: "g-dl-1" });
    // Two contacts with messages waiting on their lanes.
    await runInDurableObject(tenantStub(env, co.id), (_i, state) => {
      for (const who of ["5511987651002", "5511987651003"])
        state.storage.sql.exec(`INSERT INTO pending (contact, channel, body, received_at, bytes) VALUES (?, 'sandbox', '{"text":"Oi"}', ?, 13)`, who, Date.now());
    });

    const text = await metricsText({ rowCounts: true });
    const v = (name: string, labels: Record<string, string>) => seriesValue(text, name, labels);
    expect(v("secretaria_queue_backlog", { company: "gauges", queue: "inbound" })).toBe(2);
    expect(v("secretaria_queue_backlog", { company: "gauges", queue: "outbound" })).toBe(1);
    expect(v("secretaria_dead_letters_pending", { company: "gauges" })).toBe(1);
    expect(v("secretaria_handoffs_overdue", { company: "gauges" })).toBe(1);
    expect(v("secretaria_store_rows", { company: "gauges", table: "messages" })).toBe(1);
    expect(v("secretaria_store_rows", { company: "gauges", table: "contacts" })).toBe(1);
    expect(v("secretaria_store_rows", { company: "gauges", table: "dead_letters" })).toBe(1);
    // A tenant with nothing still has its series, at 0, so alerts and dashboards see it.
    expect(text).toContain(`secretaria_dead_letters_pending{company="gauges-quiet"} 0`);
    expect(text).toContain(`secretaria_store_rows{company="gauges-quiet",table="messages"} 0`);
    expect(v("secretaria_handoffs_overdue", { company: "gauges-quiet" })).toBe(0);
    expect(quiet.slug).toBe("gauges-quiet");
    expect(validateExposition(text)).toEqual([]);
  });
});

describe("METRICS_TOKEN", () => {
  const get = (e: Partial<Env>, headers: Record<string, string> = {}) => app.request("/metrics", { headers }, { ...env, ...e }, createExecutionContext());

  it("is required wherever the Worker is not in local development", async () => {
    const refused = await get({ ENVIRONMENT: "production", METRICS_TOKEN: "" });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("metrics_token_required");
    expect((await get({ ENVIRONMENT: "production", METRICS_TOKEN: "s3cret" })).status).toBe(401);
    expect((await get({ ENVIRONMENT: "production", METRICS_TOKEN: "s3cret" }, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await get({ ENVIRONMENT: "production", METRICS_TOKEN: "s3cret" }, { authorization: "Bearer s3cret" })).status).toBe(200);
    expect((await get({ ENVIRONMENT: "development", METRICS_TOKEN: "" })).status).toBe(200);
  });

  it("is reported by /health when missing where deployed", async () => {
    const res = await app.request("/health", {}, { ...env, ENVIRONMENT: "production", METRICS_TOKEN: "" }, createExecutionContext());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; reasons: string[] };
    expect(body.status).toBe("degraded");
    expect(body.reasons.join(" ")).toMatch(/METRICS_TOKEN/);
  });
});

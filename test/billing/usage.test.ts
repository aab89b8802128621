import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { nextPeriodStart, periodOf } from "../../src/billing/period";
import { tenantStub } from "../../src/tenants/stubs";
import { hooksReceived, putConfig } from "../support/ai";
import { api, drained, eventually, ingressBody, outbox, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { subscribed } from "./support";

const period = () => periodOf(Date.now(), "America/Sao_Paulo");

describe("usage periods", () => {
  it("are months in the tenant's time zone", () => {
    expect(periodOf(Date.parse("2026-12-01T02:59:00Z"), "America/Sao_Paulo")).toBe("2026-11");
    expect(periodOf(Date.parse("2026-12-01T03:00:00Z"), "America/Sao_Paulo")).toBe("2026-12");
    expect(periodOf(Date.parse("2026-11-30T19:00:00Z"), "Asia/Kolkata")).toBe("2026-12"); // +05:30
    expect(new Date(nextPeriodStart(Date.parse("2026-12-15T12:00:00Z"), "America/Sao_Paulo")).toISOString()).toBe("2027-01-01T03:00:00.000Z");
    expect(new Date(nextPeriodStart(Date.parse("2026-03-15T12:00:00Z"), "Europe/Lisbon")).toISOString()).toBe("2026-03-31T23:00:00.000Z");
  });
});

describe("usage counted in the tenant's DO", () => {
  let companyId = 0;
  const PHONE = "5511987650301";
  beforeAll(async () => {
    companyId = (await seedCompany({ slug: "usage-a" })).id;
  });

  it("counts a message delivered twice by the queue once, and its reply once, with no store write until the flush", async () => {
    const body = ingressBody(companyId, PHONE, "Oi, bom dia");
    await env.INBOUND_QUEUE.send(body, { contentType: "json" });
    await env.INBOUND_QUEUE.send(body, { contentType: "json" }); // the queue's at-least-once redelivery
    await drained("usage-a");
    await eventually(async () => expect((await outbox("usage-a", PHONE)).filter((m) => m.status === "accepted")).toHaveLength(1));
    // The reply's send job delivered again: the outbox claims nothing, nothing is counted.
    const [sent] = await sqlRows<{ id: number; correlation_id: string }>(`SELECT id, correlation_id FROM messages WHERE company_id = ? AND direction = 'out'`, companyId);
    await env.OUTBOUND_QUEUE.send({ kind: "send", companyId, messageId: sent?.id ?? 0, correlationId: sent?.correlation_id ?? "x", generation: 0 }, { contentType: "json" });
    await drained("usage-a");

    expect(await store().usage.get(companyId, period())).toEqual({ messages: 0, llm_tokens: 0 });
    expect(await tenantStub(env, companyId).pendingUsage("America/Sao_Paulo")).toEqual({ messages: 2, llm_tokens: 0 });
    const view = (await (await api("/api/billing", { tenant: "usage-a" })).json()) as { usage: { messages: { used: number } } };
    expect(view.usage.messages.used).toBe(2); // the API adds what the DO has not flushed yet

    await tenantStub(env, companyId).flushUsage();
    expect(await store().usage.get(companyId, period())).toEqual({ messages: 2, llm_tokens: 0 });
    expect(await tenantStub(env, companyId).pendingUsage("America/Sao_Paulo")).toEqual({ messages: 0, llm_tokens: 0 });
    await tenantStub(env, companyId).flushUsage(); // nothing pending: nothing added twice
    expect(await store().usage.get(companyId, period())).toEqual({ messages: 2, llm_tokens: 0 });
  });
});

describe("quota alerts", () => {
  let companyId = 0;
  beforeAll(async () => {
    companyId = (await seedCompany({ slug: "usage-alerts" })).id;
    await putConfig("usage-alerts", "handoff", { notifyUrl: "http://hooks.fake.test/slack/usage-alerts" });
    await subscribed(companyId, "trial"); // 300 messages, pause_outbound
  });
  const say = async (phone: string) => {
    await env.INBOUND_QUEUE.send(ingressBody(companyId, phone, "Oi"), { contentType: "json" });
    await drained("usage-alerts");
    await eventually(async () => expect((await outbox("usage-alerts", phone)).some((m) => m.status === "accepted")).toBe(true));
  };

  it("fire at 80 % and at 100 %, once each, to the notify URL and in the API", async () => {
    await store().usage.add(companyId, period(), { messages: 238 }, Date.now());
    await say("5511987650311"); // + inbound + reply = 240 = 80 %
    const stub = tenantStub(env, companyId);
    expect((await stub.flushUsage())?.fired).toEqual([{ metric: "messages", threshold: 80 }]);
    expect((await stub.flushUsage())?.fired).toEqual([]);
    await store().usage.add(companyId, period(), { messages: 58 }, Date.now());
    await say("5511987650312"); // 300 = 100 %
    const full = await stub.flushUsage();
    expect(full?.fired).toEqual([{ metric: "messages", threshold: 100 }]);
    expect(full?.state).toMatchObject({ llmOff: false, outboundPaused: true });
    await say("5511987650313"); // past 100 %: replies to inbound still go out, no alert again
    expect((await stub.flushUsage())?.fired).toEqual([]);

    await eventually(async () => {
      const got = (await hooksReceived("/slack/usage-alerts")).filter((h) => h.secretaria?.event === "billing.quota");
      expect(got.map((h) => h.secretaria?.threshold)).toEqual([80, 100]);
      expect(got[0]?.text).toContain("80% da cota de mensagens do plano Teste (240 de 300)");
    });
    const view = (await (await api("/api/billing", { tenant: "usage-alerts" })).json()) as {
      plan: { code: string };
      usage: Record<string, { used: number; quota: number | null; percent: number | null }>;
      alerts: { metric: string; threshold: number }[];
      over_quota: { llm_off: boolean; outbound_paused: boolean };
    };
    expect(view.plan.code).toBe("trial");
    expect(view.usage.messages).toEqual({ used: 302, quota: 300, percent: 100 });
    expect(view.usage.contacts).toMatchObject({ used: 3, quota: 200 });
    expect(view.alerts.map((a) => [a.metric, a.threshold])).toEqual([
      ["messages", 80],
      ["messages", 100],
    ]);
    expect(view.over_quota).toEqual({ llm_off: false, outbound_paused: true });
  });
});

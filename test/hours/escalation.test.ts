import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { alertsJob } from "../../src/jobs/alerts";
import { handoffEscalation } from "../../src/jobs/escalation";
import { HANDLERS } from "../../src/jobs/handlers";
import { jobByName } from "../../src/jobs/table";
import type { JobRun } from "../../src/jobs/types";
import { sha256Hex } from "../../src/lib/crypto";
import type { Company } from "../../src/store/types";
import { api, eventually, metricsText, seedCompany, seriesValue, store } from "../support/helpers";
import { hooksReceived, putConfig } from "../support/ai";

const SP = "America/Sao_Paulo";
const MIN = 60_000;
const ms = (iso: string) => Date.parse(iso);
const FRI_1750 = ms("2026-12-04T20:50:00Z"); // Friday 17:50 in São Paulo
const SAT = ms("2026-12-05T15:00:00Z");
const MON_0806 = ms("2026-12-07T11:06:00Z");
const weekdays = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [{ start: "08:00", end: "18:00" }]]));

const run = (name: "handoff_escalation" | "alerts", at: number, paused: number[] = []): JobRun => {
  const job = jobByName(name);
  if (!job) throw new Error(name);
  return { env, store: store(), job, scheduledFor: at, company: null, pausedTenants: new Set(paused) };
};

async function tenant(slug: string): Promise<Company> {
  const co = await seedCompany({ slug, timeZone: SP });
  await putConfig(slug, "handoff", { slaMinutes: 15, notifyUrl: `http://hooks.fake.test/slack/${slug}` });
  await putConfig(slug, "business-hours", { enabled: true, weekly: weekdays, holidays: [], quiet: { start: "20:00", end: "08:00" } });
  return co;
}

async function handedOver(co: Company, phone: string, at: number, name = "Maria Souza") {
  const contact = await store().contacts.upsertInbound(co.id, { phone, name, at });
  const conv = await store().conversations.open(co.id, contact.id, at);
  expect(await store().conversations.handoff(co.id, conv.id, "human_request", at, null)).toBe(true);
  return conv;
}

describe("handoff escalation (every 15 min)", () => {
  it("is registered for both jobs", () => {
    expect(HANDLERS.handoff_escalation).toBe(handoffEscalation);
    expect(HANDLERS.alerts).toBe(alertsJob);
  });

  it("Friday 17:50 with a 15 min SLA: nothing on Saturday, one notice on Monday 08:06, none on a second run; a new handoff escalates again", async () => {
    const co = await tenant("esc");
    const conv = await handedOver(co, "5511987651001", FRI_1750);
    expect((await handoffEscalation(run("handoff_escalation", SAT))).items).toBe(0);
    expect((await handoffEscalation(run("handoff_escalation", MON_0806))).items).toBe(1);
    expect((await handoffEscalation(run("handoff_escalation", MON_0806 + 15 * MIN))).items).toBe(0);
    const [notice] = await eventually(async () => {
      const r = await hooksReceived("/slack/esc");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notice?.text).toContain("aguardando há 16 min em horário de atendimento (SLA 15 min)");
    expect(notice?.text).toContain("Maria (55119****1001)");
    expect(notice?.text).not.toContain("5511987651001");
    expect(notice?.text).toContain("na fila da equipe");
    expect(notice?.secretaria).toMatchObject({ event: "conversation.escalated", conversation_id: conv.id, waited_business_minutes: 16, assignee: null });
    expect(seriesValue(await metricsText(), "secretaria_handoff_escalations_total", { company: "esc" })).toBe(1);

    // Back with the bot and handed over again: escalated_at was cleared, so the new wait is notified.
    await store().conversations.release(co.id, conv.id);
    const again = MON_0806 + 60 * MIN;
    expect(await store().conversations.handoff(co.id, conv.id, "keyword", again, null)).toBe(true);
    expect((await handoffEscalation(run("handoff_escalation", again + 10 * MIN))).items).toBe(0);
    expect((await handoffEscalation(run("handoff_escalation", again + 16 * MIN))).items).toBe(1);
    await eventually(async () => expect(await hooksReceived("/slack/esc")).toHaveLength(2));
  });

  it("names the assignee, and leaves a paused tenant alone (until it is resumed)", async () => {
    const co = await tenant("esc-assigned");
    const paused = await tenant("esc-paused");
    const ana = await store().users.create({ companyId: co.id, email: `ana-${Date.now()}@example.test`, name: "Ana Recepção", role: "agent" });
    if (!ana) throw new Error("user not created");
    const conv = await handedOver(co, "5511987651002", FRI_1750);
    await store().conversations.assign(co.id, conv.id, ana.id, FRI_1750);
    await handedOver(paused, "5511987651003", FRI_1750);
    expect((await handoffEscalation(run("handoff_escalation", MON_0806, [paused.id]))).items).toBe(1);
    const [notice] = await eventually(async () => {
      const r = await hooksReceived("/slack/esc-assigned");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notice?.text).toContain("atendente: Ana Recepção");
    expect(await hooksReceived("/slack/esc-paused")).toHaveLength(0);
    expect((await handoffEscalation(run("handoff_escalation", MON_0806 + 15 * MIN))).items).toBe(1);
  });
});

describe("alerts (every 30 min)", () => {
  it("fire once per key, notify the tenant, list and resolve through the API; another tenant's token cannot", async () => {
    const co = await tenant("alrt");
    const now = Date.now();
    for (let i = 0; i < 2; i++) await store().deadLetters.insert(co.id, { queue: "outbound", payload: {}, reason: "boom", attempts: 3, dedupKey: `alrt-${i}-${now}` });
    // Three handoffs waiting well past the SLA (wall clock: business hours off for this one).
    await putConfig("alrt", "business-hours", { enabled: false, weekly: {}, holidays: [], quiet: { start: "20:00", end: "08:00" } });
    for (const p of ["5511987652001", "5511987652002", "5511987652003"]) await handedOver(co, p, now - 60 * MIN);

    const first = await alertsJob(run("alerts", now));
    expect(first.items).toBe(2);
    expect((await alertsJob(run("alerts", now + 60_000))).items).toBe(0); // same local hour: same keys
    const received = await eventually(async () => {
      const r = await hooksReceived("/slack/alrt");
      expect(r).toHaveLength(2);
      return r;
    });
    expect(received.map((r) => r.secretaria?.kind).sort()).toEqual(["dead_letters", "handoff_backlog"]);
    expect(received.find((r) => r.secretaria?.kind === "dead_letters")?.text).toContain("2 mensagem(ns)");
    expect(seriesValue(await metricsText(), "secretaria_tenant_alerts_total", { company: "alrt", kind: "dead_letters" })).toBe(1);

    const list = (await (await api("/api/alerts", { tenant: "alrt" })).json()) as { alerts: { id: number; kind: string; resolved_at: string | null }[] };
    expect(list.alerts.map((a) => a.kind).sort()).toEqual(["dead_letters", "handoff_backlog"]);
    const id = list.alerts[0]?.id ?? 0;

    const other = await seedCompany({ slug: "alrt-other" });
    await store().apiTokens.create(other.id, await sha256Hex("token-alrt-other"), "t");
    const asOther = { authorization: "Bearer token-alrt-other" };
    expect(((await (await api("/api/alerts", { headers: asOther })).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect((await api(`/api/alerts/${id}/resolve`, { method: "POST", headers: asOther })).status).toBe(404);
    expect((await api(`/api/alerts/${id}/resolve`, { method: "POST", tenant: "alrt" })).status).toBe(200);
    const open = (await (await api("/api/alerts?open=true", { tenant: "alrt" })).json()) as { alerts: { id: number }[] };
    expect(open.alerts.map((a) => a.id)).not.toContain(id);
    expect((await api("/api/alerts/abc/resolve", { method: "POST", tenant: "alrt" })).status).toBe(400);
  });

  it("a paused tenant gets no alert", async () => {
    const co = await tenant("alrt-paused");
    await store().deadLetters.insert(co.id, { queue: "outbound", payload: {}, reason: "boom", attempts: 3, dedupKey: `alrtp-${Date.now()}` });
    await alertsJob(run("alerts", Date.now(), [co.id]));
    expect(await store().alerts.list(co.id, { limit: 10 })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { runCampaignBatch } from "../../src/campaigns/send";
import { runCampaignWindow } from "../../src/campaigns/window";
import { api, eventually, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { capturingEnv, contact, createCampaign, DAY, json, move, tenant, windowRun } from "./support";

const MIN = 60_000;
type Stored = {
  contact_id: number;
  status: string;
  /** JSON text on D1, an object on Postgres. */
  payload: unknown;
  provider_message_id: string | null;
};
const stored = (companyId: number) =>
  sqlRows<Stored>("SELECT contact_id, status, payload, provider_message_id FROM messages WHERE company_id = ? AND purpose = 'campaign' ORDER BY id", companyId);

describe("campaign sending: who is skipped, what goes outside the 24 h window, and the results", () => {
  it("skips at send time a contact who opted out or was handed to a person after the start, with the reason", async () => {
    const a = await tenant("camp-res-skip");
    const [k1, k2, k3] = [await contact(a, { labels: ["x"] }), await contact(a, { labels: ["x"] }), await contact(a, { labels: ["x"] })];
    const id = await createCampaign(a.slug, { audience: { labels: ["x"] }, throttle_per_minute: 1 });
    await move(a.slug, id, "schedule");
    const { env, queued } = capturingEnv();
    const t0 = Date.now();
    expect((await runCampaignWindow(windowRun(env, a, "campaigns_morning", t0))).items).toBe(1);
    expect((await api(`/api/contacts/${k2!.id}/opt-out`, { method: "POST", tenant: a.slug })).status).toBe(200);
    const conv = await store().conversations.open(a.id, k3!.id, Date.now());
    await store().conversations.handoff(a.id, conv.id, "pediu atendente", Date.now());
    expect(await runCampaignBatch(env, store(), queued[0]!.job, t0 + MIN)).toMatchObject({ sent: 0, skipped: 1 });
    expect(await runCampaignBatch(env, store(), queued[1]!.job, t0 + 2 * MIN)).toMatchObject({ sent: 0, skipped: 1, stopped: "completed" });
    const detail = await json<{ results: { sent: number; skipped: number; skip_reasons: Record<string, number> } }>(api(`/api/campaigns/${id}`, { tenant: a.slug }));
    expect(detail.results).toMatchObject({ sent: 1, skipped: 2, skip_reasons: { opted_out: 1, human_handoff: 1 } });
    expect((await stored(a.id)).map((m) => m.contact_id)).toEqual([k1!.id]);
  });

  it("outside the 24 h window sends the campaign's template (variables filled); without one deliver.ts holds the text", async () => {
    const a = await tenant("camp-res-template");
    const inside = await contact(a, { labels: ["t"], name: "Rita Souza", daysAgo: 0.2 });
    const outside = await contact(a, { labels: ["t"], name: "Joana Prado", daysAgo: 3 });
    const withTemplate = await createCampaign(a.slug, {
      audience: { labels: ["t"] },
      template: { name: "reativacao_outubro", language: "pt_BR", parameters: ["{nome}", "{empresa}"] },
    });
    await move(a.slug, withTemplate, "schedule");
    const { env } = capturingEnv();
    await runCampaignWindow(windowRun(env, a, "campaigns_morning", Date.now()));
    await eventually(async () => {
      const rows = await stored(a.id);
      expect(rows.map((m) => m.status).every((s) => s === "accepted" || s === "sent")).toBe(true);
      const byContact = new Map(rows.map((m) => [m.contact_id, typeof m.payload === "string" ? JSON.parse(m.payload) : m.payload]));
      expect(byContact.get(inside.id)).toEqual({ kind: "text", text: `Oi Rita, saudades! — ${a.name}` });
      expect(byContact.get(outside.id)).toEqual({ kind: "template", name: "reativacao_outubro", language: "pt_BR", parameters: ["Joana", a.name] });
    });

    // No campaign template and none for the purpose in the profile: the closed window holds it.
    const b = await tenant("camp-res-held");
    const far = await contact(b, { labels: ["t"], daysAgo: 5 });
    const plain = await createCampaign(b.slug, { audience: { labels: ["t"] } });
    await move(b.slug, plain, "schedule");
    await runCampaignWindow(windowRun(env, b, "campaigns_morning", Date.now()));
    await eventually(async () => expect((await stored(b.id)).map((m) => [m.contact_id, m.status])).toEqual([[far.id, "held"]]));
    const detail = await json<{ results: { sent: number; held: number } }>(api(`/api/campaigns/${plain}`, { tenant: b.slug }));
    expect(detail.results).toMatchObject({ sent: 1, held: 1 });
  });

  it("counts delivered, read, replied, booked within 7 days and opted out after it, from grouped queries", async () => {
    const a = await tenant("camp-res-results");
    const ks = [];
    for (let i = 0; i < 4; i++) ks.push(await contact(a, { labels: ["r"] }));
    const id = await createCampaign(a.slug, { audience: { labels: ["r"] } });
    await move(a.slug, id, "schedule");
    const { env } = capturingEnv();
    const t0 = Date.now();
    await runCampaignWindow(windowRun(env, a, "campaigns_morning", t0));
    await eventually(async () => expect((await stored(a.id)).filter((m) => m.provider_message_id)).toHaveLength(4));
    const rows = await stored(a.id);
    const s = store();
    const pmid = (k: { id: number }) => rows.find((m) => m.contact_id === k.id)?.provider_message_id ?? "";
    // Delivered to three, read by two; the first answered, the second booked, the third opted out.
    for (const k of ks.slice(0, 3)) await s.messages.applyStatus(a.id, pmid(k), "delivered", null, Date.now());
    for (const k of ks.slice(0, 2)) await s.messages.applyStatus(a.id, pmid(k), "read", null, Date.now());
    const conv = await s.conversations.open(a.id, ks[0]!.id, Date.now());
    await new Promise((r) => setTimeout(r, 5));
    await s.messages.insertInbound(a.id, {
      conversationId: conv.id,
      contactId: ks[0]!.id,
      channel: "sandbox",
      providerMessageId: `wamid.camp-${crypto.randomUUID()}`,
      type: "text",
      body: "Quero sim!",
      unanswered: null,
      correlationId: "camp",
      providerTimestamp: Date.now(),
    });
    const start = Date.now() + 3 * DAY;
    await s.appointments.create(a.id, {
      contactId: ks[1]!.id,
      provider: "builtin",
      bookingUid: `camp-bk-${crypto.randomUUID()}`,
      startsAt: start,
      endsAt: start + 1_800_000,
      source: "whatsapp",
      bookedAt: Date.now() + 1,
    });
    // Booked too late (8 days after) does not count.
    await s.appointments.create(a.id, {
      contactId: ks[2]!.id,
      provider: "builtin",
      bookingUid: `camp-bk-${crypto.randomUUID()}`,
      startsAt: start,
      endsAt: start + 1_800_000,
      source: "whatsapp",
      bookedAt: Date.now() + 8 * DAY,
    });
    await s.contacts.setOptedOut(a.id, ks[2]!.id, true);
    const detail = await json<{ results: Record<string, number> }>(api(`/api/campaigns/${id}`, { tenant: a.slug }));
    expect(detail.results).toMatchObject({ sent: 4, delivered: 3, read: 2, replied: 1, booked: 1, opted_out: 1, failed: 0 });
    const list = await json<{ campaigns: { id: number; status: string; progress: { total: number; sent: number; percent: number } }[] }>(api("/api/campaigns", { tenant: a.slug }));
    expect(list.campaigns.find((c) => c.id === id)).toMatchObject({ status: "completed", progress: { total: 4, sent: 4, percent: 100 } });
  });
});

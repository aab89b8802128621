import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publish } from "../../src/events/publish";
import { businessEvent } from "../../src/events/types";
import { moodOf, recentComplaint } from "../../src/feedback/mood";
import type { Company } from "../../src/store/types";
import { gemini, putConfig, sandboxSay } from "../support/ai";
import { eventually, metricsText, outbox, seriesValue, store } from "../support/helpers";
import { asToken, contact, json, tenant, tokenOf } from "../integrations/support";

interface IngestAnswer {
  stored: number;
  duplicates: number;
  rejected: number;
  results: { index: number; external_id: string | null; status: string; code?: string }[];
}
const ingest = async (token: string, body: unknown) => {
  const res = await asToken(token, "/api/feedback/ingest", { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as IngestAnswer;
};
const contactWithPhone = async (company: Company, phone: string) => store().contacts.upsertInbound(company.id, { phone, name: "Maria Souza", at: Date.now() - 86_400_000 });

describe("POST /api/feedback/ingest", () => {
  it("stores the good items of a batch, gives each bad one its code, and stores a resent item once", async () => {
    const a = await tenant("fb-ingest");
    const b = await tenant("fb-ingest-other");
    const maria = await contactWithPhone(a, "5511987650101");
    const joao = await contact(a);
    const stranger = await contact(b);
    const token = await tokenOf(a, ["feedback:write"]);
    const items = [
      { external_id: "resp-1", source: "typeform", phone: "+55 (11) 98765-0101", nps: 10, comment: "Atendimento excelente, recomendo!", created_at: "2026-11-30T14:00:00-03:00" },
      { external_id: "resp-2", source: "typeform", contact_id: joao.id, comment: "Demora absurda na recepção, péssimo." },
      { external_id: "resp-3", source: "typeform", phone: "5511900000000", nps: 3 },
      { external_id: "resp-4", source: "typeform", contact_id: stranger.id, nps: 8 },
      { external_id: "resp-5", source: "typeform", nps: 9 },
      { external_id: "resp-6", source: "typeform", contact_id: joao.id },
      { external_id: "resp-7", source: "typeform", contact_id: joao.id, nps: 11 },
      { external_id: "resp-8", source: "typeform", phone: "ligar depois", nps: 5 },
      { external_id: "resp-9", source: "typeform", contact_id: joao.id, nps: 5, created_at: "2027-06-01T00:00:00Z" },
      { external_id: "resp-1", source: "typeform", contact_id: joao.id, nps: 1 },
      "not an item",
    ];
    const first = await ingest(token, { items });
    expect(first.results.map((r) => [r.index, r.status, r.code ?? null])).toEqual([
      [0, "stored", null],
      [1, "stored", null],
      [2, "rejected", "contact_not_found"],
      [3, "rejected", "contact_not_found"],
      [4, "rejected", "contact_required"],
      [5, "rejected", "score_required"],
      [6, "rejected", "invalid_item"],
      [7, "rejected", "invalid_phone"],
      [8, "rejected", "invalid_created_at"],
      [9, "rejected", "duplicate_in_batch"],
      [10, "rejected", "invalid_item"],
    ]);
    expect([first.stored, first.duplicates, first.rejected]).toEqual([2, 0, 9]);
    const rows = await store().satisfaction.list(a.id, { limit: 10 });
    expect(rows.map((r) => [r.contactId, r.kind, r.nps, r.score, r.source, r.externalId])).toEqual([
      [joao.id, "comment", null, expect.any(Number), "typeform", "resp-2"],
      [maria.id, "nps", 10, 1, "typeform", "resp-1"],
    ]);
    expect(rows[0]?.score).toBeLessThan(0);
    expect(rows[1]?.createdAt).toBe(Date.parse("2026-11-30T17:00:00Z"));

    // Sent again (a retry of the external system): stored once; a single item works too.
    const again = await ingest(token, items.slice(0, 2));
    expect([again.stored, again.duplicates]).toEqual([0, 2]);
    const single = await ingest(token, { external_id: "resp-1", source: "hubspot", contact_id: joao.id, nps: 6 });
    expect(single.stored).toBe(1);
    expect(await store().satisfaction.list(a.id, { limit: 10 })).toHaveLength(3);
    expect(await store().satisfaction.list(b.id, { limit: 10 })).toEqual([]);
    // The detractor and the complaint mark their contacts; the promoter does not.
    expect(recentComplaint((await store().contacts.byId(a.id, joao.id))!, Date.now())).toBe(true);
    expect(moodOf((await store().contacts.byId(a.id, maria.id))!)).toMatchObject({ negative: false, source: "typeform" });
    const m = await metricsText();
    expect(seriesValue(m, "secretaria_feedback_nps_responses_total", { company: a.slug, category: "promoter" })).toBe(1);
    expect(seriesValue(m, "secretaria_feedback_nps_responses_total", { company: a.slug, category: "detractor" })).toBe(1);
    expect(seriesValue(m, "secretaria_feedback_ingested_total", { company: a.slug, outcome: "rejected" })).toBe(9);
    expect(seriesValue(m, "secretaria_feedback_ingested_total", { company: a.slug, outcome: "duplicate" })).toBe(2);
  });

  it("refuses a body that is no batch, and callers without feedback:write", async () => {
    const a = await tenant("fb-auth");
    const k = await contact(a);
    const token = await tokenOf(a);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ external_id: `x${i}`, source: "s", contact_id: k.id, nps: 9 }));
    for (const body of ["[]", "42", '"texto"', JSON.stringify({ items: [] }), JSON.stringify(tooMany), "{not json"]) {
      const res = await asToken(token, "/api/feedback/ingest", { method: "POST", body });
      expect([body.slice(0, 20), res.status]).toEqual([body.slice(0, 20), 400]);
    }
    const reader = await tokenOf(a, ["feedback:read"]);
    const item = JSON.stringify({ external_id: "r1", source: "s", contact_id: k.id, nps: 9 });
    expect((await asToken(reader, "/api/feedback/ingest", { method: "POST", body: item })).status).toBe(403);
    expect((await asToken(reader, "/api/feedback/summary")).status).toBe(200);
    const integrator = await tokenOf(a, ["integrations:*"]);
    expect((await asToken(integrator, "/api/feedback/ingest", { method: "POST", body: item })).status).toBe(403);
    expect((await asToken(integrator, "/api/feedback")).status).toBe(403);
    expect((await asToken(token, "/api/feedback/summary?from=2026-12-01&to=2026-11-01")).status).toBe(400);
  });
});

describe("GET /api/feedback/summary", () => {
  it("counts NPS (promoters − detractors) and follow-up satisfaction per local period, with recent comments", async () => {
    const a = await tenant("fb-summary");
    const k = await contact(a);
    const token = await tokenOf(a);
    const at = (iso: string) => ({ created_at: iso });
    // São Paulo is UTC−3: 01:30Z on the 2nd is still the 1st there.
    await ingest(token, [
      { external_id: "n1", source: "site", contact_id: k.id, nps: 10, ...at("2026-11-30T12:00:00Z") },
      { external_id: "n2", source: "site", contact_id: k.id, nps: 9, ...at("2026-11-30T13:00:00Z") },
      { external_id: "n3", source: "site", contact_id: k.id, nps: 7, ...at("2026-12-01T12:00:00Z") },
      { external_id: "n4", source: "site", contact_id: k.id, nps: 2, comment: "Fui mal atendida", ...at("2026-12-02T01:30:00Z") },
      { external_id: "c1", source: "site", contact_id: k.id, comment: "Gostei muito da doutora", ...at("2026-12-02T12:00:00Z") },
    ]);
    const s = store();
    await s.feedback.add(a.id, { appointmentId: null, contactId: k.id, kind: "followup_positive", score: 0.8, text: "foi ótimo" });
    await s.feedback.add(a.id, { appointmentId: null, contactId: k.id, kind: "followup_negative", score: -0.7, text: "não gostei" });
    await s.feedback.add(a.id, { appointmentId: null, contactId: k.id, kind: "followup_positive", score: 0.6, text: "tudo certo" });
    // The database stamps follow-up answers with its own clock: move them inside the window whatever day the test runs.
    await env.DB.prepare("UPDATE feedback_events SET created_at = ? WHERE company_id = ? AND kind LIKE 'followup%'").bind(Date.parse("2026-12-02T15:00:00Z"), a.id).run();

    type Figures = {
      nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
      followups: { answers: number; satisfaction: number | null };
      comments: number;
    };
    const sum = await json<{ total: Figures; periods: ({ period_start: string } & Figures)[]; recent_comments: { text: string }[] }>(
      asToken(token, "/api/feedback/summary?from=2026-11-30&to=2026-12-02&granularity=day"),
    );
    expect(sum.total.nps).toEqual({ responses: 4, promoters: 2, passives: 1, detractors: 1, score: 25 });
    expect(sum.total.followups).toMatchObject({ answers: 3, positive: 2, negative: 1, satisfaction: 66.7 });
    expect(sum.total.comments).toBe(1);
    expect(sum.periods.map((p) => [p.period_start, p.nps.responses, p.nps.score])).toEqual([
      ["2026-11-30", 2, 100],
      ["2026-12-01", 2, -50],
      ["2026-12-02", 0, null],
    ]);
    expect(sum.recent_comments.map((c) => c.text)).toEqual(["tudo certo", "não gostei", "foi ótimo", "Gostei muito da doutora", "Fui mal atendida"]);
    const week = await json<{ periods: { period_start: string }[] }>(asToken(token, "/api/feedback/summary?from=2026-11-30&to=2026-12-02&granularity=week"));
    expect(week.periods.map((p) => p.period_start)).toEqual(["2026-11-30"]);
    const other = await json<{ total: Figures }>(asToken(await tokenOf(await tenant("fb-summary-other")), "/api/feedback/summary?from=2026-11-30&to=2026-12-02"));
    expect(other.total.nps.responses).toBe(0);
  });
});

describe("the assistant's tone after a complaint", () => {
  it("a detractor NPS makes the next LLM replies more empathetic; a negative follow-up answer too", async () => {
    const a = await tenant("fb-tone");
    const KEY = "gemini-key-fb-tone";
    await putConfig(a.slug, "ai", { provider: "gemini", model: "gemini-2.0-flash", apiKey: KEY });
    await gemini.mode(KEY, "ok", "Claro! Posso ajudar com isso.");
    const phone = "5511987650777";
    await sandboxSay(a.slug, phone, "qual o endereço de vocês?");
    await eventually(async () => expect((await outbox(a.slug, phone)).filter((m) => m.status === "accepted")).toHaveLength(1));
    const before = (await gemini.requests(KEY))[0]?.systemInstruction?.parts[0]?.text ?? "";
    expect(before).not.toContain("unhappy");

    const token = await tokenOf(a, ["feedback:write"]);
    expect((await ingest(token, { external_id: "q-1", source: "pesquisa", phone, nps: 2, comment: "Esperei uma hora" })).stored).toBe(1);
    await sandboxSay(a.slug, phone, "vocês abrem sábado?");
    await eventually(async () => expect((await outbox(a.slug, phone)).filter((m) => m.status === "accepted")).toHaveLength(2));
    const after = (await gemini.requests(KEY))[1]?.systemInstruction?.parts[0]?.text ?? "";
    expect(after).toContain("recently told the business they were unhappy");
    expect(after).toContain("Empathy 10/10");
    // What the contact wrote never goes into the system prompt.
    expect(after).not.toContain("Esperei uma hora");

    // A negative follow-up answer marks a contact the same way (the mood subscriber).
    const other = await contact(a);
    await publish(env, store(), [
      businessEvent("followup.answered", a.id, "77", { appointment_id: null, contact_id: other.id, kind: "followup_negative", score: -0.8, text: "não gostei" }),
    ]);
    expect(recentComplaint((await store().contacts.byId(a.id, other.id))!, Date.now())).toBe(true);
  });
});

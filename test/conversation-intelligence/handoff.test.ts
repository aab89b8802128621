import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, eventually, metricsText, outbox, seedCompany, seriesValue, drained, store } from "../support/helpers";
import { hooksReceived, putConfig, sandboxSay } from "../support/ai";

interface ConversationView {
  id: number;
  status: string;
  contact: { phone: string } | null;
  handoff: { reason: string; first_human_reply_at: string | null } | null;
  messages?: { author: string; text: string; status: string }[];
}
const accepted = async (slug: string, phone: string) => (await outbox(slug, phone)).filter((m) => m.status === "accepted");

describe("human handoff", () => {
  it("asking for a person: bot steps back, tenant notified, human reply delivered, release brings the bot back", async () => {
    const company = await seedCompany({ slug: "ho" });
    await putConfig("ho", "handoff", { notifyUrl: "http://hooks.fake.test/slack/ho", slaMinutes: 15 });
    const phone = "5511987653001";

    await sandboxSay("ho", phone, "quero marcar uma limpeza");
    await eventually(async () => expect(await accepted("ho", phone)).toHaveLength(1));
    await sandboxSay("ho", phone, "quero falar com um atendente");
    const afterAsk = await eventually(async () => {
      const r = await accepted("ho", phone);
      expect(r).toHaveLength(2);
      return r;
    });
    expect(afterAsk[1]?.text).toMatch(/pessoa da equipe/);

    const [notice] = await eventually(async () => {
      const r = await hooksReceived("/slack/ho");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notice?.text).toMatch(/atendimento humano/);
    expect(notice?.text).toContain("55119****3001"); // never the full number
    expect(notice?.text).toContain("quero marcar uma limpeza");

    const list = (await (await api("/api/conversations?status=human", { tenant: "ho" })).json()) as { conversations: ConversationView[] };
    expect(list.conversations).toHaveLength(1);
    const conv = list.conversations[0]!;
    expect(conv).toMatchObject({ status: "human", contact: { phone }, handoff: { reason: "human_request", first_human_reply_at: null } });

    // With a person: the bot sends nothing.
    await sandboxSay("ho", phone, "alô? tem alguém aí?");
    await eventually(async () => {
      const company = (await store().companies.bySlug("ho"))!;
      const contact = (await store().contacts.byPhone(company.id, phone))!;
      const inbound = await store().messages.listByContact(company.id, contact.id, { direction: "in", limit: 10 });
      expect(inbound.at(-1)).toMatchObject({ body: "alô? tem alguém aí?", unanswered: "with_human" });
    });
    await drained("ho");
    expect(await accepted("ho", phone)).toHaveLength(2);

    const reply = await api(`/api/conversations/${conv.id}/messages`, {
      method: "POST",
      tenant: "ho",
      headers: { "idempotency-key": "agent-1" },
      body: JSON.stringify({ text: "Oi Maria, aqui é a Ana da recepção. Como posso ajudar?" }),
    });
    expect(reply.status).toBe(202);
    // A retried click with the same Idempotency-Key sends nothing more.
    await api(`/api/conversations/${conv.id}/messages`, {
      method: "POST",
      tenant: "ho",
      headers: { "idempotency-key": "agent-1" },
      body: JSON.stringify({ text: "Oi Maria, aqui é a Ana da recepção. Como posso ajudar?" }),
    });
    await eventually(async () => expect((await accepted("ho", phone)).map((m) => m.text)).toContain("Oi Maria, aqui é a Ana da recepção. Como posso ajudar?"));
    await drained("ho");
    expect(await accepted("ho", phone)).toHaveLength(3);

    const detail = (await (await api(`/api/conversations/${conv.id}`, { tenant: "ho" })).json()) as ConversationView;
    expect(detail.handoff?.first_human_reply_at).not.toBeNull();
    expect(detail.messages?.at(-1)).toMatchObject({ author: "human" });
    expect(seriesValue(await metricsText(), "secretaria_handoff_first_reply_seconds_count", { company: "ho" })).toBe(1);

    expect((await api(`/api/conversations/${conv.id}/release`, { method: "POST", tenant: "ho" })).status).toBe(200);
    await sandboxSay("ho", phone, "obrigada!");
    await eventually(async () => expect(await accepted("ho", phone)).toHaveLength(4));
    const m = await metricsText();
    expect(seriesValue(m, "secretaria_handoffs_total", { company: "ho", trigger: "human_request" })).toBe(1);
    expect(seriesValue(m, "secretaria_turns_total", { company: "ho", intent: "unanswered_with_human" })).toBe(1);

    // Another tenant's token cannot see or act on this conversation.
    const other = await seedCompany({ slug: "ho-other" });
    await store().apiTokens.create(other.id, await sha256Hex("token-ho-other"), "t");
    const asOther = { authorization: "Bearer token-ho-other" };
    expect((await api(`/api/conversations/${conv.id}`, { headers: asOther })).status).toBe(404);
    expect((await api(`/api/conversations/${conv.id}/messages`, { method: "POST", headers: asOther, body: JSON.stringify({ text: "x" }) })).status).toBe(404);
    expect(company.id).not.toBe(other.id);
  });

  it("repeated negative sentiment hands over; the SLA gauge counts waits past the tenant's limit", async () => {
    const company = await seedCompany({ slug: "ho-neg" });
    await putConfig("ho-neg", "handoff", { negativeTurns: 2, slaMinutes: 5 });
    const phone = "5511987653002";
    await sandboxSay("ho-neg", phone, "o atendimento de vocês é péssimo");
    await eventually(async () => expect(await accepted("ho-neg", phone)).toHaveLength(1));
    await sandboxSay("ho-neg", phone, "que absurdo, ninguém responde, horrível");
    await eventually(async () => expect(await accepted("ho-neg", phone)).toHaveLength(2));
    const contact = (await store().contacts.byPhone(company.id, phone))!;
    const [conv] = await store().conversations.list(company.id, { contactId: contact.id, limit: 1 });
    expect(conv).toMatchObject({ status: "human", handoffReason: "negative_sentiment" });

    expect(seriesValue(await metricsText(), "secretaria_handoffs_overdue", { company: "ho-neg" })).toBe(0);
    await env.DB.prepare("UPDATE conversations SET handoff_at = ? WHERE id = ?")
      .bind(Date.now() - 6 * 60_000, conv!.id)
      .run();
    expect(seriesValue(await metricsText(), "secretaria_handoffs_overdue", { company: "ho-neg" })).toBe(1);
  });
});

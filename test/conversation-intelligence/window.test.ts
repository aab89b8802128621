import { beforeAll, describe, expect, it } from "vitest";
import { api, eventually, metricsText, seedCompany, seriesValue, store } from "../support/helpers";
import { putConfig, sandboxSay } from "../support/ai";

interface OutboxView {
  text: string;
  status: string;
  payload: { kind: string; name?: string; parameters?: string[]; text?: string } | null;
}
// The phone goes in the body: phones are never accepted in URLs.
const outboxOf = async (phone: string) =>
  ((await (await api(`/api/sandbox/win/outbox`, { method: "POST", body: JSON.stringify({ contact: phone }) })).json()) as { messages: OutboxView[] }).messages;

describe("the 24 h customer-service window", () => {
  beforeAll(async () => {
    await seedCompany({ slug: "win", name: "Clínica Janela" });
    await putConfig("win", "templates", { reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{business_name}", "{text}"] } });
  });

  it("outside the window a reminder goes out as the approved template, not as text", async () => {
    const res = await api("/api/messages", {
      method: "POST",
      tenant: "win",
      body: JSON.stringify({ to: "5511987654001", text: "Sua consulta é amanhã às 14h.", purpose: "reminder" }),
    });
    expect(res.status).toBe(202);
    const [sent] = await eventually(async () => {
      const r = await outboxOf("5511987654001");
      expect(r[0]?.status).toBe("accepted");
      return r;
    });
    expect(sent?.payload).toEqual({ kind: "template", name: "lembrete_consulta", language: "pt_BR", parameters: ["Clínica Janela", "Sua consulta é amanhã às 14h."] });
    expect(seriesValue(await metricsText(), "secretaria_template_sends_total", { company: "win", purpose: "reminder" })).toBe(1);
  });

  it("inside the window the same reminder goes as text", async () => {
    await sandboxSay("win", "5511987654002", "Oi");
    await eventually(async () => expect((await outboxOf("5511987654002")).filter((m) => m.status === "accepted")).toHaveLength(1));
    await api("/api/messages", { method: "POST", tenant: "win", body: JSON.stringify({ to: "5511987654002", text: "Sua consulta é amanhã às 15h.", purpose: "reminder" }) });
    const last = await eventually(async () => {
      const r = (await outboxOf("5511987654002")).filter((m) => m.status === "accepted");
      expect(r).toHaveLength(2);
      return r[1];
    });
    expect(last?.payload).toEqual({ kind: "text", text: "Sua consulta é amanhã às 15h." });
  });

  it("without a template for the purpose the message is held with the reason, then released when the contact writes", async () => {
    await api("/api/messages", { method: "POST", tenant: "win", body: JSON.stringify({ to: "5511987654003", text: "Como foi sua consulta?", purpose: "followup" }) });
    const held = await eventually(async () => {
      const [m] = await outboxOf("5511987654003");
      expect(m?.status).toBe("held");
      return m!;
    });
    expect(held.payload).toEqual({ kind: "text", text: "Como foi sua consulta?" });
    const company = (await store().companies.bySlug("win"))!;
    const contact = (await store().contacts.byPhone(company.id, "5511987654003"))!;
    const [row] = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 1 });
    expect(row?.error).toMatch(/window closed and no approved template for purpose "followup"/);
    expect(seriesValue(await metricsText(), "secretaria_messages_held_total", { company: "win", purpose: "followup" })).toBe(1);

    await sandboxSay("win", "5511987654003", "Oi! Foi ótima");
    await eventually(async () => {
      const r = await outboxOf("5511987654003");
      expect(r.map((m) => [m.text, m.status])).toContainEqual(["Como foi sua consulta?", "accepted"]);
    });
  });

  it("rejects bad proactive requests with the envelope", async () => {
    const bad = await api("/api/messages", { method: "POST", tenant: "win", body: JSON.stringify({ to: "12", text: "" }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_body" } });
    const phone = await api("/api/messages", { method: "POST", tenant: "win", body: JSON.stringify({ to: "abc-not-a-phone", text: "oi" }) });
    expect(phone.status).toBe(422);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, eventually, outbox, seedCompany, store } from "../support/helpers";
import { gemini, putConfig, sandboxSay } from "../support/ai";

interface Preview {
  reply: string;
  source: string;
  reason: string;
  intent: string;
  sentiment: string;
  system_prompt: string | null;
}
const preview = async (tenant: string, body: unknown) => {
  const res = await api("/api/config/preview", { method: "POST", tenant, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Preview;
};

describe("/api/config and the live preview", () => {
  beforeAll(async () => {
    const a = await seedCompany({ slug: "cfg-a", name: "Salão Bela" });
    await seedCompany({ slug: "cfg-b" });
    await store().apiTokens.create(a.id, await sha256Hex("token-cfg-a"), "t");
  });

  it("previews the template reply when no LLM key is set, saying why", async () => {
    const p = await preview("cfg-a", { text: "Oi, bom dia!", contact_name: "Joana Lima" });
    expect(p).toMatchObject({ source: "template", reason: "no_key", intent: "greeting", sentiment: "neutral" });
    expect(p.reply).toContain("Joana");
    expect(p.reply).toContain("Salão Bela");
  });

  it("previews the model's reply with unsaved tone and knowledge, without storing a conversation", async () => {
    await putConfig("cfg-a", "ai", { apiKey: "gemini-key-cfg-a" });
    await gemini.mode("gemini-key-cfg-a", "ok", "Bom dia! O corte custa R$ 80.");
    const p = await preview("cfg-a", { text: "quanto custa o corte?", tone: { formality: "casual" }, knowledge: { services: [{ name: "Corte feminino", price: "R$ 80" }] } });
    expect(p).toMatchObject({ reply: "Bom dia! O corte custa R$ 80.", source: "llm", reason: "ok", intent: "question" });
    expect(p.system_prompt).toContain("Corte feminino — R$ 80");
    expect(p.system_prompt).toMatch(/Warm and casual/);
    const stored = (await (await api("/api/config", { tenant: "cfg-a" })).json()) as { tone: { formality: string }; knowledge: { services: unknown[] } };
    expect(stored.tone.formality).toBe("neutral");
    expect(stored.knowledge.services).toEqual([]);
    const company = (await store().companies.bySlug("cfg-a"))!;
    expect(await store().conversations.list(company.id, { limit: 5 })).toEqual([]);
  });

  it("falls back to templates once the monthly token quota is used", async () => {
    await putConfig("cfg-a", "ai", { monthlyTokenLimit: 100 }); // the preview above used 209 tokens
    const p = await preview("cfg-a", { text: "quanto custa o corte?" });
    expect(p).toMatchObject({ source: "template", reason: "quota_exhausted" });
    await putConfig("cfg-a", "ai", { monthlyTokenLimit: 0 });
  });

  it("rejects bad settings with the envelope and keeps the stored ones", async () => {
    for (const [section, body, code] of [
      ["tone", { formality: "pirate" }, "invalid_body"],
      ["knowledge", { services: [{ name: "" }] }, "invalid_body"],
      ["templates", { reminder: { name: "Not Valid!" } }, "invalid_body"],
      ["handoff", { notifyUrl: "not a url" }, "invalid_body"],
      ["ai", { provider: "skynet" }, "invalid_body"],
      ["tone", { formalty: "formal" }, "invalid_body"],
      ["nonsense", {}, "unknown_section"],
    ] as const) {
      const res = await api(`/api/config/${section}`, { method: "PUT", tenant: "cfg-a", body: JSON.stringify(body) });
      expect(res.status, section).toBe(section === "nonsense" ? 404 : 400);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
    const garbage = await api("/api/config/tone", { method: "PUT", tenant: "cfg-a", body: "{oops" });
    expect(garbage.status).toBe(400);
  });

  it("a tenant token edits only its own settings", async () => {
    const asA = { authorization: "Bearer token-cfg-a" };
    expect((await api("/api/config", { headers: asA, tenant: "cfg-b" })).status).toBe(403);
    const res = await api("/api/config/tone", { method: "PUT", headers: asA, body: JSON.stringify({ formality: "formal" }) });
    expect(res.status).toBe(200);
    const b = (await (await api("/api/config", { tenant: "cfg-b" })).json()) as { tone: { formality: string } };
    expect(b.tone.formality).toBe("neutral");
  });

  it("keeps a conversation summary (long context) as the conversation grows", async () => {
    await putConfig("cfg-a", "tone", { aiEnabled: false });
    const phone = "5511987655001";
    for (const [i, text] of ["Oi", "quanto custa o corte?", "quero marcar para sábado"].entries()) {
      await sandboxSay("cfg-a", phone, text);
      await eventually(async () => expect((await outbox("cfg-a", phone)).filter((m) => m.status === "accepted")).toHaveLength(i + 1));
    }
    const company = (await store().companies.bySlug("cfg-a"))!;
    const contact = (await store().contacts.byPhone(company.id, phone))!;
    const [conv] = await store().conversations.list(company.id, { contactId: contact.id, limit: 1 });
    expect(conv?.summary).toMatch(/falou de: .*question.*appointment_request|falou de: .*appointment_request/);
    expect(conv?.summary).toContain("quero marcar para sábado");
  });
});

import { describe, expect, it } from "vitest";
import { eventually, metricsText, outbox, seedCompany, seriesValue, store } from "../support/helpers";
import { putConfig, sandboxSay } from "../support/ai";

/** The replies sent to one contact, once `n` are accepted by the sandbox channel. */
const delivered = (slug: string, phone: string, n: number) =>
  eventually(async () => {
    const r = await outbox(slug, phone);
    expect(r.filter((m) => m.status === "accepted")).toHaveLength(n);
    return r;
  });

// No tenant here has an LLM key: every reply comes from the template engine.
describe("template replies from the business's knowledge (no LLM)", () => {
  it("answers the address and the hours in one pt-BR reply", async () => {
    await seedCompany({ slug: "kn-pt", name: "Clínica Demo" });
    await putConfig("kn-pt", "knowledge", {
      hours: "segunda a sexta, 8h às 18h",
      address: "Rua Exemplo, 123 — Centro, São Paulo",
      services: [{ name: "Limpeza dental", price: "R$ 180", durationMinutes: 45 }],
    });
    await sandboxSay("kn-pt", "5511987653001", "Qual o endereço e o horário?");
    const replies = await delivered("kn-pt", "5511987653001", 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toBe("Claro, Maria!\n📍 Endereço: Rua Exemplo, 123 — Centro, São Paulo\n🕒 Horário de atendimento: segunda a sexta, 8h às 18h");
    const m = await metricsText();
    expect(seriesValue(m, "secretaria_replies_total", { company: "kn-pt", source: "template", reason: "no_key" })).toBe(1);
  });

  it("follows the welcome with the facts when the question comes with a greeting", async () => {
    await seedCompany({ slug: "kn-greet", name: "Clínica Demo" });
    await putConfig("kn-greet", "knowledge", { address: "Rua Exemplo, 123 — Centro, São Paulo" });
    await sandboxSay("kn-greet", "5511987653008", "Oi, qual o endereço?");
    const [reply] = await delivered("kn-greet", "5511987653008", 1);
    expect(reply?.text).toBe(
      "Olá, Maria! 👋 Aqui é a assistente virtual. Clínica Demo agradece seu contato! Como posso ajudar você hoje?\n\n📍 Endereço: Rua Exemplo, 123 — Centro, São Paulo",
    );
  });

  it("counts an unclassified message answered from the knowledge as handled: no handoff for 'could not help'", async () => {
    // "endereço" and "telefone" alone are no question by the intent rules (unknown); two unknown turns would hand over.
    await seedCompany({ slug: "kn-handled", name: "Clínica Demo" });
    await putConfig("kn-handled", "knowledge", { address: "Rua Exemplo, 123", phones: ["+55 11 3000-0000"] });
    await sandboxSay("kn-handled", "5511987653009", "endereço");
    await delivered("kn-handled", "5511987653009", 1);
    await sandboxSay("kn-handled", "5511987653009", "telefone");
    const replies = await delivered("kn-handled", "5511987653009", 2);
    expect(replies.map((r) => r.text)).toEqual(["Claro, Maria!\n📍 Endereço: Rua Exemplo, 123", "Claro, Maria!\n📞 Telefone: +55 11 3000-0000"]);
    // Had the first turn counted as unhandled, the second would have been the handoff's "Vou chamar uma pessoa…".
  });

  it("answers a price question in English from the service list", async () => {
    await seedCompany({ slug: "kn-en", name: "Bright Smile", locale: "en" });
    await putConfig("kn-en", "knowledge", {
      services: [
        { name: "Teeth cleaning", price: "$90", durationMinutes: 40 },
        { name: "Teeth whitening", price: "$350", durationMinutes: 60 },
      ],
    });
    await sandboxSay("kn-en", "5511987653002", "How much is the whitening?");
    const [reply] = await delivered("kn-en", "5511987653002", 1);
    expect(reply?.text).toBe("Sure, Maria!\n• Teeth whitening — $350");
  });

  it("answers a Spanish question from a matching FAQ entry, and a thank-you in the same burst too", async () => {
    await seedCompany({ slug: "kn-es", name: "Clínica Sonrisa", locale: "es", channelSettings: { debounceMs: 1_500 } });
    await putConfig("kn-es", "knowledge", {
      faq: [
        { q: "¿Aceptan tarjeta de crédito?", a: "Sí, aceptamos todas las tarjetas y transferencias." },
        { q: "¿Tienen estacionamiento?", a: "Hay un estacionamiento gratuito al lado." },
      ],
    });
    await sandboxSay("kn-es", "5511987653003", "¿aceptan TARJETA?");
    await sandboxSay("kn-es", "5511987653003", "Gracias");
    const [reply] = await delivered("kn-es", "5511987653003", 1);
    expect(reply?.text).toBe("¡Claro, Maria!\nSí, aceptamos todas las tarjetas y transferencias.\n\n¡Gracias a ti, Maria! Si necesitas algo más, escríbeme.");
  });

  it("keeps the 'confirm with the team' answer when the knowledge is empty", async () => {
    await seedCompany({ slug: "kn-empty", name: "Clínica Demo" });
    await sandboxSay("kn-empty", "5511987653004", "Qual o endereço e o horário?");
    const [reply] = await delivered("kn-empty", "5511987653004", 1);
    expect(reply?.text).toBe("Boa pergunta, Maria! Vou confirmar essa informação com a nossa equipe e retorno por aqui assim que possível.");
  });

  it("answers what the knowledge has and says the team confirms the rest", async () => {
    await seedCompany({ slug: "kn-part", name: "Clínica Demo" });
    await putConfig("kn-part", "knowledge", { address: "Av. Central, 9" });
    await sandboxSay("kn-part", "5511987653005", "Qual o endereço? Vocês atendem convênio?");
    const [reply] = await delivered("kn-part", "5511987653005", 1);
    expect(reply?.text).toBe("Claro, Maria!\n📍 Endereço: Av. Central, 9\nSobre o restante, vou confirmar com a nossa equipe e retorno por aqui.");
  });

  it("keeps hostile stored values bounded and plain, and still answers", async () => {
    const company = await seedCompany({ slug: "kn-hostile", name: "Clínica Demo" });
    // Written straight to the store, as an old or hand-edited row could be: HTML, control and bidi characters, maximal lengths.
    await store().profiles.put(
      company.id,
      {
        knowledge: {
          address: `<img src=x onerror=alert(1)>Rua\u0007 Um\u202E, 1\r\n${"x".repeat(250)}`,
          hours: "<b>24h</b>",
          faq: [{ q: "Qual o endereço?", a: `${"<i>sim</i>\u0000 ".repeat(60)}`.slice(0, 1000) }],
        },
        tone: { maxReplyChars: 600 },
      },
      Date.now(),
    );
    await sandboxSay("kn-hostile", "5511987653006", "Qual o endereço e o horário?");
    const [reply] = await delivered("kn-hostile", "5511987653006", 1);
    const text = reply?.text ?? "";
    expect(text).toMatch(/^Claro, Maria!\n📍 Endereço: Rua Um, 1 x{250}\n🕒 Horário de atendimento: 24h\nsim sim/);
    expect(text).not.toMatch(/[<>\p{Cf}]/u);
    expect(text.replaceAll("\n", "")).not.toMatch(/\p{Cc}/u);
    expect(Array.from(text).length).toBeLessThanOrEqual(600);
  });

  it("never breaks on a stored 10 KB value: the profile falls back to defaults and the reply still goes out", async () => {
    const company = await seedCompany({ slug: "kn-huge", name: "Clínica Demo" });
    await store().profiles.put(company.id, { knowledge: { address: "R".repeat(10_240), hours: "h".repeat(10_240) } }, Date.now());
    await sandboxSay("kn-huge", "5511987653007", "Qual o endereço e o horário?");
    const [reply] = await delivered("kn-huge", "5511987653007", 1);
    expect(reply?.text).toMatch(/Vou confirmar essa informação com a nossa equipe/);
    expect(reply?.text).not.toContain("RRR");
  });
});

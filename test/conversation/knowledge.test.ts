import { describe, expect, it } from "vitest";
import { faqScore, keywordStems, matchKnowledge } from "../../src/conversation/knowledge-match";
import { cleanValue, knowledgeReply } from "../../src/conversation/knowledge-reply";
import { Knowledge, Tone } from "../../src/tenants/profile";

const k = Knowledge.parse({
  services: [
    { name: "Limpeza dental", price: "R$ 150", durationMinutes: 40 },
    { name: "Clareamento dental", price: "R$ 800", durationMinutes: 60 },
    { name: "Consulta de avaliação", durationMinutes: 30 },
  ],
  hours: "Seg a Sex, 8h às 18h; Sáb, 8h às 12h",
  address: "Rua das Flores, 100 — Pinheiros, São Paulo",
  phones: ["+55 11 3333-4444"],
  faq: [
    { q: "Vocês aceitam cartão ou pix?", a: "Aceitamos cartão de crédito, débito e Pix." },
    { q: "Tem estacionamento?", a: "Sim, estacionamento conveniado ao lado." },
  ],
});
const tone = Tone.parse({});
const empty = Knowledge.parse({});

describe("keywordStems", () => {
  it("folds accents, plurals and verb endings and drops stopwords", () => {
    expect(keywordStems("Vocês aceitam cartões?")).toEqual(["aceita", "cartao"]);
    expect(keywordStems("ACEITA CARTÃO")).toEqual(["aceita", "cartao"]);
    expect(keywordStems("o que é isso?")).toEqual([]);
  });

  it("scores an FAQ entry by how much of it the customer said", () => {
    expect(faqScore(keywordStems("aceitam cartao de credito?"), "Vocês aceitam cartão ou pix?")).toBeCloseTo(2 / 3);
    expect(faqScore(keywordStems("aceitam?"), "Vocês aceitam cartão ou pix?")).toBe(0);
    expect(faqScore(keywordStems("tem estacionamento"), "Tem estacionamento?")).toBe(1);
  });
});

describe("matchKnowledge", () => {
  it.each<[string, string[]]>([
    ["Qual o endereço e o horário?", ["address", "hours"]],
    ["qual e o endereco", ["address"]],
    ["Where are you located?", ["address"]],
    ["¿Dónde quedan?", ["address"]],
    ["What are your opening hours?", ["hours"]],
    ["¿A qué hora abren?", ["hours"]],
    ["Qual o telefone de vocês?", ["phones"]],
    ["quanto custa a limpeza?", ["services"]],
    ["How much is teeth whitening?", ["services"]],
    ["quais serviços vocês fazem?", ["services"]],
  ])("%s → %j", (text, topics) => {
    expect(matchKnowledge(text, k).topics).toEqual(topics);
  });

  it("names the service the customer means, not every service sharing a word", () => {
    expect(matchKnowledge("quanto custa o clareamento?", k).services).toEqual([1]);
    expect(matchKnowledge("quanto tempo dura a limpeza?", k)).toMatchObject({ services: [0], aspects: ["duration"] });
  });

  it("matches FAQ entries accent- and case-insensitively, in any of the languages' word forms", () => {
    expect(matchKnowledge("ACEITAM CARTAO?", k).faq).toEqual([0]);
    expect(matchKnowledge("Vocês têm estacionamento?", k).faq).toEqual([1]);
    expect(matchKnowledge("Vocês fazem implante?", k).faq).toEqual([]);
  });

  it("flags the part of a message the knowledge does not answer", () => {
    expect(matchKnowledge("Qual o endereço? Vocês atendem convênio?", k)).toMatchObject({ topics: ["address"], unanswered: true });
    expect(matchKnowledge("Qual o endereço?", k).unanswered).toBe(false);
    expect(matchKnowledge("Qual o endereço?", empty)).toMatchObject({ topics: [], unanswered: true });
  });
});

describe("knowledgeReply", () => {
  const reply = (text: string, knowledge = k, locale: "pt-BR" | "en" | "es" = "pt-BR", t = tone) =>
    knowledgeReply({ text, knowledge, tone: t, locale, contactName: "Maria Souza" });

  it("answers the address and the hours in one reply, from the stored values only", () => {
    expect(reply("Qual o endereço e o horário?")).toBe(
      "Claro, Maria!\n📍 Endereço: Rua das Flores, 100 — Pinheiros, São Paulo\n🕒 Horário de atendimento: Seg a Sex, 8h às 18h; Sáb, 8h às 12h",
    );
  });

  it("gives a named service's price and says what is missing instead of inventing it", () => {
    expect(reply("How much is the cleaning? Limpeza dental", k, "en")).toContain("• Limpeza dental — R$ 150");
    expect(reply("quanto custa a consulta de avaliação?")).toContain("• Consulta de avaliação — valor a confirmar com a nossa equipe");
  });

  it("lists the services with prices when none is named, and says another service gets confirmed", () => {
    const text = reply("quais são os preços?") ?? "";
    expect(text).toContain("Nossos serviços:\n• Limpeza dental — R$ 150\n• Clareamento dental — R$ 800");
    expect(text).toMatch(/outro serviço, confirmo com a nossa equipe/);
  });

  it("answers in the order the message asked", () => {
    expect(reply("Oi, quanto custa o clareamento? Vocês aceitam pix?")).toBe("Claro, Maria!\n• Clareamento dental — R$ 800\nAceitamos cartão de crédito, débito e Pix.");
    expect(reply("Vocês aceitam pix? Quanto custa o clareamento?")).toBe("Claro, Maria!\nAceitamos cartão de crédito, débito e Pix.\n• Clareamento dental — R$ 800");
  });

  it("answers nothing when the knowledge has nothing for the question", () => {
    expect(reply("Qual o endereço e o horário?", empty)).toBeNull();
    expect(reply("Vocês fazem implante?")).toBeNull();
  });

  it("follows the tone's formality", () => {
    expect(reply("Qual o endereço?", k, "pt-BR", Tone.parse({ formality: "formal" }))).toMatch(/^Com prazer, Maria\./);
    expect(reply("¿Cuál es la dirección?", k, "es", Tone.parse({ formality: "casual" }))).toMatch(/^¡Claro, Maria! 😊\n📍 Dirección:/);
  });

  it("keeps hostile values bounded, plain and on one line, and never expands placeholders in them", () => {
    const hostile = Knowledge.parse({
      address: `<script>alert(1)</script>Rua\u0000 A\u202E, 1\n\n{firstName} [x]`,
      hours: "h".repeat(500),
      faq: [{ q: "Tem wifi?", a: `${"<b>sim</b> ".repeat(90)}` }],
    });
    const text = reply("Qual o endereço e o horário? Tem wifi?", hostile, "pt-BR", Tone.parse({ maxReplyChars: 2000 })) ?? "";
    expect(text).toContain("📍 Endereço: alert(1) Rua A, 1 {firstName} [x]\n");
    expect(text).toContain(`🕒 Horário de atendimento: ${"h".repeat(299)}…`);
    expect(text).not.toMatch(/[<>\p{Cf}]/u);
    expect(text.replaceAll("\n", "")).not.toMatch(/\p{Cc}/u);
    const short = reply("Qual o endereço e o horário? Tem wifi?", hostile, "pt-BR", Tone.parse({ maxReplyChars: 400 })) ?? "";
    expect(Array.from(short).length).toBeLessThanOrEqual(400);
    expect(cleanValue("x".repeat(10_000))).toHaveLength(300);
  });
});

import { describe, expect, it } from "vitest";
import { ELLIPSIS, WHATSAPP_TEXT_LIMIT, splitForWhatsApp, truncateForLimit } from "../../src/conversation/split";

const len = (s: string) => Array.from(s).length;
const squash = (s: string) => s.replace(/\s+/g, " ").trim();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The invariants every split must keep, whatever the input. */
function expectWellFormed(parts: string[], limit: number): void {
  for (const p of parts) {
    expect(p).not.toBe("");
    expect(p).toBe(p.trim());
    expect(len(p)).toBeLessThanOrEqual(limit);
    expect(p).not.toMatch(LONE_SURROGATE);
  }
}

/** Deterministic pseudo-random text: words, emoji, URLs, punctuation and line breaks. */
function randomText(seed: number, words: number): string {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const vocab = ["consulta", "amanhã", "às", "10h", "😀", "👨‍👩‍👧", "🇧🇷", "Dra.", "Ana", "https://exemplo.com.br/agenda?id=42", "ok", "é", "limpeza", "R$ 150,00"];
  const seps = [" ", " ", " ", " ", ". ", "! ", "\n", "\n\n", ", "];
  let out = "";
  for (let i = 0; i < words; i++) out += (vocab[Math.floor(next() * vocab.length)] ?? "") + (seps[Math.floor(next() * seps.length)] ?? " ");
  return out;
}

describe("splitForWhatsApp", () => {
  it("returns a short reply as one trimmed part", () => {
    expect(splitForWhatsApp("  Olá! Tudo bem?  ")).toEqual(["Olá! Tudo bem?"]);
  });

  it.each(["", "   ", "\n\n\t"])("returns no parts for blank input %j", (text) => {
    expect(splitForWhatsApp(text)).toEqual([]);
  });

  it("uses WhatsApp's 4096-character limit by default", () => {
    expect(WHATSAPP_TEXT_LIMIT).toBe(4096);
    const text = "palavra ".repeat(1500); // 12,000 characters
    const parts = splitForWhatsApp(text);
    expect(parts).toHaveLength(3);
    expectWellFormed(parts, 4096);
    expect(parts.join(" ")).toBe(squash(text));
  });

  it("counts code points, not UTF-16 units: 4096 emoji fit in one message", () => {
    const text = "😀".repeat(4096);
    expect(text.length).toBe(8192);
    expect(splitForWhatsApp(text)).toEqual([text]);
    expect(splitForWhatsApp(`${text}😀`)).toHaveLength(2);
  });

  it("prefers paragraph breaks", () => {
    const p1 = "Primeiro parágrafo. Tem duas frases.";
    const p2 = "Segundo parágrafo.\nCom uma linha a mais.";
    const p3 = "Terceiro.";
    const parts = splitForWhatsApp(`${p1}\n\n${p2}\n\n${p3}`, 45);
    expect(parts).toEqual([p1, p2, p3]);
    // a paragraph break past half the limit beats a later line break
    expect(splitForWhatsApp("Parágrafo um tem texto.\n\nLinha A\nLinha B", 38)).toEqual(["Parágrafo um tem texto.", "Linha A\nLinha B"]);
  });

  it("falls back to line breaks, then sentence ends, then spaces", () => {
    expect(splitForWhatsApp("Horários livres:\n- segunda 10h\n- terça 14h", 30)).toEqual(["Horários livres:\n- segunda 10h", "- terça 14h"]);
    expect(splitForWhatsApp("Temos horário amanhã. Quer que eu reserve agora?", 30)).toEqual(["Temos horário amanhã.", "Quer que eu reserve agora?"]);
    expect(splitForWhatsApp("temos horário amanhã de manhã e também de tarde", 30)).toEqual(["temos horário amanhã de manhã", "e também de tarde"]);
    // the space at the break is dropped, so the next part gets the whole limit
    expect(splitForWhatsApp("aaaa bbbb", 4)).toEqual(["aaaa", "bbbb"]);
  });

  it("does not take a paragraph break that would leave a tiny part when a later sentence end fills the message", () => {
    const text = "Oi!\n\nTemos horários na segunda, na terça e na quarta. Na quinta só à tarde.";
    const parts = splitForWhatsApp(text, 55);
    expect(parts).toEqual(["Oi!\n\nTemos horários na segunda, na terça e na quarta.", "Na quinta só à tarde."]);
  });

  it("does not end a sentence at an abbreviation or an initial", () => {
    const parts = splitForWhatsApp("Sua consulta é com a Dra. Ana Souza e o Dr. J. Lima amanhã às 10h no consultório", 40);
    expectWellFormed(parts, 40);
    expect(parts[0]).not.toMatch(/Dra\.$|Dr\.$|J\.$/);
  });

  it("keeps URLs whole when a break before them exists", () => {
    const url = "https://agenda.exemplo.com.br/confirmar?token=abc123&id=42";
    const parts = splitForWhatsApp(`Para confirmar seu horário acesse ${url} e pronto.`, 70);
    expectWellFormed(parts, 70);
    expect(parts.some((p) => p.includes(url))).toBe(true);
  });

  it("does not break after a dot inside a URL", () => {
    const parts = splitForWhatsApp("Veja www.exemplo.com.br. Depois me diga se ficou bom para você, combinado?", 40);
    expect(parts[0]).toBe("Veja www.exemplo.com.br.");
  });

  it("cuts a URL or word only when it alone is longer than the limit, and loses nothing", () => {
    const url = `https://exemplo.com/${"a".repeat(80)}`;
    const parts = splitForWhatsApp(url, 30);
    expectWellFormed(parts, 30);
    expect(parts.join("")).toBe(url);
    expect(parts.map(len)).toEqual([30, 30, 30, 10]);
  });

  it("never splits a surrogate pair", () => {
    const text = "😀🎉🙏".repeat(10);
    const parts = splitForWhatsApp(text, 4);
    expectWellFormed(parts, 4);
    expect(parts.join("")).toBe(text);
  });

  it("keeps ZWJ emoji sequences, flags and combining marks whole when forced to cut", () => {
    const family = "👨‍👩‍👧"; // 5 code points
    expect(splitForWhatsApp(family.repeat(3), 7)).toEqual([family, family, family]);
    expect(splitForWhatsApp("🇧🇷🇧🇷🇧🇷", 3)).toEqual(["🇧🇷", "🇧🇷", "🇧🇷"]);
    const accented = "a\u0301".repeat(4); // decomposed "á"
    expect(splitForWhatsApp(accented, 3)).toEqual(["a\u0301", "a\u0301", "a\u0301", "a\u0301"]);
  });

  it("treats Windows line endings like plain ones", () => {
    expect(splitForWhatsApp("Primeira parte.\r\n\r\nSegunda parte.", 20)).toEqual(["Primeira parte.", "Segunda parte."]);
    expect(splitForWhatsApp("Linha 1\r\nLinha 2\rLinha 3")).toEqual(["Linha 1\nLinha 2\nLinha 3"]);
  });

  it.each([0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects limit %s", (limit) => {
    expect(() => splitForWhatsApp("texto", limit)).toThrow(RangeError);
  });

  it.each([
    [1, 10],
    [2, 25],
    [3, 40],
    [4, 80],
    [5, 160],
    [6, 1000],
  ])("keeps every invariant on generated text (seed %i, limit %i)", (seed, limit) => {
    const text = randomText(seed, 400);
    const parts = splitForWhatsApp(text, limit);
    expectWellFormed(parts, limit);
    // Nothing lost or reordered (whitespace aside)…
    const noSpace = (s: string) => s.replace(/\s+/g, "");
    expect(noSpace(parts.join(""))).toBe(noSpace(text));
    // …and no word or URL cut when every one of them fits.
    if (limit >= 40) expect(squash(parts.join(" "))).toBe(squash(text));
    if (limit >= 40) for (const p of parts) for (const w of p.split(/\s+/)) expect(text).toMatch(new RegExp(`(?:^|\\s)${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:\\s|$)`));
  });
});

describe("truncateForLimit", () => {
  it("leaves a reply that fits alone (trimmed)", () => {
    expect(truncateForLimit("  Até amanhã!  ", 20)).toBe("Até amanhã!");
    expect(truncateForLimit("12345", 5)).toBe("12345");
  });

  it.each<[string, number, string]>([
    ["Temos horário amanhã. Quer que eu reserve para você?", 30, "Temos horário amanhã…"],
    ["Claro! Temos horário amanhã às 10h e às 15h, qual prefere?", 40, "Claro! Temos horário amanhã às 10h e às…"],
    ["A limpeza custa R$ 150. O clareamento custa R$ 600 e dura uma hora.", 44, "A limpeza custa R$ 150…"],
    // the first sentence end would keep under half: cut at a word instead
    ["A limpeza custa R$ 150. O clareamento custa R$ 600 e dura uma hora.", 60, "A limpeza custa R$ 150. O clareamento custa R$ 600 e dura…"],
    ["Confirmado!!! Até amanhã às 10h, qualquer coisa me avise por aqui.", 20, "Confirmado!!!…"],
    ["Olá, tudo bem, temos vagas", 12, "Olá, tudo…"],
    ["Supercalifragilistico", 10, "Supercali…"],
    ["Acesse https://exemplo.com.br/agenda/123 para ver", 30, "Acesse…"],
    ["😀😀😀😀😀😀", 4, "😀😀😀…"],
    ["Qualquer texto longo", 1, "…"],
    ["... ... ... palavra", 8, "... ...…"],
  ])("%j at %i → %j", (text, limit, expected) => {
    const out = truncateForLimit(text, limit);
    expect(out).toBe(expected);
    expect(len(out)).toBeLessThanOrEqual(limit);
  });

  it("always ends a shortened reply with the ellipsis and stays within the limit", () => {
    for (let limit = 2; limit <= 120; limit += 7) {
      const out = truncateForLimit(randomText(limit, 60), limit);
      expect(len(out)).toBeLessThanOrEqual(limit);
      expect(out.endsWith(ELLIPSIS)).toBe(true);
      expect(out).not.toMatch(LONE_SURROGATE);
    }
  });

  it.each([0, -1, 2.5, Number.NaN])("rejects limit %s", (limit) => {
    expect(() => truncateForLimit("texto", limit)).toThrow(RangeError);
  });
});

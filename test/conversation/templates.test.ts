import { describe, expect, it } from "vitest";
import type { Intent } from "../../src/conversation/intents";
import { INTENTS, detectIntent } from "../../src/conversation/intents";
import type { Locale } from "../../src/conversation/templates";
import { LOCALES, REPLY_TEMPLATES, renderReply, resolveLocale } from "../../src/conversation/templates";

const biz = { businessName: "Clínica Sorriso" };
const combos = LOCALES.flatMap((locale) => INTENTS.map((intent): [Locale, Intent] => [locale, intent]));

describe("resolveLocale", () => {
  it.each<[string | null | undefined, Locale]>([
    ["pt", "pt-BR"],
    ["pt-BR", "pt-BR"],
    ["pt_BR", "pt-BR"],
    ["PT-br", "pt-BR"],
    ["pt-PT", "pt-BR"],
    ["en", "en"],
    ["en-US", "en"],
    ["en_GB", "en"],
    ["EN", "en"],
    ["es", "es"],
    ["es-MX", "es"],
    ["es_419", "es"],
    [" es ", "es"],
    ["fr-FR", "pt-BR"],
    ["english", "pt-BR"],
    ["", "pt-BR"],
    [null, "pt-BR"],
    [undefined, "pt-BR"],
  ])("%j → %s", (input, want) => {
    expect(resolveLocale(input)).toBe(want);
  });
});

describe("renderReply", () => {
  it.each(combos)("%s × %s renders a complete reply, with and without a name", (locale, intent) => {
    for (const vars of [biz, { ...biz, contactName: "Maria Silva" }]) {
      const text = renderReply(intent, locale, vars);
      expect(text.trim().length).toBeGreaterThan(10);
      expect(text).not.toMatch(/[{}[\]]/);
      expect(text).not.toMatch(/ [,.!?]|,,| {2,}/);
      // At most one emoji per reply.
      expect(text.match(/\p{Extended_Pictographic}/gu)?.length ?? 0).toBeLessThanOrEqual(1);
    }
  });

  it("has a template for every locale × intent and uses only known placeholders", () => {
    for (const locale of LOCALES) {
      expect(Object.keys(REPLY_TEMPLATES[locale]).sort()).toEqual([...INTENTS].sort());
      for (const template of Object.values(REPLY_TEMPLATES[locale])) {
        for (const [, key] of template.matchAll(/\{(\w*)\}/g)) expect(["businessName", "firstName"]).toContain(key);
      }
    }
  });

  it("gives each intent its own text within a locale", () => {
    for (const locale of LOCALES) {
      const texts = INTENTS.map((intent) => renderReply(intent, locale, biz));
      expect(new Set(texts).size).toBe(INTENTS.length);
    }
  });

  it("answers in the requested language", () => {
    expect(renderReply("greeting", "pt-BR", biz)).toMatch(/^Olá/);
    expect(renderReply("greeting", "en", biz)).toMatch(/^Hi/);
    expect(renderReply("greeting", "es", biz)).toMatch(/^¡Hola/);
  });

  it("greets by first name when known", () => {
    expect(renderReply("greeting", "pt-BR", { ...biz, contactName: "Maria Silva" })).toBe(
      "Olá, Maria! 👋 Aqui é a assistente virtual. Clínica Sorriso agradece seu contato! Como posso ajudar você hoje?",
    );
    expect(renderReply("greeting", "pt-BR", biz)).toBe("Olá! 👋 Aqui é a assistente virtual. Clínica Sorriso agradece seu contato! Como posso ajudar você hoje?");
    expect(renderReply("thanks", "en", { ...biz, contactName: "John" })).toContain("You're welcome, John!");
    expect(renderReply("confirm", "es", { ...biz, contactName: "María José" })).toContain("confirmar, María!");
  });

  it.each<[string, string]>([
    ["  maria   SILVA ", "Maria"],
    ["JOÃO", "João"],
    ["🌸 Ana Paula 🌸", "Ana"],
    ["Dra. Beatriz Costa", "Beatriz"],
    ["McKenzie", "McKenzie"],
    ["Jose\u0301", "José"],
  ])("first name of %j is %s", (contactName, want) => {
    expect(renderReply("greeting", "pt-BR", { ...biz, contactName })).toMatch(new RegExp(`^Olá, ${want}!`));
  });

  it.each(["", "   ", "+55 11 98765-4321", "🌸🌸", "x".repeat(40)])("leaves out an unusable name %j", (contactName) => {
    expect(renderReply("greeting", "pt-BR", { ...biz, contactName })).toMatch(/^Olá! /);
  });

  it("never expands placeholders found in names", () => {
    const text = renderReply("greeting", "en", { businessName: "{firstName} [Co]", contactName: "Ann" });
    expect(text).toContain("for {firstName} [Co].");
  });

  it("leaves the business name out when the tenant has none, without a dangling word", () => {
    expect(renderReply("greeting", "pt-BR", { businessName: " " })).toBe("Olá! 👋 Aqui é a assistente virtual. Como posso ajudar você hoje?");
    expect(renderReply("greeting", "en", { businessName: "" })).toBe("Hi! 👋 This is the virtual assistant. How can I help you today?");
    for (const [locale, intent] of combos) expect(renderReply(intent, locale, { businessName: "" })).not.toMatch(/ {2}| [.,!?]|\b(?:de|da|do|for|the|del|sobre|about)\s*[.!?]/);
  });

  // "equipe de Clínica Demo" wants "da" and "equipo de Clínica Demo" wants "de la": no article is right for every name.
  it.each(combos)("%s %s never puts the business name after a preposition or article", (locale, intent) => {
    expect(renderReply(intent, locale, { businessName: "Clínica Demo" })).not.toMatch(/\b(?:de|da|do|à|ao|a|para|com|sobre|the|about|del|el|la|al|con)\s+Clínica Demo/i);
  });

  it.each(LOCALES)("%s opt-out confirms and tells how to come back with a keyword we understand", (locale) => {
    const text = renderReply("opt_out", locale, biz);
    const keyword = /\b([A-Z]{4,})\b/u.exec(text)?.[1];
    expect(keyword).toBeDefined();
    expect(detectIntent(keyword ?? "").intent).toBe("opt_in");
  });

  it.each(LOCALES)("%s opt-in tells how to stop again with a keyword we understand", (locale) => {
    const keyword = /\b([A-Z]{4,})\b/u.exec(renderReply("opt_in", locale, biz))?.[1];
    expect(detectIntent(keyword ?? "").intent).toBe("opt_out");
  });

  it("uses the wording the product asked for", () => {
    expect(renderReply("opt_out", "pt-BR", biz)).toMatch(/envie VOLTAR para voltar a receber/i);
    expect(renderReply("opt_out", "pt-BR", biz)).toMatch(/não vai mais receber/);
    expect(renderReply("human_request", "pt-BR", biz)).toMatch(/Vou chamar uma pessoa da equipe/);
    expect(renderReply("media", "pt-BR", biz)).toMatch(/Recebi seu arquivo ou áudio.*descreva em texto/);
    for (const locale of LOCALES) {
      // The agenda flow is not wired yet: no reply may invent a time.
      for (const intent of ["appointment_request", "reschedule", "cancel", "confirm"] as const) {
        expect(renderReply(intent, locale, biz)).not.toMatch(/\d{1,2}(?::\d{2}|h)/);
      }
      expect(renderReply("unknown", locale, biz).split("\n•")).toHaveLength(5);
    }
  });
});

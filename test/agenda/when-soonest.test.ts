/** "o quanto antes" and its kin: the contact wants the earliest slot (the offer then skips habit and risk ordering). */
import { describe, expect, it } from "vitest";
import { parseWhen } from "../../src/agenda/when";
import { describeWhen } from "../../src/agenda/when-describe";

const NOW = "2026-11-24T12:00:00Z";
const read = (locale: "pt-BR" | "en" | "es") => (text: string) => parseWhen(text, { now: NOW, timeZone: "America/Sao_Paulo", locale });

describe("parseWhen: soonest", () => {
  it.each<["pt-BR" | "en" | "es", string]>([
    ["pt-BR", "quero marcar o quanto antes"],
    ["pt-BR", "o mais cedo possível, por favor"],
    ["pt-BR", "a primeira vaga disponível"],
    ["pt-BR", "o mais rápido possível"],
    ["en", "as soon as possible please"],
    ["en", "the earliest slot you have"],
    ["en", "first available"],
    ["es", "lo antes posible"],
    ["es", "cuanto antes"],
    ["es", "lo más pronto posible"],
  ])("%s %j → soonest, and not the morning", (locale, text) => {
    expect(read(locale)(text)).toEqual({ soonest: true });
  });

  it("keeps the rest of the message: 'semana que vem, o quanto antes'", () => {
    expect(read("pt-BR")("semana que vem, o quanto antes")).toEqual({ from: "2026-11-30", to: "2026-12-06", span: "next_week", soonest: true });
    expect(read("pt-BR")("amanhã cedo")).toEqual({ date: "2026-11-25", period: "morning" });
  });

  it("is worded back", () => {
    expect(describeWhen({ soonest: true }, "pt-BR")).toBe("o quanto antes");
    expect(describeWhen({ soonest: true, exceptWeekdays: ["mon"] }, "en")).toBe("except Monday, as soon as possible");
    expect(describeWhen({ soonest: true }, "es")).toBe("lo antes posible");
  });
});

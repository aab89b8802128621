import { describe, expect, it } from "vitest";
import { readReasons, reasonText } from "../../src/scheduling/reasons";
import { recommendationText, slotInsights } from "../../src/scheduling/insights";
import { priorFactor, RiskModel, trainRiskModel } from "../../src/scheduling/model";

describe("reasons as codes + params, worded once in pt-BR", () => {
  it("renders each code the API sends with its numbers", () => {
    expect(reasonText({ code: "contact_no_shows", params: { no_shows: 2, resolved: 3 } })).toBe("Faltou em 2 de 3 atendimentos anteriores");
    expect(reasonText({ code: "slot_no_shows", params: { weekday: 5, hour: 8, rate: 0.31 } })).toBe("Horário com mais faltas: sábado às 8h (31% de faltas)");
    expect(reasonText({ code: "lead_days", params: { days: 40 } })).toBe("Marcado com 40 dias de antecedência");
    expect(reasonText({ code: "silence_days", params: { days: 1 } })).toBe("Contato sem escrever há 1 dia");
    expect(reasonText({ code: "attribute", params: { name: "plano", value: null } })).toBe("Atributo plano: não informado");
    expect(reasonText({ code: "prior_untrained", params: { rate: 0.2 } })).toMatch(/^Modelo ainda não treinado .*\(20%\)\.$/);
  });

  it("rows stored before codes keep their text and read as legacy_text", () => {
    const stored = ["Lembrete sem resposta", { code: "not_confirmed", params: {} }];
    expect(readReasons(stored)).toEqual({
      factors: [
        { code: "legacy_text", params: { text: "Lembrete sem resposta" } },
        { code: "not_confirmed", params: {} },
      ],
      reasons: ["Lembrete sem resposta", "Atendimento não confirmado"],
    });
    expect(readReasons(null)).toEqual({ factors: [], reasons: [] });
  });

  it("a prior model stored before codes says its stored text as legacy_text; a new one has its code", () => {
    const fresh = trainRiskModel([], { now: Date.UTC(2025, 0, 1), timeZone: "America/Sao_Paulo" }).model;
    expect(priorFactor(fresh)).toEqual({ code: "prior_no_history", params: { rate: fresh.prior } });
    const { fallbackFactor: _gone, ...old } = fresh;
    expect(priorFactor(RiskModel.parse({ ...old, fallbackReason: "texto antigo" }))).toEqual({ code: "legacy_text", params: { text: "texto antigo" } });
  });

  it("recommendations come with their codes and the same sentence in each language", () => {
    const f = { code: "window_fewer", params: { weekday: 2, from_hour: 14, to_hour: 17, percent: 31 } };
    expect(recommendationText(f, "pt-BR")).toBe("Quartas entre 14h–17h têm 31% menos faltas");
    expect(recommendationText({ ...f, code: "window_more" }, "en")).toBe("Wednesdays between 2pm–5pm have 31% more no-shows");
    const empty = slotInsights([], { now: Date.UTC(2025, 0, 1), timeZone: "America/Sao_Paulo" });
    expect(empty.recommendationFactors).toEqual([]);
  });
});

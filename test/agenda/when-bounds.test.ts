/**
 * Day bounds at their edges: a bound on a day of next month ("depois do dia 10 do mês que vem") and
 * "before the Nth" said on the Nth itself. Each case was read wrongly once (see its comment).
 */
import { describe, expect, it } from "vitest";
import { parseWhen, type WhenQuery } from "../../src/agenda/when";

const SP = "America/Sao_Paulo";
const at = (locale: "pt-BR" | "en" | "es", now: string) => (text: string) => parseWhen(text, { now, timeZone: SP, locale });

describe("a bound on a day of next month", () => {
  // Thursday 2026-11-05: the next 10th is this month's, so only "do mês que vem" points at December.
  const pt = at("pt-BR", "2026-11-05T12:00:00Z");
  const es = at("es", "2026-11-05T12:00:00Z");
  it.each<[string, WhenQuery]>([
    // Was { date: "2026-12-10" }: the "dia 10 do mês que vem" rule ate the day and left "depois" unread.
    ["depois do dia 10 do mês que vem", { from: "2026-12-11", span: "after" }],
    ["a partir do dia 10 do mês que vem", { from: "2026-12-10", span: "after" }],
    ["antes do dia 10 do mês que vem", { from: "2026-11-05", to: "2026-12-09", span: "before" }],
    ["até o dia 10 do mês que vem", { from: "2026-11-05", to: "2026-12-10", span: "before" }],
    ["dia 10 do mês que vem", { date: "2026-12-10" }],
  ])("pt-BR %j → %j", (text, want) => {
    expect(pt(text)).toEqual(want);
  });
  it("es: 'después del 10 del mes que viene'", () => {
    expect(es("después del 10 del mes que viene")).toEqual({ from: "2026-12-11", span: "after" });
  });
});

describe("'before the Nth' on the Nth", () => {
  // Tuesday 2026-11-24. Was null (today..the 23rd is empty), so the offer fell back to the next days, today included.
  const pt = at("pt-BR", "2026-11-24T12:00:00Z");
  const en = at("en", "2026-11-24T12:00:00Z");
  it("is before next month's Nth; 'até o dia N' still includes today", () => {
    expect(pt("antes do dia 24")).toEqual({ from: "2026-11-24", to: "2026-12-23", span: "before" });
    expect(en("before the 24th")).toEqual({ from: "2026-11-24", to: "2026-12-23", span: "before" });
    expect(pt("até o dia 24")).toEqual({ from: "2026-11-24", to: "2026-11-24", span: "before" });
    expect(pt("antes do dia 25")).toEqual({ from: "2026-11-24", to: "2026-11-24", span: "before" });
  });
});

describe("a weekday with 'this week'", () => {
  // Friday 2026-11-27. Was next week's Friday / Thursday: outside the week the contact named.
  const pt = at("pt-BR", "2026-11-27T12:00:00Z");
  const en = at("en", "2026-11-27T12:00:00Z");
  it("is this week's day, today included", () => {
    expect(pt("sexta dessa semana")).toEqual({ date: "2026-11-27", weekday: "fri" });
    expect(en("saturday this week")).toEqual({ date: "2026-11-28", weekday: "sat" });
  });
  it("already past, it is no date: the week stays, with the weekday as a filter (nothing fits, and the reply says so)", () => {
    expect(pt("quinta desta semana")).toEqual({ from: "2026-11-27", to: "2026-11-29", span: "this_week", weekday: "thu" });
  });
});

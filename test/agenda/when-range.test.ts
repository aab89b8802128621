import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchSlots, parseWhen, type WhenQuery } from "../../src/agenda/when";
import { describeWhen } from "../../src/agenda/when-describe";
import { searchWindow } from "../../src/agenda/when-window";
import { WEEKDAYS } from "../../src/lib/time-zone";

// Tuesday 2026-11-24, 09:00 in São Paulo (UTC-3): this week is 23–29/11, next week 30/11–6/12.
const NOW = "2026-11-24T12:00:00Z";
const SP = "America/Sao_Paulo";
const NY = "America/New_York";
const read =
  (locale: "pt-BR" | "en" | "es") =>
  (text: string, now = NOW, timeZone = SP) =>
    parseWhen(text, { now, timeZone, locale });
const pt = read("pt-BR");
const en = read("en");
const es = read("es");

const NEXT_WEEK: WhenQuery = { from: "2026-11-30", to: "2026-12-06", span: "next_week" };
const THIS_WEEK: WhenQuery = { from: "2026-11-24", to: "2026-11-29", span: "this_week" };
const WEEKEND: WhenQuery = { from: "2026-11-28", to: "2026-11-29", span: "weekend" };
const NEXT_MONTH: WhenQuery = { from: "2026-12-01", to: "2026-12-31", span: "next_month" };
const MONTH_END: WhenQuery = { from: "2026-11-24", to: "2026-11-30", span: "month_end" };
const EXCEPT_MONDAY: WhenQuery = { exceptWeekdays: ["mon"] };
const EARLY: WhenQuery = { period: "morning", before: "10:00" };
const LATE_AFTERNOON: WhenQuery = { period: "afternoon", after: "16:00" };

describe("parseWhen reads ranges (now: Tue 2026-11-24 09:00 São Paulo)", () => {
  it.each<[string, WhenQuery]>([
    ["Gostaria de agendar uma consulta para a próxima semana", NEXT_WEEK],
    ["semana que vem", NEXT_WEEK],
    ["na semana que vem", NEXT_WEEK],
    ["pode ser na outra semana", NEXT_WEEK],
    ["a semana seguinte", NEXT_WEEK],
    ["the following week", NEXT_WEEK],
    ["la semana siguiente", NEXT_WEEK],
    // The 24th is in the second half: the next quinzena is next month's first.
    ["na próxima quinzena", { from: "2026-12-01", to: "2026-12-15", span: "next_fortnight" }],
    ["quinzena que vem", { from: "2026-12-01", to: "2026-12-15", span: "next_fortnight" }],
    ["la próxima quincena", { from: "2026-12-01", to: "2026-12-15", span: "next_fortnight" }],
    ["ainda nesta quinzena", { from: "2026-11-24", to: "2026-11-30", span: "this_fortnight" }],
    ["in the next fortnight", { from: "2026-11-24", to: "2026-12-07", span: "within" }],
    ["esta semana", THIS_WEEK],
    ["nessa semana ainda", THIS_WEEK],
    ["daqui a 15 dias", { from: "2026-12-07", to: "2026-12-11", span: "around" }],
    ["em 15 dias", { from: "2026-12-07", to: "2026-12-11", span: "around" }],
    ["daqui a duas semanas", { from: "2026-12-06", to: "2026-12-10", span: "around" }],
    ["depois do dia 10", { from: "2026-12-11", span: "after" }],
    ["a partir do dia 10", { from: "2026-12-10", span: "after" }],
    ["antes do dia 20", { from: "2026-11-24", to: "2026-12-19", span: "before" }],
    ["até o dia 30", { from: "2026-11-24", to: "2026-11-30", span: "before" }],
    ["do dia 10 ao 15", { from: "2026-12-10", to: "2026-12-15", span: "within" }],
    ["depois de 5/12", { from: "2026-12-06", span: "after" }],
    ["entre 28/12 e 5/1", { from: "2026-12-28", to: "2027-01-05", span: "within" }],
    ["de 28 a 5 de janeiro", { from: "2026-12-28", to: "2027-01-05", span: "within" }],
    ["nos próximos 10 dias", { from: "2026-11-24", to: "2026-12-04", span: "within" }],
    ["no fim do mês", MONTH_END],
    ["final do mês", MONTH_END],
    ["início do mês que vem", { from: "2026-12-01", to: "2026-12-07", span: "month_start" }],
    ["mês que vem", NEXT_MONTH],
    ["no próximo mês", NEXT_MONTH],
    ["este mês", { from: "2026-11-24", to: "2026-11-30", span: "this_month" }],
    ["fim do mês que vem", { from: "2026-12-25", to: "2026-12-31", span: "month_end" }],
    ["meados do mês que vem", { from: "2026-12-11", to: "2026-12-20", span: "month_mid" }],
    ["daqui a um mês", { from: "2026-12-21", to: "2026-12-27", span: "around" }],
    ["no fim de semana", WEEKEND],
    ["final de semana", WEEKEND],
    ["qualquer dia menos segunda", EXCEPT_MONDAY],
    ["não posso na segunda", EXCEPT_MONDAY],
    ["menos segunda e sexta", { exceptWeekdays: ["mon", "fri"] }],
    ["de manhã cedo", EARLY],
    ["bem cedo", EARLY],
    ["depois do almoço", { after: "13:00" }],
    ["fim da tarde", LATE_AFTERNOON],
    ["no início da tarde", { period: "afternoon", before: "15:00" }],
    // combinations
    ["próxima semana de manhã", { ...NEXT_WEEK, period: "morning" }],
    ["depois do dia 10 à tarde, menos sexta", { from: "2026-12-11", span: "after", period: "afternoon", exceptWeekdays: ["fri"] }],
    ["semana que vem, depois do dia 2", { from: "2026-12-03", to: "2026-12-06" }],
    ["semana que vem de manhã cedo, menos segunda", { ...NEXT_WEEK, ...EARLY, exceptWeekdays: ["mon"] }],
    ["quinta do mês que vem", { ...NEXT_MONTH, weekday: "thu" }],
    ["mês que vem depois do almoço", { ...NEXT_MONTH, after: "13:00" }],
    // a weekday with a week is one day; a single date wins over a range
    ["sexta da semana que vem", { date: "2026-12-04", weekday: "fri" }],
    ["sexta dessa semana", { date: "2026-11-27", weekday: "fri" }],
    ["amanhã cedo", { date: "2026-11-25", period: "morning" }],
    ["em 3 dias", { date: "2026-11-27" }],
    ["dia 15 do mês que vem", { date: "2026-12-15" }],
  ])("pt-BR %j → %j", (text, want) => {
    expect(pt(text)).toEqual(want);
  });

  it.each<[string, WhenQuery]>([
    ["I'd like to book an appointment next week", NEXT_WEEK],
    ["this week", THIS_WEEK],
    ["in 2 weeks", { from: "2026-12-06", to: "2026-12-10", span: "around" }],
    ["after the 10th", { from: "2026-12-11", span: "after" }],
    ["from the 10th", { from: "2026-12-10", span: "after" }],
    ["before the 20th", { from: "2026-11-24", to: "2026-12-19", span: "before" }],
    ["by December 5", { from: "2026-11-24", to: "2026-12-05", span: "before" }],
    ["between the 10th and the 15th", { from: "2026-12-10", to: "2026-12-15", span: "within" }],
    ["from Dec 28 to Jan 5", { from: "2026-12-28", to: "2027-01-05", span: "within" }],
    ["between 12/28 and 1/5", { from: "2026-12-28", to: "2027-01-05", span: "within" }],
    ["within 2 weeks", { from: "2026-11-24", to: "2026-12-08", span: "within" }],
    ["end of the month", MONTH_END],
    ["early next month", { from: "2026-12-01", to: "2026-12-07", span: "month_start" }],
    // past the 20th: next month's middle
    ["mid-month", { from: "2026-12-11", to: "2026-12-20", span: "month_mid" }],
    ["in a month", { from: "2026-12-21", to: "2026-12-27", span: "around" }],
    ["next month", NEXT_MONTH],
    ["the weekend", WEEKEND],
    ["any day except Monday", EXCEPT_MONDAY],
    ["any day but not Mondays or Fridays", { exceptWeekdays: ["mon", "fri"] }],
    ["early morning", EARLY],
    ["after lunch", { after: "13:00" }],
    ["late afternoon", LATE_AFTERNOON],
    ["next week in the morning", { ...NEXT_WEEK, period: "morning" }],
    // a bare number after "after" stays a time
    ["after 10", { after: "10:00" }],
  ])("en %j → %j", (text, want) => {
    expect(en(text)).toEqual(want);
  });

  it.each<[string, WhenQuery]>([
    ["la semana que viene", NEXT_WEEK],
    ["la próxima semana", NEXT_WEEK],
    ["esta semana", THIS_WEEK],
    ["dentro de 15 días", { from: "2026-12-07", to: "2026-12-11", span: "around" }],
    ["después del 10", { from: "2026-12-11", span: "after" }],
    ["desde el día 10", { from: "2026-12-10", span: "after" }],
    ["antes del 20", { from: "2026-11-24", to: "2026-12-19", span: "before" }],
    ["del 10 al 15 de diciembre", { from: "2026-12-10", to: "2026-12-15", span: "within" }],
    ["a fin de mes", MONTH_END],
    ["el mes que viene", NEXT_MONTH],
    ["a mediados de mes", { from: "2026-12-11", to: "2026-12-20", span: "month_mid" }],
    ["en un mes", { from: "2026-12-21", to: "2026-12-27", span: "around" }],
    ["el fin de semana", WEEKEND],
    ["cualquier día menos el lunes", EXCEPT_MONDAY],
    ["por la mañana temprano", EARLY],
    ["después del almuerzo", { after: "13:00" }],
    ["al final de la tarde", LATE_AFTERNOON],
    ["la próxima semana por la tarde, menos el viernes", { ...NEXT_WEEK, period: "afternoon", exceptWeekdays: ["fri"] }],
    // "mañana temprano" is still tomorrow
    ["mañana temprano", { date: "2026-11-25", period: "morning" }],
    // "de 2 a 4 de la tarde" is still a time range
    ["de 2 a 4 de la tarde", { after: "14:00", before: "16:00" }],
  ])("es %j → %j", (text, want) => {
    expect(es(text)).toEqual(want);
  });

  it("crosses a year: 'próxima semana', 'mês que vem', 'fim do mês' on Monday 2026-12-28", () => {
    const dec28 = "2026-12-28T12:00:00Z";
    expect(pt("próxima semana", dec28)).toEqual({ from: "2027-01-04", to: "2027-01-10", span: "next_week" });
    expect(en("this week", dec28)).toEqual({ from: "2026-12-28", to: "2027-01-03", span: "this_week" });
    expect(pt("mês que vem", dec28)).toEqual({ from: "2027-01-01", to: "2027-01-31", span: "next_month" });
    // Three days left after today: still this month, from today.
    expect(pt("fim do mês", dec28)).toEqual({ from: "2026-12-28", to: "2026-12-31", span: "month_end" });
    // Fewer than three left: next month's last week.
    expect(pt("fim do mês", "2026-12-30T12:00:00Z")).toEqual({ from: "2027-01-25", to: "2027-01-31", span: "month_end" });
    expect(pt("depois do dia 10", dec28)).toEqual({ from: "2027-01-11", span: "after" });
    // Not the next 3rd / 15th: that day of next month.
    expect(en("the 3rd of next month", "2026-12-01T12:00:00Z")).toEqual({ date: "2027-01-03" });
    expect(pt("dia 15 do mês que vem", "2026-11-05T12:00:00Z")).toEqual({ date: "2026-12-15" });
    // 31 January + 1 month: the last day of February.
    expect(pt("daqui a um mês", "2027-01-31T12:00:00Z")).toEqual({ from: "2027-02-25", to: "2027-03-03", span: "around" });
    expect(es("dentro de 15 días", dec28)).toEqual({ from: "2027-01-10", to: "2027-01-14", span: "around" });
  });

  it("counts the week in the tenant's zone: late Sunday in São Paulo is already Monday in UTC", () => {
    // 02:30Z on Monday 30/11 is 23:30 on Sunday 29/11 in São Paulo: "next week" is still 30/11–6/12.
    expect(pt("semana que vem", "2026-11-30T02:30:00Z")).toEqual(NEXT_WEEK);
    expect(pt("fim de semana", "2026-11-30T02:30:00Z")).toEqual({ from: "2026-11-29", to: "2026-11-29", span: "weekend" });
    expect(pt("fim de semana que vem", "2026-11-29T12:00:00Z")).toEqual({ from: "2026-12-05", to: "2026-12-06", span: "weekend" });
  });

  it("finds a day range's last day first: 'do dia 10 ao 15' on the 12th is what is left of it", () => {
    expect(pt("do dia 10 ao 15", "2026-11-12T12:00:00Z")).toEqual({ from: "2026-11-12", to: "2026-11-15", span: "within" });
    expect(pt("do dia 10 ao 15", "2026-11-16T12:00:00Z")).toEqual({ from: "2026-12-10", to: "2026-12-15", span: "within" });
  });

  it("drops two ranges that do not overlap", () => {
    expect(pt("esta semana ou mês que vem")).toBeNull();
  });

  it("never throws on arbitrary text: null or a well-formed query", () => {
    const vocabulary = fc.constantFrom(
      ..."semana que vem próxima next week dia 10 depois antes do de after before the 10th menos except segunda lunes fim mês month weekend cedo tarde manhã 15 dias daqui a em in 2 weeks às 3 h : / - , . 31/02 0 99 e y and".split(
        " ",
      ),
    );
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.array(vocabulary, { maxLength: 12 }).map((w) => w.join(" ")),
    );
    const isoDay = (s: string | undefined) => s === undefined || (/^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s));
    const hhmm = (s: string | undefined) => s === undefined || /^(?:[01]\d|2[0-3]):[0-5]\d$/.test(s);
    fc.assert(
      fc.property(text, fc.constantFrom("pt-BR" as const, "en" as const, "es" as const), (s, locale) => {
        const q = parseWhen(s, { now: NOW, timeZone: SP, locale });
        if (q === null) return;
        expect(Object.keys(q).length).toBeGreaterThan(0);
        expect(isoDay(q.date) && isoDay(q.from) && isoDay(q.to)).toBe(true);
        expect(hhmm(q.time) && hhmm(q.after) && hhmm(q.before)).toBe(true);
        if (q.from && q.to) expect(q.from <= q.to).toBe(true);
        if (q.from) expect(q.from >= "2026-11-24").toBe(true);
        for (const d of q.exceptWeekdays ?? []) expect(WEEKDAYS).toContain(d);
        expect(describeWhen(q, locale).length).toBeGreaterThan(0);
      }),
      { seed: 20261203, numRuns: 1500 },
    );
  });
});

describe("matchSlots honours from/to and excluded weekdays", () => {
  // São Paulo local times in the ids.
  const slots = [
    { start: "2026-11-27T12:00:00Z", id: "fri27-09:00" },
    { start: "2026-11-30T02:30:00Z", id: "sun29-23:30" },
    { start: "2026-11-30T12:00:00Z", id: "mon30-09:00" },
    { start: "2026-12-02T17:00:00Z", id: "wed02-14:00" },
    { start: "2026-12-04T20:00:00Z", id: "fri04-17:00" },
    { start: "2026-12-07T02:30:00Z", id: "sun06-23:30" },
    { start: "2026-12-07T12:00:00Z", id: "mon07-09:00" },
  ];
  const ids = (q: WhenQuery) => matchSlots(slots, q, SP).map((s) => s.id);

  it.each<[string, WhenQuery, string[]]>([
    ["next week, by local date at both ends", NEXT_WEEK, ["mon30-09:00", "wed02-14:00", "fri04-17:00", "sun06-23:30"]],
    ["open-ended from", { from: "2026-12-04" }, ["fri04-17:00", "sun06-23:30", "mon07-09:00"]],
    ["through a date", { to: "2026-11-29" }, ["fri27-09:00", "sun29-23:30"]],
    ["except Monday and Friday", { exceptWeekdays: ["mon", "fri"] }, ["sun29-23:30", "wed02-14:00", "sun06-23:30"]],
    ["range, period and exception", { ...NEXT_WEEK, period: "afternoon", exceptWeekdays: ["fri"] }, ["wed02-14:00"]],
    ["weekday inside a range", { ...NEXT_WEEK, weekday: "fri" }, ["fri04-17:00"]],
  ])("%s", (_, q, want) => {
    expect(ids(q)).toEqual(want);
  });

  it("reads local dates in New York around the end of DST", () => {
    // 04:30Z on 2 Nov is 23:30 EST on Sunday 1 Nov.
    const ny = [
      { start: "2026-11-02T04:30:00Z", id: "sun01-23:30" },
      { start: "2026-11-02T05:30:00Z", id: "mon02-00:30" },
    ];
    expect(matchSlots(ny, { from: "2026-11-02", to: "2026-11-08" }, NY).map((s) => s.id)).toEqual(["mon02-00:30"]);
  });
});

describe("describeWhen", () => {
  it.each<[WhenQuery, string, string, string]>([
    [{ from: "2026-12-07", to: "2026-12-13", span: "next_week" }, "para a próxima semana (7 a 13/12)", "for next week (Dec 7–13)", "para la próxima semana (7 al 13/12)"],
    [NEXT_WEEK, "para a próxima semana (30/11 a 6/12)", "for next week (Nov 30–Dec 6)", "para la próxima semana (30/11 al 6/12)"],
    [
      { ...NEXT_WEEK, period: "morning", exceptWeekdays: ["fri"] },
      "para a próxima semana (30/11 a 6/12), de manhã, menos sexta",
      "for next week (Nov 30–Dec 6), in the morning, except Friday",
      "para la próxima semana (30/11 al 6/12), por la mañana, menos el viernes",
    ],
    [
      { from: "2026-12-11", span: "after", period: "afternoon", exceptWeekdays: ["mon", "fri"] },
      "a partir de 11/12, à tarde, menos segunda e sexta",
      "from Dec 11, in the afternoon, except Monday and Friday",
      "a partir del 11/12, por la tarde, menos el lunes y el viernes",
    ],
    [{ from: "2026-11-24", to: "2026-12-19", span: "before" }, "até 19/12", "until Dec 19", "hasta el 19/12"],
    // Sunday evening: what is left of the weekend is one day, still named.
    [{ from: "2026-11-29", to: "2026-11-29", span: "weekend" }, "para o fim de semana (29/11)", "for the weekend (Nov 29)", "para el fin de semana (29/11)"],
    [{ from: "2026-11-29", to: "2026-11-29" }, "para o dia 29/11", "for Nov 29", "para el 29/11"],
    [{ from: "2026-12-07", to: "2026-12-11", span: "around" }, "para os dias 7 a 11/12", "for Dec 7–11", "para los días 7 al 11/12"],
    [
      { ...MONTH_END, ...EARLY },
      "para o fim do mês (24 a 30/11), de manhã, antes das 10:00",
      "for the end of the month (Nov 24–30), in the morning, before 10:00",
      "para fin de mes (24 al 30/11), por la mañana, antes de las 10:00",
    ],
    [
      { ...NEXT_MONTH, weekday: "sat" },
      "para o mês que vem (1 a 31/12), aos sábados",
      "for next month (Dec 1–31), on Saturdays",
      "para el mes que viene (1 al 31/12), los sábados",
    ],
    [{ date: "2026-11-25", weekday: "wed", time: "15:00" }, "para quarta, 25/11, às 15:00", "for Wednesday, Nov 25, at 15:00", "para el miércoles 25/11, a las 15:00"],
    [{ date: "2026-11-25", after: "13:00" }, "para o dia 25/11, a partir das 13:00", "for Nov 25, from 13:00", "para el 25/11, desde las 13:00"],
    [
      { from: "2026-12-16", to: "2026-12-31", span: "next_fortnight" },
      "para a próxima quinzena (16 a 31/12)",
      "for the next half of the month (Dec 16–31)",
      "para la próxima quincena (16 al 31/12)",
    ],
  ])("%j", (q, ptWant, enWant, esWant) => {
    expect(describeWhen(q, "pt-BR")).toBe(ptWant);
    expect(describeWhen(q, "en")).toBe(enWant);
    expect(describeWhen(q, "es")).toBe(esWant);
  });
});

describe("searchWindow", () => {
  const nowMs = Date.parse(NOW);
  const DAY = 24 * 3_600_000;
  const base = { nowMs, timeZone: SP, searchDays: 14 };

  it("keeps the default window without a date or range", () => {
    expect(searchWindow(null, base)).toEqual({ fromMs: nowMs, days: 14 });
    expect(searchWindow({}, base)).toEqual({ fromMs: nowMs, days: 14 });
  });

  it("searches the range itself, from local midnight and never before now", () => {
    expect(searchWindow(NEXT_WEEK, base)).toEqual({ fromMs: Date.parse("2026-11-30T03:00:00Z"), days: 7 });
    expect(searchWindow(THIS_WEEK, base)).toEqual({ fromMs: nowMs, days: (Date.parse("2026-11-30T03:00:00Z") - nowMs) / DAY });
    expect(searchWindow({ date: "2027-02-10" }, base)).toEqual({ fromMs: Date.parse("2027-02-10T03:00:00Z"), days: 1 });
    // Open-ended: searchDays from its start.
    expect(searchWindow({ from: "2026-12-11" }, base)).toEqual({ fromMs: Date.parse("2026-12-11T03:00:00Z"), days: 14 });
  });

  it("caps the window at 60 days and at the calendar's horizon; a past range searches nothing", () => {
    expect(searchWindow({ from: "2026-12-01", to: "2027-06-30" }, base).days).toBe(60);
    // Horizon 10 days: bookable through 04/12 local, so the search stops at now + 11 days.
    expect(searchWindow({ from: "2026-12-01", to: "2026-12-31" }, { ...base, horizonDays: 10 })).toEqual({
      fromMs: Date.parse("2026-12-01T03:00:00Z"),
      days: (nowMs + 11 * DAY - Date.parse("2026-12-01T03:00:00Z")) / DAY,
    });
    expect(searchWindow({ from: "2026-11-01", to: "2026-11-10" }, base).days).toBe(0);
  });

  it("counts local midnights across a DST change (New York, 2027-03-14)", () => {
    const w = searchWindow({ from: "2027-03-08", to: "2027-03-14" }, { nowMs: Date.parse("2027-03-03T15:00:00Z"), timeZone: NY, searchDays: 14 });
    // 00:00 EST on the 8th is 05:00Z; 00:00 EDT on the 15th is 04:00Z: one hour short of 7 days.
    expect(w).toEqual({ fromMs: Date.parse("2027-03-08T05:00:00Z"), days: 7 - 1 / 24 });
  });
});

describe("a quinzena is half a month", () => {
  it("in the first half, the next quinzena is this month's second half; this one ends on the 15th", () => {
    const early = "2026-12-03T12:00:00Z";
    expect(parseWhen("próxima quinzena", { now: early, timeZone: SP, locale: "pt-BR" })).toEqual({ from: "2026-12-16", to: "2026-12-31", span: "next_fortnight" });
    expect(parseWhen("nesta quinzena", { now: early, timeZone: SP, locale: "pt-BR" })).toEqual({ from: "2026-12-03", to: "2026-12-15", span: "this_fortnight" });
  });
});

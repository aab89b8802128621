import { describe, expect, it } from "vitest";
import type { WhenOptions, WhenQuery } from "../../src/agenda/when";
import { matchSlots, parseChoice, parseWhen } from "../../src/agenda/when";

// Tuesday 2026-11-24, 09:00 in São Paulo (UTC-3, no DST since 2019).
const NOW = "2026-11-24T12:00:00Z";
const SP = "America/Sao_Paulo";
const NY = "America/New_York";

const pt = (text: string, now = NOW, timeZone = SP) => parseWhen(text, { now, timeZone, locale: "pt-BR" });
const en = (text: string, now = NOW, timeZone = SP) => parseWhen(text, { now, timeZone, locale: "en" });
const es = (text: string, now = NOW, timeZone = SP) => parseWhen(text, { now, timeZone, locale: "es" });

describe("parseChoice", () => {
  it.each<[string, number, number]>([
    // the brief's examples (3 options offered unless said otherwise)
    ["1", 3, 0],
    ["2.", 3, 1],
    ["opção 2", 3, 1],
    ["a segunda opção", 3, 1],
    ["option 3", 3, 2],
    ["la primera", 3, 0],
    ["quero a 1", 3, 0],
    ["1️⃣", 3, 0],
    ["#2", 3, 1],
    ["pode ser o 3", 3, 2],
    // more pt-BR
    ["Quero a opção 3, obrigada!", 3, 2],
    ["2, por favor", 3, 1],
    ["3)", 3, 2],
    ["*2*", 3, 1],
    ["nº 2", 3, 1],
    ["2ª", 3, 1],
    ["o 2º horário", 3, 1],
    ["opção dois", 3, 1],
    ["quero a segunda", 3, 1],
    ["fico com a terceira", 3, 2],
    ["vou de 2", 3, 1],
    ["a última", 4, 3],
    ["a penúltima", 4, 2],
    ["Opção #3", 3, 2],
    ["3️⃣ por favor", 3, 2],
    ["🔟", 10, 9],
    ["2️⃣obrigada", 3, 1],
    ["segunda opção", 3, 1],
    ["fico na segunda opção", 3, 1],
    // en
    ["the first one", 3, 0],
    ["I'll take number 2", 3, 1],
    ["3rd option", 3, 2],
    ["last", 3, 2],
    ["option two", 3, 1],
    ["the 2nd", 3, 1],
    // es
    ["me quedo con la 2", 3, 1],
    ["la segunda opción", 3, 1],
    ["opción dos", 3, 1],
    ["el último", 3, 2],
  ])("%j with %i options → %i", (text, count, want) => {
    expect(parseChoice(text, count)).toBe(want);
  });

  it.each<[string, number]>([
    // out of range
    ["4", 3],
    ["opção 5", 3],
    ["0", 3],
    ["a quinta", 3],
    ["1", 0],
    ["1 ou 4", 3],
    // ambiguous
    ["1 ou 2", 3],
    ["1️⃣ ou 2️⃣", 3],
    ["a 1 ou a 2", 3],
    ["option 2 or 3", 3],
    ["1 o 2", 3],
    ["a primeira e a terceira", 3],
    // negated
    ["não quero a 1", 3],
    ["nem a 1 nem a 2", 3],
    ["no quiero la 1", 3],
    // times, dates, quantities, weekdays: never choices
    ["às 15h", 3],
    ["dia 2", 3],
    ["15h", 3],
    ["2 pessoas", 3],
    ["10:30", 3],
    ["25/11", 3],
    ["as 3 da tarde", 3],
    ["2 e meia", 3],
    ["de 1 a 2", 3],
    ["entre 1 e 2", 3],
    ["2 horas", 3],
    ["segunda", 3],
    ["na segunda", 3],
    ["sexta-feira", 6],
    ["a segunda de manhã", 3],
    ["primeira vez aqui", 3],
    ["wait a second", 3],
    ["um segundo", 3],
    ["obrigado", 3],
    ["quanto custa?", 3],
    ["constructor", 3],
    ["", 3],
  ])("%j with %i options → null", (text, count) => {
    expect(parseChoice(text, count)).toBeNull();
  });
});

describe("parseWhen", () => {
  describe("pt-BR (now: Tue 2026-11-24 09:00 São Paulo)", () => {
    it.each<[string, WhenQuery]>([
      // the brief's examples
      ["amanhã às 15h", { date: "2026-11-25", time: "15:00" }],
      ["amanha 15:30", { date: "2026-11-25", time: "15:30" }],
      ["hoje à tarde", { date: "2026-11-24", period: "afternoon" }],
      ["sexta de manhã", { date: "2026-11-27", weekday: "fri", period: "morning" }],
      ["sexta-feira 9h", { date: "2026-11-27", weekday: "fri", time: "09:00" }],
      ["segunda que vem", { date: "2026-11-30", weekday: "mon" }],
      ["dia 25 às 10h", { date: "2026-11-25", time: "10:00" }],
      ["25/11 às 10:30", { date: "2026-11-25", time: "10:30" }],
      ["depois das 16h", { after: "16:00" }],
      ["antes do meio-dia", { before: "12:00" }],
      ["meio dia", { time: "12:00" }],
      ["14h30", { time: "14:30" }],
      ["as 3 da tarde", { time: "15:00" }],
      // more
      ["Boa noite! Pode ser amanhã às 9?", { date: "2026-11-25", time: "09:00" }],
      ["boa tarde, amanhã pode?", { date: "2026-11-25" }],
      ["Amanhã, umas 10 e meia", { date: "2026-11-25", time: "10:30" }],
      ["hoje à noite às 8", { date: "2026-11-24", time: "20:00", period: "evening" }],
      ["às 3", { time: "15:00" }],
      ["03h", { time: "03:00" }],
      ["às 15 horas", { time: "15:00" }],
      ["15hs", { time: "15:00" }],
      ["15h30min", { time: "15:30" }],
      ["11 da manhã", { time: "11:00" }],
      ["quinta 8 da noite", { date: "2026-11-26", weekday: "thu", time: "20:00" }],
      ["quarta às duas da tarde", { date: "2026-11-25", weekday: "wed", time: "14:00" }],
      ["meio dia e meia", { time: "12:30" }],
      ["à meia-noite", { time: "00:00" }],
      ["sábado 10h30", { date: "2026-11-28", weekday: "sat", time: "10:30" }],
      ["terça", { date: "2026-12-01", weekday: "tue" }],
      ["hoje, terça", { date: "2026-11-24", weekday: "tue" }],
      ["sexta dia 27", { date: "2026-11-27", weekday: "fri" }],
      ["sexta da semana que vem", { date: "2026-12-04", weekday: "fri" }],
      ["segunda-feira que vem de tarde", { date: "2026-11-30", weekday: "mon", period: "afternoon" }],
      ["quero na quinta depois das 14h", { date: "2026-11-26", weekday: "thu", after: "14:00" }],
      ["a partir das 16h", { after: "16:00" }],
      ["até às 11h", { before: "11:00" }],
      ["depois do almoço", { after: "13:00" }],
      ["entre 2 e 4 da tarde", { after: "14:00", before: "16:00" }],
      ["das 14h às 16h", { after: "14:00", before: "16:00" }],
      ["amanhã cedo", { date: "2026-11-25", period: "morning" }],
      ["dia 24", { date: "2026-11-24" }],
      ["dia 2", { date: "2026-12-02" }],
      ["dia 31", { date: "2026-12-31" }],
      ["25 de novembro às 10h", { date: "2026-11-25", time: "10:00" }],
      ["1º de dezembro", { date: "2026-12-01" }],
      ["12/1", { date: "2027-01-12" }],
      ["05/12/2026 às 14h", { date: "2026-12-05", time: "14:00" }],
      ["5/12/26", { date: "2026-12-05" }],
      ["2026-12-05 14:00", { date: "2026-12-05", time: "14:00" }],
      ["daqui a 2 horas", { date: "2026-11-24", time: "11:00" }],
      ["em 3 dias", { date: "2026-11-27" }],
      ["às 9 da manhã de sábado", { date: "2026-11-28", weekday: "sat", time: "09:00" }],
    ])("%j → %j", (text, want) => {
      expect(pt(text)).toEqual(want);
    });
  });

  describe("en", () => {
    it.each<[string, WhenQuery]>([
      ["tomorrow at 3pm", { date: "2026-11-25", time: "15:00" }],
      ["next Friday morning", { date: "2026-11-27", weekday: "fri", period: "morning" }],
      ["Nov 25 at 10:30", { date: "2026-11-25", time: "10:30" }],
      ["11/25 at 10:30", { date: "2026-11-25", time: "10:30" }],
      ["12/1", { date: "2026-12-01" }],
      // impossible as MM/DD, so read as DD/MM
      ["25/11", { date: "2026-11-25" }],
      ["friday next week", { date: "2026-12-04", weekday: "fri" }],
      ["at 5", { time: "17:00" }],
      ["this afternoon", { date: "2026-11-24", period: "afternoon" }],
      ["tonight at 8", { date: "2026-11-24", time: "20:00", period: "evening" }],
      ["half past 3 tomorrow", { date: "2026-11-25", time: "15:30" }],
      ["the 30th", { date: "2026-11-30" }],
      ["December 3rd", { date: "2026-12-03" }],
      ["between 2 and 4pm", { after: "14:00", before: "16:00" }],
      ["after 4pm", { after: "16:00" }],
      ["before noon", { before: "12:00" }],
      ["in 30 minutes", { date: "2026-11-24", time: "09:30" }],
      ["Monday 9:30 am", { date: "2026-11-30", weekday: "mon", time: "09:30" }],
      ["Good morning, anything on Thursday afternoon?", { date: "2026-11-26", weekday: "thu", period: "afternoon" }],
    ])("%j → %j", (text, want) => {
      expect(en(text)).toEqual(want);
    });
  });

  describe("es", () => {
    it.each<[string, WhenQuery]>([
      ["mañana a las 15", { date: "2026-11-25", time: "15:00" }],
      ["el viernes por la tarde", { date: "2026-11-27", weekday: "fri", period: "afternoon" }],
      ["mañana por la mañana", { date: "2026-11-25", period: "morning" }],
      ["pasado mañana a las 10", { date: "2026-11-26", time: "10:00" }],
      ["el 25 de noviembre", { date: "2026-11-25" }],
      ["25/11", { date: "2026-11-25" }],
      ["a las tres de la tarde", { time: "15:00" }],
      ["esta noche", { date: "2026-11-24", period: "evening" }],
      ["el lunes que viene", { date: "2026-11-30", weekday: "mon" }],
      ["después de las 5", { after: "17:00" }],
      ["antes de las 10", { before: "10:00" }],
      ["el día 30 a las 9 y media", { date: "2026-11-30", time: "09:30" }],
      ["jueves a la una", { date: "2026-11-26", weekday: "thu", time: "13:00" }],
      ["Buenas tardes, ¿el miércoles a las 11?", { date: "2026-11-25", weekday: "wed", time: "11:00" }],
    ])("%j → %j", (text, want) => {
      expect(es(text)).toEqual(want);
    });
  });

  it("reads numeric dates in the locale's order", () => {
    expect(pt("12/1")?.date).toBe("2027-01-12");
    expect(es("12/1")?.date).toBe("2027-01-12");
    expect(en("12/1")?.date).toBe("2026-12-01");
  });

  it("resolves relative days in the tenant's zone, not UTC", () => {
    // 02:00 UTC on the 25th is still 23:00 on the 24th in São Paulo.
    const late = "2026-11-25T02:00:00Z";
    expect(pt("amanhã", late)).toEqual({ date: "2026-11-25" });
    expect(pt("hoje", late)).toEqual({ date: "2026-11-24" });
    expect(en("tomorrow", "2026-12-31T23:30:00Z")).toEqual({ date: "2027-01-01" });
    // 03:30 UTC on 1 Nov is 23:30 on 31 Oct in New York.
    expect(en("tomorrow at 9am", "2026-11-01T03:30:00Z", NY)).toEqual({ date: "2026-11-01", time: "09:00" });
  });

  it("counts relative hours on the clock across a DST change", () => {
    // 05:30 UTC = 01:30 EDT; an hour later it is 01:30 again (EST).
    expect(en("in 1 hour", "2026-11-01T05:30:00Z", NY)).toEqual({ date: "2026-11-01", time: "01:30" });
  });

  it("takes a weekday strictly after today, and 'dia N' from today on", () => {
    const friday = "2026-11-27T12:00:00Z";
    expect(pt("sexta", friday)).toEqual({ date: "2026-12-04", weekday: "fri" });
    expect(pt("hoje", friday)).toEqual({ date: "2026-11-27" });
    expect(pt("dia 27", friday)).toEqual({ date: "2026-11-27" });
    expect(pt("dia 26", friday)).toEqual({ date: "2026-12-26" });
    // February has no 30th: the next month that has one.
    expect(pt("dia 30", "2026-01-31T12:00:00Z")).toEqual({ date: "2026-03-30" });
    expect(pt("29/02")).toEqual({ date: "2028-02-29" });
  });

  it("drops a field named twice with different values", () => {
    expect(pt("hoje ou amanhã")).toBeNull();
    expect(pt("dia 25 ou 26")).toBeNull();
    expect(pt("15h ou 16h")).toBeNull();
    expect(pt("de manhã ou à tarde")).toBeNull();
    expect(pt("amanhã, 15h ou 16h")).toEqual({ date: "2026-11-25" });
  });

  it.each([
    "obrigado",
    "quanto custa?",
    "2 pessoas",
    "1",
    "quero a 1",
    "opção 2",
    "a segunda opção",
    "sim",
    "tenho 30 anos",
    "custa 150 reais",
    "R$ 150,00",
    "a consulta dura 2 horas",
    "1 hora",
    "mais tarde",
    "thanks",
    "may 2 people come?",
    "gracias",
    "somos 3",
    "in a minute",
    "",
  ])("%j → null", (text) => {
    expect(pt(text)).toBeNull();
    expect(en(text)).toBeNull();
    expect(es(text)).toBeNull();
  });

  it("rejects an invalid clock or zone", () => {
    const bad: WhenOptions = { now: "yesterday", timeZone: SP, locale: "pt-BR" };
    expect(() => parseWhen("amanhã", bad)).toThrow(RangeError);
    expect(() => parseWhen("amanhã", { ...bad, now: NOW, timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});

describe("matchSlots", () => {
  interface Offered {
    start: string;
    id: string;
  }
  // São Paulo local times in the ids (UTC-3).
  const slots: Offered[] = [
    { start: "2026-11-25T12:00:00Z", id: "wed-09:00" },
    { start: "2026-11-25T13:30:00Z", id: "wed-10:30" },
    { start: "2026-11-25T15:00:00Z", id: "wed-12:00" },
    { start: "2026-11-25T17:00:00Z", id: "wed-14:00" },
    { start: "2026-11-25T18:00:00Z", id: "wed-15:00" },
    { start: "2026-11-25T18:30:00Z", id: "wed-15:30" },
    { start: "2026-11-25T21:00:00Z", id: "wed-18:00" },
    { start: "2026-11-26T18:00:00Z", id: "thu-15:00" },
    { start: "2026-11-27T11:00:00Z", id: "fri-08:00" },
    { start: "2026-11-27T20:45:00Z", id: "fri-17:45" },
    { start: "2026-11-28T02:30:00Z", id: "fri-23:30" },
    { start: "2026-12-04T18:00:00Z", id: "fri2-15:00" },
  ];
  const ids = (q: WhenQuery, zone = SP, from: Offered[] = slots) => matchSlots(from, q, zone).map((s) => s.id);

  it.each<[string, WhenQuery, string[]]>([
    ["no filter keeps the input order", {}, slots.map((s) => s.id)],
    ["local date", { date: "2026-11-25" }, ["wed-09:00", "wed-10:30", "wed-12:00", "wed-14:00", "wed-15:00", "wed-15:30", "wed-18:00"]],
    // 02:30 UTC on the 28th is still Friday the 27th in São Paulo.
    ["local date, not the UTC one", { date: "2026-11-27" }, ["fri-08:00", "fri-17:45", "fri-23:30"]],
    ["weekday across weeks", { weekday: "fri" }, ["fri-08:00", "fri-17:45", "fri-23:30", "fri2-15:00"]],
    ["date wins over weekday", { date: "2026-12-04", weekday: "fri" }, ["fri2-15:00"]],
    ["date wins over a contradicting weekday", { date: "2026-11-26", weekday: "fri" }, ["thu-15:00"]],
    ["exact time on a date", { date: "2026-11-25", time: "15:00" }, ["wed-15:00"]],
    ["exact time on any day", { time: "15:00" }, ["wed-15:00", "thu-15:00", "fri2-15:00"]],
    ["nearest first within ±30 min", { date: "2026-11-25", time: "15:20" }, ["wed-15:30", "wed-15:00"]],
    ["ties go to the earlier slot", { date: "2026-11-25", time: "15:15" }, ["wed-15:00", "wed-15:30"]],
    ["±30 min is inclusive", { date: "2026-11-25", time: "11:30" }, ["wed-12:00"]],
    ["nothing near enough", { date: "2026-11-25", time: "13:00" }, []],
    ["morning is 06–12", { date: "2026-11-25", period: "morning" }, ["wed-09:00", "wed-10:30"]],
    ["afternoon is 12–18", { date: "2026-11-25", period: "afternoon" }, ["wed-12:00", "wed-14:00", "wed-15:00", "wed-15:30"]],
    ["evening is 18–22", { period: "evening" }, ["wed-18:00"]],
    ["after is inclusive", { date: "2026-11-25", after: "15:00" }, ["wed-15:00", "wed-15:30", "wed-18:00"]],
    ["before is exclusive", { date: "2026-11-25", before: "12:00" }, ["wed-09:00", "wed-10:30"]],
    ["between bounds", { after: "10:00", before: "15:00" }, ["wed-10:30", "wed-12:00", "wed-14:00"]],
    ["period and time together", { weekday: "fri", period: "afternoon", time: "17:30" }, ["fri-17:45"]],
  ])("%s", (_, q, want) => {
    expect(ids(q)).toEqual(want);
  });

  it("keeps the caller's slot objects", () => {
    const [first] = matchSlots(slots, { date: "2026-11-26" }, SP);
    expect(first).toBe(slots[7]);
  });

  it("drops slots whose start cannot be read", () => {
    const broken = [{ start: "not a date", id: "x" }, ...slots];
    expect(ids({ time: "09:00" }, SP, broken)).toEqual(["wed-09:00"]);
  });

  describe("America/New_York around the end of DST (2026-11-01 02:00 EDT → 01:00 EST)", () => {
    const ny: Offered[] = [
      { start: "2026-10-31T13:00:00Z", id: "sat-09:00-edt" },
      { start: "2026-11-01T05:30:00Z", id: "sun-01:30-edt" },
      { start: "2026-11-01T06:30:00Z", id: "sun-01:30-est" },
      { start: "2026-11-01T13:00:00Z", id: "sun-08:00-est" },
      { start: "2026-11-01T14:00:00Z", id: "sun-09:00-est" },
      { start: "2026-11-02T04:30:00Z", id: "sun-23:30-est" },
      { start: "2026-11-02T14:00:00Z", id: "mon-09:00-est" },
    ];

    it.each<[WhenQuery, string[]]>([
      [{ date: "2026-11-01", time: "09:00" }, ["sun-09:00-est"]],
      [{ date: "2026-10-31", time: "09:00" }, ["sat-09:00-edt"]],
      [{ time: "09:00" }, ["sat-09:00-edt", "sun-09:00-est", "mon-09:00-est"]],
      // 01:30 happens twice that night.
      [{ date: "2026-11-01", time: "01:30" }, ["sun-01:30-edt", "sun-01:30-est"]],
      [{ weekday: "sun" }, ["sun-01:30-edt", "sun-01:30-est", "sun-08:00-est", "sun-09:00-est", "sun-23:30-est"]],
      [{ date: "2026-11-01", period: "morning" }, ["sun-08:00-est", "sun-09:00-est"]],
      [{ date: "2026-11-01", time: "08:15" }, ["sun-08:00-est"]],
    ])("%j", (q, want) => {
      expect(ids(q, NY, ny)).toEqual(want);
    });
  });

  it("works end to end with parseWhen", () => {
    const q = pt("quarta à tarde, umas 3 e meia");
    expect(q).toEqual({ date: "2026-11-25", weekday: "wed", time: "15:30", period: "afternoon" });
    expect(matchSlots(slots, q ?? {}, SP).map((s) => s.id)).toEqual(["wed-15:30"]);
    const q2 = en("wednesday around 3:20pm");
    expect(matchSlots(slots, q2 ?? {}, SP).map((s) => s.id)).toEqual(["wed-15:30", "wed-15:00"]);
  });
});

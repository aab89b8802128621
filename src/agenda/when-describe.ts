/**
 * How we understood a contact's "when", said back to them (pt-BR, en, es) so a wrong reading shows at once:
 * "para a próxima semana (7 a 13/12), de manhã, menos sexta" / "for next week (Dec 7–13), in the morning,
 * except Friday" / "para la próxima semana (7 al 13/12), por la mañana, menos el viernes". The phrase
 * carries its own preposition and fits both "{when}, tenho estes horários" and "não encontrei horários{when}".
 */
import type { Locale } from "../conversation/templates";
import type { Weekday } from "../lib/time-zone";
import type { SpanKind, WhenQuery } from "./when";
import type { DayPeriod } from "./when-words";

interface Words {
  span: Record<SpanKind, string | null>;
  date: (d: string) => string;
  dateWithWeekday: (wd: string, d: string) => string;
  days: (range: string) => string;
  from: (d: string) => string;
  until: (d: string) => string;
  range: (a: Day, b: Day) => string;
  weekday: Record<Weekday, string>;
  everyWeekday: (w: Weekday) => string;
  period: Record<DayPeriod, string>;
  at: (t: string) => string;
  after: (t: string) => string;
  before: (t: string) => string;
  except: (names: string[]) => string;
  soonest: string;
}

interface Day {
  m: number;
  d: number;
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const dm = (x: Day) => `${x.d}/${String(x.m).padStart(2, "0")}`;
const md = (x: Day) => `${EN_MONTHS[x.m - 1] ?? ""} ${x.d}`;
const list = (names: string[], and: string) => (names.length < 2 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} ${and} ${names.at(-1)}`);
/** "7 a 13/12" when one month, "30/11 a 6/12" across two. */
const numericRange = (a: Day, b: Day, joint: string) => (a.m === b.m ? `${a.d} ${joint} ${dm(b)}` : `${dm(a)} ${joint} ${dm(b)}`);

const PT_WEEKDAYS: Record<Weekday, string> = { mon: "segunda", tue: "terça", wed: "quarta", thu: "quinta", fri: "sexta", sat: "sábado", sun: "domingo" };
const EN_WEEKDAYS: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };
const ES_WEEKDAYS: Record<Weekday, string> = { mon: "lunes", tue: "martes", wed: "miércoles", thu: "jueves", fri: "viernes", sat: "sábado", sun: "domingo" };

const WORDS: Record<Locale, Words> = {
  "pt-BR": {
    span: {
      this_week: "para esta semana",
      next_week: "para a próxima semana",
      this_fortnight: "para esta quinzena",
      next_fortnight: "para a próxima quinzena",
      weekend: "para o fim de semana",
      this_month: "para este mês",
      next_month: "para o mês que vem",
      month_start: "para o início do mês",
      month_mid: "para meados do mês",
      month_end: "para o fim do mês",
      around: null,
      after: null,
      before: null,
      within: null,
    },
    date: (d) => `para o dia ${d}`,
    dateWithWeekday: (wd, d) => `para ${wd}, ${d}`,
    days: (r) => `para os dias ${r}`,
    from: (d) => `a partir de ${d}`,
    until: (d) => `até ${d}`,
    range: (a, b) => numericRange(a, b, "a"),
    weekday: PT_WEEKDAYS,
    everyWeekday: (w) => (w === "sat" || w === "sun" ? `aos ${PT_WEEKDAYS[w]}s` : `às ${PT_WEEKDAYS[w]}s`),
    period: { morning: "de manhã", afternoon: "à tarde", evening: "à noite" },
    at: (t) => `às ${t}`,
    after: (t) => `a partir das ${t}`,
    before: (t) => `antes das ${t}`,
    except: (names) => `menos ${list(names, "e")}`,
    soonest: "o quanto antes",
  },
  en: {
    span: {
      this_week: "for this week",
      next_week: "for next week",
      this_fortnight: "for this half of the month",
      next_fortnight: "for the next half of the month",
      weekend: "for the weekend",
      this_month: "for this month",
      next_month: "for next month",
      month_start: "for the start of the month",
      month_mid: "for mid-month",
      month_end: "for the end of the month",
      around: null,
      after: null,
      before: null,
      within: null,
    },
    date: (d) => `for ${d}`,
    dateWithWeekday: (wd, d) => `for ${wd}, ${d}`,
    days: (r) => `for ${r}`,
    from: (d) => `from ${d}`,
    until: (d) => `until ${d}`,
    range: (a, b) => (a.m === b.m ? `${md(a)}–${b.d}` : `${md(a)}–${md(b)}`),
    weekday: EN_WEEKDAYS,
    everyWeekday: (w) => `on ${EN_WEEKDAYS[w]}s`,
    period: { morning: "in the morning", afternoon: "in the afternoon", evening: "in the evening" },
    at: (t) => `at ${t}`,
    after: (t) => `from ${t}`,
    before: (t) => `before ${t}`,
    except: (names) => `except ${list(names, "and")}`,
    soonest: "as soon as possible",
  },
  es: {
    span: {
      this_week: "para esta semana",
      next_week: "para la próxima semana",
      this_fortnight: "para esta quincena",
      next_fortnight: "para la próxima quincena",
      weekend: "para el fin de semana",
      this_month: "para este mes",
      next_month: "para el mes que viene",
      month_start: "para principios de mes",
      month_mid: "para mediados de mes",
      month_end: "para fin de mes",
      around: null,
      after: null,
      before: null,
      within: null,
    },
    date: (d) => `para el ${d}`,
    dateWithWeekday: (wd, d) => `para el ${wd} ${d}`,
    days: (r) => `para los días ${r}`,
    from: (d) => `a partir del ${d}`,
    until: (d) => `hasta el ${d}`,
    range: (a, b) => numericRange(a, b, "al"),
    weekday: ES_WEEKDAYS,
    everyWeekday: (w) => `los ${ES_WEEKDAYS[w]}${w === "sat" || w === "sun" ? "s" : ""}`,
    period: { morning: "por la mañana", afternoon: "por la tarde", evening: "por la noche" },
    at: (t) => `a las ${t}`,
    after: (t) => `desde las ${t}`,
    before: (t) => `antes de las ${t}`,
    except: (names) =>
      `menos ${list(
        names.map((n) => `el ${n}`),
        "y",
      )}`,
    soonest: "lo antes posible",
  },
};

const dayOf = (iso: string): Day => ({ m: Number(iso.slice(5, 7)), d: Number(iso.slice(8, 10)) });

/**
 * The query in words, e.g. describeWhen({ from: "2026-12-07", to: "2026-12-13", span: "next_week" }, "pt-BR")
 * // "para a próxima semana (7 a 13/12)"; "" for an empty query.
 */
export function describeWhen(q: WhenQuery, locale: Locale): string {
  const w = WORDS[locale];
  const one = (iso: string) => (locale === "en" ? md(dayOf(iso)) : dm(dayOf(iso)));
  const parts: string[] = [];
  if (q.date !== undefined) {
    parts.push(q.weekday ? w.dateWithWeekday(w.weekday[q.weekday], one(q.date)) : w.date(one(q.date)));
  } else if (q.from !== undefined) {
    const named = q.span ? w.span[q.span] : null;
    if (q.to === undefined) parts.push(w.from(one(q.from)));
    else if (q.span === "before") parts.push(w.until(one(q.to)));
    else if (q.from === q.to) parts.push(named ? `${named} (${one(q.from)})` : w.date(one(q.from)));
    else {
      const range = w.range(dayOf(q.from), dayOf(q.to));
      parts.push(named ? `${named} (${range})` : w.days(range));
    }
  }
  if (q.date === undefined && q.weekday) parts.push(w.everyWeekday(q.weekday));
  if (q.period) parts.push(w.period[q.period]);
  if (q.time) parts.push(w.at(q.time));
  if (q.after) parts.push(w.after(q.after));
  if (q.before) parts.push(w.before(q.before));
  if (q.exceptWeekdays?.length) parts.push(w.except(q.exceptWeekdays.map((d) => w.weekday[d])));
  if (q.soonest) parts.push(w.soonest);
  return parts.join(", ");
}

/** Whether the offer should say how it read the message: a range or excluded days, not a plain day/time. */
export const isRangeQuery = (q: WhenQuery | null): q is WhenQuery => q !== null && (q.from !== undefined || (q.exceptWeekdays?.length ?? 0) > 0);

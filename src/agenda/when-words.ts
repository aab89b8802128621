/**
 * What parseWhen (when.ts) and parseChoice (choice.ts) share: number words, civil-date arithmetic in
 * the tenant's zone, the time-of-day vocabulary and readers, and the left-to-right scanner.
 */
import { utcToZoned, WEEKDAY_BY_UTC_DAY, type Weekday } from "../lib/time-zone";

export type DayPeriod = "morning" | "afternoon" | "evening";

// biome-ignore format: a table, one line per value, reads better than one key per line
export const NUMBER_WORDS: Record<string, number> = {
  um: 1, uma: 1, one: 1, uno: 1, una: 1,
  dois: 2, duas: 2, two: 2, dos: 2,
  tres: 3, three: 3,
  quatro: 4, four: 4, cuatro: 4,
  cinco: 5, five: 5,
  seis: 6, six: 6,
  sete: 7, seven: 7, siete: 7,
  oito: 8, eight: 8, ocho: 8,
  nove: 9, nine: 9, nueve: 9,
  dez: 10, ten: 10, diez: 10,
};

export const words = (s: string) => new Set(s.split(" "));

// ───────────────────────────── civil dates and zones ─────────────────────────────

export interface Civil {
  y: number;
  m: number;
  d: number;
}

export const pad2 = (n: number) => String(n).padStart(2, "0");
export const isoDate = (c: Civil) => `${String(c.y).padStart(4, "0")}-${pad2(c.m)}-${pad2(c.d)}`;
export const hhmm = (minutes: number) => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
export const civilOf = (dt: Date): Civil => ({ y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() });
export const addDays = (c: Civil, n: number): Civil => civilOf(new Date(Date.UTC(c.y, c.m - 1, c.d + n)));
export const weekdayOf = (c: Civil): Weekday => WEEKDAY_BY_UTC_DAY[new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay()] ?? "mon";
export const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
export const compareCivil = (a: Civil, b: Civil) => a.y - b.y || a.m - b.m || a.d - b.d;

/** Wall-clock date and minute-of-day of an instant in a zone (the calendar's own zone conversion). */
export function localAt(ms: number, timeZone: string): Civil & { minutes: number } {
  const { date, time } = utcToZoned(ms, timeZone);
  const [y = NaN, m = NaN, d = NaN] = date.split("-").map(Number);
  const [h = NaN, min = NaN] = time.split(":").map(Number);
  return { y, m, d, minutes: h * 60 + min };
}

// ───────────────────────────── free-text dates and times ─────────────────────────────

// biome-ignore format: a table, one line per value, reads better than one key per line
export const MONTHS: Record<string, number> = {
  janeiro: 1, january: 1, enero: 1, jan: 1, ene: 1,
  fevereiro: 2, february: 2, febrero: 2, fev: 2, feb: 2,
  marco: 3, march: 3, marzo: 3, mar: 3,
  abril: 4, april: 4, abr: 4, apr: 4,
  maio: 5, may: 5, mayo: 5, mai: 5,
  junho: 6, june: 6, junio: 6, jun: 6,
  julho: 7, july: 7, julio: 7, jul: 7,
  agosto: 8, august: 8, ago: 8, aug: 8,
  setembro: 9, september: 9, septiembre: 9, setiembre: 9, sept: 9, set: 9, sep: 9,
  outubro: 10, october: 10, octubre: 10, out: 10, oct: 10,
  novembro: 11, november: 11, noviembre: 11, nov: 11,
  dezembro: 12, december: 12, diciembre: 12, dez: 12, dec: 12, dic: 12,
};
export const MONTH_RE = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|");

// biome-ignore format: a table, one line per value, reads better than one key per line
export const WEEKDAYS: Record<string, Weekday> = {
  domingo: "sun", sunday: "sun",
  segunda: "mon", monday: "mon", mon: "mon", lunes: "mon",
  terca: "tue", tuesday: "tue", tues: "tue", tue: "tue", martes: "tue",
  quarta: "wed", wednesday: "wed", wed: "wed", miercoles: "wed",
  quinta: "thu", thursday: "thu", thurs: "thu", thur: "thu", thu: "thu", jueves: "thu",
  sexta: "fri", friday: "fri", fri: "fri", viernes: "fri",
  sabado: "sat", saturday: "sat",
};
export const WEEKDAY_RE = Object.keys(WEEKDAYS)
  .sort((a, b) => b.length - a.length)
  .join("|");

// biome-ignore format: a table, one line per value, reads better than one key per line
export const HOUR_WORDS: Record<string, number> = {
  uma: 1, una: 1, one: 1, duas: 2, dois: 2, dos: 2, two: 2, tres: 3, three: 3, quatro: 4, cuatro: 4, four: 4,
  cinco: 5, five: 5, seis: 6, six: 6, sete: 7, siete: 7, seven: 7, oito: 8, ocho: 8, eight: 8, nove: 9,
  nueve: 9, nine: 9, dez: 10, diez: 10, ten: 10, onze: 11, once: 11, eleven: 11, doze: 12, doce: 12, twelve: 12,
};
export const HOUR_WORD_RE = Object.keys(HOUR_WORDS).join("|");

export const PERIOD_WORDS = "manha|tarde|noite|madrugada|manana|noche|morning|afternoon|evening|night";
// A number followed by one of these is a quantity, not a time.
export const UNIT_AFTER = String.raw`(?! (?:pessoas?|people|persons?|personas?|dias?|days?|semanas?|weeks?|mes|meses|months?|minutos?|minutes?|mins?|anos?|years?|vezes|times|reais|dolares|euros|opcoes|options|opciones|horarios)\b)`;

/** A time of day; group names get `tag` so two can sit in one regex. */
export function timeSource(tag = ""): string {
  const g = (name: string) => `?<${name}${tag}>`;
  return (
    String.raw`(?:(${g("pre")}half|quarter) past )?` +
    String.raw`(?:\b(${g("noon")}meio dia|meiodia|mediodia|noon|midday)|\b(${g("midnight")}meia noite|medianoche|midnight)` +
    String.raw`|(?<![\d/:.,])(${g("h")}\d{1,2})(?:[:h](${g("m")}\d{2})(?:min|m)?(?!\d)|(?: ?(${g("hm")}h|hs|hrs?|horas?|hours?))(?![\p{L}\d]))?)` +
    String.raw`(?: (?:e|y|and) (${g("frac")}meia|media|quinze|cuarto|trinta|treinta|half))?` +
    String.raw`(?: ?(${g("ampm")}am|pm)(?![\p{L}\d]))?` +
    String.raw`(?: ?(${g("oclock")}o'?clock))?` +
    String.raw`(?: (?:da|de la|de|in the|pela|por la|at) (${g("per")}${PERIOD_WORDS}))?` +
    String.raw`(?![\d/:]|\p{L})` +
    UNIT_AFTER
  );
}

export interface RawTime {
  minutes: number;
  /** Says am/pm outright (am/pm, attached period, 13+, 0, leading zero, noon/midnight): no guessing. */
  explicit: boolean;
  marked: boolean;
}

const EVENINGISH = new Set(["tarde", "noite", "noche", "afternoon", "evening", "night"]);

export function readTime(groups: Record<string, string | undefined>, tag = ""): RawTime | null {
  const g = (name: string) => groups[name + tag];
  if (g("noon")) return { minutes: 12 * 60 + fracMinutes(g("frac")), explicit: true, marked: true };
  if (g("midnight")) return { minutes: fracMinutes(g("frac")), explicit: true, marked: true };
  const hs = g("h");
  if (hs === undefined) return null;
  let h = Number(hs);
  let m = g("m") !== undefined ? Number(g("m")) : fracMinutes(g("frac"));
  const pre = g("pre");
  if (pre === "half") m = 30;
  if (pre === "quarter") m = 15;
  if (h > 23 || m > 59) return null;
  const ampm = g("ampm");
  const per = g("per");
  if (ampm) {
    if (h === 0 || h > 12) return null;
    if (ampm === "pm" && h < 12) h += 12;
    if (ampm === "am" && h === 12) h = 0;
  } else if (per) {
    if (EVENINGISH.has(per) && h < 12) h += 12;
    else if ((per === "noite" || per === "noche" || per === "night") && h === 12) h = 0;
  }
  const explicit = Boolean(ampm || per) || h > 12 || h === 0 || (hs.length === 2 && hs.startsWith("0"));
  const marked = Boolean(g("m") || g("hm") || g("frac") || ampm || per || g("oclock") || pre);
  return { minutes: h * 60 + m, explicit, marked };
}

function fracMinutes(frac: string | undefined): number {
  if (frac === undefined) return 0;
  return frac === "quinze" || frac === "cuarto" ? 15 : 30;
}

/** Resolves an hour the contact left open ("às 3") with the period they named, else business hours. */
export function settle(t: RawTime, period: DayPeriod | undefined): number {
  if (t.explicit) return t.minutes;
  const h = Math.floor(t.minutes / 60);
  if (period === "morning") return t.minutes;
  if ((period === "afternoon" || period === "evening") && h < 12) return t.minutes + 12 * 60;
  return h >= 1 && h <= 6 ? t.minutes + 12 * 60 : t.minutes;
}

/** A string being read left to right: recognised spans are cut out so later rules never see them twice. */
export class Scan {
  constructor(public s: string) {}

  // biome-ignore lint/suspicious/noConfusingVoidType: handlers that return nothing (TS infers void) keep the match; only false rejects it.
  take(re: RegExp, fn: (m: RegExpExecArray) => boolean | void): void {
    const cuts: Array<[number, number]> = [];
    for (const m of this.s.matchAll(re)) {
      if (fn(m as RegExpExecArray) !== false) cuts.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
    }
    for (const [from, to] of cuts.reverse()) this.s = `${this.s.slice(0, from)} ${this.s.slice(to)}`;
    this.s = this.s.replace(/ {2,}/g, " ");
  }
}

export const distinct = <T>(xs: T[]): T | undefined => (new Set(xs).size === 1 ? xs[0] : undefined);

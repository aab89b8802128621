/**
 * Understanding a contact's answer after we offered appointment slots (pt-BR, en, es): which option they
 * picked (`parseChoice`), which day/time they asked for (`parseWhen`), and which slots fit (`matchSlots`).
 *
 * Ambiguities resolved here (each one is pinned by a test in test/agenda/when.test.ts):
 * - Choices: a bare number counts only as the whole answer or after a choice verb/article ("quero a 1",
 *   "pode ser o 3"); never after "dia", "às", "at", nor before a unit ("2 pessoas", "15h", "10:30", "25/11").
 *   Two different options ("1 ou 2", "a 1 e a 3") or any negation ("não quero a 1") → null.
 * - pt-BR ordinals that are also weekdays (segunda, quarta, quinta, sexta) are a choice only with an article
 *   ("quero a segunda") or a choice noun ("segunda opção"); bare "segunda" is Monday. Callers that offered
 *   options should try `parseChoice` before `parseWhen`, which reads "a segunda" as Monday.
 * - Weekday without a date → the next such day strictly after today ("sexta" on a Friday = in 7 days).
 *   "que vem" / "next" / "próximo" / "this" do not move it further: "sexta que vem" on a Tuesday is in 3 days.
 *   Only "<weekday> da semana que vem" / "<weekday> next week" means the following Monday-started week.
 * - "dia 25" → the next 25th on or after today (today counts); a month without that day is skipped
 *   ("dia 31" in November → 31 December). "25/11" without a year → this year unless already past.
 * - Numeric dates are DD/MM for pt-BR and es, MM/DD for en; if that order is impossible (13+ as month) the
 *   other order is used. Spanish "el 25" alone is not read as a date (it reads as option 25); "el 25 de
 *   noviembre" and "el día 25" are.
 * - Hours 1–6 without am/pm, period or a leading zero are afternoon ("às 3" → 15:00, "at 5" → 17:00):
 *   businesses do not open at 3 a.m. "03h"/"3am"/"3 da manhã" stay 03:00. A standalone period shifts
 *   ambiguous hours too ("hoje à noite às 8" → 20:00).
 * - A period attached to the time ("3 da tarde") only sets the hour; a standalone one ("sexta de manhã",
 *   "hoje à tarde às 3") is also returned as `period`.
 * - `after` is inclusive, `before` exclusive: "depois das 16h" still accepts a 16:00 slot (people mostly mean
 *   "a partir das 16h"), "antes do meio-dia" rejects 12:00. "depois do almoço" = after 13:00.
 * - Spanish "mañana" is tomorrow unless it follows "por/de/en/a la" or "esta" (morning).
 * - Greetings are not periods: "boa tarde, amanhã pode?" is tomorrow, not the afternoon.
 * - Two different dates, times, weekdays or periods in one message ("hoje ou amanhã") drop that field:
 *   asking again beats guessing. "semana que vem" alone has no representation here and yields null.
 * - Vocabularies of the three languages are merged (contacts switch languages); `locale` only picks the
 *   numeric date order.
 */

import { foldText } from "../conversation/intents";
import { utcToZoned, WEEKDAY_BY_UTC_DAY, type Weekday, weekdayIndex } from "../lib/time-zone";

export type DayPeriod = "morning" | "afternoon" | "evening";

/** What a contact asked for, in the tenant's time zone. Absent fields were not mentioned. */
export interface WhenQuery {
  /** Local calendar date, YYYY-MM-DD. */
  date?: string;
  /** As named by the contact (a named weekday also resolves `date`). */
  weekday?: Weekday;
  /** Local time, HH:MM (24 h). */
  time?: string;
  period?: DayPeriod;
  /** Local HH:MM, inclusive lower bound. */
  after?: string;
  /** Local HH:MM, exclusive upper bound. */
  before?: string;
}

export interface WhenOptions {
  /** The current instant, ISO 8601 (e.g. `new Date().toISOString()`). */
  now: string;
  /** The tenant's IANA time zone. */
  timeZone: string;
  locale: "pt-BR" | "en" | "es";
}

// ───────────────────────────── choices ─────────────────────────────

const ORDINALS: Record<string, number> = {
  primeiro: 1, primeira: 1, primero: 1, primera: 1, primer: 1, first: 1,
  segundo: 2, segunda: 2, second: 2,
  terceiro: 3, terceira: 3, tercero: 3, tercera: 3, tercer: 3, third: 3,
  quarto: 4, quarta: 4, cuarto: 4, cuarta: 4, fourth: 4,
  quinto: 5, quinta: 5, fifth: 5,
  sexto: 6, sexta: 6, sixth: 6,
  setimo: 7, setima: 7, septimo: 7, septima: 7, seventh: 7,
  oitavo: 8, oitava: 8, octavo: 8, octava: 8, eighth: 8,
  nono: 9, nona: 9, noveno: 9, novena: 9, ninth: 9,
  decimo: 10, decima: 10, tenth: 10,
  // Counted from the end.
  ultimo: -1, ultima: -1, last: -1,
  penultimo: -2, penultima: -2,
};

// pt-BR weekday names that are also ordinals: alone they mean the day, not the option.
const WEEKDAY_ORDINALS = new Set(["segunda", "quarta", "quinta", "sexta"]);

const NUMBER_WORDS: Record<string, number> = {
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

const words = (s: string) => new Set(s.split(" "));

/** Nouns that name an option: "opção 2", "number 3" (before a number), "segunda opção", "first one" (after an ordinal). */
const PREFIX_NOUNS = words("opcao option opcion alternativa alternative numero number num nro choice item slot horario vaga");
const CHOICE_NOUNS = words("opcao option opcion alternativa alternative horario vaga one slot choice turno data fecha cita");
const ARTICLES = words("a o the la el lo");
const CONNECTORS = words("ou or o y e and nem ni");
// Words that may sit right before a choice (or its article) or right after it without changing its meaning.
const CHOICE_CONTEXT = words(
  [
    "quero queria vou querer escolho prefiro fico com pode ser seria eu me mim para pra entao sim ok okay blz beleza",
    "certo isso esse essa mesmo mesma por favor pf pfv pfvr porfa obrigado obrigada obg brigado brigada valeu",
    "ta esta fica bom boa otimo otima perfeito melhor oi ola",
    "i i'll ill take pick choose want prefer with go then yes sure fine great good perfect please pls plz thanks",
    "thank you thx ty is sounds works this that best better hi hey",
    "quiero quisiera elijo prefiero quedo con dame si claro vale perfecto mismo misma gracias hola mejor",
  ].join(" "),
);
// "no" is Spanish/English negation but Portuguese "in the": only these followers make it a negation.
const NO_NEGATES = words("quiero puedo me la el lo es want thanks gracias prefiero gusta i");
const NEGATIONS = words("nao nem not don't dont neither nor ni never nunca none nenhuma nenhum ninguna ninguno");
const HALF_WORDS = words("meia media quinze cuarto half trinta treinta");

/**
 * The option the contact picked among `optionCount` offered ones, zero-based; null when none, out of range,
 * ambiguous or negated. Times, dates and quantities are never choices.
 * @example parseChoice("pode ser o 3", 3) // 2
 * @example parseChoice("dia 2", 3) // null
 */
export function parseChoice(text: string, optionCount: number): number | null {
  if (!Number.isInteger(optionCount) || optionCount < 1) return null;
  const folded = foldText(text.replace(/([0-9#])\uFE0F?\u20E3/gu, " $1 ").replace(/\u{1F51F}/gu, " 10 "))
    .replace(/(\d)\s*[ºª°]/g, "$1o")
    .replace(/\b(?:n|no|nr|num)\s*[º°.]\s*(?=\d)/g, " numero ")
    .replace(/#\s*(?=\d)/g, " numero ");
  // Numbers keep their glued time/date/unit parts ("15h", "10:30", "25/11", "2nd") so they can be told apart.
  const tokens = folded.match(/\d+(?:[:/.,h-]\d+)*[\p{L}']*|[\p{L}']+/gu) ?? [];

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? "";
    if (NEGATIONS.has(tok)) return null;
    if (tok === "no" && (i === 0 || NO_NEGATES.has(tokens[i + 1] ?? ""))) return null;
  }

  const picked = new Set<number>();
  const refs = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const n = choiceValue(tokens, i, refs);
    if (n === null) continue;
    const index = n < 0 ? optionCount + n : n - 1;
    if (index < 0 || index >= optionCount) return null;
    picked.add(index);
    refs.add(i);
  }
  if (picked.size !== 1) return null;
  const [only] = picked;
  return only ?? null;
}

/**
 * The 1-based (or negative, from the end) option number that token i refers to, or null. `refs` holds the
 * positions already read as choices: "1 ou 2" / "1 o 2" make the second one a choice too (then ambiguous),
 * while "entre 1 e 2" or "de 1 a 2" stay no choice at all.
 */
function choiceValue(tokens: string[], i: number, refs: ReadonlySet<number>): number | null {
  const tok = tokens[i] ?? "";
  const prev = tokens[i - 1];
  const explicit = prev !== undefined && PREFIX_NOUNS.has(prev);

  let value: number | null = null;
  let kind: "number" | "ordinal" | "word-ordinal" | "number-word" = "number";
  const digitOrdinal = /^(\d{1,2})(?:o|a|st|nd|rd|th)$/.exec(tok);
  if (/^\d{1,2}$/.test(tok)) value = Number(tok);
  else if (digitOrdinal) {
    value = Number(digitOrdinal[1]);
    kind = "ordinal";
  } else if (Object.hasOwn(ORDINALS, tok)) {
    value = ORDINALS[tok] ?? null;
    kind = "word-ordinal";
  } else if (Object.hasOwn(NUMBER_WORDS, tok)) {
    value = NUMBER_WORDS[tok] ?? null;
    kind = "number-word";
  }
  if (value === null) return null;
  if (explicit && kind !== "word-ordinal") return value;
  if (kind === "number-word") return null;

  const next = tokens[i + 1];
  if (next !== undefined && CHOICE_NOUNS.has(next) && kind !== "number") return value;

  // What comes before: the start, a choice verb/filler, or a connector after another choice; an article may sit between.
  let j = i - 1;
  const hasArticle = j >= 0 && ARTICLES.has(tokens[j] ?? "");
  if (hasArticle) j--;
  const before = tokens[j];
  const beforeOk =
    before === undefined ||
    CHOICE_CONTEXT.has(before) ||
    (CONNECTORS.has(before) && refs.size > 0) ||
    refs.has(j) ||
    // "vou de 2", "vou na segunda opção", "fico no 3"
    (["de", "na", "no"].includes(before) && ["vou", "fico", "voy"].includes(tokens[j - 1] ?? ""));
  // "2 e meia" is half past two.
  const afterOk =
    next === undefined ||
    CHOICE_CONTEXT.has(next) ||
    CHOICE_NOUNS.has(next) ||
    (CONNECTORS.has(next) && !HALF_WORDS.has(tokens[i + 2] ?? ""));
  if (!beforeOk || !afterOk) return null;
  if (kind === "word-ordinal" && WEEKDAY_ORDINALS.has(tok) && !hasArticle) return null;
  return value;
}

// ───────────────────────────── civil dates and zones ─────────────────────────────

interface Civil {
  y: number;
  m: number;
  d: number;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const isoDate = (c: Civil) => `${String(c.y).padStart(4, "0")}-${pad2(c.m)}-${pad2(c.d)}`;
const hhmm = (minutes: number) => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
const civilOf = (dt: Date): Civil => ({ y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() });
const addDays = (c: Civil, n: number): Civil => civilOf(new Date(Date.UTC(c.y, c.m - 1, c.d + n)));
const weekdayOf = (c: Civil): Weekday => WEEKDAY_BY_UTC_DAY[new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay()] ?? "mon";
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const compareCivil = (a: Civil, b: Civil) => a.y - b.y || a.m - b.m || a.d - b.d;

/** Wall-clock date and minute-of-day of an instant in a zone (the calendar's own zone conversion). */
function localAt(ms: number, timeZone: string): Civil & { minutes: number } {
  const { date, time } = utcToZoned(ms, timeZone);
  const [y = NaN, m = NaN, d = NaN] = date.split("-").map(Number);
  const [h = NaN, min = NaN] = time.split(":").map(Number);
  return { y, m, d, minutes: h * 60 + min };
}

// ───────────────────────────── free-text dates and times ─────────────────────────────

const MONTHS: Record<string, number> = {
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
const MONTH_RE = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join("|");

const WEEKDAYS: Record<string, Weekday> = {
  domingo: "sun", sunday: "sun",
  segunda: "mon", monday: "mon", mon: "mon", lunes: "mon",
  terca: "tue", tuesday: "tue", tues: "tue", tue: "tue", martes: "tue",
  quarta: "wed", wednesday: "wed", wed: "wed", miercoles: "wed",
  quinta: "thu", thursday: "thu", thurs: "thu", thur: "thu", thu: "thu", jueves: "thu",
  sexta: "fri", friday: "fri", fri: "fri", viernes: "fri",
  sabado: "sat", saturday: "sat",
};
const WEEKDAY_RE = Object.keys(WEEKDAYS).sort((a, b) => b.length - a.length).join("|");

const HOUR_WORDS: Record<string, number> = {
  uma: 1, una: 1, one: 1, duas: 2, dois: 2, dos: 2, two: 2, tres: 3, three: 3, quatro: 4, cuatro: 4, four: 4,
  cinco: 5, five: 5, seis: 6, six: 6, sete: 7, siete: 7, seven: 7, oito: 8, ocho: 8, eight: 8, nove: 9,
  nueve: 9, nine: 9, dez: 10, diez: 10, ten: 10, onze: 11, once: 11, eleven: 11, doze: 12, doce: 12, twelve: 12,
};
const HOUR_WORD_RE = Object.keys(HOUR_WORDS).join("|");

const PERIOD_WORDS = "manha|tarde|noite|madrugada|manana|noche|morning|afternoon|evening|night";
// A number followed by one of these is a quantity, not a time.
const UNIT_AFTER = String.raw`(?! (?:pessoas?|people|persons?|personas?|dias?|days?|semanas?|weeks?|mes|meses|months?|minutos?|minutes?|mins?|anos?|years?|vezes|times|reais|dolares|euros|opcoes|options|opciones|horarios)\b)`;

/** A time of day; group names get `tag` so two can sit in one regex. */
function timeSource(tag = ""): string {
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

interface RawTime {
  minutes: number;
  /** Says am/pm outright (am/pm, attached period, 13+, 0, leading zero, noon/midnight): no guessing. */
  explicit: boolean;
  marked: boolean;
}

const EVENINGISH = new Set(["tarde", "noite", "noche", "afternoon", "evening", "night"]);

function readTime(groups: Record<string, string | undefined>, tag = ""): RawTime | null {
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
function settle(t: RawTime, period: DayPeriod | undefined): number {
  if (t.explicit) return t.minutes;
  const h = Math.floor(t.minutes / 60);
  if (period === "morning") return t.minutes;
  if ((period === "afternoon" || period === "evening") && h < 12) return t.minutes + 12 * 60;
  return h >= 1 && h <= 6 ? t.minutes + 12 * 60 : t.minutes;
}

/** A string being read left to right: recognised spans are cut out so later rules never see them twice. */
class Scan {
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

const distinct = <T>(xs: T[]): T | undefined => (new Set(xs).size === 1 ? xs[0] : undefined);

/**
 * What day/time a free-text answer asks for, in the tenant's zone; null when nothing temporal is present.
 * Throws RangeError for an invalid `now` or time zone.
 * @example parseWhen("amanhã às 15h", { now: "2026-11-24T12:00:00Z", timeZone: "America/Sao_Paulo", locale: "pt-BR" })
 *   // { date: "2026-11-25", time: "15:00" }
 */
export function parseWhen(text: string, opts: WhenOptions): WhenQuery | null {
  const nowMs = Date.parse(opts.now);
  if (Number.isNaN(nowMs)) throw new RangeError(`invalid now: ${opts.now}`);
  const here = localAt(nowMs, opts.timeZone);
  const today: Civil = { y: here.y, m: here.m, d: here.d };

  const dates: Civil[] = [];
  const times: RawTime[] = [];
  const afters: RawTime[] = [];
  const befores: RawTime[] = [];
  const periods: DayPeriod[] = [];
  const weekdays: Weekday[] = [];
  let nextWeek = false;

  const scan = new Scan(
    ` ${foldText(text)
      .replace(/(\d)\s*[ºª°]/g, "$1o")
      .replace(/\b([ap])\.\s?m\b\.?/g, "$1m")
      .replace(/(\p{L})-(?=\p{L})/gu, "$1 ")
      .replace(/[^\p{L}\p{N}:/'.\- ]+/gu, " ")
      .replace(/\.(?!\d)/g, " ")
      .replace(/\s+/g, " ")} `,
  );

  // Hour words become digits only where they must be hours: "às duas da tarde", "a las tres", "at two".
  const strongPrefix =
    "a las|a la|at|depois das|antes das|apos as|ate as|after|before|despues de las|antes de las|hasta las|a partir das|a partir de las|por volta das|pelas";
  scan.s = scan.s
    .replace(new RegExp(String.raw`\b(${strongPrefix}) (${HOUR_WORD_RE})\b`, "g"), (_, p: string, w: string) => `${p} ${HOUR_WORDS[w]}`)
    .replace(
      new RegExp(
        String.raw`\b(${HOUR_WORD_RE})(?= (?:e|y|and) (?:meia|media|quinze|cuarto)\b| (?:da|de la|de|in the) (?:${PERIOD_WORDS})\b| ?(?:pm|am|o'?clock)\b)`,
        "g",
      ),
      (w: string) => String(HOUR_WORDS[w]),
    )
    .replace(new RegExp(String.raw`\b(as|das|las) (${HOUR_WORD_RE}) (?=horas?\b)`, "g"), (_, p: string, w: string) => `${p} ${HOUR_WORDS[w]} `);

  scan.take(/\b(?:bom dia|boa tarde|boa noite|buenos dias|buen dia|buenas tardes|buenas noches|good (?:morning|afternoon|evening|night))\b/g, () => {});

  // "daqui a 2 horas", "in 30 minutes", "en 3 días"
  scan.take(
    /\b(?:daqui a|daqui|dentro de|em|in|en|within) (\d{1,3}|uma|um|una|un|an|a|one|dois|duas|dos|two|tres|three|meia|media|half an) (minutos?|mins?|minutes?|horas?|hours?|hrs?|h|dias?|days?|semanas?|weeks?)\b/g,
    (m) => {
      const q = m[1] ?? "";
      const amount = /^\d/.test(q) ? Number(q) : q.startsWith("meia") || q.startsWith("media") || q.startsWith("half") ? 0.5 : (NUMBER_WORDS[q] ?? 1);
      const unit = m[2] ?? "";
      if (/^(?:dia|day|semana|week)/.test(unit)) {
        if (!Number.isInteger(amount)) return false;
        dates.push(addDays(today, amount * (/^(?:semana|week)/.test(unit) ? 7 : 1)));
        return;
      }
      // "in a minute" / "num minuto" is a figure of speech, not a booking time.
      if (/^min/.test(unit) && !/^\d/.test(q)) return false;
      const ms = amount * (/^min/.test(unit) ? 60_000 : 3_600_000);
      const at = localAt(nowMs + ms, opts.timeZone);
      dates.push({ y: at.y, m: at.m, d: at.d });
      times.push({ minutes: at.minutes, explicit: true, marked: true });
    },
  );

  scan.take(/\b(?:depois de amanha|day after tomorrow|pasado manana)\b/g, () => {
    dates.push(addDays(today, 2));
  });

  // Ranges and bounds come before bare times so "depois das 4" is a bound, not a time.
  const lead = String.raw`(?:(?:d[aoe]s?|de las|de la|del|as|a las|las|the) )?`;
  scan.take(
    new RegExp(
      String.raw`\b(?:entre|between|das|from|desde|de) ${lead}${timeSource("A")} (?:e|y|and|as|a|to|till|until|ate|hasta|-) ${lead}${timeSource("B")}`,
      "gu",
    ),
    (m) => {
      const a = readTime(m.groups ?? {}, "A");
      const b = readTime(m.groups ?? {}, "B");
      if (!a || !b) return false;
      // "entre 2 e 4 da tarde": the first hour takes the second's half of the day.
      if (!a.explicit && b.explicit && b.minutes >= 12 * 60 && a.minutes < 12 * 60 && a.minutes + 12 * 60 < b.minutes) {
        a.minutes += 12 * 60;
        a.explicit = true;
      }
      afters.push(a);
      befores.push(b);
    },
  );
  scan.take(/\b(?:depois|apos) do almoco\b|\bafter lunch\b|\bdespues (?:del almuerzo|de comer)\b/g, () => {
    afters.push({ minutes: 13 * 60, explicit: true, marked: true });
  });
  scan.take(/\bantes do almoco\b|\bbefore lunch\b|\bantes del almuerzo\b/g, () => {
    befores.push({ minutes: 12 * 60, explicit: true, marked: true });
  });
  scan.take(
    new RegExp(String.raw`\b(?:depois|apos|after|despues|a partir|later than|from|desde) ${lead}${timeSource()}`, "gu"),
    (m) => {
      const t = readTime(m.groups ?? {});
      if (!t) return false;
      afters.push(t);
    },
  );
  scan.take(
    new RegExp(String.raw`\b(?:antes|before|ate|hasta|until|till|by|no later than) ${lead}${timeSource()}`, "gu"),
    (m) => {
      const t = readTime(m.groups ?? {});
      if (!t) return false;
      befores.push(t);
    },
  );

  // Dates: ISO, numeric, with a month name, "dia 25", "the 25th".
  const pushDate = (y: number | undefined, m: number, d: number): boolean => {
    if (m < 1 || m > 12 || d < 1) return false;
    if (y !== undefined) {
      if (d > daysInMonth(y, m)) return false;
      dates.push({ y, m, d });
      return true;
    }
    // No year: this year unless already past; 29/02 waits for a leap year.
    for (let yy = today.y; yy <= today.y + 8; yy++) {
      const c = { y: yy, m, d };
      if (d <= daysInMonth(yy, m) && compareCivil(c, today) >= 0) {
        dates.push(c);
        return true;
      }
    }
    return false;
  };
  const fullYear = (s: string | undefined) => (s === undefined ? undefined : s.length === 2 ? 2000 + Number(s) : Number(s));

  scan.take(/(?<![\d/:.])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/:])/g, (m) => pushDate(Number(m[1]), Number(m[2]), Number(m[3])));
  scan.take(/(?<![\d/:.])(\d{1,2})(?:\/(\d{1,2})(?:\/(\d{4}|\d{2}))?|([.-])(\d{1,2})\4(\d{4}|\d{2}))(?![\d/:])/g, (m) => {
    const a = Number(m[1]);
    const b = Number(m[2] ?? m[5]);
    const y = fullYear(m[3] ?? m[6]);
    const [d, mo] = opts.locale === "en" ? [b, a] : [a, b];
    // The locale's order first; the other one only when the first is impossible ("25/11" typed in English).
    if (mo <= 12 && d <= 31) return pushDate(y, mo, d);
    return pushDate(y, d, mo);
  });
  scan.take(
    new RegExp(
      String.raw`\b(?:(?:on the|el dia|the|el|dia|day) )?(\d{1,2}|primeiro|primero|first)(?:o|st|nd|rd|th)? (?:(?:de|of) )?(${MONTH_RE})\b(?: (?:(?:de|of) )?(\d{4}))?`,
      "g",
    ),
    (m) => pushDate(m[3] === undefined ? undefined : Number(m[3]), MONTHS[m[2] ?? ""] ?? 0, /^\d/.test(m[1] ?? "") ? Number(m[1]) : 1),
  );
  scan.take(
    new RegExp(String.raw`\b(${MONTH_RE}) (\d{1,2})(?:st|nd|rd|th)?(?![\d/:]|\p{L})${UNIT_AFTER}(?:,? (\d{4})\b)?`, "gu"),
    (m) => pushDate(m[3] === undefined ? undefined : Number(m[3]), MONTHS[m[1] ?? ""] ?? 0, Number(m[2])),
  );
  const dayOfMonth = (d: number): boolean => {
    if (d < 1 || d > 31) return false;
    let y = today.y;
    let mo = today.m;
    if (d < today.d) mo++;
    for (let i = 0; i < 13; i++, mo++) {
      if (mo > 12) {
        mo = 1;
        y++;
      }
      if (d <= daysInMonth(y, mo)) {
        dates.push({ y, m: mo, d });
        return true;
      }
    }
    return false;
  };
  // "dia 25 ou 26" names two days: both are kept, so the date is dropped as ambiguous.
  scan.take(
    /\b(?:el dia|dia|day) (\d{1,2}|primeiro|primero|first)(?:o)?\b(?: (?:ou|or|o|e|y|and) (\d{1,2})\b)?(?![:/]| ?h\b)(?! (?:pessoas?|people|personas?)\b)/g,
    (m) => dayOfMonth(/^\d/.test(m[1] ?? "") ? Number(m[1]) : 1) && (m[2] === undefined || dayOfMonth(Number(m[2]))),
  );
  scan.take(/\b(?:on )?(?:the )?(\d{1,2})(?:st|nd|rd|th)\b(?! (?:option|one|slot|choice)\b)/g, (m) => dayOfMonth(Number(m[1])));

  // Times that say they are times: a marker ("h", ":", pm, "da tarde"), or a lead-in ("às", "at", "a las").
  scan.take(
    new RegExp(
      String.raw`(?:\b(?<lead>por volta das|perto das|a las|a la|las|as|at|around|about|umas|pelas) )?` + timeSource(),
      "gu",
    ),
    (m) => {
      const t = readTime(m.groups ?? {});
      if (!t) return false;
      const lead = m.groups?.lead;
      if (!lead && !t.marked) return false;
      // "dura 2 horas", "1 hora": a word for hours without "às" is a duration unless the hour says otherwise.
      const hm = m.groups?.hm ?? "";
      if (!lead && hm.length > 2) {
        const onlyMark = !m.groups?.m && !m.groups?.frac && !m.groups?.ampm && !m.groups?.per;
        if (onlyMark && !t.explicit && t.minutes < 7 * 60) return false;
        if (/\b(?:dura|durante|por|for|leva|demora|takes?|lasts?|de|mais|more|menos|less) $/.test(scan.s.slice(0, m.index))) return false;
      }
      times.push(t);
    },
  );

  // Periods of the day ("de manhã", "por la tarde", "tonight"); "this"/"esta" + period also means today.
  const period = (p: DayPeriod) => (m: RegExpExecArray) => {
    periods.push(p);
    if (/^ ?(?:this|esta|essa|nesta|nessa|tonight)\b/.test(m[0])) dates.push(today);
  };
  const pre = "(?:(?:a|de|da|pela|na|por la|en la|de la|a la|in the|this|esta|essa|nesta|nessa) )?";
  scan.take(new RegExp(String.raw`\b${pre}(?:manha|morning)\b|\b(?:(?:por|en|de|a) la|esta) manana\b`, "g"), period("morning"));
  scan.take(new RegExp(String.raw`(?<!\b(?:mais|muito|mas|muy|tan|bem|too|so) )\b${pre}(?:tarde|afternoon)\b`, "g"), period("afternoon"));
  scan.take(new RegExp(String.raw`\b${pre}(?:noite|noche|evening|night)\b|\btonight\b`, "g"), period("evening"));
  scan.take(/(?<!\b(?:mais|more|mas|as|o mais|bem mais) )\b(?:cedo|early|temprano)\b/g, period("morning"));

  scan.take(/\b(?:hoje|hj|today|hoy)\b/g, () => {
    dates.push(today);
  });
  scan.take(/\b(?:amanha|tomorrow|tmrw|tmr|manana)\b/g, () => {
    dates.push(addDays(today, 1));
  });

  scan.take(/\b(?:(?:da|na|de la|en la|of|on) )?(?:semana que vem|proxima semana|next week|semana que viene|semana proxima)\b/g, () => {
    nextWeek = true;
  });
  scan.take(
    new RegExp(
      String.raw`\b(${WEEKDAY_RE})(?: feira)?\b(?! (?:opcao|alternativa|option|opcion|vez|semana|quinzena|horario|vaga|one)\b)`,
      "g",
    ),
    (m) => {
      const wd = WEEKDAYS[m[1] ?? ""];
      if (wd === undefined) return false;
      weekdays.push(wd);
    },
  );

  const q: WhenQuery = {};
  const period1 = distinct(periods);
  const weekday = distinct(weekdays);
  const dateKeys = dates.map(isoDate);
  const date = distinct(dateKeys);
  if (date !== undefined) q.date = date;
  else if (weekday !== undefined && dates.length === 0) {
    // Indexes from Monday = 0, so "next week" counts from this week's Monday.
    const todayWd = weekdayIndex(weekdayOf(today));
    const wanted = weekdayIndex(weekday);
    const monday = addDays(today, -todayWd);
    q.date = isoDate(nextWeek ? addDays(monday, 7 + wanted) : addDays(today, (wanted - todayWd + 7) % 7 || 7));
  }
  if (weekday !== undefined) q.weekday = weekday;
  const time = distinct(times.map((t) => settle(t, period1)));
  if (time !== undefined) q.time = hhmm(time);
  if (period1 !== undefined) q.period = period1;
  const after = distinct(afters.map((t) => settle(t, period1)));
  if (after !== undefined) q.after = hhmm(after);
  const before = distinct(befores.map((t) => settle(t, period1)));
  if (before !== undefined) q.before = hhmm(before);
  return Object.keys(q).length > 0 ? q : null;
}

// ───────────────────────────── matching slots ─────────────────────────────

const PERIOD_WINDOWS: Record<DayPeriod, [number, number]> = {
  morning: [6 * 60, 12 * 60],
  afternoon: [12 * 60, 18 * 60],
  evening: [18 * 60, 22 * 60],
};

/** How far a slot may sit from the asked time when no slot starts exactly then. */
const NEAR_MINUTES = 30;

function minutesOf(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v < 24 * 60 && Number(m[2]) < 60 ? v : undefined;
}

/**
 * The slots (UTC ISO starts) that fit a query in the tenant's zone: same local date (or weekday), period
 * window (morning 06–12, afternoon 12–18, evening 18–22), `after` ≤ start < `before`, and the asked time —
 * exact starts if any, else every start within ±30 min, nearest first (ties: earlier first). Without a time
 * the input order is kept. Slots with an unparsable start are dropped.
 * @example matchSlots(slots, { date: "2026-11-25", time: "15:00" }, "America/Sao_Paulo")
 */
export function matchSlots<T extends { start: string }>(slots: T[], q: WhenQuery, timeZone: string): T[] {
  const window = q.period ? PERIOD_WINDOWS[q.period] : undefined;
  const after = minutesOf(q.after);
  const before = minutesOf(q.before);
  const fits: Array<{ slot: T; minutes: number; ms: number }> = [];
  for (const slot of slots) {
    const ms = Date.parse(slot.start);
    if (Number.isNaN(ms)) continue;
    const local = localAt(ms, timeZone);
    if (q.date !== undefined) {
      if (isoDate(local) !== q.date) continue;
    } else if (q.weekday !== undefined && weekdayOf(local) !== q.weekday) continue;
    if (window && (local.minutes < window[0] || local.minutes >= window[1])) continue;
    if (after !== undefined && local.minutes < after) continue;
    if (before !== undefined && local.minutes >= before) continue;
    fits.push({ slot, minutes: local.minutes, ms });
  }

  const asked = minutesOf(q.time);
  if (asked === undefined) return fits.map((f) => f.slot);
  const exact = fits.filter((f) => f.minutes === asked);
  const chosen = exact.length > 0 ? exact : fits.filter((f) => Math.abs(f.minutes - asked) <= NEAR_MINUTES);
  return chosen
    .sort((a, b) => Math.abs(a.minutes - asked) - Math.abs(b.minutes - asked) || a.ms - b.ms)
    .map((f) => f.slot);
}

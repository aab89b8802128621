/**
 * Understanding a contact's answer after we offered appointment slots (pt-BR, en, es): which option they
 * picked (`parseChoice`, choice.ts, re-exported here), which day/time they asked for (`parseWhen`), and
 * which slots fit (`matchSlots`). The shared vocabulary and readers are in when-words.ts.
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
 *   Only "<weekday> da semana que vem" / "<weekday> next week" means the following Monday-started week;
 *   "<weekday> dessa semana" / "<weekday> this week" is this week's (today included; once past, no date).
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
 *   asking again beats guessing.
 * - Ranges ("semana que vem", "depois do dia 10", "fim do mês"), excluded weekdays and the finer parts of
 *   the day are read first by when-range.ts (its header has their semantics). A single date wins over
 *   a range; a weekday with a week ("sexta da semana que vem") is that date, with another range a filter.
 * - "o quanto antes", "o mais cedo possível", "as soon as possible", "lo antes posible" set `soonest`: the offer
 *   keeps the earliest slots first (no reordering by habit or risk); "mais cedo" is then not the morning.
 * - Vocabularies of the three languages are merged (contacts switch languages); `locale` only picks the
 *   numeric date order.
 */

import { foldText } from "../conversation/intents";
import { type Weekday, weekdayIndex } from "../lib/time-zone";
import {
  addDays,
  type Civil,
  compareCivil,
  type DayPeriod,
  daysInMonth,
  distinct,
  HOUR_WORD_RE,
  HOUR_WORDS,
  hhmm,
  isoDate,
  localAt,
  MONTH_RE,
  MONTHS,
  NUMBER_WORDS,
  PERIOD_WORDS,
  type RawTime,
  readTime,
  Scan,
  settle,
  timeSource,
  UNIT_AFTER,
  WEEKDAY_RE,
  WEEKDAYS,
  weekdayOf,
} from "./when-words";
import { dayInMonth, rangeOf, takeRanges, type WhenRange } from "./when-range";

export { parseChoice } from "./choice";
export type { DayPeriod } from "./when-words";
export type { SpanKind } from "./when-range";

/** What a contact asked for, in the tenant's time zone. Absent fields were not mentioned. */
export interface WhenQuery extends WhenRange {
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
  /** "o quanto antes" / "as soon as possible": the earliest slots first, whatever the contact's habits. */
  soonest?: boolean;
}

export interface WhenOptions {
  /** The current instant, ISO 8601 (e.g. `new Date().toISOString()`). */
  now: string;
  /** The tenant's IANA time zone. */
  timeZone: string;
  locale: "pt-BR" | "en" | "es";
}

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
  const strongPrefix = "a las|a la|at|depois das|antes das|apos as|ate as|after|before|despues de las|antes de las|hasta las|a partir das|a partir de las|por volta das|pelas";
  scan.s = scan.s
    .replace(new RegExp(String.raw`\b(${strongPrefix}) (${HOUR_WORD_RE})\b`, "g"), (_, p: string, w: string) => `${p} ${HOUR_WORDS[w]}`)
    .replace(
      new RegExp(String.raw`\b(${HOUR_WORD_RE})(?= (?:e|y|and) (?:meia|media|quinze|cuarto)\b| (?:da|de la|de|in the) (?:${PERIOD_WORDS})\b| ?(?:pm|am|o'?clock)\b)`, "g"),
      (w: string) => String(HOUR_WORDS[w]),
    )
    .replace(new RegExp(String.raw`\b(as|das|las) (${HOUR_WORD_RE}) (?=horas?\b)`, "g"), (_, p: string, w: string) => `${p} ${HOUR_WORDS[w]} `);

  // "o quanto antes" / "as soon as possible": the earliest slot, before "cedo" reads as the morning.
  let soonest = false;
  scan.take(SOONEST, () => {
    soonest = true;
  });

  // Ranges first: "depois do dia 10" is not the 10th, "menos segunda" not Monday, "fim da tarde" not "tarde".
  const ranges = takeRanges(scan, today, opts.locale);
  periods.push(...ranges.periods);
  dates.push(...ranges.dates);
  afters.push(...ranges.afters);
  befores.push(...ranges.befores);
  const weekSpan = ranges.spans.find((s) => s.kind === "this_week" || s.kind === "next_week");

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
    new RegExp(String.raw`\b(?:entre|between|das|from|desde|de) ${lead}${timeSource("A")} (?:e|y|and|as|a|to|till|until|ate|hasta|-) ${lead}${timeSource("B")}`, "gu"),
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
  scan.take(new RegExp(String.raw`\b(?:depois|apos|after|despues|a partir|later than|from|desde) ${lead}${timeSource()}`, "gu"), (m) => {
    const t = readTime(m.groups ?? {});
    if (!t) return false;
    afters.push(t);
  });
  scan.take(new RegExp(String.raw`\b(?:antes|before|ate|hasta|until|till|by|no later than) ${lead}${timeSource()}`, "gu"), (m) => {
    const t = readTime(m.groups ?? {});
    if (!t) return false;
    befores.push(t);
  });

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
  scan.take(new RegExp(String.raw`\b(${MONTH_RE}) (\d{1,2})(?:st|nd|rd|th)?(?![\d/:]|\p{L})${UNIT_AFTER}(?:,? (\d{4})\b)?`, "gu"), (m) =>
    pushDate(m[3] === undefined ? undefined : Number(m[3]), MONTHS[m[1] ?? ""] ?? 0, Number(m[2])),
  );
  const dayOfMonth = (d: number): boolean => {
    const day = dayInMonth(today, d);
    if (day) dates.push(day);
    return day !== null;
  };
  // "dia 25 ou 26" names two days: both are kept, so the date is dropped as ambiguous.
  scan.take(
    /\b(?:el dia|dia|day) (\d{1,2}|primeiro|primero|first)(?:o)?\b(?: (?:ou|or|o|e|y|and) (\d{1,2})\b)?(?![:/]| ?h\b)(?! (?:pessoas?|people|personas?)\b)/g,
    (m) => dayOfMonth(/^\d/.test(m[1] ?? "") ? Number(m[1]) : 1) && (m[2] === undefined || dayOfMonth(Number(m[2]))),
  );
  scan.take(/\b(?:on )?(?:the )?(\d{1,2})(?:st|nd|rd|th)\b(?! (?:option|one|slot|choice)\b)/g, (m) => dayOfMonth(Number(m[1])));

  // Times that say they are times: a marker ("h", ":", pm, "da tarde"), or a lead-in ("às", "at", "a las").
  scan.take(new RegExp(String.raw`(?:\b(?<lead>por volta das|perto das|a las|a la|las|as|at|around|about|umas|pelas) )?` + timeSource(), "gu"), (m) => {
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
  });

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

  scan.take(new RegExp(String.raw`\b(${WEEKDAY_RE})(?: feira)?\b(?! (?:opcao|alternativa|option|opcion|vez|semana|quinzena|horario|vaga|one)\b)`, "g"), (m) => {
    const wd = WEEKDAYS[m[1] ?? ""];
    if (wd === undefined) return false;
    weekdays.push(wd);
  });

  const q: WhenQuery = {};
  const period1 = distinct(periods);
  const weekday = distinct(weekdays);
  const dateKeys = dates.map(isoDate);
  const date = distinct(dateKeys);
  if (date !== undefined) q.date = date;
  else if (weekday !== undefined && dates.length === 0 && (weekSpan || ranges.spans.length === 0)) {
    // Indexes from Monday = 0, so "next week" counts from this week's Monday.
    const todayWd = weekdayIndex(weekdayOf(today));
    const wanted = weekdayIndex(weekday);
    const monday = addDays(today, -todayWd);
    if (weekSpan?.kind === "next_week") q.date = isoDate(addDays(monday, 7 + wanted));
    // "sexta dessa semana": this week's, today included; one already past stays a filter on the week.
    else if (weekSpan?.kind === "this_week") {
      if (wanted >= todayWd) q.date = isoDate(addDays(monday, wanted));
    } else q.date = isoDate(addDays(today, (wanted - todayWd + 7) % 7 || 7));
  }
  if (weekday !== undefined) q.weekday = weekday;
  const time = distinct(times.map((t) => settle(t, period1)));
  if (time !== undefined) q.time = hhmm(time);
  if (period1 !== undefined) q.period = period1;
  const after = distinct(afters.map((t) => settle(t, period1)));
  if (after !== undefined) q.after = hhmm(after);
  const before = distinct(befores.map((t) => settle(t, period1)));
  if (before !== undefined) q.before = hhmm(before);
  if (q.date === undefined) Object.assign(q, rangeOf(ranges.spans));
  if (ranges.except.length > 0) q.exceptWeekdays = [...new Set(ranges.except)];
  if (soonest) q.soonest = true;
  return Object.keys(q).length > 0 ? q : null;
}

// biome-ignore format: one alternative per language reads better
const SOONEST = new RegExp([
  String.raw`\b(?:o |a )?(?:quanto antes|mais (?:cedo|rapido|breve) possivel|primeir[oa] (?:horario|vaga|data) (?:livre|disponivel|vago|que tiver)|o mais rapido)\b`,
  String.raw`\b(?:as soon as possible|asap|as early as possible|(?:the )?(?:earliest|first) (?:available|free|possible)(?: (?:slot|time|one))?|(?:the )?earliest(?: slot| time)?)\b`,
  String.raw`\b(?:lo )?(?:antes posible|mas pronto posible|mas temprano posible|cuanto antes|primer (?:horario|turno|hueco) (?:libre|disponible))\b`,
].join("|"), "g");

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
 * The slots (UTC ISO starts) that fit a query in the tenant's zone: same local date (or weekday), local
 * date within `from`..`to` (inclusive) and not on an excluded weekday, period
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
    const day = isoDate(local);
    if (q.date !== undefined) {
      if (day !== q.date) continue;
    } else if (q.weekday !== undefined && weekdayOf(local) !== q.weekday) continue;
    if ((q.from !== undefined && day < q.from) || (q.to !== undefined && day > q.to)) continue;
    if (q.exceptWeekdays?.includes(weekdayOf(local))) continue;
    if (window && (local.minutes < window[0] || local.minutes >= window[1])) continue;
    if (after !== undefined && local.minutes < after) continue;
    if (before !== undefined && local.minutes >= before) continue;
    fits.push({ slot, minutes: local.minutes, ms });
  }

  const asked = minutesOf(q.time);
  if (asked === undefined) return fits.map((f) => f.slot);
  const exact = fits.filter((f) => f.minutes === asked);
  const chosen = exact.length > 0 ? exact : fits.filter((f) => Math.abs(f.minutes - asked) <= NEAR_MINUTES);
  return chosen.sort((a, b) => Math.abs(a.minutes - asked) - Math.abs(b.minutes - asked) || a.ms - b.ms).map((f) => f.slot);
}

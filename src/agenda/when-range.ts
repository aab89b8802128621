/**
 * Ranges and relative dates in a contact's message (pt-BR, en, es): weeks, weekends, months and their
 * ends, "daqui a 15 dias", "depois do dia 10", "qualquer dia menos segunda", and the finer parts of the day
 * ("de manhã cedo", "fim da tarde"). parseWhen (when.ts) runs `takeRanges` on its folded text before its
 * own rules, so what is cut here is never read again as a single date, weekday, time or period.
 *
 * Semantics (each pinned by a test in test/agenda/when-range.test.ts); weeks start on Monday, every range
 * is of local dates, inclusive, and never starts before today:
 * - "esta semana" / "this week": today..Sunday. "próxima semana" / "semana que vem" / "na outra semana" /
 *   "semana seguinte" / "next week" / "the following week" / "la semana que viene": next Monday..Sunday. A named weekday with either ("sexta da semana que vem")
 *   is that one day instead (when.ts).
 * - "próxima quinzena" / "quinzena que vem" / "la próxima quincena": the next half of a month (16..end
 *   while today is in 1–15, else next month's 1–15); "esta quinzena": today..the end of today's half.
 *   "the next fortnight" / "the next two weeks": today..today+13.
 * - "fim de semana" / "weekend": the coming Saturday..Sunday (today when it is one); "next"/"que vem" on
 *   a weekend day moves to the following one. "next weekend" on a weekday is the coming one.
 * - "este mês": today..month end. "mês que vem" / "next month": all of next month. "fim do mês" / "end of
 *   the month" / "a fin de mes": its last 7 days, or next month's when fewer than 3 days are left after
 *   today. "início do mês (que vem)": days 1–7 (of next month once this month's 7th has passed);
 *   "meados do mês" / "mid-month": days 11–20 (of next month once this month's 20th has passed).
 * - "daqui a / em / in / dentro de N dias|semanas": from 7 days on, the target day ±2 days (people round:
 *   "daqui a 15 dias" is about two weeks); below 7 days the exact day (when.ts). "nos próximos N dias" /
 *   "within N days" / "next N weeks": today..today+N days. "daqui a um mês" / "in a month": the same
 *   day of that month (or its last day) ±3.
 * - "depois do dia 10" / "after the 10th" / "después del 10": from the 11th (someone who says "after" is
 *   usually busy on the day itself); "a partir do dia 10" / "from the 10th" / "desde el 10": from the 10th.
 *   "antes do dia 20" / "before the 20th": through the 19th; "até o dia 20" / "by the 20th": through the
 *   20th. A day without a month is the next such day from today on (after today for "antes": "antes do
 *   dia 24" on the 24th is before next month's); "dia 10 do mês que vem" after a bound word is that
 *   bound's day ("depois do dia 10 do mês que vem"). "do dia 10 ao 15" is both bounds:
 *   the last day is found first, the first one is in its month or the month before ("de 28 a 5/1").
 *   A bare number after "after"/"antes" stays a time ("after 10" is 10:00): a day needs "dia", "day",
 *   an ordinal suffix, a month, a slash date or an article ("del 10", "the 10").
 * - "qualquer dia menos segunda" / "any day except Monday" / "menos el lunes" / "não posso na sexta":
 *   those weekdays are excluded (several: "menos segunda e sexta").
 * - "de manhã cedo" / "early morning": morning before 10:00. "fim da tarde" / "late afternoon": afternoon
 *   from 16:00. "início da tarde" / "early afternoon": afternoon before 15:00.
 * - Two ranges intersect ("semana que vem, depois do dia 10"); when they do not overlap both are dropped.
 */
import { type Weekday, weekdayIndex } from "../lib/time-zone";
import {
  addDays,
  type Civil,
  compareCivil,
  type DayPeriod,
  daysInMonth,
  isoDate,
  MONTH_RE,
  MONTHS,
  NUMBER_WORDS,
  type RawTime,
  type Scan,
  WEEKDAY_RE,
  WEEKDAYS,
  weekdayOf,
} from "./when-words";

/** Which phrase named the range (describeWhen words it back). */
export type SpanKind =
  | "this_week"
  | "next_week"
  | "weekend"
  | "this_fortnight"
  | "next_fortnight"
  | "this_month"
  | "next_month"
  | "month_start"
  | "month_mid"
  | "month_end"
  | "around"
  | "after"
  | "before"
  | "within";

/** The range part of a WhenQuery. */
export interface WhenRange {
  /** Local date YYYY-MM-DD, inclusive. */
  from?: string;
  /** Local date YYYY-MM-DD, inclusive; absent = open-ended. */
  to?: string;
  /** Set when one phrase named the range. */
  span?: SpanKind;
  /** Weekdays the contact cannot come. */
  exceptWeekdays?: Weekday[];
}

export interface Span {
  kind: SpanKind;
  from: Civil;
  to?: Civil;
}

/** What takeRanges read; periods and time bounds join parseWhen's own. */
export interface RangeParts {
  spans: Span[];
  /** Single days named through a month phrase ("dia 15 do mês que vem"). */
  dates: Civil[];
  except: Weekday[];
  periods: DayPeriod[];
  afters: RawTime[];
  befores: RawTime[];
}

const at = (h: number): RawTime => ({ minutes: h * 60, explicit: true, marked: true });

// biome-ignore format: a table reads better on one line per language
const COUNT_WORDS: Record<string, number> = {
  ...NUMBER_WORDS, a: 1, an: 1, un: 1,
  onze: 11, once: 11, eleven: 11, doze: 12, doce: 12, twelve: 12, quinze: 15, quince: 15, fifteen: 15,
  vinte: 20, veinte: 20, twenty: 20, trinta: 30, treinta: 30, thirty: 30,
};
const COUNT_RE = String.raw`\d{1,3}|${Object.keys(COUNT_WORDS)
  .sort((a, b) => b.length - a.length)
  .join("|")}`;
const countOf = (s: string) => (/^\d/.test(s) ? Number(s) : (COUNT_WORDS[s] ?? Number.NaN));
const UNIT_RE = "dias?|days?|semanas?|weeks?";
const unitDays = (unit: string) => (/^(?:semana|week)/.test(unit) ? 7 : 1);

// Words that bound a range by a day, by meaning: "after" excludes the day, "from" includes it, "before"
// excludes it, "until" includes it.
const AFTER_WORDS = "depois|apos|after|despues";
const FROM_WORDS = "a partir|from|desde|starting|beginning";
const BEFORE_WORDS = "antes|before";
const UNTIL_WORDS = "ate|hasta|until|till|by";
const AFTER_WORD = new RegExp(`^(?:${AFTER_WORDS})$`);
const FROM_WORD = new RegExp(`^(?:${FROM_WORDS})$`);
const BEFORE_WORD = new RegExp(`^(?:${BEFORE_WORDS})$`);

const NEXT_RE = /\b(?:que vem|que viene|seguinte|siguiente|proximo|next)\b/;
const MONTH_POS = "meados|mediados|middle|mid|metade|finalzinho|finales|final|fim|fin|end|late|inicio|comeco|comienzo|principios|principio|beginning|start|early";
const MONTH_REF = String.raw`(?:mes|month) (?:que vem|que viene|seguinte|siguiente)|(?:proximo|next) (?:mes|month)|(?:este|esse|neste|nesse|this) (?:mes|month)|mes|month`;

// A day of the month after a bound word: "(do) dia 10", "the 10th", "del 10", "10 de dezembro", "December 10",
// "10/12"; `t` tags the group names so that two fit one regex.
const dayArg = (t = "") =>
  String.raw`(?:(?<art${t}>do|de|del|da|the|o|el) )?(?:(?<kw${t}>dia|day) )?(?:(?<a${t}>\d{1,2})\/(?<b${t}>\d{1,2})|(?<mon2${t}>${MONTH_RE}) (?<d2${t}>\d{1,2})(?:st|nd|rd|th)?|(?<d${t}>\d{1,2})(?<suf${t}>o|st|nd|rd|th)?(?:(?: de| of)? (?<mon${t}>${MONTH_RE}))?)(?![\d:/h]|\p{L})`;

/** A day read by dayArg: `marked` when it says it is a day (not an hour), `article` for "del 10" / "the 10". */
interface DayRef {
  d: number;
  m?: number;
  marked: boolean;
  article: boolean;
}

const WEEKDAY_ITEM = String.raw`(?:(?:a|o|as|os|na|no|nas|nos|el|la|los|las|on|de) )?(?:${WEEKDAY_RE})(?: feira)?s?\b`;

/** Cuts the ranges, exclusions and fine day parts out of `scan` (folded text) and returns them. */
export function takeRanges(scan: Scan, today: Civil, locale: "pt-BR" | "en" | "es"): RangeParts {
  const out: RangeParts = { spans: [], dates: [], except: [], periods: [], afters: [], befores: [] };
  const span = (kind: SpanKind, from: Civil, to?: Civil) => {
    out.spans.push({ kind, from: compareCivil(from, today) < 0 ? today : from, ...(to ? { to } : {}) });
  };
  /** "depois do dia 10": from the 11th; "a partir do dia 10": from the 10th; "antes do dia 20": through the 19th; "até o dia 20": through the 20th. */
  const boundSpan = (word: string, day: Civil) => {
    if (AFTER_WORD.test(word)) span("after", addDays(day, 1));
    else if (FROM_WORD.test(word)) span("after", day);
    else if (BEFORE_WORD.test(word)) span("before", today, addDays(day, -1));
    else span("before", today, day);
  };
  const todayWd = weekdayIndex(weekdayOf(today));
  const monday = addDays(today, -todayWd);
  const monthStart = (next: boolean): Civil => (next ? (today.m === 12 ? { y: today.y + 1, m: 1, d: 1 } : { y: today.y, m: today.m + 1, d: 1 }) : { ...today, d: 1 });
  const monthEnd = (first: Civil): Civil => ({ ...first, d: daysInMonth(first.y, first.m) });

  // Fine parts of the day first: "fim da tarde" is not the month's end, "early morning" not early next month.
  scan.take(
    /\b(?:(?:de|da|pela|na|por la|en la|in the) )?(?:manha cedo|manha cedinho|cedo de manha|cedinho|bem cedo|early morning|early in the morning|first thing in the morning|(?:por|en) la manana temprano|temprano (?:por|en) la manana|muy temprano)\b/g,
    () => {
      out.periods.push("morning");
      out.befores.push(at(10));
    },
  );
  scan.take(/\b(?:(?:no|na|ao|al|a|in the|at the) )?(?:(?:fim|final|finalzinho|fin) (?:da|de|de la) tarde|late (?:in the )?afternoon|ultima hora de la tarde)\b/g, () => {
    out.periods.push("afternoon");
    out.afters.push(at(16));
  });
  scan.take(
    /\b(?:(?:no|na|ao|al|a|in the|at the) )?(?:(?:inicio|comeco|comecinho|principio|comienzo) (?:da|de|de la) tarde|early (?:in the )?afternoon|primera hora de la tarde)\b/g,
    () => {
      out.periods.push("afternoon");
      out.befores.push(at(15));
    },
  );

  scan.take(/\b(?:(proximo|next|coming) )?(?:fim|final|fin) de semana\b(?: (que vem|que viene|proximo))?|\b(?:(next|coming) )?weekend\b/g, (m) => {
    const onWeekend = todayWd >= 5;
    const later = onWeekend && Boolean(m[1] ?? m[2] ?? m[3]);
    span("weekend", addDays(monday, later ? 12 : 5), addDays(monday, later ? 13 : 6));
  });
  scan.take(
    /\b(?:(?:da|na|de la|en la|of|on|la|a) )?(?:semana que vem|proxima semana|outra semana|semana seguinte|next week|following week|semana que viene|semana proxima|semana siguiente)\b/g,
    () => {
      span("next_week", addDays(monday, 7), addDays(monday, 13));
    },
  );
  scan.take(/\b(?:esta|essa|nesta|nessa|desta|dessa|this) (?:semana|week)\b/g, () => span("this_week", today, addDays(monday, 6)));
  // A quinzena / quincena is half a month (1–15, 16–end), as Brazilian and Spanish speakers count them;
  // an English fortnight is two weeks from today.
  scan.take(
    /\b(?:(?:na|da|a|para a|la|en la|para la) )?(?:(?:(proxima|outra|siguiente) (?:quinzena|quincena))|(?:(?:quinzena|quincena) (?:que vem|que viene|seguinte|siguiente|proxima))|(?:(esta|essa|nesta|nessa|desta|dessa) (?:quinzena|quincena)))\b/g,
    (m) => {
      const next = m[2] === undefined;
      const secondHalf = today.d > 15;
      if (!next) return span("this_fortnight", today, secondHalf ? monthEnd(monthStart(false)) : { ...today, d: 15 });
      if (!secondHalf) return span("next_fortnight", { ...today, d: 16 }, monthEnd(monthStart(false)));
      const first = monthStart(true);
      span("next_fortnight", first, { ...first, d: 15 });
    },
  );
  scan.take(/\b(?:(?:in|within|over|during) )?(?:the )?(?:next|coming) (?:fortnight|two weeks)\b/g, () => span("within", today, addDays(today, 13)));

  // "dia 15 do mês que vem" is one day of next month, not the next 15th; after a bound word
  // ("depois do dia 10 do mês que vem") it is that bound's day.
  scan.take(
    new RegExp(
      String.raw`\b(?:(${AFTER_WORDS}|${FROM_WORDS}|${BEFORE_WORDS}|${UNTIL_WORDS}) (?:(do|de|del|da) )?)?(?:(o|el|the) )?(?:(dia|day) )?(\d{1,2})(o|st|nd|rd|th)? (?:do|de|del|of) (?:(?:the|el|o) )?(?:mes que vem|mes que viene|mes seguinte|mes siguiente|proximo mes|next month)\b`,
      "g",
    ),
    (m) => {
      const word = m[1];
      if (!(m[3] || m[4] || m[6] || (word && m[2]))) return false;
      const first = monthStart(true);
      const d = Number(m[5]);
      if (d < 1 || d > daysInMonth(first.y, first.m)) return false;
      const day = { ...first, d };
      if (word === undefined) out.dates.push(day);
      else boundSpan(word, day);
    },
  );
  scan.take(new RegExp(String.raw`\b(?:(${MONTH_POS}) (?:(?:d[oe]|del|da|of) )?(?:(?:the|o|el) )?)?(${MONTH_REF})\b`, "g"), (m) => {
    const pos = m[1];
    const ref = m[2] ?? "";
    const next = NEXT_RE.test(ref);
    const named = next || /^(?:este|esse|neste|nesse|this)\b/.test(ref);
    if (!pos) {
      if (!named) return false;
      const first = monthStart(next);
      span(next ? "next_month" : "this_month", next ? first : today, monthEnd(first));
      return;
    }
    if (/^(?:fi|fin|end|late)/.test(pos)) {
      const last = monthEnd(monthStart(false)).d;
      const first = monthStart(next || last - today.d < 3);
      const end = monthEnd(first);
      span("month_end", { ...end, d: end.d - 6 }, end);
      return;
    }
    if (/^(?:meados|mediados|mid|metade)/.test(pos)) {
      const first = monthStart(next || today.d > 20);
      span("month_mid", { ...first, d: 11 }, { ...first, d: 20 });
      return;
    }
    const first = monthStart(next || today.d > 7);
    span("month_start", first, { ...first, d: 7 });
  });

  // Day bounds: "depois do dia 10", "antes do dia 20", "do dia 10 ao 15".
  const refOf = (g: Record<string, string | undefined>, t = ""): DayRef | null => {
    const v = (k: string) => g[k + t];
    if (v("a") !== undefined) {
      const [x, y] = [Number(v("a")), Number(v("b"))];
      // The locale's order first (MM/DD in English), the other one when that is impossible.
      const [d, m] = locale === "en" ? [y, x] : [x, y];
      if (m <= 12 && d <= 31) return { d, m, marked: true, article: false };
      return d <= 12 && m <= 31 ? { d: m, m: d, marked: true, article: false } : null;
    }
    if (v("d2") !== undefined) return { d: Number(v("d2")), m: MONTHS[v("mon2") ?? ""], marked: true, article: false };
    const mon = v("mon");
    const art = v("art");
    return {
      d: Number(v("d")),
      m: mon === undefined ? undefined : MONTHS[mon],
      marked: Boolean(v("kw") || v("suf") || mon),
      article: Boolean(art && art !== "de" && art !== "da"),
    };
  };
  /** The day a bound names; `afterToday` for a day without a month that cannot be today ("antes do dia 24"). */
  const bound = (g: Record<string, string | undefined>, afterToday = false): Civil | null => {
    const ref = refOf(g);
    if (!ref || !(ref.marked || ref.article)) return null;
    return dayInMonth(afterToday && ref.m === undefined ? addDays(today, 1) : today, ref.d, ref.m);
  };
  scan.take(new RegExp(String.raw`\b(?:entre|between|do|del|de|from) ${dayArg("A")} (?:e|y|and|a|al|ao|to|ate|hasta|-) ${dayArg("B")}`, "gu"), (m) => {
    const a = refOf(m.groups ?? {}, "A");
    const b = refOf(m.groups ?? {}, "B");
    // "entre 2 e 4" is a time range: a day range says "dia", an ordinal, a month or a slash date.
    if (!a || !b || !(a.marked || b.marked)) return false;
    let start: Civil | null;
    let end: Civil | null;
    if (a.m !== undefined) {
      start = dayInMonth(today, a.d, a.m);
      end = start && dayInMonth(start, b.d, b.m);
    } else {
      // The first day belongs to the last one's month, or the month before ("de 28 a 5 de janeiro").
      end = dayInMonth(today, b.d, b.m);
      start = end && (a.d <= end.d ? { ...end, d: a.d } : dayBefore(end, a.d));
    }
    if (!end || !start || compareCivil(start, end) > 0) return false;
    span("within", start, end);
  });
  scan.take(new RegExp(String.raw`\b(${AFTER_WORDS}|${FROM_WORDS}) ${dayArg()}`, "gu"), (m) => {
    const day = bound(m.groups ?? {});
    if (!day) return false;
    boundSpan(m[1] ?? "", day);
  });
  scan.take(new RegExp(String.raw`\b(${BEFORE_WORDS}|${UNTIL_WORDS}) ${dayArg()}`, "gu"), (m) => {
    // "antes do dia 24" said on the 24th is before next month's: today..the 23rd is empty.
    const day = bound(m.groups ?? {}, BEFORE_WORD.test(m[1] ?? ""));
    if (!day) return false;
    boundSpan(m[1] ?? "", day);
  });

  scan.take(
    new RegExp(
      String.raw`\b(?:(?:nos|nas|en los|en las|in the|over the|within the) )?(?:proximos|proximas|next|siguientes) (${COUNT_RE}) (${UNIT_RE})\b|\bwithin (${COUNT_RE}) (${UNIT_RE})\b`,
      "g",
    ),
    (m) => {
      const n = countOf(m[1] ?? m[3] ?? "");
      if (!Number.isInteger(n) || n < 1) return false;
      span("within", today, addDays(today, n * unitDays(m[2] ?? m[4] ?? "")));
    },
  );
  scan.take(new RegExp(String.raw`\b(?:daqui a|daqui|de aqui a|dentro de|em|in|en) (${COUNT_RE}) (${UNIT_RE})\b`, "g"), (m) => {
    const days = countOf(m[1] ?? "") * unitDays(m[2] ?? "");
    // Below a week the exact day (when.ts reads it).
    if (!Number.isInteger(days) || days < 7) return false;
    const target = addDays(today, days);
    span("around", addDays(target, -2), addDays(target, 2));
  });
  scan.take(new RegExp(String.raw`\b(?:daqui a|daqui|de aqui a|dentro de|em|in|en) (${COUNT_RE}) (?:mes|meses|months?)\b`, "g"), (m) => {
    const n = countOf(m[1] ?? "");
    if (!Number.isInteger(n) || n < 1 || n > 12) return false;
    const month = today.m - 1 + n;
    const y = today.y + Math.floor(month / 12);
    const mo = (month % 12) + 1;
    const target = { y, m: mo, d: Math.min(today.d, daysInMonth(y, mo)) };
    span("around", addDays(target, -3), addDays(target, 3));
  });

  scan.take(
    new RegExp(
      String.raw`\b(?:menos|exceto|excepto|except(?: for)?|but not|salvo|tirando|sem ser|nao posso|no puedo|can'?t do|cannot do|not on) ${WEEKDAY_ITEM}(?:(?: e| ou| y| o| and| or| nem| ni)? ${WEEKDAY_ITEM})*`,
      "g",
    ),
    (m) => {
      for (const w of m[0].matchAll(new RegExp(String.raw`\b(${WEEKDAY_RE})(?: feira)?s?\b`, "g"))) {
        const wd = WEEKDAYS[w[1] ?? ""];
        if (wd) out.except.push(wd);
      }
    },
  );
  // "qualquer dia" alone asks for nothing in particular.
  scan.take(/\b(?:qualquer dia|any day|cualquier dia)\b/g, () => {});
  return out;
}

/** Day `d` of month `m` (this year unless past), or the next month from today on that has a day `d`. */
export function dayInMonth(today: Civil, d: number, m?: number): Civil | null {
  if (d < 1 || d > 31) return null;
  if (m !== undefined) {
    for (const y of [today.y, today.y + 1]) {
      const c = { y, m, d };
      if (d <= daysInMonth(y, m) && compareCivil(c, today) >= 0) return c;
    }
    return null;
  }
  let { y, m: mo } = today;
  if (d < today.d) mo++;
  for (let i = 0; i < 13; i++, mo++) {
    if (mo > 12) {
      mo = 1;
      y++;
    }
    if (d <= daysInMonth(y, mo)) return { y, m: mo, d };
  }
  return null;
}

/** Day `d` of the month before `c`'s, or null when that month has no such day. */
function dayBefore(c: Civil, d: number): Civil | null {
  const prev = c.m === 1 ? { y: c.y - 1, m: 12 } : { y: c.y, m: c.m - 1 };
  return d <= daysInMonth(prev.y, prev.m) ? { ...prev, d } : null;
}

/** The spans read, intersected, as WhenQuery fields; {} when none or when they do not overlap. */
export function rangeOf(spans: Span[]): Pick<WhenRange, "from" | "to" | "span"> {
  const [first, ...rest] = spans;
  if (!first) return {};
  let { from, to } = first;
  for (const s of rest) {
    if (compareCivil(s.from, from) > 0) from = s.from;
    if (s.to && (!to || compareCivil(s.to, to) < 0)) to = s.to;
  }
  if (to && compareCivil(from, to) > 0) return {};
  const oneKind = spans.every((s) => s.kind === first.kind);
  return { from: isoDate(from), ...(to ? { to: isoDate(to) } : {}), ...(oneKind ? { span: first.kind } : {}) };
}

/**
 * Business hours, holidays and quiet hours of a tenant, on its IANA zone's wall clock. Outside business
 * hours the assistant still answers and books; a handoff says when a person is back and the SLA clock
 * stops. Quiet hours are when nothing the business starts (campaigns, re-engagement, reports) goes out.
 * `enabled: false` (the default) means always open, as before business hours existed.
 */
import * as z from "../lib/zod";
import { addDays, dayConverter, HH_MM, isTime, minutesOf, parseLocalDate, Weekday, weekdayOf, zonedParts } from "../lib/time-zone";

const LocalTime = z.string().regex(HH_MM, 'expected "HH:MM" between 00:00 and 23:59');
const EndTime = z.union([LocalTime, z.literal("24:00")]);

export const OpenInterval = z
  .object({ start: LocalTime, end: EndTime })
  .refine((i) => !isTime(i.start) || !isTime(i.end) || minutesOf(i.start) < minutesOf(i.end), { message: "end must be after start", path: ["end"] });
export type OpenInterval = z.infer<typeof OpenInterval>;

function defaultWeekly(): Partial<Record<Weekday, OpenInterval[]>> {
  const day = () => [{ start: "08:00", end: "18:00" }];
  return { mon: day(), tue: day(), wed: day(), thu: day(), fri: day() };
}

export const BusinessHours = z.object({
  enabled: z.boolean().default(false),
  /** Opening intervals per weekday; a missing weekday is closed. */
  weekly: z.partialRecord(Weekday, z.array(OpenInterval).max(8)).default(defaultWeekly),
  /** Local dates closed all day. */
  holidays: z
    .array(z.object({ date: z.string().refine((s) => parseLocalDate(s) !== null, 'expected a date "YYYY-MM-DD"'), name: z.string().trim().max(80).default("") }))
    .max(366)
    .default([]),
  /** Nothing the business starts goes out from `start` to `end` (local; may cross midnight). */
  quiet: z.object({ start: LocalTime.default("20:00"), end: LocalTime.default("08:00") }).prefault({}),
});
export type BusinessHours = z.infer<typeof BusinessHours>;

/** Whether a person is expected to be working at `at` (always true while business hours are off). */
export function isOpenAt(hours: BusinessHours, timeZone: string, at: number): boolean {
  if (!hours.enabled) return true;
  const local = zonedParts(at, timeZone);
  if (hours.holidays.some((h) => h.date === local.date)) return false;
  const minute = minutesOf(local.time);
  return (hours.weekly[local.weekday] ?? []).some((i) => minutesOf(i.start) <= minute && minute < minutesOf(i.end));
}

/** Whether `at` falls in the tenant's quiet hours (an empty range, start = end, means never quiet). */
export function inQuietHours(hours: BusinessHours, timeZone: string, at: number): boolean {
  const minute = minutesOf(zonedParts(at, timeZone).time);
  const start = minutesOf(hours.quiet.start);
  const end = minutesOf(hours.quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

// ---------------------------------------------------------------------------------------------
// Validation of a PUT: the shape is a 400 (jsonBody), the values a 422 naming each problem

const Interval = z.strictObject({ start: z.string(), end: z.string() });
/** What PUT /api/config/business-hours accepts (the whole section): types and keys only; values are checked by businessHoursProblems. */
export const BusinessHoursUpdate = z.strictObject({
  enabled: z.boolean(),
  weekly: z.partialRecord(Weekday, z.array(Interval).max(8)),
  holidays: z.array(z.strictObject({ date: z.string(), name: z.string().max(80).optional() })).max(366),
  quiet: z.strictObject({ start: z.string(), end: z.string() }),
});
export type BusinessHoursUpdate = z.infer<typeof BusinessHoursUpdate>;

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** Every value problem of an update: times, intervals in order and not overlapping, real and distinct holiday dates, quiet hours. */
export function businessHoursProblems(h: BusinessHoursUpdate): Problem[] {
  const problems: Problem[] = [];
  for (const [day, intervals] of Object.entries(h.weekly)) {
    let previousEnd = -1;
    for (const [i, iv] of (intervals ?? []).entries()) {
      const at = ["weekly", day, i];
      if (!HH_MM.test(iv.start)) problems.push({ path: [...at, "start"], message: `start "${iv.start}" is not a time HH:MM (00:00–23:59)` });
      if (!HH_MM.test(iv.end) && iv.end !== "24:00") problems.push({ path: [...at, "end"], message: `end "${iv.end}" is not a time HH:MM (00:00–24:00)` });
      if (!isTime(iv.start) || !isTime(iv.end)) continue;
      const start = minutesOf(iv.start);
      const end = minutesOf(iv.end);
      if (end <= start) problems.push({ path: [...at, "end"], message: `end ${iv.end} must be after start ${iv.start}` });
      else if (start < previousEnd)
        problems.push({ path: [...at, "start"], message: `${iv.start}–${iv.end} starts before the previous interval ends (intervals in order, not overlapping)` });
      previousEnd = Math.max(previousEnd, end);
    }
  }
  const seen = new Set<string>();
  for (const [i, holiday] of h.holidays.entries()) {
    if (parseLocalDate(holiday.date) === null) problems.push({ path: ["holidays", i, "date"], message: `"${holiday.date}" is not a date YYYY-MM-DD` });
    else if (seen.has(holiday.date)) problems.push({ path: ["holidays", i, "date"], message: `${holiday.date} is listed twice` });
    seen.add(holiday.date);
  }
  for (const k of ["start", "end"] as const) {
    if (!HH_MM.test(h.quiet[k])) problems.push({ path: ["quiet", k], message: `quiet ${k} "${h.quiet[k]}" is not a time HH:MM (00:00–23:59)` });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The business clock: open intervals as instants, across weekends, holidays and DST

/** How far ahead a search looks: a year of holidays plus a week. */
const SEARCH_DAYS = 375;

/**
 * A tenant's open intervals as UTC instants, local day by local day, cached per day: the inbox asks
 * about a page of rows of one tenant, so each day is converted once. A wall time inside a DST gap
 * means the first instant after it; "24:00" is the next day's midnight; a fall-back overlap counts
 * the real time that passed (an interval across it is an hour longer).
 */
export class BusinessCalendar {
  private readonly days = new Map<string, [number, number][]>();
  private readonly holidays: ReadonlySet<string>;
  private readonly everOpen: boolean;

  constructor(
    readonly hours: BusinessHours,
    readonly timeZone: string,
  ) {
    this.holidays = new Set(hours.holidays.map((h) => h.date));
    this.everOpen = Object.values(hours.weekly).some((list) => (list ?? []).length > 0);
  }

  /** The open intervals [start, end) of one local date, as instants. */
  intervalsOn(date: string): [number, number][] {
    let out = this.days.get(date);
    if (out) return out;
    out = [];
    const intervals = this.holidays.has(date) ? [] : (this.hours.weekly[weekdayOf(date)] ?? []);
    if (intervals.length > 0) {
      const convert = dayConverter(date, this.timeZone);
      for (const i of intervals) {
        const start = this.instant(date, minutesOf(i.start), convert);
        const end = this.instant(date, minutesOf(i.end), convert);
        if (end > start) out.push([start, end]);
      }
    }
    this.days.set(date, out);
    return out;
  }

  /** Time inside business hours between two instants (0 when `to` is not after `from`). */
  millisBetween(from: number, to: number): number {
    if (to <= from) return 0;
    if (!this.hours.enabled) return to - from;
    if (!this.everOpen) return 0;
    let total = 0;
    const last = zonedParts(to, this.timeZone).date;
    for (let date = zonedParts(from, this.timeZone).date; date <= last; date = addDays(date, 1)) {
      for (const [s, e] of this.intervalsOn(date)) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
    }
    return total;
  }

  /** The first instant at or after `at` when a person is working; null when that never happens. */
  nextOpeningAt(at: number): number | null {
    if (!this.hours.enabled) return at;
    return this.walk(at, (s) => s);
  }

  /** The instant when `millis` of business time have passed since `from` (the SLA's due time); null if never. */
  deadline(from: number, millis: number): number | null {
    if (!this.hours.enabled) return from + millis;
    let left = millis;
    return this.walk(from, (s, e) => {
      if (e - s >= left) return s + left;
      left -= e - s;
      return null;
    });
  }

  /** Visits the open stretches after `from` in order until `pick` returns an instant. */
  private walk(from: number, pick: (start: number, end: number) => number | null): number | null {
    if (!this.everOpen) return null;
    let date = zonedParts(from, this.timeZone).date;
    for (let n = 0; n < SEARCH_DAYS; n++, date = addDays(date, 1)) {
      for (const [s, e] of this.intervalsOn(date)) {
        if (e <= from) continue;
        const found = pick(Math.max(s, from), e);
        if (found !== null) return found;
      }
    }
    return null;
  }

  private instant(date: string, minutes: number, convert: (m: number) => number | null): number {
    if (minutes >= 1440) return this.instant(addDays(date, 1), minutes - 1440, dayConverter(addDays(date, 1), this.timeZone));
    for (let m = minutes; m < 1440; m++) {
      const ms = convert(m);
      if (ms !== null) return ms;
    }
    return this.instant(addDays(date, 1), 0, dayConverter(addDays(date, 1), this.timeZone));
  }
}

/** The next instant a person is back (at `at` itself when open now), across weekends, holidays and DST; null if never open. */
export function nextOpeningAt(hours: BusinessHours, timeZone: string, at: number): number | null {
  return new BusinessCalendar(hours, timeZone).nextOpeningAt(at);
}

/** Time inside business hours between two instants: the SLA clock (wall time while business hours are off). */
export function businessMillisBetween(hours: BusinessHours, timeZone: string, from: number, to: number): number {
  return new BusinessCalendar(hours, timeZone).millisBetween(from, to);
}

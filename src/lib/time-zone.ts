/**
 * Time zones, in one place: the tenant's rules run on its IANA zone's wall clock, instants are UTC.
 * Everything goes through Intl.DateTimeFormat (no date library). DST is explicit: a wall time in the
 * spring-forward gap does not exist (null); one in the fall-back overlap means its first occurrence.
 *
 * - `utcToZoned` / `zonedTimeToUtc`: one instant at a time (Intl on each call, microseconds each);
 * - `dayConverter`: many wall times of one local day (the calendar's slot loop);
 * - `ZoneClock`: weekday, hour and day of a million instants (the scheduling model's features).
 *
 * The one weekday type is `Weekday` ("mon" … "sun", the settings' keys); where a number is handier
 * (arrays, slot indexes) it is the index in `WEEKDAYS`: 0 = Monday … 6 = Sunday.
 */
import * as z from "./zod";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

/** Date.getUTCDay() order (0 = Sunday) → our weekday keys. */
export const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** 0 = Monday … 6 = Sunday. */
export const weekdayIndex = (w: Weekday): number => WEEKDAYS.indexOf(w);

/** "HH:MM" between 00:00 and 23:59. */
export const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const YYYY_MM_DD = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------
// Local dates and wall times ("YYYY-MM-DD", "HH:MM"): calendar arithmetic, no zone involved

/** "HH:MM" → minutes after midnight; "24:00" (an end of day) → 1440. */
export function minutesOf(hhmm: string): number {
  if (hhmm === "24:00") return 1440;
  const m = HH_MM.exec(hhmm);
  if (!m) throw new RangeError(`Invalid local time "${hhmm}" (expected HH:MM)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** True for "HH:MM" or the end of day "24:00". */
export function isTime(s: string): boolean {
  return s === "24:00" || HH_MM.test(s);
}

/** Minutes after midnight → "HH:MM". */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** [year, month 1–12, day], or null when the string is not a real calendar date. */
export function parseLocalDate(date: string): [number, number, number] | null {
  const m = YYYY_MM_DD.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return [y, mo, d];
}

export function requireLocalDate(date: string): [number, number, number] {
  const parts = parseLocalDate(date);
  if (!parts) throw new RangeError(`Invalid local date "${date}" (expected YYYY-MM-DD)`);
  return parts;
}

/** Calendar arithmetic on "YYYY-MM-DD" (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = requireLocalDate(date);
  return new Date(Date.UTC(y, mo - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The weekday of a local date. */
export function weekdayOf(date: string): Weekday {
  const [y, mo, d] = requireLocalDate(date);
  return WEEKDAY_BY_UTC_DAY[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()] ?? "mon";
}

/** Whole calendar days from one local date to another. */
export function dayDiff(from: string, to: string): number {
  const [y1, m1, d1] = requireLocalDate(from);
  const [y2, m2, d2] = requireLocalDate(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}

// ---------------------------------------------------------------------------------------------
// One instant at a time

export interface ZonedTime {
  /** Local date, "YYYY-MM-DD". */
  date: string;
  /** Local wall time, "HH:MM". */
  time: string;
  weekday: Weekday;
}

export interface ZonedParts extends ZonedTime {
  /** The local wall time read as if it were UTC, in ms (seconds included, ms dropped). */
  wallMs: number;
}

// Formatters are immutable and costly to build; keyed by zone name (a few hundred at most).
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's cached formatter; throws RangeError for an unknown zone (a cheap validity check). */
export function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, before anything is cached.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** utcToZoned plus the wall time as ms, for offset arithmetic. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const fields: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(ms)) fields[p.type] = p.value;
  const year = Number(fields.year);
  const month = Number(fields.month);
  const day = Number(fields.day);
  // Some engines still print midnight as "24" even with h23.
  const hour = Number(fields.hour) % 24;
  const minute = Number(fields.minute);
  const second = Number(fields.second);
  const weekday = Weekday.safeParse(fields.weekday?.toLowerCase());
  const date = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  return {
    date,
    time: hhmm(hour * 60 + minute),
    weekday: weekday.success ? weekday.data : weekdayOf(date),
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second),
  };
}

/** An instant as ms; RangeError (naming `label`) for anything that is not a valid date. */
export function toMs(instant: Date | string | number, label: string): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === "number" ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid ${label} instant: ${String(instant)}`);
  return ms;
}

/** The zone's offset from UTC at an instant, in ms (wall clock minus UTC). */
export function offsetAt(ms: number, timeZone: string): number {
  return zonedParts(ms, timeZone).wallMs - Math.floor(ms / 1000) * 1000;
}

/**
 * The local date, wall time and weekday of an instant in a time zone.
 * @example utcToZoned("2025-11-26T17:00:00Z", "America/Sao_Paulo") // { date: "2025-11-26", time: "14:00", weekday: "wed" }
 */
export function utcToZoned(instant: Date | string | number, timeZone: string): ZonedTime {
  const { date, time, weekday } = zonedParts(toMs(instant, "zoned"), timeZone);
  return { date, time, weekday };
}

/**
 * The instant at which the wall clock of `timeZone` shows `localDate` `localTime`.
 * Returns null when that wall time does not exist (the spring-forward gap); an ambiguous wall time
 * (the fall-back overlap) resolves to its first occurrence.
 * @example zonedTimeToUtc("2026-03-09", "08:00", "America/New_York") // 2026-03-09T12:00:00.000Z
 * @example zonedTimeToUtc("2026-03-08", "02:30", "America/New_York") // null
 */
export function zonedTimeToUtc(localDate: string, localTime: string, timeZone: string): Date | null {
  const [y, mo, d] = requireLocalDate(localDate);
  const minutes = minutesOf(localTime);
  if (minutes >= 1440) throw new RangeError(`Invalid local time "${localTime}" (expected HH:MM)`);
  const wall = Date.UTC(y, mo - 1, d) + minutes * MINUTE_MS;
  // The offsets in force a day either side cover any single transition near this wall time; each
  // gives one candidate instant, kept only if the zone really shows this wall time then.
  let best: number | null = null;
  for (const probe of [wall - DAY_MS, wall, wall + DAY_MS]) {
    const candidate = wall - offsetAt(probe, timeZone);
    if (zonedParts(candidate, timeZone).wallMs === wall && (best === null || candidate < best)) best = candidate;
  }
  return best === null ? null : new Date(best);
}

/**
 * Minutes after local midnight of `day` → instant (ms), or null inside a DST gap. Intl is slow enough
 * to matter on a 30-day query, so a day with one offset from before its start to after its end (all
 * but two days a year) converts by arithmetic; a day with a change goes through zonedTimeToUtc.
 */
export function dayConverter(day: string, tz: string): (minutes: number) => number | null {
  const [y, mo, d] = requireLocalDate(day);
  const midnight = Date.UTC(y, mo - 1, d);
  // Offsets run from -12 h to +14 h: these instants are surely before and after the local day.
  const before = offsetAt(midnight - 15 * 3_600_000, tz);
  const after = offsetAt(midnight + DAY_MS + 13 * 3_600_000, tz);
  if (before === after) return (minutes) => midnight + minutes * MINUTE_MS - before;
  return (minutes) => zonedTimeToUtc(day, hhmm(minutes), tz)?.getTime() ?? null;
}

// ---------------------------------------------------------------------------------------------
// Many instants in one zone

export interface LocalParts {
  /** 0 = Monday … 6 = Sunday (the order of `WEEKDAYS`). */
  weekday: number;
  /** 0–23, local wall clock. */
  hour: number;
  /** Local calendar day as days since 1970-01-01 (equal numbers = same local date). */
  day: number;
}

/** weekday index (0 = Monday) × 24 + hour: 168 slots a week. */
export const WEEK_SLOTS = 168;

/** Weekday index (0 = Monday, as in WEEKDAYS) of a day number; 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * One tenant zone, fast enough for a million appointments: Intl is asked twice per UTC day, and every
 * instant of a day with one offset from start to end (all but two days a year) is converted by
 * arithmetic. A day with a DST change goes through `utcToZoned` per instant, so the answer is always
 * the one `utcToZoned` gives. Caches one offset per UTC day it has seen (a few hundred a year).
 */
export class ZoneClock {
  // UTC day number → offset (ms) in force during the whole day, or NaN when it changes that day.
  private readonly byDay = new Map<number, number>();
  // The last single-offset UTC day looked up: consecutive instants often share it.
  private lastDayStart = Number.NaN;
  private lastOffset = 0;

  constructor(readonly timeZone: string) {
    // An unknown zone throws RangeError here, not deep inside a loop.
    utcToZoned(0, timeZone);
  }

  /** Wall clock minus UTC at `ms`, in ms (minute precision, which every modern zone has). */
  offset(ms: number): number {
    if (ms >= this.lastDayStart && ms < this.lastDayStart + DAY_MS) return this.lastOffset;
    const utcDay = Math.floor(ms / DAY_MS);
    let cached = this.byDay.get(utcDay);
    if (cached === undefined) {
      const atStart = this.exactOffset(utcDay * DAY_MS);
      const atEnd = this.exactOffset(utcDay * DAY_MS + DAY_MS - MINUTE_MS);
      cached = atStart === atEnd ? atStart : Number.NaN;
      this.byDay.set(utcDay, cached);
    }
    if (Number.isNaN(cached)) return this.exactOffset(ms);
    this.lastDayStart = utcDay * DAY_MS;
    this.lastOffset = cached;
    return cached;
  }

  /** Local weekday, hour and day of an instant. */
  local(ms: number): LocalParts {
    const wall = ms + this.offset(ms);
    const day = Math.floor(wall / DAY_MS);
    return { weekday: weekdayOfDay(day), hour: Math.floor((wall - day * DAY_MS) / HOUR_MS), day };
  }

  /** weekday × 24 + hour of an instant (0–167); `local` without the allocation, for hot loops. */
  slotOf(ms: number): number {
    const wall = ms + this.offset(ms);
    const day = Math.floor(wall / DAY_MS);
    return weekdayOfDay(day) * 24 + Math.floor((wall - day * DAY_MS) / HOUR_MS);
  }

  /** The local calendar day of an instant (days since 1970-01-01). */
  dayOf(ms: number): number {
    return Math.floor((ms + this.offset(ms)) / DAY_MS);
  }

  /**
   * The instant at which the local wall clock shows `minutes` after midnight of local `day`.
   * A wall time inside a spring-forward gap comes out one offset-step later (good enough for synthetic
   * data; the booking engine uses `zonedTimeToUtc`, which refuses such times).
   */
  toUtc(day: number, minutes: number): number {
    const wall = day * DAY_MS + minutes * MINUTE_MS;
    const guess = wall - this.offset(wall);
    return wall - this.offset(guess);
  }

  private exactOffset(ms: number): number {
    const z = utcToZoned(ms, this.timeZone);
    const wall = Date.UTC(Number(z.date.slice(0, 4)), Number(z.date.slice(5, 7)) - 1, Number(z.date.slice(8, 10)), Number(z.time.slice(0, 2)), Number(z.time.slice(3, 5)));
    return wall - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  }
}

/** A stored epoch-ms time as the API shows it (ISO 8601, UTC), or null when there is none. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

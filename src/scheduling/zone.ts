/**
 * Weekday, hour and local day of many instants in one tenant time zone, fast enough for a million
 * appointments. `utcToZoned` (agenda/calendar) goes through Intl on every call (microseconds each);
 * here Intl is asked twice per UTC day and every instant of a day with one offset from start to end
 * (all but two days a year) is converted by arithmetic. A day with a DST change goes through
 * `utcToZoned` per instant, so the answer is always the one `utcToZoned` gives.
 */
import { utcToZoned, WEEKDAYS } from "../agenda/calendar";
import type { Weekday } from "../agenda/calendar";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Weekdays in `WEEKDAYS` order: index 0 = Monday … 6 = Sunday. */
export const WEEKDAY_KEYS: readonly Weekday[] = WEEKDAYS;

/** weekday index (0 = Monday) × 24 + hour: 168 slots a week. */
export const WEEK_SLOTS = 168;

export interface LocalParts {
  /** 0 = Monday … 6 = Sunday (the order of `WEEKDAYS`). */
  weekday: number;
  /** 0–23, local wall clock. */
  hour: number;
  /** Local calendar day as days since 1970-01-01 (equal numbers = same local date). */
  day: number;
}

/** Weekday index (0 = Monday) of a day number; 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** One tenant zone; caches one offset per UTC day it has seen (a few hundred entries a year). */
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
    const wall = Date.UTC(
      Number(z.date.slice(0, 4)),
      Number(z.date.slice(5, 7)) - 1,
      Number(z.date.slice(8, 10)),
      Number(z.time.slice(0, 2)),
      Number(z.time.slice(3, 5)),
    );
    return wall - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  }
}

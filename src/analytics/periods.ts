/** Local periods (days and ISO weeks on the tenant's clock) and the UTC instants that bound them. */
import { addDays, dayConverter, weekdayIndex, weekdayOf, zonedParts } from "../lib/time-zone";

export type Granularity = "day" | "week";

/**
 * The instant the local date begins: midnight, or the first minute that exists after it when a DST
 * change skips midnight (zones that switch at 00:00).
 * @example localStart("2026-12-02", "America/Sao_Paulo") // Date.parse("2026-12-02T03:00:00Z")
 */
export function localStart(date: string, tz: string): number {
  const at = dayConverter(date, tz);
  for (let m = 0; m < 180; m++) {
    const ms = at(m);
    if (ms !== null) return ms;
  }
  throw new RangeError(`no start for ${date} in ${tz}`);
}

/** The Monday of a local date's ISO week. */
export const mondayOf = (date: string): string => addDays(date, -weekdayIndex(weekdayOf(date)));

/** The local date of an instant. */
export const localDate = (ms: number, tz: string): string => zonedParts(ms, tz).date;

/** Period starts (local dates) from `first` to `last` inclusive, each a day or a Monday. */
export function periodStarts(granularity: Granularity, first: string, last: string): string[] {
  const step = granularity === "day" ? 1 : 7;
  const out: string[] = [];
  for (let d = granularity === "day" ? first : mondayOf(first); d <= last; d = addDays(d, step)) out.push(d);
  return out;
}

/** The n + 1 instants bounding n consecutive periods (the store's `edges`). */
export function edgesOf(granularity: Granularity, starts: readonly string[], tz: string): number[] {
  if (starts.length === 0) return [];
  const step = granularity === "day" ? 1 : 7;
  const last = starts[starts.length - 1] ?? starts[0];
  return [...starts, addDays(last ?? "", step)].map((d) => localStart(d, tz));
}

/** The UTC days of llm_usage a period takes (llm_usage.day is the UTC date of the call). */
export function usageDays(granularity: Granularity, start: string): string[] {
  return granularity === "day" ? [start] : Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

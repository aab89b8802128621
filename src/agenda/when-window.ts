/**
 * The availability window a "when" needs (when.ts reads the query, this sizes the search): the
 * query's days in the tenant's zone, capped at 60 days and at the calendar's horizon.
 */
import { dayConverter } from "../lib/time-zone";
import { addDays, isoDate } from "./when-words";

const DAY_MS = 24 * 3_600_000;
const MAX_SEARCH_DAYS = 60;

/**
 * The availability window a query needs: from its first day (never before now) through its last (or
 * `searchDays` for an open range), at most 60 days and not past the calendar's horizon; without a date
 * or range the default window (now, `searchDays`).
 */
export function searchWindow(
  q: { date?: string; from?: string; to?: string } | null,
  o: { nowMs: number; timeZone: string; searchDays: number; horizonDays?: number },
): { fromMs: number; days: number } {
  const first = q?.date ?? q?.from;
  if (first === undefined) return { fromMs: o.nowMs, days: o.searchDays };
  const last = q?.date ?? q?.to;
  const startMs = Math.max(o.nowMs, localMidnight(first, o.timeZone));
  const endMs = last === undefined ? startMs + o.searchDays * DAY_MS : localMidnight(nextDate(last), o.timeZone);
  const horizonMs = o.horizonDays === undefined ? Number.POSITIVE_INFINITY : o.nowMs + (o.horizonDays + 1) * DAY_MS;
  const capMs = Math.min(horizonMs, startMs + MAX_SEARCH_DAYS * DAY_MS, endMs);
  return { fromMs: startMs, days: Math.max(0, capMs - startMs) / DAY_MS };
}

const nextDate = (iso: string) => {
  const [y = 0, m = 1, d = 1] = iso.split("-").map(Number);
  return isoDate(addDays({ y, m, d }, 1));
};

// A zone whose clocks skip midnight (a DST gap at 00:00) starts that day at 01:00.
const localMidnight = (day: string, timeZone: string) => {
  const at = dayConverter(day, timeZone);
  return at(0) ?? at(60) ?? Date.parse(`${day}T00:00:00Z`);
};

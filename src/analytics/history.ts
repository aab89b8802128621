/** Reading stored reports back: a validated range, its periods, and the summary of the last days against the days before. */
import { AppError } from "../lib/errors";
import { addDays, dayDiff, parseLocalDate } from "../lib/time-zone";
import type { Company, Store } from "../store/types";
import { combine, derive, emptyMetrics, type Metrics } from "./metrics";
import { type Granularity, localDate, mondayOf, periodStarts } from "./periods";

/** The longest range a history or export may ask for, in days. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { day: 366, week: 731 };

export interface Range {
  granularity: Granularity;
  from: string;
  to: string;
}

/** A range checked for real dates, order and length (422 with a code for each). */
export function checkRange(r: Range): Range {
  if (!parseLocalDate(r.from) || !parseLocalDate(r.to)) throw new AppError(422, "invalid_date", "from and to must be real calendar dates (YYYY-MM-DD)");
  if (r.from > r.to) throw new AppError(422, "invalid_range", "from must not be after to");
  if (dayDiff(r.from, r.to) + 1 > MAX_RANGE_DAYS[r.granularity])
    throw new AppError(422, "range_too_long", `At most ${MAX_RANGE_DAYS[r.granularity]} days at granularity ${r.granularity}`, { max_days: MAX_RANGE_DAYS[r.granularity] });
  return r;
}

/** The default range: the last 30 local days up to yesterday. */
export function defaultRange(company: Pick<Company, "timeZone">, granularity: Granularity, now: number): Range {
  const yesterday = addDays(localDate(now, company.timeZone), -1);
  return { granularity, from: addDays(yesterday, -29), to: yesterday };
}

export interface Period {
  periodStart: string;
  metrics: Metrics;
}

/** The stored periods of a range (a week range starts on the Monday of `from`), and the periods with no report yet. */
export async function loadPeriods(store: Store, companyId: number, r: Range): Promise<{ periods: Period[]; missing: string[] }> {
  const from = r.granularity === "week" ? mondayOf(r.from) : r.from;
  const stored = await store.analytics.reports(companyId, r.granularity, from, r.to);
  const byStart = new Map(stored.map((s) => [s.periodStart, s]));
  const periods: Period[] = [];
  const missing: string[] = [];
  for (const start of periodStarts(r.granularity, from, r.to)) {
    const s = byStart.get(start);
    if (s) periods.push({ periodStart: start, metrics: { ...emptyMetrics(), ...(s.metrics as Partial<Metrics>) } });
    else missing.push(start);
  }
  return { periods, missing };
}

/** The last `days` local days (to yesterday) against the `days` before them: totals, rates and the change. */
export async function summary(store: Store, company: Pick<Company, "id" | "timeZone">, days: number, now: number) {
  const to = addDays(localDate(now, company.timeZone), -1);
  const from = addDays(to, -(days - 1));
  const prevTo = addDays(from, -1);
  const prevFrom = addDays(prevTo, -(days - 1));
  const all = await loadPeriods(store, company.id, { granularity: "day", from: prevFrom, to });
  const side = (a: string, b: string) => {
    const list = all.periods.filter((p) => p.periodStart >= a && p.periodStart <= b);
    const totals = combine(list.map((p) => p.metrics));
    return { from: a, to: b, days_with_data: list.length, totals, rates: derive(totals) };
  };
  return { current: side(from, to), previous: side(prevFrom, prevTo), missing: all.missing.filter((d) => d >= from) };
}

/**
 * Computing analytics_reports: a run of consecutive local days or weeks of one tenant in one read of
 * the raw rows (store.analytics.raw, grouped by period), priced with the tenant's LLM prices, upserted.
 * The nightly jobs call it for the few periods that need it, never for the whole history.
 */
import { addDays } from "../lib/time-zone";
import type { Company, Store } from "../store/types";
import { buildMetrics } from "./metrics";
import { edgesOf, type Granularity, localDate, mondayOf, periodStarts, usageDays } from "./periods";

/** How far back a nightly run looks for days (and weeks) with no report yet. */
export const CATCH_UP_DAYS = 7;

/** Computes and stores the reports of these consecutive period starts; returns how many it wrote. */
export async function computeReports(store: Store, company: Pick<Company, "id" | "timeZone">, granularity: Granularity, starts: readonly string[], now: number): Promise<number> {
  if (starts.length === 0) return 0;
  const edges = edgesOf(granularity, starts, company.timeZone);
  const days = starts.map((s) => usageDays(granularity, s));
  const [raw, usage, prices] = await Promise.all([
    store.analytics.raw(company.id, edges),
    store.analytics.usage(company.id, days[0]?.[0] ?? "", days[days.length - 1]?.at(-1) ?? ""),
    store.llmPrices.list(company.id),
  ]);
  const perPeriod = days.map((ds) => usage.filter((u) => ds.includes(u.day)));
  const metrics = buildMetrics(raw, perPeriod, prices, company.id, starts.length);
  await store.analytics.save(
    company.id,
    starts.map((periodStart, i) => ({ granularity, periodStart, metrics: { ...metrics[i] } })),
    now,
  );
  return starts.length;
}

/**
 * The periods a run at `now` must compute: the last complete one always (late rows: a no-show marked
 * in the morning), and the earlier ones of the catch-up window only when they have no report yet. From
 * the oldest of those to the last complete one, as one consecutive run (one read).
 */
export async function periodsDue(store: Store, company: Pick<Company, "id" | "timeZone">, granularity: Granularity, now: number): Promise<string[]> {
  const today = localDate(now, company.timeZone);
  const last = granularity === "day" ? addDays(today, -1) : addDays(mondayOf(today), -7);
  const first = granularity === "day" ? addDays(last, -(CATCH_UP_DAYS - 1)) : addDays(last, -7);
  const have = new Set((await store.analytics.reports(company.id, granularity, first, last)).map((r) => r.periodStart));
  const all = periodStarts(granularity, first, last);
  const oldestMissing = all.find((d) => !have.has(d)) ?? last;
  return all.filter((d) => d >= oldestMissing);
}

/**
 * The wire shape of aggregated metrics (what each TenantDO returns at scrape time) and the pure
 * helpers to record into and combine them.
 */
import { familyByName } from "./catalogue";

export interface CounterSample {
  metric: string;
  labels: Record<string, string>;
  value: number;
}

export interface HistogramSample {
  metric: string;
  labels: Record<string, string>;
  /** Non-cumulative: one per catalogue bucket, plus a last one for +Inf. */
  bucketCounts: number[];
  sum: number;
  count: number;
}

export interface MetricSnapshot {
  counters: CounterSample[];
  histograms: HistogramSample[];
}

/**
 * Index of the bucket an observation falls in: the first bucket with `value <= le`, else
 * `buckets.length` (the +Inf slot). Callers reject non-finite/negative observations first.
 * @example bucketIndex([0.5, 1], 0.5) // 0; bucketIndex([0.5, 1], 3) // 2
 */
export function bucketIndex(buckets: readonly number[], value: number): number {
  for (let i = 0; i < buckets.length; i++) {
    const le = buckets[i];
    if (le !== undefined && value <= le) return i;
  }
  return buckets.length;
}

/** Only string-valued labels, sorted by name: label key order must never split a series. */
function sortedLabelEntries(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Stable identity of a series, independent of label key order.
 * @example seriesKey("m", { b: "2", a: "1" }) === seriesKey("m", { a: "1", b: "2" })
 */
export function seriesKey(metric: string, labels: Record<string, string>): string {
  return JSON.stringify([metric, sortedLabelEntries(labels)]);
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n) && n >= 0;
}

/** A counter value must be a finite, non-negative number (a counter can't go down). */
export function isValidCounterSample(s: CounterSample): boolean {
  return typeof s.metric === "string" && isCount(s.value);
}

/**
 * A histogram sample is usable only when it is internally consistent: the expected number of
 * non-negative integer bucket counts, `count` equal to their total, and a finite non-negative sum
 * (all our histograms observe durations).
 */
export function isValidHistogramSample(s: HistogramSample, expectedBuckets?: number): boolean {
  if (typeof s.metric !== "string" || !Array.isArray(s.bucketCounts)) return false;
  if (expectedBuckets !== undefined && s.bucketCounts.length !== expectedBuckets) return false;
  if (s.bucketCounts.length === 0) return false;
  let total = 0;
  for (const c of s.bucketCounts) {
    if (!isCount(c) || !Number.isInteger(c)) return false;
    total += c;
  }
  return isCount(s.count) && Number.isInteger(s.count) && s.count === total && isCount(s.sum);
}

/** Expected `bucketCounts` length for a catalogue histogram, if the name is one. */
export function expectedBucketCount(metric: string): number | undefined {
  const family = familyByName(metric);
  return family?.type === "histogram" && family.buckets ? family.buckets.length + 1 : undefined;
}

function copyLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(sortedLabelEntries(labels));
}

/**
 * Adds up samples with the same metric and label set (label key order doesn't matter).
 * Invalid samples (negative, NaN, inconsistent histograms) are skipped so one tenant's bad data
 * can't decrement or corrupt the total. Inputs are not mutated.
 */
export function mergeSnapshots(snaps: MetricSnapshot[]): MetricSnapshot {
  const counters = new Map<string, CounterSample>();
  const histograms = new Map<string, HistogramSample>();

  for (const snap of snaps) {
    // A DO still running older code during a deploy may omit a list: treat it as empty.
    for (const c of snap.counters ?? []) {
      if (!isValidCounterSample(c)) continue;
      const key = seriesKey(c.metric, c.labels);
      const prev = counters.get(key);
      if (prev) prev.value += c.value;
      else counters.set(key, { metric: c.metric, labels: copyLabels(c.labels), value: c.value });
    }
    for (const h of snap.histograms ?? []) {
      const key = seriesKey(h.metric, h.labels);
      const prev = histograms.get(key);
      // Unknown names fall back to the first-seen shape; the renderer drops them anyway.
      const expected = expectedBucketCount(h.metric) ?? prev?.bucketCounts.length;
      if (!isValidHistogramSample(h, expected)) continue;
      if (prev) {
        prev.bucketCounts = prev.bucketCounts.map((n, i) => n + (h.bucketCounts[i] ?? 0));
        prev.sum += h.sum;
        prev.count += h.count;
      } else {
        histograms.set(key, {
          metric: h.metric,
          labels: copyLabels(h.labels),
          bucketCounts: [...h.bucketCounts],
          sum: h.sum,
          count: h.count,
        });
      }
    }
  }
  return { counters: [...counters.values()], histograms: [...histograms.values()] };
}

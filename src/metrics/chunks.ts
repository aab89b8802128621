/**
 * Pre-rendered exposition lines, so a scrape costs (nearly) the same at 10 and at 1,000 tenants.
 * The metrics aggregate keeps, per (family, owner), that owner's sample lines as text with
 * COMPANY_SLOT for the company label, re-rendered from its stored series only for the families a
 * push touched. A scrape concatenates them, putting each owner's current slug in the slot (slugs
 * can be renamed, and a deleted tenant has no slug: its lines are left out).
 */
import { METRIC_FAMILIES } from "./catalogue";
import { ownerBlock } from "./gzip";
import { COMPANY_SLOT, escapeLabelValue, formatNumber, type RenderOptions, renderSamples } from "./render";
import type { CounterSample, HistogramSample } from "./snapshot";

/**
 * What stored chunks were rendered with: when a deploy changes a family (labels, buckets) or the
 * line format, the aggregate re-renders every chunk once (bump the number for a format change).
 */
export const CHUNK_FORMAT = `1 ${JSON.stringify(METRIC_FAMILIES)}`;

/** One series as the aggregate stores it: counters and gauges have `value`, histograms `counts`/`sum`/`count`. */
export type StoredSeries = {
  metric: string;
  /** JSON of the label set, without `company`. */
  labels: string;
  value: number | null;
  counts: string | null;
  sum: number | null;
  count: number | null;
};

function parseObject(raw: string): Record<string, string> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : null;
  } catch {
    return null;
  }
}

function parseCounts(raw: string): number[] | null {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? (v as number[]) : null;
  } catch {
    return null;
  }
}

/**
 * One owner's series rendered per family (sample lines only, company = COMPANY_SLOT). The
 * renderer's checks apply as at scrape time: undeclared families and labels and invalid values are
 * dropped (and reported to `onDrop`).
 */
export function renderChunks(rows: readonly StoredSeries[], onDrop?: RenderOptions["onDrop"]): Map<string, string> {
  const counters: CounterSample[] = [];
  const histograms: HistogramSample[] = [];
  for (const r of rows) {
    const labels = parseObject(r.labels);
    if (labels === null) {
      onDrop?.(r.metric, "unreadable labels");
      continue;
    }
    labels.company = COMPANY_SLOT;
    if (r.counts !== null) {
      const bucketCounts = parseCounts(r.counts);
      if (bucketCounts === null) onDrop?.(r.metric, "unreadable bucket counts");
      else histograms.push({ metric: r.metric, labels, bucketCounts, sum: r.sum ?? 0, count: r.count ?? 0 });
    } else if (r.value !== null) counters.push({ metric: r.metric, labels, value: r.value });
  }
  return renderSamples({ counters, histograms }, { onDrop, companySlot: true });
}

/** The aggregate's owner name for the bucket of events that belong to no tenant (tenants/stubs.ts). */
export const UNATTRIBUTED_OWNER = "~unattributed";

/** Owner name → the company label value as it goes in the slot (escaped): the tenants that exist now, and the unattributed bucket. */
export function ownerLabels(companies: readonly { id: number; slug: string }[], unattributedLabel: string): Record<string, string> {
  const out: Record<string, string> = { [UNATTRIBUTED_OWNER]: escapeLabelValue(unattributedLabel) };
  for (const c of companies) out[`company:${c.id}`] = escapeLabelValue(c.slug);
  return out;
}

export const LAST_PUSH_FAMILY = "secretaria_metrics_last_push_timestamp_seconds";

/**
 * `secretaria_metrics_last_push_timestamp_seconds` of the owners still expected to push (not idle),
 * with known labels, per block of owners (src/metrics/gzip.ts) in block order.
 */
export function lastPushBlocks(pushes: readonly { owner: string; pushed_at: number }[], labels: Readonly<Record<string, string>>): [block: number, text: string][] {
  const blocks = new Map<number, string>();
  for (const p of pushes) {
    const company = Object.hasOwn(labels, p.owner) ? labels[p.owner] : undefined;
    if (company === undefined || !Number.isFinite(p.pushed_at)) continue;
    const id = ownerBlock(p.owner);
    blocks.set(id, `${blocks.get(id) ?? ""}${LAST_PUSH_FAMILY}{company="${company}"} ${formatNumber(p.pushed_at / 1000)}\n`);
  }
  return [...blocks].sort((a, b) => a[0] - b[0]);
}

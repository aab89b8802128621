/**
 * One scrape's data, put together from a constant number of reads: the aggregate's series (one RPC
 * to the MetricsDO), the tenants (one query) and the gauges derived from stored rows (one batch).
 * Pure: the route does the reads, this labels and combines them.
 */
import { WEEKDAYS } from "../lib/time-zone";
import type { Company, OpsGauges } from "../store/types";
import { STORE_ROW_TABLES } from "../store/contracts/ops";
import type { AggregateRow, AggregateSnapshot } from "./push";
import type { CounterSample, HistogramSample, MetricSnapshot } from "./snapshot";

/** The aggregate's owner name for the bucket of events that belong to no tenant (tenants/stubs.ts). */
export const UNATTRIBUTED_OWNER = "~unattributed";

const ownerOf = (companyId: number) => `company:${companyId}`;

function parseLabels(raw: string): Record<string, string> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : null;
  } catch {
    return null;
  }
}

export function assembleScrape(agg: AggregateSnapshot, companies: Pick<Company, "id" | "slug">[], gauges: OpsGauges, unattributedLabel: string): MetricSnapshot {
  // Series of an owner that is no tenant any more (deleted) are left out: the label would be a bare id.
  const label = new Map<string, string>([[UNATTRIBUTED_OWNER, unattributedLabel], ...companies.map((c): [string, string] => [ownerOf(c.id), c.slug])]);
  const slugById = new Map(companies.map((c) => [c.id, c.slug]));
  const counters: CounterSample[] = [];
  const histograms: HistogramSample[] = [];

  for (const [owner, metric, rawLabels, value, counts, sum, count] of JSON.parse(agg.series) as AggregateRow[]) {
    const company = label.get(owner);
    const labels = company === undefined ? null : parseLabels(rawLabels);
    if (company === undefined || labels === null) continue;
    labels.company = company;
    if (counts !== null) histograms.push({ metric, labels, bucketCounts: JSON.parse(counts) as number[], sum: sum ?? 0, count: count ?? 0 });
    else if (value !== null) counters.push({ metric, labels, value });
  }
  // Absent while a tenant is idle (it said so in its last push): only tenants expected to push go stale.
  for (const p of agg.pushes) {
    const company = label.get(p.owner);
    if (company !== undefined && !p.idle) counters.push({ metric: "secretaria_metrics_last_push_timestamp_seconds", labels: { company }, value: p.pushedAt / 1000 });
  }

  // Gauges from stored rows: every tenant gets a sample (0 when nothing matched), so alerts see it from the start.
  const perCompany = (metric: string, rows: { companyId: number; n: number }[], extra: Record<string, string> = {}) => {
    const byId = new Map(rows.map((r) => [r.companyId, r.n]));
    for (const c of companies) counters.push({ metric, labels: { ...extra, company: c.slug }, value: byId.get(c.id) ?? 0 });
  };
  perCompany("secretaria_handoffs_overdue", gauges.overdueHandoffs);
  perCompany("secretaria_dead_letters_pending", gauges.deadLettersPending);
  perCompany("secretaria_queue_backlog", gauges.outboundBacklog, { queue: "outbound" });
  for (const table of STORE_ROW_TABLES)
    perCompany(
      "secretaria_store_rows",
      gauges.storeRows.filter((r) => r.table === table),
      { table },
    );
  for (const a of gauges.attendance) {
    const company = slugById.get(a.companyId);
    if (company === undefined) continue;
    counters.push({ metric: "secretaria_agenda_attendance_rate", labels: { company, weekday: WEEKDAYS[a.weekday] ?? String(a.weekday), hour: String(a.hour) }, value: a.rate });
  }
  return { counters, histograms };
}

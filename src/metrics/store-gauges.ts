/**
 * The gauges derived from stored rows (handoffs overdue, dead letters pending, the outbound backlog,
 * the attendance heatmap, rows per table), computed by the minute cron and pushed into the metrics
 * aggregate beside the tenants' own series. A scrape then reads no tenant rows at all, so its cost
 * stays the same at 10 and at 1,000 tenants, and scraping more often costs the database nothing.
 * Counting rows per table reads every row of the biggest tables: that runs once an hour.
 */
import { WEEKDAYS } from "../lib/time-zone";
import { openStore } from "../store";
import { STORE_ROW_TABLES } from "../store/contracts/ops";
import type { OpsGauges, StoreRowCount } from "../store/types";
import { readProfile } from "../tenants/profile";
import { UNATTRIBUTED_COMPANY_LABEL } from "../tenants/stubs";
import { METRICS } from "./catalogue";
import { ownerLabels, UNATTRIBUTED_OWNER } from "./chunks";
import { metricsStub } from "./push";
import { labelKey } from "./sql-metrics";

/** The cron trigger (wrangler.toml) that refreshes them. */
export const STORE_GAUGES_CRON = "* * * * *";
/** How often rows are counted per table: storage grows slowly and counting is the expensive read. */
export const ROW_COUNTS_EVERY_MS = 3_600_000;

/** One series as the aggregate keeps it: the owner is `company:<id>` (or the unattributed owner for the refresh time). */
export interface StoreGaugeSeries {
  owner: string;
  metric: string;
  /** labelKey() of the labels without `company`. */
  labels: string;
  value: number;
}

/**
 * A refresh of some store families: the aggregate replaces every store series of `families` with
 * `series` (a series left out is gone: a deleted tenant, a slot no longer in the heatmap).
 */
export interface StoreGaugePush {
  at: number;
  families: readonly string[];
  series: StoreGaugeSeries[];
  /**
   * Owner → escaped company label (chunks.ts ownerLabels) of the tenants that exist now: a scrape
   * labels its lines with these, so it reads nothing from the store (renames and deletions show
   * within a minute).
   */
  labels?: Record<string, string>;
}

export const GAUGE_FAMILIES: readonly string[] = [
  METRICS.handoffsOverdue.name,
  METRICS.deadLettersPending.name,
  METRICS.queueBacklog.name,
  METRICS.agendaAttendance.name,
  METRICS.storeGaugesRefreshed.name,
];
export const ROW_FAMILIES: readonly string[] = [METRICS.storeRows.name];

const owner = (companyId: number) => `company:${companyId}`;
const NO_LABELS = labelKey({});

/** Every tenant gets each count (0 when nothing matched), so alerts see the series from the start. */
function perTenant(companyIds: readonly number[], metric: string, rows: readonly { companyId: number; n: number }[], labels = NO_LABELS): StoreGaugeSeries[] {
  const byId = new Map(rows.map((r) => [r.companyId, r.n]));
  return companyIds.map((id) => ({ owner: owner(id), metric, labels, value: byId.get(id) ?? 0 }));
}

export function gaugeSeries(companyIds: readonly number[], gauges: OpsGauges, at: number): StoreGaugeSeries[] {
  const known = new Set(companyIds);
  const attendance = gauges.attendance
    .filter((a) => known.has(a.companyId) && Number.isFinite(a.rate))
    .map((a) => ({
      owner: owner(a.companyId),
      metric: METRICS.agendaAttendance.name,
      labels: labelKey({ weekday: WEEKDAYS[a.weekday] ?? String(a.weekday), hour: String(a.hour) }),
      value: a.rate,
    }));
  return [
    ...perTenant(companyIds, METRICS.handoffsOverdue.name, gauges.overdueHandoffs),
    ...perTenant(companyIds, METRICS.deadLettersPending.name, gauges.deadLettersPending),
    // The inbound backlog is the tenant DO's own gauge, pushed with its series (queue="inbound").
    ...perTenant(companyIds, METRICS.queueBacklog.name, gauges.outboundBacklog, labelKey({ queue: "outbound" })),
    ...attendance,
    { owner: UNATTRIBUTED_OWNER, metric: METRICS.storeGaugesRefreshed.name, labels: NO_LABELS, value: at / 1000 },
  ];
}

export function rowSeries(companyIds: readonly number[], rows: readonly StoreRowCount[]): StoreGaugeSeries[] {
  return STORE_ROW_TABLES.flatMap((table) =>
    perTenant(
      companyIds,
      METRICS.storeRows.name,
      rows.filter((r) => r.table === table),
      labelKey({ table }),
    ),
  );
}

/** The profile's default handoff SLA, for tenants that never set one (the store reads each tenant's own). */
const DEFAULT_SLA_MINUTES = readProfile({}).handoff.slaMinutes;

/**
 * One refresh: the tenants and the cheap gauges (one store round trip), one push with the tenants'
 * labels; then, when the aggregate says the hourly row counts are due, the counts and a second push.
 */
export async function refreshStoreGauges(env: Env, now: number): Promise<{ tenants: number; written: number; rowsCounted: boolean }> {
  const store = openStore(env);
  const [companies, gauges] = await Promise.all([store.companies.list(), store.ops.gauges(now, DEFAULT_SLA_MINUTES)]);
  const ids = companies.map((c) => c.id);
  const aggregate = metricsStub(env);
  const labels = ownerLabels(companies, UNATTRIBUTED_COMPANY_LABEL);
  const first = await aggregate.storeGauges({ at: now, families: GAUGE_FAMILIES, series: gaugeSeries(ids, gauges, now), labels });
  if (!first.rowCountsDue) return { tenants: ids.length, written: first.written, rowsCounted: false };
  const rows = await aggregate.storeGauges({ at: now, families: ROW_FAMILIES, series: rowSeries(ids, await store.ops.rowCounts()) });
  return { tenants: ids.length, written: first.written + rows.written, rowsCounted: true };
}

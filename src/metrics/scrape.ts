/**
 * One scrape's text, put together from a constant number of reads: the aggregate's pre-rendered
 * lines per family (one RPC to the MetricsDO, src/metrics/chunks.ts), the tenants (one query) and
 * the gauges derived from stored rows (one batch). Pure: the route does the reads; this writes the
 * store gauges' lines in one pass and concatenates, family by family.
 */
import { WEEKDAYS } from "../lib/time-zone";
import { STORE_ROW_TABLES } from "../store/contracts/ops";
import type { Company, OpsGauges } from "../store/types";
import { METRIC_FAMILIES } from "./catalogue";
import { escapeLabelValue, familyHeader, formatNumber } from "./render";

const HEADERS = METRIC_FAMILIES.map((f) => [f.name, familyHeader(f)] as const);

/**
 * The gauges from stored rows as sample lines per family: every tenant gets a sample (0 when
 * nothing matched), so alerts see it from the start. Each slug is escaped once, not once per line.
 */
export function storeGaugeLines(companies: readonly Pick<Company, "id" | "slug">[], gauges: OpsGauges): Map<string, string> {
  const label = new Map(companies.map((c) => [c.id, `company="${escapeLabelValue(c.slug)}"`]));
  const out = new Map<string, string>();
  const perCompany = (metric: string, rows: readonly { companyId: number; n: number }[], extra = "") => {
    const byId = new Map(rows.map((r) => [r.companyId, r.n]));
    let text = out.get(metric) ?? "";
    for (const [id, company] of label) text += `${metric}{${company}${extra}} ${formatNumber(byId.get(id) ?? 0)}\n`;
    out.set(metric, text);
  };
  perCompany("secretaria_handoffs_overdue", gauges.overdueHandoffs);
  perCompany("secretaria_dead_letters_pending", gauges.deadLettersPending);
  perCompany("secretaria_queue_backlog", gauges.outboundBacklog, `,queue="outbound"`);
  for (const table of STORE_ROW_TABLES)
    perCompany(
      "secretaria_store_rows",
      gauges.storeRows.filter((r) => r.table === table),
      `,table="${escapeLabelValue(table)}"`,
    );
  let attendance = "";
  for (const a of gauges.attendance) {
    const company = label.get(a.companyId);
    if (company === undefined || !Number.isFinite(a.rate)) continue;
    const weekday = escapeLabelValue(WEEKDAYS[a.weekday] ?? String(a.weekday));
    attendance += `secretaria_agenda_attendance_rate{${company},weekday="${weekday}",hour="${a.hour}"} ${formatNumber(a.rate)}\n`;
  }
  if (attendance !== "") out.set("secretaria_agenda_attendance_rate", attendance);
  return out;
}

/**
 * Prometheus text 0.0.4: every catalogue family in catalogue order with its HELP/TYPE (even before
 * its first sample), then the aggregate's lines for it, then the store's. The two never hold the
 * same series: the store's gauges are computed here only, and `queue_backlog` splits by `queue`
 * (inbound from the tenants' pushes, outbound from the store).
 */
export function assembleExposition(aggregate: Readonly<Record<string, string>>, store: ReadonlyMap<string, string>): string {
  let text = "";
  for (const [name, header] of HEADERS) text += header + (aggregate[name] ?? "") + (store.get(name) ?? "");
  return text;
}

/**
 * One scrape's text, put together from a constant number of reads: the aggregate's pre-rendered
 * lines per family (one RPC to the MetricsDO, src/metrics/chunks.ts), the tenants (one query) and
 * the gauges derived from stored rows (one batch). The route does the reads; this writes the store
 * gauges' lines in one pass and concatenates, family by family, as text or as gzip members.
 */
import { WEEKDAYS } from "../lib/time-zone";
import { STORE_ROW_TABLES } from "../store/contracts/ops";
import type { Company, OpsGauges } from "../store/types";
import { METRIC_FAMILIES } from "./catalogue";
import { concatBytes, type GzipMemo, tenantBlock } from "./gzip";
import type { AggregateGzipExposition } from "./push";
import { escapeLabelValue, familyHeader, formatNumber } from "./render";

const HEADERS = METRIC_FAMILIES.map((f) => [f.name, familyHeader(f)] as const);

/** Per family, its lines per block of tenant ids (src/metrics/gzip.ts), blocks ascending. */
export type StoreGaugeBlocks = Map<string, [block: number, text: string][]>;

/**
 * The gauges from stored rows as sample lines per family and block: every tenant gets a sample (0
 * when nothing matched), so alerts see it from the start. Each slug is escaped once, not once per line.
 */
export function storeGaugeBlocks(companies: readonly Pick<Company, "id" | "slug">[], gauges: OpsGauges): StoreGaugeBlocks {
  const label = new Map(companies.map((c) => [c.id, `company="${escapeLabelValue(c.slug)}"`]));
  const families = new Map<string, Map<number, string>>();
  const add = (metric: string, companyId: number, line: string) => {
    let blocks = families.get(metric);
    if (!blocks) {
      blocks = new Map();
      families.set(metric, blocks);
    }
    const id = tenantBlock(companyId);
    blocks.set(id, (blocks.get(id) ?? "") + line);
  };
  const perCompany = (metric: string, rows: readonly { companyId: number; n: number }[], extra = "") => {
    const byId = new Map(rows.map((r) => [r.companyId, r.n]));
    for (const [id, company] of label) add(metric, id, `${metric}{${company}${extra}} ${formatNumber(byId.get(id) ?? 0)}\n`);
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
  for (const a of gauges.attendance) {
    const company = label.get(a.companyId);
    if (company === undefined || !Number.isFinite(a.rate)) continue;
    const weekday = escapeLabelValue(WEEKDAYS[a.weekday] ?? String(a.weekday));
    add("secretaria_agenda_attendance_rate", a.companyId, `secretaria_agenda_attendance_rate{${company},weekday="${weekday}",hour="${a.hour}"} ${formatNumber(a.rate)}\n`);
  }
  const out: StoreGaugeBlocks = new Map();
  for (const [metric, blocks] of families)
    out.set(
      metric,
      [...blocks].sort((a, b) => a[0] - b[0]),
    );
  return out;
}

/**
 * Prometheus text 0.0.4: every catalogue family in catalogue order with its HELP/TYPE (even before
 * its first sample), then the aggregate's lines for it, then the store's. The two never hold the
 * same series: the store's gauges are computed here only, and `queue_backlog` splits by `queue`
 * (inbound from the tenants' pushes, outbound from the store).
 */
export function assembleExposition(aggregate: Readonly<Record<string, string>>, store: StoreGaugeBlocks): string {
  let text = "";
  for (const [name, header] of HEADERS) {
    text += header + (aggregate[name] ?? "");
    for (const [, lines] of store.get(name) ?? []) text += lines;
  }
  return text;
}

/**
 * The same text as `assembleExposition`, as gzip members one after another: the aggregate's as it
 * compressed them, and the headers (each run between samples) and the store's blocks through `memo`,
 * which compresses only what changed since the last scrape. Gunzipped, it is byte for byte the text.
 */
export function assembleGzipExposition(aggregate: AggregateGzipExposition, store: StoreGaugeBlocks, memo: GzipMemo): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let headers = "";
  let headersFrom = "";
  const flushHeaders = () => {
    if (headers !== "") parts.push(memo.member(`headers:${headersFrom}`, headers));
    headers = "";
  };
  for (const [name, header] of HEADERS) {
    if (headers === "") headersFrom = name;
    headers += header;
    const range = aggregate.families[name];
    if (range && range.end > range.start) {
      flushHeaders();
      parts.push(aggregate.bytes.subarray(range.start, range.end));
    }
    for (const [block, lines] of store.get(name) ?? []) {
      flushHeaders();
      parts.push(memo.member(`${name}#${block}`, lines));
    }
  }
  flushHeaders();
  memo.endRound();
  return concatBytes(parts);
}

/**
 * One scrape's text, put together from two reads: the tenants (one query, for their current slugs)
 * and the aggregate's pre-rendered lines per family (one RPC to the MetricsDO, src/metrics/chunks.ts),
 * which holds the tenants' pushed series and the gauges from stored rows (src/metrics/store-gauges.ts).
 * This concatenates them, family by family, with each family's header, as text or as gzip members.
 */
import { METRIC_FAMILIES } from "./catalogue";
import { concatBytes, type GzipMemo } from "./gzip";
import type { AggregateGzipExposition } from "./push";
import { familyHeader } from "./render";

const HEADERS = METRIC_FAMILIES.map((f) => [f.name, familyHeader(f)] as const);

/** Prometheus text 0.0.4: every catalogue family in catalogue order with its HELP/TYPE (even before its first sample), then its lines. */
export function assembleExposition(aggregate: Readonly<Record<string, string>>): string {
  let text = "";
  for (const [name, header] of HEADERS) text += header + (aggregate[name] ?? "");
  return text;
}

/**
 * The same text as `assembleExposition`, as gzip members one after another: the aggregate's as it
 * compressed them, and the headers (each run between samples) through `memo`, which compresses them
 * once. Gunzipped, it is byte for byte the text.
 */
export function assembleGzipExposition(aggregate: AggregateGzipExposition, memo: GzipMemo): Uint8Array<ArrayBuffer> {
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
  }
  flushHeaders();
  memo.endRound();
  return concatBytes(parts);
}

/**
 * Renders a (merged) MetricSnapshot as Prometheus text exposition format 0.0.4.
 *
 * The catalogue decides what may appear: undeclared families and labels are dropped, invalid
 * numbers are never emitted, and every declared family gets its HELP/TYPE even with no samples,
 * so dashboards and alerts see the family from the first scrape.
 */
import type { MetricFamily } from "./catalogue";
import { familyByName, METRIC_FAMILIES } from "./catalogue";
import type { CounterSample, HistogramSample, MetricSnapshot } from "./snapshot";
import { isValidCounterSample, isValidHistogramSample } from "./snapshot";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface RenderOptions {
  /** Told about every sample or label left out, so the /metrics route can log data bugs. */
  onDrop?: (metric: string, reason: string) => void;
  /**
   * The `company` value is COMPANY_SLOT, written as is (not escaped): the metrics aggregate renders
   * each tenant's lines once per push and a scrape puts the tenant's current, escaped slug there.
   */
  companySlot?: boolean;
}

/** Stands for the company label value in pre-rendered lines; escapeLabelValue never lets it through. */
export const COMPANY_SLOT = "\u0001";

interface Series {
  /** Declared label values in catalogue order; "" = absent (Prometheus treats them the same). */
  values: string[];
}
interface CounterSeries extends Series {
  value: number;
}
interface HistogramSeries extends Series {
  bucketCounts: number[];
  sum: number;
  count: number;
}

/**
 * Formats a sample value or bound so Prometheus' ParseFloat reads it back exactly: integers
 * without exponent or trailing ".0" (String() switches to exponent at 1e21), others shortest
 * round-trip form.
 * @example formatNumber(2.5) // "2.5"; formatNumber(1e21) // "1000000000000000000000"
 */
export function formatNumber(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  if (Number.isNaN(n)) return "NaN";
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
  return String(n);
}

// Lone surrogates are not valid UTF-8; Prometheus would reject the whole scrape.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NEEDS_ESCAPE = /[\\"\n\uD800-\uDFFF]/;

/** Escapes a label value: backslash, double quote and newline, per the 0.0.4 format. */
export function escapeLabelValue(v: string): string {
  // Most values (slugs, outcomes, numbers) need nothing: one scan instead of four replaces.
  // COMPANY_SLOT becomes U+FFFD: a value can never be mistaken for the slot.
  if (!NEEDS_ESCAPE.test(v) && !v.includes(COMPANY_SLOT)) return v;
  return v.replace(LONE_SURROGATE, "\uFFFD").replaceAll(COMPANY_SLOT, "\uFFFD").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes only backslash and newline (quotes are literal there). */
function escapeHelp(v: string): string {
  return v.replace(LONE_SURROGATE, "\uFFFD").replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function labelBlock(family: MetricFamily, values: readonly string[], companySlot = false): string {
  const parts: string[] = [];
  family.labels.forEach((name, i) => {
    const v = values[i] ?? "";
    if (v !== "") parts.push(`${name}="${companySlot && name === "company" ? v : escapeLabelValue(v)}"`);
  });
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

/** Keeps only declared labels, in declared order, reporting the rest. */
const DECLARED = new WeakMap<MetricFamily, ReadonlySet<string>>();

function declaredValues(family: MetricFamily, labels: Record<string, string>, onDrop: RenderOptions["onDrop"]): string[] {
  let declared = DECLARED.get(family);
  if (!declared) {
    declared = new Set(family.labels);
    DECLARED.set(family, declared);
  }
  for (const name in labels) {
    if (!declared.has(name)) onDrop?.(family.name, `undeclared label "${name}"`);
  }
  return family.labels.map((name) => {
    const v: unknown = labels[name];
    return typeof v === "string" ? v : "";
  });
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    // Plain code-unit comparison: locale-independent, so output is byte-for-byte deterministic.
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function familyFor(metric: string, kinds: readonly MetricFamily["type"][], onDrop: RenderOptions["onDrop"]): MetricFamily | undefined {
  const family = familyByName(metric);
  if (!family) {
    onDrop?.(metric, "unknown metric");
    return undefined;
  }
  if (!kinds.includes(family.type)) {
    onDrop?.(metric, `sample kind does not match family type ${family.type}`);
    return undefined;
  }
  return family;
}

function collectCounters(samples: readonly CounterSample[], onDrop: RenderOptions["onDrop"]): Map<string, Map<string, CounterSeries>> {
  const out = new Map<string, Map<string, CounterSeries>>();
  for (const s of samples) {
    const family = familyFor(s.metric, ["counter", "gauge"], onDrop);
    if (!family) continue;
    const ok = family.type === "gauge" ? Number.isFinite(s.value) : isValidCounterSample(s);
    if (!ok) {
      onDrop?.(s.metric, `invalid value ${String(s.value)}`);
      continue;
    }
    const values = declaredValues(family, s.labels, onDrop);
    // Re-aggregate: dropping undeclared labels (or "" vs absent) may fold series together.
    const key = JSON.stringify(values);
    const bySeries = out.get(family.name) ?? new Map<string, CounterSeries>();
    out.set(family.name, bySeries);
    const prev = bySeries.get(key);
    if (prev) prev.value += s.value;
    else bySeries.set(key, { values, value: s.value });
  }
  return out;
}

function collectHistograms(samples: readonly HistogramSample[], onDrop: RenderOptions["onDrop"]): Map<string, Map<string, HistogramSeries>> {
  const out = new Map<string, Map<string, HistogramSeries>>();
  for (const s of samples) {
    const family = familyFor(s.metric, ["histogram"], onDrop);
    if (!family?.buckets) continue;
    if (!isValidHistogramSample(s, family.buckets.length + 1)) {
      onDrop?.(s.metric, "invalid histogram sample (shape, negative/NaN, or count != bucket total)");
      continue;
    }
    const values = declaredValues(family, s.labels, onDrop);
    const key = JSON.stringify(values);
    const bySeries = out.get(family.name) ?? new Map<string, HistogramSeries>();
    out.set(family.name, bySeries);
    const prev = bySeries.get(key);
    if (prev) {
      prev.bucketCounts = prev.bucketCounts.map((n, i) => n + (s.bucketCounts[i] ?? 0));
      prev.sum += s.sum;
      prev.count += s.count;
    } else {
      bySeries.set(key, { values, bucketCounts: [...s.bucketCounts], sum: s.sum, count: s.count });
    }
  }
  return out;
}

function sortedSeries<T extends Series>(bySeries: Map<string, T> | undefined): T[] {
  return [...(bySeries?.values() ?? [])].sort((a, b) => compareValues(a.values, b.values));
}

/** The HELP and TYPE lines of a family, newline-terminated. */
export function familyHeader(family: MetricFamily): string {
  return `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
}

/**
 * The sample lines of each family that has samples (newline-terminated, series sorted by label
 * values, histograms as cumulative buckets ending in `le="+Inf"` == `_count`), without HELP/TYPE.
 */
export function renderSamples(snap: MetricSnapshot, opts: RenderOptions = {}): Map<string, string> {
  const { onDrop, companySlot = false } = opts;
  const counters = collectCounters(snap.counters ?? [], onDrop);
  const histograms = collectHistograms(snap.histograms ?? [], onDrop);
  const out = new Map<string, string>();

  for (const family of METRIC_FAMILIES) {
    let text = "";
    if (family.type !== "histogram") {
      for (const s of sortedSeries(counters.get(family.name))) text += `${family.name}${labelBlock(family, s.values, companySlot)} ${formatNumber(s.value)}\n`;
    } else {
      const les = (family.buckets ?? []).map((le) => formatNumber(le));
      for (const s of sortedSeries(histograms.get(family.name))) {
        // The series' labels escaped once, not once per bucket: a scrape of 1,000 tenants renders ~30k bucket lines.
        const block = labelBlock(family, s.values, companySlot);
        const withLe = (le: string) => (block === "" ? `{le="${le}"}` : `${block.slice(0, -1)},le="${le}"}`);
        let cumulative = 0;
        les.forEach((le, i) => {
          cumulative += s.bucketCounts[i] ?? 0;
          text += `${family.name}_bucket${withLe(le)} ${formatNumber(cumulative)}\n`;
        });
        // +Inf is the count by definition; validated upstream to equal the bucket total.
        text += `${family.name}_bucket${withLe("+Inf")} ${formatNumber(s.count)}\n`;
        text += `${family.name}_sum${block} ${formatNumber(s.sum)}\n`;
        text += `${family.name}_count${block} ${formatNumber(s.count)}\n`;
      }
    }
    if (text !== "") out.set(family.name, text);
  }
  return out;
}

/**
 * Prometheus text 0.0.4 for the snapshot: catalogue families in catalogue order, each with its
 * HELP/TYPE (even without samples), then its samples as renderSamples writes them.
 * @example new Response(renderPrometheus(merged), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } })
 */
export function renderPrometheus(snap: MetricSnapshot, opts: RenderOptions = {}): string {
  const samples = renderSamples(snap, opts);
  let text = "";
  for (const family of METRIC_FAMILIES) text += familyHeader(family) + (samples.get(family.name) ?? "");
  return text;
}

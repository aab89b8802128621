/**
 * The model's design matrix: the base columns computed from the leakage-safe facts (features.ts), then
 * the tenant's `attr_<name>` columns.
 *
 * `attr_<name>` columns: numeric when every value seen in training is a number (or a numeric
 * string) — standardised with the training mean/sd, clipped to ±5 sd, missing → mean plus a
 * "missing" indicator; otherwise categorical — one-hot per level, levels under 1 % of training rows
 * (and beyond the 20 most frequent) pooled into "other", unseen levels at scoring time go to "other".
 * A categorical attribute with more levels than the one-hot keeps at most (20) also gets
 * `attr_<name>_rate`, its level's smoothed no-show rate (target-encoding.ts); the trees read that
 * instead of its one-hot columns.
 */
import { type AttrColumn, byCode, type HistoryColumns } from "./columns";
import type { FactTable } from "./features";
import { logit, TENANT_PRIOR } from "./features";
import { levelOf, MISSING_LEVEL, type TargetAttr } from "./target-encoding";

export { MISSING_LEVEL };

// ---------------------------------------------------------------------------------------------
// Attribute encoding

export interface NumericAttr {
  name: string;
  mean: number;
  sd: number;
  /** Some training rows lacked it: a "missing" indicator column follows. */
  hasMissing: boolean;
}

export interface CategoricalAttr {
  name: string;
  /** Levels with their own column, most frequent first. */
  levels: string[];
  /** An "other" column exists (rare levels were pooled into it). */
  hasOther: boolean;
}

export interface AttrEncoding {
  numeric: NumericAttr[];
  categorical: CategoricalAttr[];
  /** Target-encoded categoricals with their frozen counts (absent in version-1 models). */
  target?: TargetAttr[];
}

export interface EncodingOptions {
  /** Levels below this share of training rows are pooled (default 0.01 = 1 %). */
  rareShare?: number;
  /** At most this many own levels per category (default 20). */
  maxLevels?: number;
  /** At most this many attributes, most often filled first (default 30). */
  maxAttrs?: number;
}

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

function asNumber(v: string | number | undefined): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && NUMERIC.test(v)) return Number(v);
  return null;
}

/** How many of `rows` carry each code of `col` (index values.length: the rows without a value). */
function codeCounts(col: AttrColumn, rows: Uint32Array): Uint32Array {
  const counts = new Uint32Array(col.values.length + 1);
  const absent = col.values.length;
  for (let k = 0; k < rows.length; k++) {
    const code = col.codes[rows[k] as number] as number;
    const at = code < 0 ? absent : code;
    counts[at] = (counts[at] as number) + 1;
  }
  return counts;
}

/**
 * Learns how to encode the attributes of the training rows `rows` (indices into `c`; never look at
 * holdout rows here). Every decision reads each distinct value once, with its count.
 */
export function fitAttrEncoding(c: HistoryColumns, rows: Uint32Array, options: EncodingOptions = {}): AttrEncoding {
  const rareShare = options.rareShare ?? 0.01;
  const maxLevels = options.maxLevels ?? 20;
  const maxAttrs = options.maxAttrs ?? 30;
  const n = rows.length;
  const seen: { name: string; col: AttrColumn; counts: Uint32Array; filled: number }[] = [];
  for (const col of c.attrs.values()) {
    const counts = codeCounts(col, rows);
    let filled = 0;
    col.values.forEach((v, code) => {
      if (v !== "") filled += counts[code] as number;
    });
    if (filled > 0) seen.push({ name: col.name, col, counts, filled });
  }
  const kept = seen
    .sort((a, b) => b.filled - a.filled || (a.name < b.name ? -1 : 1))
    .slice(0, maxAttrs)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const numeric: NumericAttr[] = [];
  const categorical: CategoricalAttr[] = [];
  const target: TargetAttr[] = [];
  for (const { name, col, counts } of kept) {
    const used = col.values.map((v, code) => ((counts[code] as number) > 0 && v !== "" ? v : undefined));
    if (used.every((v) => v === undefined || asNumber(v) !== null)) {
      // Summed row by row in the rows' order (not once per distinct value times its count): the same
      // floating-point sums, so the same mean and sd, as reading each row's value.
      const valueAt = byCode(col, asNumber, null);
      let sum = 0;
      let sumSq = 0;
      let count = 0;
      for (let k = 0; k < rows.length; k++) {
        const x = valueAt(rows[k] as number);
        if (x === null) continue;
        sum += x;
        sumSq += x * x;
        count++;
      }
      const mean = count > 0 ? sum / count : 0;
      const variance = count > 1 ? Math.max(0, sumSq / count - mean * mean) : 0;
      numeric.push({ name, mean, sd: variance > 0 ? Math.sqrt(variance) : 1, hasMissing: count < n });
    } else {
      const byLevel = new Map<string, number>();
      const add = (l: string, k: number) => {
        if (k > 0) byLevel.set(l, (byLevel.get(l) ?? 0) + k);
      };
      col.values.forEach((v, code) => {
        add(levelOf(v), counts[code] as number);
      });
      add(MISSING_LEVEL, counts[col.values.length] as number);
      const ranked = [...byLevel.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const levels = ranked
        .filter(([, k]) => k >= rareShare * n)
        .slice(0, maxLevels)
        .map(([l]) => l);
      categorical.push({ name, levels, hasOther: levels.length < ranked.length });
      // More levels than the one-hot can ever keep: a rate per level. Counts are filled when training
      // freezes them (target-encoding.ts).
      if (ranked.length > maxLevels) target.push({ name, levels: [], resolved: [], noShows: [] });
    }
  }
  return { numeric, categorical, target };
}

// ---------------------------------------------------------------------------------------------
// Design matrix

/** The model's columns before the attributes, in order. */
export const BASE_FEATURES = [
  "lead_log_days",
  "same_day",
  "slot_logit",
  "contact_logit",
  "contact_noshows_log",
  "contact_attended_log",
  "contact_new",
  "reminder_sent",
  "reminder_answered",
  "confirmed",
  "silence_log_days",
  "silence_unknown",
] as const;

const BASE_FAMILY: Record<(typeof BASE_FEATURES)[number], string> = {
  lead_log_days: "lead",
  same_day: "lead",
  slot_logit: "slot",
  contact_logit: "contact",
  contact_noshows_log: "contact",
  contact_attended_log: "contact",
  contact_new: "contact",
  reminder_sent: "reminder",
  reminder_answered: "reminder",
  confirmed: "confirmed",
  silence_log_days: "silence",
  silence_unknown: "silence",
};

interface Column {
  name: string;
  /** The reason family (reasons.ts): lead, slot, contact, reminder, confirmed, silence or attr:<name>. */
  family: string;
  /** A one-hot column of an attribute that also has a rate column (the trees skip it). */
  oneHotOfRated: boolean;
}

function columns(encoding: AttrEncoding): Column[] {
  const out: Column[] = BASE_FEATURES.map((name) => ({ name, family: BASE_FAMILY[name], oneHotOfRated: false }));
  const attr = (name: string, a: string, oneHotOfRated = false) => out.push({ name, family: `attr:${a}`, oneHotOfRated });
  for (const a of encoding.numeric) {
    attr(`attr_${a.name}`, a.name);
    if (a.hasMissing) attr(`attr_${a.name}_missing`, a.name);
  }
  const rated = new Set((encoding.target ?? []).map((t) => t.name));
  for (const a of encoding.categorical) {
    for (const l of a.levels) attr(`attr_${a.name}=${l}`, a.name, rated.has(a.name));
    if (a.hasOther) attr(`attr_${a.name}=other`, a.name, rated.has(a.name));
  }
  for (const t of encoding.target ?? []) attr(`attr_${t.name}_rate`, t.name);
  return out;
}

/**
 * Column names: base features, then `attr_<name>`, `attr_<name>_missing`, `attr_<name>=<level>`,
 * `attr_<name>=other`, then `attr_<name>_rate` (the logit of the level's smoothed rate).
 */
export function featureNames(encoding: AttrEncoding): string[] {
  return columns(encoding).map((c) => c.name);
}

/** Each column's reason family, in column order. */
export function featureFamilies(encoding: AttrEncoding): string[] {
  return columns(encoding).map((c) => c.family);
}

/** The columns the trees split on: all but the one-hots an attribute's rate column stands for. */
export function treeColumns(encoding: AttrEncoding): number[] {
  return columns(encoding).flatMap((c, j) => (c.oneHotOfRated ? [] : [j]));
}

/**
 * The feature matrix of the rows `targets` (indices into `c`), row-major (n × featureNames(encoding).length),
 * unscaled. Float32: a million rows × 25 columns is 100 MB in Float32, twice that in Float64, and the
 * model needs no more precision. `rates`: each target-encoded attribute's per-row rate
 * (target-encoding.ts), in encoding.target order; without them (callers that only look at the other
 * columns) those columns hold the default prior.
 */
export function designMatrix(c: HistoryColumns, targets: Uint32Array, facts: FactTable, encoding: AttrEncoding, rates: readonly Float64Array[] = []): Float32Array {
  const targetCount = encoding.target?.length ?? 0;
  if (rates.length !== 0 && rates.length !== targetCount) throw new Error("one rate column per target-encoded attribute");
  const d = featureNames(encoding).length;
  const n = targets.length;
  const x = new Float32Array(n * d);
  // Per attribute, what each row's value becomes (parsed and normalised once per distinct value).
  const numeric = encoding.numeric.map((a) => ({ a, valueAt: byCode(c.attrs.get(a.name), asNumber, null) }));
  const categorical = encoding.categorical.map((a) => ({ a, levelAt: byCode(c.attrs.get(a.name), (v) => a.levels.indexOf(levelOf(v)), a.levels.indexOf(MISSING_LEVEL)) }));
  for (let i = 0; i < n; i++) {
    const j = targets[i] as number;
    let o = i * d;
    const silence = facts.silenceDays[i] ?? Number.NaN;
    const cr = facts.contactResolved[i] ?? 0;
    const cn = facts.contactNoShows[i] ?? 0;
    x[o++] = Math.log1p((facts.leadHours[i] ?? 0) / 24);
    x[o++] = facts.sameDay[i] ?? 0;
    x[o++] = logit(facts.slotRate[i] ?? TENANT_PRIOR.rate);
    x[o++] = logit(facts.contactRate[i] ?? TENANT_PRIOR.rate);
    x[o++] = Math.log1p(cn);
    x[o++] = Math.log1p(cr - cn);
    x[o++] = cr === 0 ? 1 : 0;
    x[o++] = c.reminderSent[j] as number;
    x[o++] = c.reminderAnswered[j] as number;
    x[o++] = c.confirmed[j] as number;
    x[o++] = Number.isNaN(silence) ? 0 : Math.log1p(silence);
    x[o++] = Number.isNaN(silence) ? 1 : 0;
    for (const { a, valueAt } of numeric) {
      const v = valueAt(j);
      x[o++] = v === null ? 0 : Math.max(-5, Math.min(5, (v - a.mean) / a.sd));
      if (a.hasMissing) x[o++] = v === null ? 1 : 0;
    }
    for (const { a, levelAt } of categorical) {
      const k = levelAt(j);
      for (let l = 0; l < a.levels.length; l++) x[o++] = l === k ? 1 : 0;
      if (a.hasOther) x[o++] = k === -1 ? 1 : 0;
    }
    for (let a = 0; a < targetCount; a++) x[o++] = logit(rates[a]?.[i] ?? TENANT_PRIOR.rate);
  }
  return x;
}

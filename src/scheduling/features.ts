/**
 * Leakage-safe features of appointments for the no-show model.
 *
 * The cutoff. Another appointment's outcome may describe the scored one only when that other
 * appointment ENDED AT OR BEFORE THE SCORED ONE WAS BOOKED (`other.endsAt <= scored.bookedAt`), and —
 * when a training run asks for it — also before the training window closes (`slotCutoff`). Why the
 * booking instant and not the start:
 * - the score is used at several moments (when the booking is made, at the 24 h reminder, by the
 *   auto-reschedule run a few hours ahead). "Before booking" holds for all of them; "before the start"
 *   would let training use outcomes that were still in the future when the score was acted on (two
 *   appointments booked together: the first one's no-show would "predict" the second, a result the
 *   reschedule run 24 h earlier could not have had), and the holdout would look better than real use;
 * - a row's features are then fixed the moment it is booked: training, holdout and serving compute
 *   the same numbers for the same appointment, however late the computation runs;
 * - the cost: outcomes that land between booking and start go unused for that appointment. Most
 *   people book the next visit at or after the previous one, so that is rarely any.
 *
 * What describes the scored appointment itself — lead time, weekday/hour, reminder sent/answered,
 * confirmation, the last message before the start — is its state when it is scored (just before it
 * happens); scored earlier, a reminder not yet sent reads as "not sent". Its own status is never read.
 *
 * Rates are smoothed (Bayesian, Beta prior at the mean as known at the cutoff) so a contact with one
 * visit or a slot with two appointments can't produce 0 % or 100 %:
 * - tenant mean: (no-shows + 20 × 0.20) / (resolved + 20);
 * - contact rate: 2 pseudo-appointments at the tenant mean;
 * - weekday × hour rate: 20 pseudo-appointments at the tenant mean of the same (slot) window.
 *
 * `attr_<name>` columns: numeric when every value seen in training is a number (or a numeric
 * string) — standardised with the training mean/sd, clipped to ±5 sd, missing → mean plus a
 * "missing" indicator; otherwise categorical — one-hot per level, levels under 1 % of training rows
 * (and beyond the 20 most frequent) pooled into "other", unseen levels at scoring time go to "other".
 */
import type { ScoredAppointment, HistoryRow } from "./history";
import { outcomeKnown } from "./history";
import { DAY_MS, HOUR_MS, WEEK_SLOTS, ZoneClock } from "../lib/time-zone";

export const TENANT_PRIOR = { rate: 0.2, strength: 20 } as const;
export const CONTACT_PRIOR_STRENGTH = 2;
export const SLOT_PRIOR_STRENGTH = 20;

const LOGIT_CLIP = 1e-4;

export function logit(p: number): number {
  const q = Math.min(1 - LOGIT_CLIP, Math.max(LOGIT_CLIP, p));
  return Math.log(q / (1 - q));
}

/** The tenant mean smoothed toward 20 % (a handful of rows can't say 0 % or 100 %). */
export function tenantRate(noShows: number, resolved: number): number {
  return (noShows + TENANT_PRIOR.rate * TENANT_PRIOR.strength) / (resolved + TENANT_PRIOR.strength);
}

/** Counts per weekday × hour (index weekday × 24 + hour, Monday = 0) plus their total. */
export interface SlotCounts {
  resolved: number[];
  noShows: number[];
  totalResolved: number;
  totalNoShows: number;
}

/**
 * Fixed tenant-wide statistics to use instead of sweeping the history (serving time: the model
 * carries them from training, the caller only passes the contacts' histories).
 */
export interface FrozenStats {
  slots: SlotCounts;
  /** All outcomes known at training (may be more than the slot window). */
  globalResolved: number;
  globalNoShows: number;
}

export interface FeatureOptions {
  timeZone: string;
  /** Outcomes of rows ending after this are unknown (default: all resolved rows count). */
  now?: number;
  /** Slot (weekday × hour) counts only take outcomes that ended by this instant (the training window). */
  slotCutoff?: number;
  /** Use these slot/global counts instead of sweeping them from `history`. */
  frozen?: FrozenStats;
}

/** Per-row facts, column by column (typed arrays: a million rows stay cheap). */
export interface FactTable {
  n: number;
  leadHours: Float64Array;
  sameDay: Uint8Array;
  weekday: Uint8Array;
  hour: Uint8Array;
  slotResolved: Float64Array;
  slotNoShows: Float64Array;
  /** Smoothed weekday × hour no-show rate as of the cutoff (the slot heuristic's score). */
  slotRate: Float64Array;
  contactResolved: Float64Array;
  contactNoShows: Float64Array;
  contactRate: Float64Array;
  /** Tenant mean as of the cutoff. */
  globalRate: Float64Array;
  /** Days between the contact's last message and the start; NaN when unknown. */
  silenceDays: Float64Array;
}

/** One row of a FactTable as a plain object (for reasons and tests). */
export type RowFacts = { [K in Exclude<keyof FactTable, "n">]: number };

export function factsAt(table: FactTable, i: number): RowFacts {
  const get = (a: Float64Array | Uint8Array) => a[i] ?? Number.NaN;
  return {
    leadHours: get(table.leadHours),
    sameDay: get(table.sameDay),
    weekday: get(table.weekday),
    hour: get(table.hour),
    slotResolved: get(table.slotResolved),
    slotNoShows: get(table.slotNoShows),
    slotRate: get(table.slotRate),
    contactResolved: get(table.contactResolved),
    contactNoShows: get(table.contactNoShows),
    contactRate: get(table.contactRate),
    globalRate: get(table.globalRate),
    silenceDays: get(table.silenceDays),
  };
}

function emptyTable(n: number): FactTable {
  return {
    n,
    leadHours: new Float64Array(n),
    sameDay: new Uint8Array(n),
    weekday: new Uint8Array(n),
    hour: new Uint8Array(n),
    slotResolved: new Float64Array(n),
    slotNoShows: new Float64Array(n),
    slotRate: new Float64Array(n),
    contactResolved: new Float64Array(n),
    contactNoShows: new Float64Array(n),
    contactRate: new Float64Array(n),
    globalRate: new Float64Array(n),
    silenceDays: new Float64Array(n),
  };
}

/** Indices 0..n-1 ordered by key ascending, then by `then` (if given), then by index (stable). */
export function orderBy(n: number, key: (i: number) => number, then?: (i: number) => number): Uint32Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = key(i);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (!then) return idx.sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
  const second = new Float64Array(n);
  for (let i = 0; i < n; i++) second[i] = then(i);
  return idx.sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || (second[a] ?? 0) - (second[b] ?? 0) || a - b);
}

/**
 * Facts of `targets` (in their order) from the outcomes in `history`, each target seeing only
 * outcomes that ended at or before its own booking (see the header). One sweep in time order:
 * O((targets + history) · log) whatever the sizes.
 */
export function computeFacts(
  targets: readonly ScoredAppointment[],
  history: readonly Pick<HistoryRow, "contact" | "status" | "startsAt" | "endsAt">[],
  options: FeatureOptions,
): FactTable {
  const zone = new ZoneClock(options.timeZone);
  const now = options.now ?? Number.POSITIVE_INFINITY;
  const slotCutoff = options.slotCutoff ?? Number.POSITIVE_INFINITY;
  const frozen = options.frozen;
  const n = targets.length;
  const out = emptyTable(n);

  // Contacts as small integers: the sweep then touches typed arrays, not a Map of objects.
  const contactIds = new Map<string, number>();
  const idOf = (contact: string): number => {
    let id = contactIds.get(contact);
    if (id === undefined) {
      id = contactIds.size;
      contactIds.set(contact, id);
    }
    return id;
  };

  // Known outcomes as columns, ordered by end.
  const known: number[] = [];
  for (let j = 0; j < history.length; j++) {
    const h = history[j];
    if (h && outcomeKnown(h, now)) known.push(j);
  }
  const knownContact = new Int32Array(known.length);
  for (let k = 0; k < known.length; k++) knownContact[k] = idOf(history[known[k] ?? 0]?.contact ?? "");
  const byEnd = orderBy(known.length, (k) => history[known[k] ?? 0]?.endsAt ?? 0);
  const m = byEnd.length;
  const evEnd = new Float64Array(m);
  const evNoShow = new Uint8Array(m);
  const evSlot = new Int16Array(m);
  const evContact = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const k = byEnd[e] ?? 0;
    const h = history[known[k] ?? 0];
    if (!h) continue;
    evEnd[e] = h.endsAt;
    evNoShow[e] = h.status === "no_show" ? 1 : 0;
    evSlot[e] = frozen || h.endsAt > slotCutoff ? -1 : zone.slotOf(h.startsAt);
    evContact[e] = knownContact[k] ?? 0;
  }
  const targetContact = new Int32Array(n);
  for (let i = 0; i < n; i++) targetContact[i] = idOf(targets[i]?.contact ?? "");
  const queries = orderBy(n, (i) => targets[i]?.bookedAt ?? 0);

  const contactResolved = new Uint32Array(contactIds.size);
  const contactNoShows = new Uint32Array(contactIds.size);
  const slotResolved = frozen ? Float64Array.from(frozen.slots.resolved) : new Float64Array(WEEK_SLOTS);
  const slotNoShows = frozen ? Float64Array.from(frozen.slots.noShows) : new Float64Array(WEEK_SLOTS);
  let slotTotalResolved = frozen?.slots.totalResolved ?? 0;
  let slotTotalNoShows = frozen?.slots.totalNoShows ?? 0;
  let globalResolved = frozen?.globalResolved ?? 0;
  let globalNoShows = frozen?.globalNoShows ?? 0;

  let p = 0;
  for (let q = 0; q < n; q++) {
    const i = queries[q] ?? 0;
    const t = targets[i];
    if (!t) continue;
    const cutoff = t.bookedAt;
    for (; p < m && (evEnd[p] ?? 0) <= cutoff; p++) {
      const noShow = evNoShow[p] ?? 0;
      const cid = evContact[p] ?? 0;
      contactResolved[cid] = (contactResolved[cid] ?? 0) + 1;
      contactNoShows[cid] = (contactNoShows[cid] ?? 0) + noShow;
      if (frozen) continue;
      globalResolved++;
      globalNoShows += noShow;
      const s = evSlot[p] ?? -1;
      if (s >= 0) {
        slotResolved[s] = (slotResolved[s] ?? 0) + 1;
        slotNoShows[s] = (slotNoShows[s] ?? 0) + noShow;
        slotTotalResolved++;
        slotTotalNoShows += noShow;
      }
    }

    const s = zone.slotOf(t.startsAt);
    const mean = tenantRate(globalNoShows, globalResolved);
    const slotMean = tenantRate(slotTotalNoShows, slotTotalResolved);
    const sr = slotResolved[s] ?? 0;
    const sn = slotNoShows[s] ?? 0;
    const cid = targetContact[i] ?? 0;
    const cr = contactResolved[cid] ?? 0;
    const cn = contactNoShows[cid] ?? 0;

    out.leadHours[i] = Math.max(0, t.startsAt - t.bookedAt) / HOUR_MS;
    out.sameDay[i] = zone.dayOf(t.bookedAt) === zone.dayOf(t.startsAt) ? 1 : 0;
    out.weekday[i] = Math.floor(s / 24);
    out.hour[i] = s % 24;
    out.slotResolved[i] = sr;
    out.slotNoShows[i] = sn;
    out.slotRate[i] = (sn + SLOT_PRIOR_STRENGTH * slotMean) / (sr + SLOT_PRIOR_STRENGTH);
    out.contactResolved[i] = cr;
    out.contactNoShows[i] = cn;
    out.contactRate[i] = (cn + CONTACT_PRIOR_STRENGTH * mean) / (cr + CONTACT_PRIOR_STRENGTH);
    out.globalRate[i] = mean;
    out.silenceDays[i] =
      t.lastContactAt !== undefined && t.lastContactAt <= t.startsAt ? (t.startsAt - t.lastContactAt) / DAY_MS : Number.NaN;
  }
  return out;
}

/** Slot counts of every outcome known at `now` that ended by `cutoff` (default: `now`). */
export function slotCounts(
  history: readonly Pick<HistoryRow, "status" | "startsAt" | "endsAt">[],
  timeZone: string,
  now: number,
  cutoff = now,
): SlotCounts {
  const zone = new ZoneClock(timeZone);
  const resolved = new Array<number>(WEEK_SLOTS).fill(0);
  const noShows = new Array<number>(WEEK_SLOTS).fill(0);
  let totalResolved = 0;
  let totalNoShows = 0;
  for (const h of history) {
    if (!outcomeKnown(h, now) || h.endsAt > cutoff) continue;
    const s = zone.slotOf(h.startsAt);
    const ns = h.status === "no_show" ? 1 : 0;
    resolved[s] = (resolved[s] ?? 0) + 1;
    noShows[s] = (noShows[s] ?? 0) + ns;
    totalResolved++;
    totalNoShows += ns;
  }
  return { resolved, noShows, totalResolved, totalNoShows };
}

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
}

export interface EncodingOptions {
  /** Levels below this share of training rows are pooled (default 0.01 = 1 %). */
  rareShare?: number;
  /** At most this many own levels per category (default 20). */
  maxLevels?: number;
  /** At most this many attributes, most often filled first (default 30). */
  maxAttrs?: number;
}

export const MISSING_LEVEL = "(vazio)";
const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

function asNumber(v: string | number | undefined): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && NUMERIC.test(v)) return Number(v);
  return null;
}

function levelOf(v: string | number | undefined): string {
  if (v === undefined) return MISSING_LEVEL;
  const s = String(v).trim().toLowerCase();
  return s === "" ? MISSING_LEVEL : s;
}

/** Learns how to encode the `attrs` of training rows (never look at holdout rows here). */
export function fitAttrEncoding(rows: readonly Pick<HistoryRow, "attrs">[], options: EncodingOptions = {}): AttrEncoding {
  const rareShare = options.rareShare ?? 0.01;
  const maxLevels = options.maxLevels ?? 20;
  const maxAttrs = options.maxAttrs ?? 30;
  const filled = new Map<string, number>();
  const numericOk = new Map<string, boolean>();
  for (const r of rows) {
    const attrs = r.attrs;
    for (const k in attrs) {
      const v = attrs[k];
      if (v === undefined || v === "") continue;
      filled.set(k, (filled.get(k) ?? 0) + 1);
      if (asNumber(v) === null) numericOk.set(k, false);
      else if (!numericOk.has(k)) numericOk.set(k, true);
    }
  }
  const names = [...filled.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxAttrs)
    .map(([k]) => k)
    .sort();
  const numeric: NumericAttr[] = [];
  const categorical: CategoricalAttr[] = [];
  const n = rows.length;
  for (const name of names) {
    if (numericOk.get(name)) {
      let sum = 0;
      let sumSq = 0;
      let count = 0;
      for (const r of rows) {
        const x = asNumber(r.attrs[name]);
        if (x === null) continue;
        sum += x;
        sumSq += x * x;
        count++;
      }
      const mean = count > 0 ? sum / count : 0;
      const variance = count > 1 ? Math.max(0, sumSq / count - mean * mean) : 0;
      numeric.push({ name, mean, sd: variance > 0 ? Math.sqrt(variance) : 1, hasMissing: count < n });
    } else {
      const counts = new Map<string, number>();
      for (const r of rows) {
        const l = levelOf(r.attrs[name]);
        counts.set(l, (counts.get(l) ?? 0) + 1);
      }
      const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const levels = ranked.filter(([, c]) => c >= rareShare * n).slice(0, maxLevels).map(([l]) => l);
      categorical.push({ name, levels, hasOther: levels.length < ranked.length });
    }
  }
  return { numeric, categorical };
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

/** Column names: base features, then `attr_<name>`, `attr_<name>_missing`, `attr_<name>=<level>`, `attr_<name>=other`. */
export function featureNames(encoding: AttrEncoding): string[] {
  const names: string[] = [...BASE_FEATURES];
  for (const a of encoding.numeric) {
    names.push(`attr_${a.name}`);
    if (a.hasMissing) names.push(`attr_${a.name}_missing`);
  }
  for (const a of encoding.categorical) {
    for (const l of a.levels) names.push(`attr_${a.name}=${l}`);
    if (a.hasOther) names.push(`attr_${a.name}=other`);
  }
  return names;
}

/**
 * The feature matrix, row-major (n × featureNames(encoding).length), unscaled. Float32: a million
 * rows × 25 columns is 100 MB in Float32, twice that in Float64, and the model needs no more precision.
 */
export function designMatrix(targets: readonly ScoredAppointment[], facts: FactTable, encoding: AttrEncoding): Float32Array {
  const d = featureNames(encoding).length;
  const n = targets.length;
  const x = new Float32Array(n * d);
  // Raw value → level index, per categorical attribute (normalising every cell again is the slow part).
  const levelCache = encoding.categorical.map(() => new Map<string | number | undefined, number>());
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    if (!t) continue;
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
    x[o++] = t.reminderSent ? 1 : 0;
    x[o++] = t.reminderAnswered === true ? 1 : 0;
    x[o++] = t.confirmed ? 1 : 0;
    x[o++] = Number.isNaN(silence) ? 0 : Math.log1p(silence);
    x[o++] = Number.isNaN(silence) ? 1 : 0;
    for (const a of encoding.numeric) {
      const v = asNumber(t.attrs[a.name]);
      x[o++] = v === null ? 0 : Math.max(-5, Math.min(5, (v - a.mean) / a.sd));
      if (a.hasMissing) x[o++] = v === null ? 1 : 0;
    }
    for (let c = 0; c < encoding.categorical.length; c++) {
      const a = encoding.categorical[c];
      const cache = levelCache[c];
      if (!a || !cache) continue;
      const raw = t.attrs[a.name];
      let k = cache.get(raw);
      if (k === undefined) {
        k = a.levels.indexOf(levelOf(raw));
        cache.set(raw, k);
      }
      for (let j = 0; j < a.levels.length; j++) x[o++] = j === k ? 1 : 0;
      if (a.hasOther) x[o++] = k === -1 ? 1 : 0;
    }
  }
  return x;
}

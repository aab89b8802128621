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

 * The attribute encoding and the design matrix built from these facts are design.ts.
 */
import { type HistoryColumns, knownAt, NO_SHOW } from "./columns";
import { DAY_MS, HOUR_MS, WEEK_SLOTS, ZoneClock } from "../lib/time-zone";
import { argsort } from "./sort";

export const TENANT_PRIOR = { rate: 0.2, strength: 20 } as const;
export const CONTACT_PRIOR_STRENGTH = 2;
export const SLOT_PRIOR_STRENGTH = 20;

/** A weekday × hour's no-show rate leaned toward `mean` by SLOT_PRIOR_STRENGTH pseudo-appointments (thin windows say little). */
export const smoothedSlotRate = (noShows: number, resolved: number, mean: number) => (noShows + SLOT_PRIOR_STRENGTH * mean) / (resolved + SLOT_PRIOR_STRENGTH);

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

/**
 * Indices 0..n-1 ordered by key ascending, then by `then` (if given), then by index (stable). The
 * keys are read once each; the sort itself is a typed radix sort (sort.ts).
 */
export function orderBy(n: number, key: (i: number) => number, then?: (i: number) => number): Uint32Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = key(i);
  if (!then) return argsort(keys);
  const second = new Float64Array(n);
  for (let i = 0; i < n; i++) second[i] = then(i);
  return argsort(keys, second);
}

/**
 * Facts of the rows `targets` (indices into `c`, in their order) from the outcomes in `c`, each
 * target seeing only outcomes that ended at or before its own booking (see the header). One sweep in
 * time order: O(targets + history) after two radix sorts, whatever the sizes; every per-row value
 * lives in a typed array (1M rows: no per-row objects, so no garbage for the collector).
 */
export function computeFacts(c: HistoryColumns, targets: Uint32Array, options: FeatureOptions): FactTable {
  const zone = new ZoneClock(options.timeZone);
  const now = options.now ?? Number.POSITIVE_INFINITY;
  const slotCutoff = options.slotCutoff ?? Number.POSITIVE_INFINITY;
  const frozen = options.frozen;
  const n = targets.length;
  const out = emptyTable(n);

  // Known outcomes as columns (end, no-show, slot, contact), then put in end order.
  let m = 0;
  const knownEnd = new Float64Array(c.length);
  const knownNoShow = new Uint8Array(c.length);
  const knownSlot = new Int16Array(c.length);
  const knownContact = new Int32Array(c.length);
  for (let j = 0; j < c.length; j++) {
    if (!knownAt(c, j, now)) continue;
    const end = c.endsAt[j] as number;
    knownEnd[m] = end;
    knownNoShow[m] = c.status[j] === NO_SHOW ? 1 : 0;
    knownSlot[m] = frozen || end > slotCutoff ? -1 : zone.slotOf(c.startsAt[j] as number);
    knownContact[m] = c.contact[j] as number;
    m++;
  }
  const byEnd = argsort(knownEnd.subarray(0, m));
  const evEnd = new Float64Array(m);
  const evNoShow = new Uint8Array(m);
  const evSlot = new Int16Array(m);
  const evContact = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const k = byEnd[e] ?? 0;
    evEnd[e] = knownEnd[k] ?? 0;
    evNoShow[e] = knownNoShow[k] ?? 0;
    evSlot[e] = knownSlot[k] ?? -1;
    evContact[e] = knownContact[k] ?? 0;
  }
  // What a target's own fields say, read in target order; the sweep below then reads typed arrays only.
  const targetContact = new Int32Array(n);
  const booked = new Float64Array(n);
  const targetSlot = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const j = targets[i] as number;
    const start = c.startsAt[j] as number;
    const bookedAt = c.bookedAt[j] as number;
    const last = c.lastContactAt[j] as number;
    targetContact[i] = c.contact[j] as number;
    booked[i] = bookedAt;
    const s = zone.slotOf(start);
    targetSlot[i] = s;
    out.leadHours[i] = Math.max(0, start - bookedAt) / HOUR_MS;
    out.sameDay[i] = zone.dayOf(bookedAt) === zone.dayOf(start) ? 1 : 0;
    out.weekday[i] = Math.floor(s / 24);
    out.hour[i] = s % 24;
    out.silenceDays[i] = last <= start ? (start - last) / DAY_MS : Number.NaN; // NaN (unknown) compares false
  }
  const queries = argsort(booked);

  const contactResolved = new Uint32Array(c.contacts);
  const contactNoShows = new Uint32Array(c.contacts);
  const slotResolved = frozen ? Float64Array.from(frozen.slots.resolved) : new Float64Array(WEEK_SLOTS);
  const slotNoShows = frozen ? Float64Array.from(frozen.slots.noShows) : new Float64Array(WEEK_SLOTS);
  let slotTotalResolved = frozen?.slots.totalResolved ?? 0;
  let slotTotalNoShows = frozen?.slots.totalNoShows ?? 0;
  let globalResolved = frozen?.globalResolved ?? 0;
  let globalNoShows = frozen?.globalNoShows ?? 0;

  let p = 0;
  for (let q = 0; q < n; q++) {
    const i = queries[q] ?? 0;
    const cutoff = booked[i] ?? 0;
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

    const s = targetSlot[i] ?? 0;
    const mean = tenantRate(globalNoShows, globalResolved);
    const slotMean = tenantRate(slotTotalNoShows, slotTotalResolved);
    const sr = slotResolved[s] ?? 0;
    const sn = slotNoShows[s] ?? 0;
    const cid = targetContact[i] ?? 0;
    const cr = contactResolved[cid] ?? 0;
    const cn = contactNoShows[cid] ?? 0;
    out.slotResolved[i] = sr;
    out.slotNoShows[i] = sn;
    out.slotRate[i] = smoothedSlotRate(sn, sr, slotMean);
    out.contactResolved[i] = cr;
    out.contactNoShows[i] = cn;
    out.contactRate[i] = (cn + CONTACT_PRIOR_STRENGTH * mean) / (cr + CONTACT_PRIOR_STRENGTH);
    out.globalRate[i] = mean;
  }
  return out;
}

/** Slot counts of every outcome known at `now` that ended by `cutoff` (default: `now`). */
export function slotCounts(c: HistoryColumns, timeZone: string, now: number, cutoff = now): SlotCounts {
  const zone = new ZoneClock(timeZone);
  const resolved = new Array<number>(WEEK_SLOTS).fill(0);
  const noShows = new Array<number>(WEEK_SLOTS).fill(0);
  let totalResolved = 0;
  let totalNoShows = 0;
  for (let j = 0; j < c.length; j++) {
    if (!knownAt(c, j, now) || (c.endsAt[j] as number) > cutoff) continue;
    const s = zone.slotOf(c.startsAt[j] as number);
    const ns = c.status[j] === NO_SHOW ? 1 : 0;
    resolved[s] = (resolved[s] ?? 0) + 1;
    noShows[s] = (noShows[s] ?? 0) + ns;
    totalResolved++;
    totalNoShows += ns;
  }
  return { resolved, noShows, totalResolved, totalNoShows };
}

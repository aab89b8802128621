/**
 * Target encoding of high-cardinality categorical attributes: `attr_<name>_rate`, the smoothed
 * no-show rate of the row's level, (no-shows + 20 × tenant rate) / (resolved + 20).
 *
 * Which attributes: the categorical ones with more levels than the one-hot keeps at most (design.ts
 * keeps 20 and pools the rest into "other"): an 80-level neighbourhood then says something about
 * each of its rare levels instead of one pooled column.
 *
 * Leakage: in training every row sees only outcomes that ended before it was booked (and before
 * the training window closes), the same rule as the contact rate in features.ts, so a row's own
 * outcome never feeds its rate. Serving uses the counts frozen at training (all outcomes known then),
 * kept in the model (at most MAX_LEVELS levels per attribute, most frequent first).
 */
import { type AttrColumn, byCode, type HistoryColumns, knownAt, NO_SHOW } from "./columns";
import { TENANT_PRIOR, orderBy, tenantRate } from "./features";

/** Pseudo-appointments at the tenant rate behind every level's rate. */
export const LEVEL_PRIOR_STRENGTH = 20;
const MAX_LEVELS = 500;

export interface TargetAttr {
  name: string;
  /** Levels with counts (frozen at training), most frequent first. */
  levels: string[];
  resolved: number[];
  noShows: number[];
}

export const MISSING_LEVEL = "(vazio)";

/** A categorical value as a level: trimmed, lower case, empty → MISSING_LEVEL. */
export function levelOf(v: string | number | undefined): string {
  if (v === undefined) return MISSING_LEVEL;
  const s = String(v).trim().toLowerCase();
  return s === "" ? MISSING_LEVEL : s;
}

const smooth = (noShows: number, resolved: number, mean: number) => (noShows + LEVEL_PRIOR_STRENGTH * mean) / (resolved + LEVEL_PRIOR_STRENGTH);

/** Each row's level id under `col`, ids from `ids` (missing rows: the missing level's). */
function levelIds(col: AttrColumn | undefined, ids: Map<string, number>): (j: number) => number {
  const idOf = (l: string) => {
    let id = ids.get(l);
    if (id === undefined) {
      id = ids.size;
      ids.set(l, id);
    }
    return id;
  };
  return byCode(col, (v) => idOf(levelOf(v)), idOf(MISSING_LEVEL));
}

/**
 * Per-row level rates of the rows `targets` (indices into `c`; one Float64Array per attribute), each
 * row seeing only the outcomes in `c` that ended by min(its booking, cutoff). One sweep in time order.
 */
export function sweepRates(c: HistoryColumns, targets: Uint32Array, names: readonly string[], cutoff: number): Float64Array[] {
  const n = targets.length;
  const out = names.map(() => new Float64Array(n));
  if (names.length === 0) return out;
  const ids = names.map(() => new Map<string, number>());
  const levelAt = names.map((name, a) => levelIds(c.attrs.get(name), ids[a] as Map<string, number>));
  const events: number[] = [];
  for (let j = 0; j < c.length; j++) if (knownAt(c, j, cutoff)) events.push(j);
  const byEnd = orderBy(events.length, (k) => c.endsAt[events[k] as number] as number);
  const eventLevel = levelAt.map((at) => Int32Array.from(events, at));
  const targetLevel = levelAt.map((at) => Int32Array.from(targets, at));
  const resolved = names.map((_, a) => new Uint32Array((ids[a] as Map<string, number>).size));
  const noShows = names.map((_, a) => new Uint32Array((ids[a] as Map<string, number>).size));
  let total = 0;
  let totalNoShows = 0;
  const queries = orderBy(n, (i) => c.bookedAt[targets[i] as number] as number);
  let p = 0;
  for (let q = 0; q < n; q++) {
    const i = queries[q] ?? 0;
    const until = Math.min(cutoff, c.bookedAt[targets[i] as number] as number);
    for (; p < byEnd.length; p++) {
      const k = byEnd[p] ?? 0;
      const j = events[k] as number;
      if ((c.endsAt[j] as number) > until) break;
      const ns = c.status[j] === NO_SHOW ? 1 : 0;
      total++;
      totalNoShows += ns;
      for (let a = 0; a < names.length; a++) {
        const l = eventLevel[a]?.[k] ?? 0;
        const r = resolved[a] as Uint32Array;
        const s = noShows[a] as Uint32Array;
        r[l] = (r[l] ?? 0) + 1;
        s[l] = (s[l] ?? 0) + ns;
      }
    }
    const mean = tenantRate(totalNoShows, total);
    for (let a = 0; a < names.length; a++) {
      const l = targetLevel[a]?.[i] ?? 0;
      (out[a] as Float64Array)[i] = smooth(noShows[a]?.[l] ?? 0, resolved[a]?.[l] ?? 0, mean);
    }
  }
  return out;
}

/** The counts serving uses: every outcome in `c` known by `now`, per level. */
export function freezeTargets(c: HistoryColumns, names: readonly string[], now: number): TargetAttr[] {
  return names.map((name) => {
    const ids = new Map<string, number>();
    const levelAt = levelIds(c.attrs.get(name), ids);
    const resolved = new Uint32Array(ids.size);
    const noShows = new Uint32Array(ids.size);
    for (let j = 0; j < c.length; j++) {
      if (!knownAt(c, j, now)) continue;
      const id = levelAt(j);
      resolved[id] = (resolved[id] as number) + 1;
      if (c.status[j] === NO_SHOW) noShows[id] = (noShows[id] as number) + 1;
    }
    const ranked = [...ids.entries()]
      .filter(([, id]) => (resolved[id] as number) > 0)
      .sort((a, b) => (resolved[b[1]] as number) - (resolved[a[1]] as number) || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_LEVELS);
    return { name, levels: ranked.map(([level]) => level), resolved: ranked.map(([, id]) => resolved[id] as number), noShows: ranked.map(([, id]) => noShows[id] as number) };
  });
}

/** Per-row rates of the rows `targets` from frozen counts (serving); unseen levels get the tenant rate. */
export function frozenRates(c: HistoryColumns, targets: Uint32Array, attrs: readonly TargetAttr[], globalResolved: number, globalNoShows: number): Float64Array[] {
  const mean = globalResolved > 0 ? tenantRate(globalNoShows, globalResolved) : TENANT_PRIOR.rate;
  return attrs.map((a) => {
    const byLevel = new Map(a.levels.map((l, k) => [l, smooth(a.noShows[k] ?? 0, a.resolved[k] ?? 0, mean)]));
    return Float64Array.from(
      targets,
      byCode(c.attrs.get(a.name), (v) => byLevel.get(levelOf(v)) ?? mean, byLevel.get(MISSING_LEVEL) ?? mean),
    );
  });
}

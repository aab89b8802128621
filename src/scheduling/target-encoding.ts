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
import { TENANT_PRIOR, orderBy, tenantRate } from "./features";
import type { HistoryRow, ScoredAppointment } from "./history";

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

/**
 * Per-row level rates of `targets` (one Float64Array per attribute), each row seeing only the
 * outcomes in `history` that ended by min(its booking, cutoff). One sweep in time order.
 */
export function sweepRates(
  targets: readonly ScoredAppointment[],
  history: readonly Pick<HistoryRow, "status" | "endsAt" | "attrs">[],
  names: readonly string[],
  cutoff: number,
): Float64Array[] {
  const n = targets.length;
  const out = names.map(() => new Float64Array(n));
  if (names.length === 0) return out;
  const levelIds = names.map(() => new Map<string, number>());
  // Raw value → level id per attribute (normalising every cell again is the slow part).
  const rawIds = names.map(() => new Map<string | number | undefined, number>());
  const idOf = (a: number, raw: string | number | undefined) => {
    const cache = rawIds[a] as Map<string | number | undefined, number>;
    let id = cache.get(raw);
    if (id !== undefined) return id;
    const ids = levelIds[a] as Map<string, number>;
    const l = levelOf(raw);
    id = ids.get(l);
    if (id === undefined) {
      id = ids.size;
      ids.set(l, id);
    }
    cache.set(raw, id);
    return id;
  };
  const events = history.filter((h) => (h.status === "attended" || h.status === "no_show") && h.endsAt <= cutoff);
  const byEnd = orderBy(events.length, (k) => events[k]?.endsAt ?? 0);
  const eventLevel = names.map((name, a) => Int32Array.from(events, (e) => idOf(a, e.attrs[name])));
  const targetLevel = names.map((name, a) => Int32Array.from(targets, (t) => idOf(a, t.attrs[name])));
  const resolved = names.map((_, a) => new Uint32Array((levelIds[a] as Map<string, number>).size));
  const noShows = names.map((_, a) => new Uint32Array((levelIds[a] as Map<string, number>).size));
  let total = 0;
  let totalNoShows = 0;
  const queries = orderBy(n, (i) => targets[i]?.bookedAt ?? 0);
  let p = 0;
  for (let q = 0; q < n; q++) {
    const i = queries[q] ?? 0;
    const until = Math.min(cutoff, targets[i]?.bookedAt ?? 0);
    for (; p < byEnd.length; p++) {
      const k = byEnd[p] ?? 0;
      const e = events[k];
      if (!e || e.endsAt > until) break;
      const ns = e.status === "no_show" ? 1 : 0;
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

/** The counts serving uses: every outcome in `history` known by `now`, per level. */
export function freezeTargets(history: readonly Pick<HistoryRow, "status" | "endsAt" | "attrs">[], names: readonly string[], now: number): TargetAttr[] {
  return names.map((name) => {
    const counts = new Map<string, [number, number]>();
    for (const h of history) {
      if ((h.status !== "attended" && h.status !== "no_show") || h.endsAt > now) continue;
      const l = levelOf(h.attrs[name]);
      const c = counts.get(l) ?? [0, 0];
      c[0]++;
      if (h.status === "no_show") c[1]++;
      counts.set(l, c);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_LEVELS);
    return { name, levels: ranked.map(([l]) => l), resolved: ranked.map(([, c]) => c[0]), noShows: ranked.map(([, c]) => c[1]) };
  });
}

/** Per-row rates from frozen counts (serving); unseen levels get the tenant rate. */
export function frozenRates(targets: readonly ScoredAppointment[], attrs: readonly TargetAttr[], globalResolved: number, globalNoShows: number): Float64Array[] {
  const mean = globalResolved > 0 ? tenantRate(globalNoShows, globalResolved) : TENANT_PRIOR.rate;
  return attrs.map((a) => {
    const byLevel = new Map(a.levels.map((l, k) => [l, smooth(a.noShows[k] ?? 0, a.resolved[k] ?? 0, mean)]));
    const cache = new Map<string | number | undefined, number>();
    return Float64Array.from(targets, (t) => {
      const raw = t.attrs[a.name];
      let r = cache.get(raw);
      if (r === undefined) {
        r = byLevel.get(levelOf(raw)) ?? mean;
        cache.set(raw, r);
      }
      return r;
    });
  });
}

// The column-based feature functions called with rows, as the tests write their cases: targets after
// the history in one set of columns (withTargets), the targets' own statuses unread.
import { historyColumns, withTargets } from "../../src/scheduling/columns";
import { type AttrEncoding, designMatrix, type EncodingOptions, fitAttrEncoding } from "../../src/scheduling/design";
import { computeFacts, type FactTable, type FeatureOptions } from "../../src/scheduling/features";
import type { HistoryRow, ScoredAppointment } from "../../src/scheduling/history";
import { freezeTargets, frozenRates, sweepRates, type TargetAttr } from "../../src/scheduling/target-encoding";

type Scored = ScoredAppointment & { status?: HistoryRow["status"] };
const all = (n: number) => Uint32Array.from({ length: n }, (_, k) => k);

export function factsOf(targets: readonly Scored[], history: readonly HistoryRow[], options: FeatureOptions): FactTable {
  const t = withTargets(history, targets);
  return computeFacts(t.columns, t.targets, options);
}

export function matrixOf(targets: readonly Scored[], facts: FactTable, encoding: AttrEncoding, rates?: readonly Float64Array[]): Float32Array {
  return designMatrix(withTargets([], targets).columns, all(targets.length), facts, encoding, rates);
}

/** Rows that may carry only their attributes (the encoding reads nothing else). */
export function encodingOf(rows: readonly (Partial<HistoryRow> & Pick<HistoryRow, "attrs">)[], options?: EncodingOptions): AttrEncoding {
  const full = rows.map(
    (r, k): HistoryRow => ({ externalId: `r${k}`, contact: "c", bookedAt: 0, startsAt: 0, endsAt: 0, status: "attended", reminderSent: false, confirmed: false, ...r }),
  );
  return fitAttrEncoding(historyColumns(full), all(rows.length), options);
}

export function ratesOf(targets: readonly Scored[], history: readonly HistoryRow[], names: readonly string[], cutoff: number): Float64Array[] {
  const t = withTargets(history, targets);
  return sweepRates(t.columns, t.targets, names, cutoff);
}

export function frozenOf(history: readonly HistoryRow[], names: readonly string[], now: number): TargetAttr[] {
  return freezeTargets(historyColumns(history), names, now);
}

export function frozenRatesOf(targets: readonly Scored[], attrs: readonly TargetAttr[], globalResolved: number, globalNoShows: number): Float64Array[] {
  return frozenRates(withTargets([], targets).columns, all(targets.length), attrs, globalResolved, globalNoShows);
}

/**
 * The trees' value bins (gbdt.ts): per column, up to MAX_VALUE_BINS bins cut at quantiles of a sample
 * of training rows (each distinct value its own bin when there are few), plus bin 0 for NaN. The cuts
 * are the served thresholds: the shortest decimal between two neighbouring values, so the model's JSON
 * stays short and `x <= t` on raw values agrees with `bin <= b` on binned ones.
 */

export const MAX_VALUE_BINS = 63;

/** The shortest decimal strictly between lo and hi (their midpoint when nothing shorter fits). */
function between(lo: number, hi: number): number {
  const mid = (lo + hi) / 2;
  for (let p = 1; p <= 17; p++) {
    const t = Number(mid.toPrecision(p));
    if (t > lo && t < hi) return t;
  }
  return mid;
}

/** Thresholds of one column from the sampled rows: value bins are (−∞, t0], (t0, t1], …, (t_last, ∞). */
export function thresholdsOf(x: Float32Array, d: number, col: number, rows: Uint32Array): Float64Array {
  const values = new Float64Array(rows.length);
  let m = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = x[(rows[k] ?? 0) * d + col] ?? Number.NaN;
    if (!Number.isNaN(v)) values[m++] = v;
  }
  const sorted = values.subarray(0, m).sort();
  const distinct: number[] = [];
  for (let k = 0; k < m; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct.push(sorted[k] ?? 0);
  const cuts: number[] = [];
  if (distinct.length <= MAX_VALUE_BINS) {
    for (let k = 0; k + 1 < distinct.length; k++) cuts.push(between(distinct[k] ?? 0, distinct[k + 1] ?? 0));
  } else {
    // Quantile cuts; each lands between a value and the next larger distinct one.
    let last = Number.NEGATIVE_INFINITY;
    for (let q = 1; q < MAX_VALUE_BINS; q++) {
      let k = Math.min(m - 1, Math.floor((q * m) / MAX_VALUE_BINS));
      const v = sorted[k] ?? 0;
      while (k + 1 < m && sorted[k + 1] === v) k++;
      if (k + 1 >= m || v <= last) continue;
      cuts.push(between(v, sorted[k + 1] ?? v));
      last = v;
    }
  }
  return Float64Array.from(cuts);
}

/** Bin of a value: 0 for NaN, else 1 + the number of thresholds below it. */
export function binOf(v: number, cuts: Float64Array): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (cuts[mid] ?? 0)) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

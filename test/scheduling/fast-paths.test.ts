import { describe, expect, it } from "vitest";
import { auc } from "../../src/scheduling/evaluate";
import { orderBy } from "../../src/scheduling/features";
import { fitLogistic, sigmoid } from "../../src/scheduling/logistic";
import { argsort } from "../../src/scheduling/sort";
import { mulberry32 } from "../../src/scheduling/synthetic";

/** The comparator sort the radix sort replaced: by key, then second key, then index. */
function slowOrder(keys: number[], then?: number[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || (then ? (then[a] ?? 0) - (then[b] ?? 0) : 0) || a - b);
}

/** Mann–Whitney by counting every positive–negative pair (ties half). */
function naiveAuc(scores: number[], labels: number[]): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      const a = scores[i] ?? 0;
      const b = scores[j] ?? 0;
      wins += a > b ? 1 : a === b ? 0.5 : 0;
    }
  }
  return pairs === 0 ? null : wins / pairs;
}

describe("the typed radix sort orders exactly as the comparator sort did", () => {
  const rnd = mulberry32(11);
  const pick = (values: number[]) => values[Math.floor(rnd() * values.length)] ?? 0;

  it("epoch-ms keys with many ties (stable by index)", () => {
    const base = Date.UTC(2025, 0, 1);
    const keys = Array.from({ length: 5000 }, () => base + Math.floor(rnd() * 300) * 3_600_000);
    expect(Array.from(argsort(keys))).toEqual(slowOrder(keys));
  });

  it("negatives, fractions, -0, ±Infinity and huge magnitudes", () => {
    const special = [0, -0, 1, -1, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53)];
    const keys = Array.from({ length: 3000 }, () => (rnd() < 0.5 ? pick(special) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12)));
    expect(Array.from(argsort(keys))).toEqual(slowOrder(keys));
  });

  it("two keys: orderBy(start, booked) as model.ts calls it", () => {
    const start = Array.from({ length: 4000 }, () => Math.floor(rnd() * 50) * 1000);
    const booked = Array.from({ length: 4000 }, () => Math.floor(rnd() * 20) * -7);
    const order = orderBy(
      start.length,
      (i) => start[i] ?? 0,
      (i) => booked[i] ?? 0,
    );
    expect(Array.from(order)).toEqual(slowOrder(start, booked));
  });

  it("input already in order (the presorted shortcut) and input that is one swap away from it", () => {
    const start = Array.from({ length: 3000 }, (_, i) => Math.floor(i / 3) * 1000);
    const booked = start.map((s, i) => s - (i % 3) * -5);
    expect(Array.from(argsort(start, booked))).toEqual(slowOrder(start, booked));
    // A tie whose second key is out of order, a key out of order, a NaN: each takes the sort.
    const tieSwapped = booked.slice();
    tieSwapped[1] = -1;
    expect(Array.from(argsort(start, tieSwapped))).toEqual(slowOrder(start, tieSwapped));
    const keySwapped = start.slice();
    [keySwapped[10], keySwapped[20]] = [keySwapped[20] ?? 0, keySwapped[10] ?? 0];
    expect(Array.from(argsort(keySwapped))).toEqual(slowOrder(keySwapped));
    expect(Array.from(argsort([1, Number.NaN, 2]))).toEqual([0, 2, 1]);
  });

  it("empty, one and all-equal inputs", () => {
    expect(Array.from(argsort([]))).toEqual([]);
    expect(Array.from(argsort([42]))).toEqual([0]);
    expect(Array.from(argsort([7, 7, 7, 7]))).toEqual([0, 1, 2, 3]);
  });
});

describe("AUC by one typed sort equals the pairwise count", () => {
  it("on random scores with ties, for several class balances", () => {
    const rnd = mulberry32(5);
    for (const share of [0.05, 0.3, 0.5, 0.9]) {
      const scores = Array.from({ length: 600 }, () => Math.round(rnd() * 40) / 40);
      const labels = scores.map((s) => (rnd() < share * (0.5 + s) ? 1 : 0));
      const fast = auc(Float64Array.from(scores), Uint8Array.from(labels));
      expect(fast).not.toBeNull();
      expect(fast).toBeCloseTo(naiveAuc(scores, labels) ?? Number.NaN, 12);
    }
  });

  it("perfect, reversed and one-class inputs", () => {
    expect(auc([0.1, 0.4, 0.9], [0, 0, 1])).toBe(1);
    expect(auc([0.9, 0.4, 0.1], [0, 0, 1])).toBe(0);
    expect(auc([0.2, 0.3], [1, 1])).toBeNull();
  });
});

describe("logistic fit above the subsample size: sample fit + one full Newton step", () => {
  it("lands on the full data's optimum (penalised gradient ≈ 0 on all rows)", () => {
    const rnd = mulberry32(3);
    const n = 200_000; // above SUBSAMPLE_ABOVE (150k): the fast path runs
    const d = 3;
    const x = new Float32Array(n * d);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = rnd() * 2 - 1;
      const b = rnd() < 0.3 ? 1 : 0;
      const c = Math.log1p(rnd() * 30);
      x.set([a, b, c], i * d);
      y[i] = rnd() < sigmoid(-1.2 + 0.8 * a + 0.6 * b - 0.3 * c) ? 1 : 0;
    }
    const sd = new Float64Array([1, 1, 1]);
    const l2 = 1;
    const { theta } = fitLogistic(x, y, d, 0, n, l2, sd);
    const g = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      let z = theta[0] ?? 0;
      for (let j = 0; j < d; j++) z += (theta[j + 1] ?? 0) * (x[i * d + j] ?? 0);
      const e = sigmoid(z) - (y[i] ?? 0);
      g[0] = (g[0] ?? 0) + e;
      for (let j = 0; j < d; j++) g[j + 1] = (g[j + 1] ?? 0) + e * (x[i * d + j] ?? 0);
    }
    for (let j = 0; j < d; j++) g[j + 1] = (g[j + 1] ?? 0) + l2 * (theta[j + 1] ?? 0);
    // The 60k-row sample's own optimum is off by sampling noise, ~√(p(1−p)/60k) ≈ 2e-3 per row on
    // the full data; after the full step it is at the damped Newton's own tolerance (~1e-5).
    for (const v of g) expect(Math.abs(v) / n).toBeLessThan(1e-4);
    expect(theta[1]).toBeCloseTo(0.8, 1);
  });
});

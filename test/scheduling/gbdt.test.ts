import { describe, expect, it } from "vitest";
import { auc } from "../../src/scheduling/evaluate";
import { fitGbdt, gbdtContributions, gbdtMargin, gbdtMargins, type GbdtModel } from "../../src/scheduling/gbdt";
import { mulberry32 } from "../../src/scheduling/synthetic";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * n rows × 4 columns: u (uniform 0–10, a U-shaped effect), s (uniform, a step at 3), noise, and a
 * binary b that only matters when s > 3 (an interaction). Labels drawn from the true probability.
 */
function data(n: number, seed: number) {
  const rnd = mulberry32(seed);
  const d = 4;
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  const truth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rnd() * 10;
    const s = rnd() * 10;
    const b = rnd() < 0.5 ? 1 : 0;
    x.set([u, s, rnd() * 10, b], i * d);
    const z = -1.5 + 0.12 * (u - 5) ** 2 - 1.2 + (s > 3 ? 1.2 : 0) + (s > 3 && b ? 0.8 : 0);
    truth[i] = sigmoid(z);
    y[i] = rnd() < (truth[i] ?? 0) ? 1 : 0;
  }
  return { x, y, d, truth };
}

const ALL = [0, 1, 2, 3];

describe("fitGbdt: histogram gradient-boosted trees", () => {
  const n = 20_000;
  const { x, y, d, truth } = data(n, 3);
  const train = { from: 0, to: 14_000 };
  const valid = { from: 14_000, to: 16_000 };
  const fit = fitGbdt(x, d, y, train, valid, ALL, { seed: 1 });
  const test = gbdtMargins(fit.model, x, d, 16_000, n);
  const testY = y.subarray(16_000);

  it("captures a U shape, a step and an interaction a linear score cannot", () => {
    const treeAuc = auc(test, testY) ?? 0;
    const oracle = auc(truth.subarray(16_000), testY) ?? 0;
    // A linear score in u is no better than chance on a symmetric U.
    const linear = auc(
      Array.from({ length: n - 16_000 }, (_, i) => x[(16_000 + i) * d] ?? 0),
      testY,
    );
    expect(linear).toBeLessThan(0.56);
    expect(treeAuc).toBeGreaterThan(oracle - 0.02);
    expect(treeAuc).toBeLessThanOrEqual(oracle + 0.01);
  });

  it("stops early on the validation rows and keeps the best iteration", () => {
    expect(fit.model.trees.length).toBeGreaterThan(5);
    expect(fit.model.trees.length).toBeLessThan(200);
    expect(fit.validLoss).toHaveLength(fit.model.trees.length + 1);
    const best = Math.min(...fit.validLoss);
    expect(fit.validLoss[fit.validLoss.length - 1]).toBe(best);
    // Labels that are pure noise: hardly any tree survives.
    const noise = Uint8Array.from(y, (_, i) => (mulberry32(i + 7)() < 0.3 ? 1 : 0));
    expect(fitGbdt(x, d, noise, train, valid, ALL, { seed: 1 }).model.trees.length).toBeLessThan(15);
  });

  it("splits on raw thresholds: the noise column is hardly used, trees respect depth and leaf limits", () => {
    const uses = [0, 0, 0, 0];
    for (const t of fit.model.trees) {
      const leaves = t.feature.filter((f) => f === -1).length;
      expect(leaves).toBeLessThanOrEqual(16);
      for (const [k, f] of t.feature.entries()) {
        if (f < 0) continue;
        uses[f] = (uses[f] ?? 0) + 1;
        // Thresholds are values of the column's range, not bin numbers.
        if (f < 3) expect(t.threshold[k]).toBeGreaterThan(0);
        if (f < 3) expect(t.threshold[k]).toBeLessThan(10);
        if (f === 3) expect(t.threshold[k]).toBe(0.5);
      }
      // Depth ≤ 5: follow every path.
      const depth = (k: number): number => ((t.feature[k] ?? -1) < 0 ? 0 : 1 + Math.max(depth(t.left[k] ?? 0), depth(t.right[k] ?? 0)));
      expect(depth(0)).toBeLessThanOrEqual(5);
    }
    // Leaf-wise growth spends late leaves on small gains, noise included, but less than on the U.
    expect(uses[2] ?? 0).toBeLessThan((uses[0] ?? 0) * 0.75);
    console.info(`splits per column (u, step, noise, binary): ${uses.join(", ")}`);
    // At most 63 distinct thresholds per column (the bins), even on a continuous one.
    const distinct = new Set(fit.model.trees.flatMap((t) => t.threshold.filter((_, k) => t.feature[k] === 0)));
    expect(distinct.size).toBeLessThanOrEqual(63);
  });

  it("is deterministic per seed, JSON round-trips to the same scores, the seed matters", () => {
    const again = fitGbdt(x, d, y, train, valid, ALL, { seed: 1 });
    expect(again.model).toEqual(fit.model);
    const parsed = JSON.parse(JSON.stringify(fit.model)) as GbdtModel;
    expect(gbdtMargins(parsed, x, d, 16_000, n)).toEqual(test);
    expect(fitGbdt(x, d, y, train, valid, ALL, { seed: 2 }).model).not.toEqual(fit.model);
  });

  it("Saabas contributions add up to the margin and land on the columns that matter", () => {
    const out = new Float64Array(d);
    let onNoise = 0;
    let onU = 0;
    for (let i = 16_000; i < 16_200; i++) {
      const bias = gbdtContributions(fit.model, x, d, i, out);
      expect(bias + out.reduce((s, v) => s + v, 0)).toBeCloseTo(gbdtMargin(fit.model, x, d, i), 9);
      onNoise += Math.abs(out[2] ?? 0);
      onU += Math.abs(out[0] ?? 0);
    }
    expect(onNoise).toBeLessThan(onU / 5);
    // A row at the U's far edge gets a large positive u contribution.
    const edge = Float32Array.from([0.2, 5, 5, 0]);
    gbdtContributions(fit.model, edge, d, 0, out);
    expect(out[0]).toBeGreaterThan(0.8);
    expect(Math.abs(out[0] ?? 0)).toBeGreaterThan(Math.abs(out[1] ?? 0));
  });

  it("a missing value (NaN) is served like the lowest values; only the listed columns are used; big inputs are sampled", () => {
    const row = Float32Array.from([Number.NaN, 5, 5, 1]);
    const low = Float32Array.from([-100, 5, 5, 1]);
    expect(gbdtMargin(fit.model, row, d, 0)).toBe(gbdtMargin(fit.model, low, d, 0));
    const only = fitGbdt(x, d, y, train, valid, [1, 3], { seed: 1 });
    expect(new Set(only.model.trees.flatMap((t) => t.feature.filter((f) => f >= 0)))).toEqual(new Set([1, 3]));
    const sampled = fitGbdt(x, d, y, train, valid, ALL, { seed: 1, maxTreeRows: 3000 });
    expect(auc(gbdtMargins(sampled.model, x, d, 16_000, n), testY) ?? 0).toBeGreaterThan((auc(test, testY) ?? 0) - 0.03);
    expect(sampled.model).not.toEqual(fit.model);
  });
});

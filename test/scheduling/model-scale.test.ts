import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/lib/time-zone";
import { trainRiskModel } from "../../src/scheduling/model";
import { generateSyntheticHistory } from "../../src/scheduling/synthetic";

const SP = "America/Sao_Paulo";
const START = Date.UTC(2024, 0, 1, 3);

// Above `designTrainRows` training rows (100k by default: a 1M-row history) the design matrix holds
// a stride sample of the training slice; here the threshold is lowered so a small history takes that path.
describe("training on a stride sample of the training slice (the 1M-row path)", () => {
  const days = 365;
  const now = START + (days + 1) * DAY_MS;
  const { rows } = generateSyntheticHistory({ seed: 5, rows: 30_000, contacts: 3_000, start: START, days });
  const whole = trainRiskModel(rows, { now, timeZone: SP, candidates: ["logistic"] });
  const sampled = trainRiskModel(rows, { now, timeZone: SP, candidates: ["logistic"], designTrainRows: 5_000 });

  it("the holdout is the same rows, scored whole: its base rate, baselines and slot heuristic are identical", () => {
    const a = whole.evaluation;
    const b = sampled.evaluation;
    if (!a || !b) throw new Error("no evaluation");
    for (const key of ["rows", "trainRows", "calibrationRows", "holdoutRows", "holdoutFrom", "baseRate", "baseRateBrier", "heuristicAuc", "heuristicBrier"] as const) {
      expect(b[key], key).toBe(a[key]);
    }
  });

  it("the fit on every 4th training row lands within 0.01 AUC of the fit on all of them, and differs", () => {
    const a = whole.evaluation;
    const b = sampled.evaluation;
    if (!a?.auc || !b?.auc) throw new Error("no AUC");
    expect(Math.abs(b.auc - a.auc)).toBeLessThan(0.01);
    expect(b.auc).toBeGreaterThan((a.heuristicAuc ?? 1) + 0.1);
    // The sample really was used: other weights (a fit on other rows).
    expect(sampled.model.features.map((f) => f.weight)).not.toEqual(whole.model.features.map((f) => f.weight));
  });

  it("the trees fit on the sample too and are scored on the same validation rows", () => {
    const both = trainRiskModel(rows, { now, timeZone: SP, designTrainRows: 5_000 });
    const [l, g] = both.evaluation?.candidates ?? [];
    expect([l?.kind, g?.kind]).toEqual(["logistic", "gbdt"]);
    expect(l).toEqual(sampled.evaluation?.candidates?.[0]);
    expect(g?.trees ?? 0).toBeGreaterThan(0);
    expect(both.evaluation?.holdoutRows).toBe(whole.evaluation?.holdoutRows);
  });
});

// Above 50k validation or 100k holdout rows (a 1M-row history) those slices are stride samples too;
// here the caps are lowered so a 30k-row history (6k holdout, 3k validation rows) takes that path.
describe("choosing and evaluating on stride samples of the validation and holdout slices", () => {
  const days = 365;
  const now = START + (days + 1) * DAY_MS;
  const { rows } = generateSyntheticHistory({ seed: 5, rows: 30_000, contacts: 3_000, start: START, days });
  const whole = trainRiskModel(rows, { now, timeZone: SP, candidates: ["logistic"] }).evaluation;
  const sampled = trainRiskModel(rows, { now, timeZone: SP, candidates: ["logistic"], designValidRows: 1_000, designHoldoutRows: 2_000 }).evaluation;

  it("the slices keep their sizes; the figures say they were computed on every 3rd holdout row", () => {
    if (!whole || !sampled) throw new Error("no evaluation");
    expect(whole.holdoutScored).toBeUndefined();
    for (const key of ["rows", "trainRows", "calibrationRows", "holdoutRows", "holdoutFrom", "baseRate"] as const) expect(sampled[key], key).toBe(whole[key]);
    expect(sampled.holdoutScored).toBe(Math.ceil(whole.holdoutRows / Math.ceil(whole.holdoutRows / 2_000)));
    expect(sampled.holdoutScored).toBeLessThanOrEqual(2_000);
    expect((sampled.bands ?? []).reduce((n, b) => n + b.rows, 0)).toBe(sampled.holdoutScored);
  });

  it("the sampled figures land within 0.02 AUC and 0.005 Brier of the whole slices' and differ", () => {
    if (!whole?.auc || !sampled?.auc || whole.brier === null || sampled.brier === null) throw new Error("no figures");
    expect(Math.abs(sampled.auc - whole.auc)).toBeLessThan(0.02);
    expect(Math.abs(sampled.brier - whole.brier)).toBeLessThan(0.005);
    expect(sampled.auc).not.toBe(whole.auc);
    // The validation figures (the candidates') come from the sample as well.
    expect(sampled.candidates?.[0]?.logLoss).not.toBe(whole.candidates?.[0]?.logLoss);
  });
});

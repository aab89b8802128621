import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS } from "../../src/lib/time-zone";
import type { HistoryRow, RiskInput } from "../../src/scheduling/history";
import { predictMany, RiskModel, trainRiskModel } from "../../src/scheduling/model";
import { generateHistory, generateSyntheticHistory, mulberry32 } from "../../src/scheduling/synthetic";
import { calibrate, chooseCalibration, fitIsotonic } from "../../src/scheduling/calibration";
import { featureNames, treeColumns } from "../../src/scheduling/design";
import { encodingOf, frozenOf, frozenRatesOf, ratesOf } from "./rows";
import v1 from "./fixtures/risk-model-v1.json";

const SP = "America/Sao_Paulo";
const START = Date.UTC(2024, 0, 1, 3);

const resolvedIn = (rows: readonly HistoryRow[], from: number) => rows.filter((r) => (r.status === "attended" || r.status === "no_show") && r.startsAt >= from);
const upcoming = (r: HistoryRow): RiskInput => ({ ...r, status: undefined });

describe("clinic-shaped history (date-only, non-linear lead and age, 85 neighbourhoods, thin history)", () => {
  const days = 365;
  const now = START + (days + 1) * DAY_MS;
  const { rows } = generateSyntheticHistory({ shape: "clinic", seed: 3, rows: 100_000, contacts: 0, start: START, days });
  const linear = trainRiskModel(rows, { now, timeZone: SP, candidates: ["logistic"] });
  const chosen = trainRiskModel(rows, { now, timeZone: SP });
  const evL = linear.evaluation;
  const ev = chosen.evaluation;

  it("the trees are chosen on the validation slice and beat the logistic model on the holdout", () => {
    if (!ev || !evL || ev.auc === null || evL.auc === null || ev.brier === null || evL.brier === null) throw new Error("incomplete evaluation");
    expect(chosen.model.kind).toBe("gbdt");
    expect(ev.chosen).toBe("gbdt");
    expect(evL.chosen).toBe("logistic");
    expect(evL.candidates?.map((c) => c.kind)).toEqual(["logistic"]);
    // Both candidates with their validation figures; the lower validation log-loss won.
    const [l, g] = ev.candidates ?? [];
    expect([l?.kind, g?.kind]).toEqual(["logistic", "gbdt"]);
    expect(g?.logLoss ?? 1).toBeLessThan(l?.logLoss ?? 0);
    expect(g?.trees ?? 0).toBeGreaterThan(10);
    // The logistic candidate is the logistic-only model (same fit, same validation figures).
    expect(l).toEqual(evL.candidates?.[0]);
    console.info(
      `clinic 100k: logistic AUC ${evL.auc.toFixed(4)} Brier ${evL.brier.toFixed(4)}; chosen ${ev.chosen} AUC ${ev.auc.toFixed(4)} ` +
        `Brier ${ev.brier.toFixed(4)} (calibration ${ev.calibration}); base-rate Brier ${ev.baseRateBrier?.toFixed(4)}`,
    );
    // Non-linear lead time and age, and their interaction: a clear margin.
    expect(ev.auc - evL.auc).toBeGreaterThanOrEqual(0.015);
    expect(ev.brier).toBeLessThan(evL.brier - 0.004);
  });

  it("date-only times: the weekday × hour slot carries nothing, and the model does not lean on it", () => {
    expect(new Set(rows.map((r) => new Date(r.startsAt).getUTCHours())).size).toBe(1);
    expect(Math.abs((ev?.heuristicAuc ?? 0) - 0.5)).toBeLessThan(0.03);
    const holdout = resolvedIn(rows, ev?.holdoutFrom ?? 0).slice(0, 2000);
    const preds = predictMany(chosen.model, holdout.map(upcoming), { history: rows, now });
    const slotFirst = preds.filter((p) => p.factors[0]?.code === "slot_no_shows").length;
    expect(slotFirst / preds.length).toBeLessThan(0.05);
  });

  it("reasons for the trees: a young patient booked four months ahead gets the lead time first; booked the same day, no lead reason", () => {
    // Date-only like the history: booked at local midnight, starting at 08:00.
    const day = now + 2 * DAY_MS;
    const at = day + 8 * HOUR_MS;
    const base: RiskInput = {
      externalId: "probe",
      contact: "probe-contact",
      bookedAt: day - 120 * DAY_MS,
      startsAt: at,
      endsAt: at + HOUR_MS / 2,
      reminderSent: false,
      confirmed: false,
      attrs: { gender: "F", age: 20, neighbourhood: "bairro-01", scholarship: 0, hypertension: 0, diabetes: 0, alcoholism: 0, handicap: 0 },
    };
    const sameDay = { ...base, externalId: "probe-2", bookedAt: day };
    const [far, soon] = predictMany(chosen.model, [base, sameDay], { history: rows, now });
    expect(far?.fallback).toBe(false);
    expect(far?.factors[0]).toEqual({ code: "lead_days", params: { days: 120 } });
    expect(far?.reasons[0]).toBe("Marcado com 120 dias de antecedência");
    expect(far?.noShowProb ?? 0).toBeGreaterThan(2 * (soon?.noShowProb ?? 1));
    expect(soon?.factors.map((f) => f.code)).not.toContain("lead_days");
    expect(soon?.noShowProb ?? 1).toBeLessThan(0.1);
  });

  it("the holdout feeds neither the fit nor the choice: other holdout outcomes, the same trees and calibration", () => {
    const from = ev?.holdoutFrom ?? 0;
    const flipped = rows.map((r) => (r.startsAt >= from && r.status === "attended" && r.externalId.endsWith("7") ? { ...r, status: "no_show" as const } : r));
    const again = trainRiskModel(flipped, { now, timeZone: SP });
    expect(again.model.gbdt).toEqual(chosen.model.gbdt);
    expect(again.model.calibration).toEqual(chosen.model.calibration);
    expect(again.evaluation?.candidates).toEqual(ev?.candidates);
    expect(again.evaluation?.auc).not.toBe(ev?.auc);
  });

  it("serves what it evaluated; JSON round trip and training are deterministic", () => {
    const json = JSON.parse(JSON.stringify(chosen.model)) as unknown;
    const parsed = RiskModel.parse(json);
    expect(parsed).toEqual(chosen.model);
    expect(parsed.version).toBe(2);
    const sample = rows.slice(-200).map(upcoming);
    expect(predictMany(parsed, sample, { history: rows })).toEqual(predictMany(chosen.model, sample, { history: rows }));
    // The stored model stays small enough for one row (trees as arrays, thresholds as short decimals).
    expect(JSON.stringify(chosen.model).length).toBeLessThan(400_000);
  });
});

describe("default generator: the choice does not lose", () => {
  it("at 50k rows the chosen model is within 0.005 AUC of the logistic model and its Brier no worse than a hair", () => {
    const rows = generateHistory({ seed: 8, rows: 50_000, contacts: 5000, start: START, days: 540 });
    const now = START + 541 * DAY_MS;
    const linear = trainRiskModel(rows, { now, timeZone: SP, candidates: ["logistic"] }).evaluation;
    const chosen = trainRiskModel(rows, { now, timeZone: SP }).evaluation;
    console.info(
      `default 50k: logistic AUC ${linear?.auc?.toFixed(4)} Brier ${linear?.brier?.toFixed(4)}; chosen ${chosen?.chosen} AUC ${chosen?.auc?.toFixed(4)} Brier ${chosen?.brier?.toFixed(4)}`,
    );
    expect(chosen?.candidates).toHaveLength(2);
    expect(chosen?.auc ?? 0).toBeGreaterThan((linear?.auc ?? 1) - 0.005);
    expect(chosen?.brier ?? 1).toBeLessThan((linear?.brier ?? 0) + 0.0005);
  });

  it("small histories only try the logistic model (too few rows for trees)", () => {
    const rows = generateHistory({ seed: 9, rows: 2000, contacts: 300, start: START, days: 200 });
    const r = trainRiskModel(rows, { now: START + 201 * DAY_MS, timeZone: SP });
    expect(r.fallback).toBe(false);
    expect(r.evaluation?.candidates?.map((c) => c.kind)).toEqual(["logistic"]);
    expect(r.model.kind).toBe("logistic");
  });
});

describe("version-1 models stored by the previous code", () => {
  it("parse as version 2 and score exactly as they did", () => {
    const model = RiskModel.parse(v1.model);
    expect(model.version).toBe(2);
    expect(model.kind).toBe("logistic");
    expect(model.calibration.kind).toBe("platt");
    const rows = generateHistory({ seed: 11, rows: 4000, contacts: 500, start: START, days: 300 });
    const preds = predictMany(model, rows.slice(-8).map(upcoming), { history: rows });
    expect(preds.map((p) => p.factors)).toEqual(v1.predictions.map((p) => p.factors));
    for (const [i, p] of preds.entries()) expect(p.noShowProb).toBeCloseTo(v1.predictions[i]?.noShowProb ?? -1, 12);
  });

  it("a version-1 prior still says its reason; an unknown version is refused", () => {
    const prior = { ...v1.model, kind: "prior", features: [], fallbackFactor: { code: "prior_few_rows", params: { rows: 150, min: 200, rate: 0.21 } } };
    const parsed = RiskModel.parse(prior);
    const [p] = predictMany(parsed, [upcoming(generateHistory({ seed: 1, rows: 1, contacts: 1, start: START, days: 1 })[0] as HistoryRow)], { history: [] });
    expect(p).toMatchObject({ noShowProb: v1.model.prior, fallback: true, factors: [{ code: "prior_few_rows" }] });
    expect(RiskModel.safeParse({ ...v1.model, version: 3 }).success).toBe(false);
    expect(RiskModel.safeParse({ ...v1.model, kind: "gbdt" }).success).toBe(false);
  });
});

describe("target encoding of many-level attributes (attr_<name>_rate)", () => {
  const row = (i: number, level: string, status: HistoryRow["status"], bookedAt: number, startsAt: number): HistoryRow => ({
    externalId: `t-${i}`,
    contact: `c-${i}`,
    bookedAt,
    startsAt,
    endsAt: startsAt + HOUR_MS,
    status,
    reminderSent: false,
    confirmed: false,
    attrs: { bairro: level },
  });

  it("is time-respecting: a row sees only its level's outcomes that ended before it was booked, never its own", () => {
    const t = START;
    const rows = [
      row(0, "a", "no_show", t, t + DAY_MS),
      row(1, "a", "no_show", t, t + 2 * DAY_MS),
      // Booked after rows 0 and 1 ended: both count. Its own no-show does not.
      row(2, "A ", "no_show", t + 3 * DAY_MS, t + 4 * DAY_MS),
      row(3, "b", "attended", t + 3 * DAY_MS, t + 4 * DAY_MS),
    ];
    const [rates] = ratesOf(rows, rows, ["bairro"], Number.POSITIVE_INFINITY);
    // Rows 0 and 1: nothing known when booked → the 20 % prior.
    expect(rates?.[0]).toBeCloseTo(0.2, 12);
    expect(rates?.[1]).toBeCloseTo(0.2, 12);
    const mean = (2 + 20 * 0.2) / (2 + 20); // tenant rate after two no-shows
    expect(rates?.[2]).toBeCloseTo((2 + 20 * mean) / (2 + 20), 12);
    expect(rates?.[3]).toBeCloseTo(mean, 12);
    // The training cutoff stops what even later rows see.
    const [cut] = ratesOf(rows, rows, ["bairro"], t + DAY_MS + HOUR_MS);
    expect(cut?.[2]).toBeCloseTo((1 + 20 * ((1 + 4) / 21)) / 21, 12);
  });

  it("serving uses the counts frozen at training; unseen levels get the tenant rate", () => {
    const rows = [0, 1, 2, 3].map((i) => row(i, i < 3 ? "x" : "y", i < 2 ? "no_show" : "attended", START, START + DAY_MS));
    const frozen = frozenOf(rows, ["bairro"], START + 2 * DAY_MS);
    expect(frozen).toEqual([{ name: "bairro", levels: ["x", "y"], resolved: [3, 1], noShows: [2, 0] }]);
    const [rates] = frozenRatesOf([rows[0] as HistoryRow, { ...(rows[0] as HistoryRow), attrs: { bairro: "z" } }], frozen, 4, 2);
    const mean = (2 + 4) / (4 + 20);
    expect(rates?.[0]).toBeCloseTo((2 + 20 * mean) / 23, 12);
    expect(rates?.[1]).toBeCloseTo(mean, 12);
  });

  it("only attributes with more levels than the one-hot keeps get a rate column, and the trees read it instead of the one-hots", () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ attrs: { bairro: `b-${i % 40}`, plano: i % 3 === 0 ? "sus" : "unimed" } }));
    const enc = encodingOf(rows);
    expect(enc.target?.map((t) => t.name)).toEqual(["bairro"]);
    const names = featureNames(enc);
    expect(names[names.length - 1]).toBe("attr_bairro_rate");
    const tree = treeColumns(enc).map((j) => names[j]);
    expect(tree).toContain("attr_bairro_rate");
    expect(tree).toContain("attr_plano=sus");
    expect(tree.some((n) => n?.startsWith("attr_bairro="))).toBe(false);
  });
});

describe("calibration on the validation slice", () => {
  const rnd = mulberry32(4);
  const n = 8000;
  const z = Float64Array.from({ length: n }, () => (rnd() - 0.5) * 6);
  const truth = (zi: number, scale: number) => 1 / (1 + Math.exp(-scale * zi));

  it("leaves calibrated scores alone and fixes over-confident ones", () => {
    const calibrated = Uint8Array.from(z, (zi) => (rnd() < truth(zi, 1) ? 1 : 0));
    expect(chooseCalibration(z, calibrated)).toEqual({ kind: "none", a: 1, b: 0 });
    const overconfident = Uint8Array.from(z, (zi) => (rnd() < truth(zi, 0.4) ? 1 : 0));
    const c = chooseCalibration(z, overconfident);
    expect(["platt", "isotonic"]).toContain(c.kind);
    // The served probabilities follow the truth closely, and keep the order.
    for (const zi of [-2, -1, 0, 1, 2]) expect(Math.abs(calibrate(c, zi) - truth(zi, 0.4))).toBeLessThan(0.05);
    expect(calibrate(c, 2)).toBeGreaterThan(calibrate(c, 1));
  });

  it("isotonic is a monotone map through the pooled blocks' means", () => {
    const y = Uint8Array.from(z, (zi) => (rnd() < (zi > 0 ? 0.6 : 0.1) ? 1 : 0));
    const c = fitIsotonic(z, y);
    const xs = c.x ?? [];
    const ys = c.y ?? [];
    expect(xs.length).toBeGreaterThan(1);
    for (let k = 1; k < xs.length; k++) {
      expect(xs[k] ?? 0).toBeGreaterThan(xs[k - 1] ?? 0);
      expect(ys[k] ?? 0).toBeGreaterThan(ys[k - 1] ?? 0);
    }
    expect(calibrate(c, -2)).toBeCloseTo(0.1, 1);
    expect(calibrate(c, 2)).toBeCloseTo(0.6, 1);
  });
});

/**
 * Per-tenant no-show risk: two candidate models on the features of `features.ts` / design.ts — an
 * L2-regularised logistic regression (logistic.ts) and gradient-boosted trees (gbdt.ts) — each fitted
 * on the training slice, the better one on the time-ordered validation slice served, calibrated,
 * and evaluated on a time-ordered holdout it never saw.
 *
 * Training (`trainRiskModel`):
 * - rows: the tenant's appointments whose outcome is known at `now` (attended = 0, no_show = 1),
 *   ordered by start. Fewer than `minRows` (200), or one class only → a prior model (`fallback`).
 * - split by time, never at random: the first 70 % fit the candidates, the next 10 % (validation
 *   slice) stop the trees early, choose the candidate (lower log-loss) and its calibration, the last
 *   20 % (holdout) only measure. Slot statistics and level rates (target-encoding.ts) see outcomes up
 *   to the holdout's start; contact statistics are as of each row's booking (features.ts).
 * - candidates: `candidates` (default both); the trees need GBDT_MIN_TRAIN_ROWS training rows (fewer
 *   rows, and a linear model is what the data can support).
 * - scale: the design matrix holds at most ~100k training, ~50k validation and ~100k holdout rows,
 *   each slice a stride sample above its cap (spread over time), so a 1M-row history builds facts and
 *   columns for ~250k rows; the holdout's figures then say how many rows they were computed on
 *   (`holdoutScored`). The contact rates still sweep every outcome. The Worker trains on at most 100k
 *   appointments (service.ts), below every cap.
 * - Newton: ~10 columns' worth of non-zeros per row, so each iteration is one pass accumulating the
 *   gradient and the sparse upper Hessian, then a Cholesky solve and a backtracking step. Above 150k
 *   training rows a stride subsample of ~60k rows is fitted first, then one full Newton step over all
 *   of them finishes the fit (logistic.ts). Penalty (λ / 2) Σ (w_j · sd_j)² (λ = 1): ridge on standardised columns, without
 *   rewriting the matrix; the intercept is not penalised.
 * - calibration (calibration.ts): time moves on, and trees are not calibrated by construction. On the
 *   validation slice Platt's σ(a·z + b) and isotonic regression are tried, cross-fitted, each kept
 *   only when it lowers that slice's Brier score by at least 0.1 % (else identity). The holdout then
 *   reports the Brier score of what is served, next to the uncalibrated one.
 * - the holdout also scores two baselines: the training base rate (constant) and the slot heuristic
 *   (the smoothed weekday × hour rate alone, what the seeds' v2.3 did). A model whose holdout Brier
 *   is not below the base rate's is not served: the result falls back to the prior and says why.
 * - the served weights are the evaluated ones (no refit on the holdout), so the evaluation describes
 *   exactly what scores; the slot and tenant counts it carries are refreshed to `now`.
 *
 * Serving (model-serve.ts: `predict`, `predictMany`): probability, plus up to three reasons — the
 * feature groups that push this appointment's risk up the most. The JSON schema is model-schema.ts.
 */
import { auc, brier, logLoss } from "./evaluate";
import { columnMoments, fitLogistic, linearPredictor, mapSigmoid, sum } from "./logistic";
import { reasonText, roundRate, type RiskFactor } from "./reasons";
import { designMatrix, featureNames, fitAttrEncoding, treeColumns } from "./design";
import { computeFacts, orderBy, slotCounts, tenantRate } from "./features";
import type { FrozenStats } from "./features";
import type { HistoryRow } from "./history";
import { asColumns, type HistoryColumns, knownAt, NO_SHOW } from "./columns";
import { calibrateAll, chooseCalibration } from "./calibration";
import { fitGbdt, gbdtMargins, type GbdtModel, type GbdtOptions } from "./gbdt";
import { RiskEvaluation, RiskModel } from "./model-schema";
import { freezeTargets, sweepRates } from "./target-encoding";

export { RiskEvaluation, RiskModel };
export { predict, predictMany, priorFactor, type PredictContext, type RiskPrediction } from "./model-serve";

export type CandidateKind = "logistic" | "gbdt";

export interface TrainOptions {
  /** Outcomes after this are unknown; also the model's trainedAt. */
  now: number;
  timeZone: string;
  /** Fewer resolved appointments than this → prior model. Default 200. */
  minRows?: number;
  /** Ridge strength on standardised weights. Default 1. */
  l2?: number;
  /**
   * The models to fit and choose from on the validation slice. Default both. The trees need
   * GBDT_MIN_TRAIN_ROWS training rows; when none of the listed candidates can be fitted, the
   * logistic model is.
   */
  candidates?: readonly CandidateKind[];
  /** Tree settings (gbdt.ts defaults otherwise). */
  gbdt?: GbdtOptions;
  /** Training rows the design matrix holds at most (a stride sample above). Default 100k. */
  designTrainRows?: number;
  /** Validation rows the design matrix holds at most (a stride sample above). Default 50k. */
  designValidRows?: number;
  /** Holdout rows scored at most (a stride sample above). Default 100k. */
  designHoldoutRows?: number;
}

export interface TrainResult {
  model: RiskModel;
  evaluation: RiskEvaluation | null;
  fallback: boolean;
  reason?: string;
}

const DEFAULT_PRIOR = 0.2;
const HOLDOUT_SHARE = 0.2;
const CALIBRATION_SHARE = 0.1;
/** Below this many training rows the trees are not tried (too little to split on honestly). */
export const GBDT_MIN_TRAIN_ROWS = 2000;
/** Above this many training rows the design matrix holds a stride sample of them (about this many). */
const DESIGN_TRAIN_ROWS = 100_000;
/** The validation and holdout slices likewise (their figures' standard errors are tiny by then). */
const DESIGN_VALID_ROWS = 50_000;
const DESIGN_HOLDOUT_ROWS = 100_000;

// ---------------------------------------------------------------------------------------------
// Training

/**
 * Trains a tenant's model from its history (any statuses; only outcomes known at `now` are labels):
 * rows, or the same as columns (columns.ts; what the Worker and the benchmarks pass).
 * @example const { model, evaluation, fallback } = trainRiskModel(rows, { now: Date.now(), timeZone: "America/Sao_Paulo" })
 */
export function trainRiskModel(history: readonly HistoryRow[] | HistoryColumns, options: TrainOptions): TrainResult {
  const { now, timeZone } = options;
  const minRows = options.minRows ?? 200;
  const l2 = options.l2 ?? 1;
  const c = asColumns(history);

  // The rows whose outcome is known.
  const known = new Uint32Array(c.length);
  let n = 0;
  let noShows = 0;
  for (let j = 0; j < c.length; j++) {
    if (!knownAt(c, j, now)) continue;
    known[n++] = j;
    if (c.status[j] === NO_SHOW) noShows++;
  }
  const stats: FrozenStats = {
    slots: slotCounts(c, timeZone, now),
    globalResolved: n,
    globalNoShows: noShows,
  };
  const prior = n === 0 ? DEFAULT_PRIOR : tenantRate(noShows, n);

  if (n < minRows) {
    return priorResult(
      timeZone,
      now,
      prior,
      stats,
      null,
      n === 0 ? { code: "prior_no_history", params: { rate: roundRate(prior) } } : { code: "prior_few_rows", params: { rows: n, min: minRows, rate: roundRate(prior) } },
    );
  }
  if (noShows === 0 || noShows === n) {
    return priorResult(timeZone, now, prior, stats, null, {
      code: "prior_one_outcome",
      params: { missing: noShows === 0 ? "no_shows" : "attendances", rows: n, rate: roundRate(prior) },
    });
  }

  // Time order (row indices); ties by booking, then input order.
  const byStart = orderBy(
    n,
    (i) => c.startsAt[known[i] as number] as number,
    (i) => c.bookedAt[known[i] as number] as number,
  );
  const rowAt = new Uint32Array(n);
  for (let k = 0; k < n; k++) rowAt[k] = known[byStart[k] as number] as number;
  const startOf = (k: number) => c.startsAt[rowAt[k] as number] as number;
  let holdoutStart = Math.floor(n * (1 - HOLDOUT_SHARE));
  const holdoutFrom = holdoutStart < n ? startOf(holdoutStart) : now;
  // Appointments starting at the same instant stay on one side of the split.
  while (holdoutStart > 0 && startOf(holdoutStart - 1) === holdoutFrom) holdoutStart--;
  const calStart = Math.min(holdoutStart, Math.floor(n * (1 - HOLDOUT_SHARE - CALIBRATION_SHARE)));

  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = c.status[rowAt[i] as number] === NO_SHOW ? 1 : 0;
  const trainNoShows = sum(y, 0, calStart);
  if (trainNoShows === 0 || trainNoShows === calStart) {
    return priorResult(timeZone, now, prior, stats, null, { code: "prior_train_one_class", params: { rows: calStart, rate: roundRate(prior) } });
  }

  // The design rows, each slice a stride sample above its cap (spread over time): the training
  // slice's fits, the validation slice's choice and the holdout's figures have settled long before.
  const train = strideSample(0, calStart, options.designTrainRows ?? DESIGN_TRAIN_ROWS);
  const valid = strideSample(calStart, holdoutStart, options.designValidRows ?? DESIGN_VALID_ROWS);
  const held = strideSample(holdoutStart, n, options.designHoldoutRows ?? DESIGN_HOLDOUT_ROWS);
  const fitRows = train.length;
  const validFrom = fitRows;
  const holdoutFromRow = fitRows + valid.length;
  const m = holdoutFromRow + held.length;
  const picked = new Uint32Array(m);
  picked.set(train, 0);
  picked.set(valid, validFrom);
  picked.set(held, holdoutFromRow);
  const targets = Uint32Array.from(picked, (k) => rowAt[k] as number);
  const yd = Uint8Array.from(picked, (k) => y[k] ?? 0);

  const facts = computeFacts(c, targets, { timeZone, now, slotCutoff: holdoutFrom });
  const encoding = fitAttrEncoding(c, targets.subarray(0, fitRows));
  const targetNames = (encoding.target ?? []).map((t) => t.name);
  const rates = sweepRates(c, targets, targetNames, holdoutFrom);
  const names = featureNames(encoding);
  const d = names.length;
  const x = designMatrix(c, targets, facts, encoding, rates);
  const { mean, sd } = columnMoments(x, d, 0, fitRows);

  // Candidates, each scored on the validation slice (the holdout is scored for the chosen one only).
  const yv = yd.subarray(validFrom, holdoutFromRow);
  const wanted = options.candidates?.length ? options.candidates : (["logistic", "gbdt"] as const);
  const kinds = wanted.filter((k) => k !== "gbdt" || (calStart >= GBDT_MIN_TRAIN_ROWS && holdoutStart > calStart));
  type Fitted = { kind: CandidateKind; z: Float64Array; margins: (from: number, to: number) => Float64Array; theta?: Float64Array; trees?: GbdtModel; validLogLoss: number };
  const fitted: Fitted[] = [];
  const candidates: NonNullable<RiskEvaluation["candidates"]> = [];
  for (const kind of kinds.length ? kinds : (["logistic"] as const)) {
    let margins: Fitted["margins"];
    let theta: Float64Array | undefined;
    let trees: GbdtModel | undefined;
    if (kind === "logistic") {
      // The penalty per row stays that of the whole slice when the fit sees a sample of it.
      const fit = fitLogistic(x, yd, d, 0, fitRows, (l2 * fitRows) / calStart, sd).theta;
      theta = fit;
      margins = (from, to) => linearPredictor(x, d, fit, from, to);
    } else {
      const fit = fitGbdt(x, d, yd, { from: 0, to: fitRows }, { from: validFrom, to: holdoutFromRow }, treeColumns(encoding), options.gbdt).model;
      trees = fit;
      margins = (from, to) => gbdtMargins(fit, x, d, from, to);
    }
    const z = margins(validFrom, holdoutFromRow);
    const pv = mapSigmoid(z, 1, 0);
    const validLogLoss = logLoss(pv, yv) ?? Number.POSITIVE_INFINITY;
    fitted.push({ kind, z, margins, theta, trees, validLogLoss });
    candidates.push({ kind, auc: auc(pv, yv), brier: brier(pv, yv), logLoss: logLoss(pv, yv), ...(trees ? { trees: trees.trees.length } : {}) });
  }
  const best = fitted.reduce((a, b) => (b.validLogLoss < a.validLogLoss ? b : a));

  const calibration = chooseCalibration(best.z, yv);

  // Holdout.
  const zh = best.margins(holdoutFromRow, m);
  const yh = yd.subarray(holdoutFromRow, m);
  const served = calibrateAll(calibration, zh);
  const uncalibrated = mapSigmoid(zh, 1, 0);
  const trainRate = sum(y, 0, holdoutStart) / Math.max(1, holdoutStart);
  const constant = new Float64Array(m - holdoutFromRow).fill(trainRate);
  const heuristic = facts.slotRate.subarray(holdoutFromRow, m);
  const evaluation: RiskEvaluation = {
    auc: auc(served, yh),
    brier: brier(served, yh),
    brierUncalibrated: brier(uncalibrated, yh),
    logLoss: logLoss(served, yh),
    baseRate: n > holdoutStart ? sum(y, holdoutStart, n) / (n - holdoutStart) : null,
    baseRateBrier: brier(constant, yh),
    heuristicAuc: auc(heuristic, yh),
    heuristicBrier: brier(heuristic, yh),
    calibration: calibration.kind,
    chosen: best.kind,
    candidates,
    rows: n,
    trainRows: calStart,
    calibrationRows: holdoutStart - calStart,
    holdoutRows: n - holdoutStart,
    ...(held.length < n - holdoutStart ? { holdoutScored: held.length } : {}),
    holdoutFrom: n > holdoutStart ? holdoutFrom : null,
    trainedAt: now,
    bands: bandsOf(served, yh),
  };

  if (evaluation.brier === null || evaluation.baseRateBrier === null || evaluation.brier >= evaluation.baseRateBrier) {
    return priorResult(timeZone, now, prior, stats, evaluation, {
      code: "prior_not_better",
      params: { brier: evaluation.brier, base: evaluation.baseRateBrier, rate: roundRate(prior) },
    });
  }

  const theta = best.theta;
  const model: RiskModel = {
    version: 2,
    kind: best.kind,
    timeZone,
    trainedAt: now,
    prior,
    features: names.map((name, j) => ({ name, mean: mean[j] ?? 0, sd: sd[j] ?? 1, weight: theta?.[j + 1] ?? 0 })),
    intercept: theta ? (theta[0] ?? 0) : (best.trees?.base ?? 0),
    ...(best.trees ? { gbdt: best.trees } : {}),
    calibration,
    // Level counts frozen at `now` for serving, like the slot and tenant counts.
    encoding: { ...encoding, target: freezeTargets(c, targetNames, now) },
    stats,
    evaluation,
  };
  return { model, evaluation, fallback: false };
}

function priorResult(timeZone: string, now: number, prior: number, stats: FrozenStats, evaluation: RiskEvaluation | null, factor: RiskFactor): TrainResult {
  const reason = reasonText(factor);
  const model: RiskModel = {
    version: 2,
    kind: "prior",
    timeZone,
    trainedAt: now,
    prior,
    features: [],
    intercept: Math.log(prior / (1 - prior)),
    calibration: { kind: "none", a: 1, b: 0 },
    encoding: { numeric: [], categorical: [] },
    stats,
    evaluation,
    fallbackReason: reason,
    fallbackFactor: factor,
  };
  return { model, evaluation, fallback: true, reason };
}

/** Indices from, from + stride, … below `to`: all of them when there are at most `cap`. */
function strideSample(from: number, to: number, cap: number): Uint32Array {
  const stride = Math.max(1, Math.ceil((to - from) / Math.max(1, cap)));
  const out = new Uint32Array(Math.max(0, Math.ceil((to - from) / stride)));
  for (let k = 0; k < out.length; k++) out[k] = from + k * stride;
  return out;
}

/** Holdout rows and no-shows per tenth of served probability. */
function bandsOf(p: Float64Array, y: Uint8Array): { rows: number; noShows: number }[] {
  const bands = Array.from({ length: 10 }, () => ({ rows: 0, noShows: 0 }));
  p.forEach((v, i) => {
    const b = bands[Math.min(9, Math.max(0, Math.floor(v * 10)))];
    if (!b) return;
    b.rows++;
    b.noShows += y[i] ?? 0;
  });
  return bands;
}

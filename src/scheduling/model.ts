/**
 * Per-tenant no-show risk: L2-regularised logistic regression on the features of `features.ts`,
 * trained by Newton's method (IRLS) over typed arrays, evaluated on a time-ordered holdout.
 *
 * Training (`trainRiskModel`):
 * - rows: the tenant's appointments whose outcome is known at `now` (attended = 0, no_show = 1),
 *   ordered by start. Fewer than `minRows` (200), or one class only → a prior model (`fallback`).
 * - split by time, never at random: the first 70 % fit the weights, the next 10 % (calibration
 *   slice) decide on Platt scaling, the last 20 % (holdout) only measure. Slot statistics see outcomes
 *   up to the holdout's start; contact statistics are as of each row's booking (features.ts).
 * - Newton: ~10 columns' worth of non-zeros per row, so each iteration is one pass accumulating the
 *   gradient and the sparse upper Hessian, then a Cholesky solve and a backtracking step. Above 150k
 *   training rows a stride subsample of ~60k rows is fitted first and the full data then needs 1–3
 *   iterations. Penalty (λ / 2) Σ (w_j · sd_j)² (λ = 1): ridge on standardised columns, without
 *   rewriting the matrix; the intercept is not penalised.
 * - calibration: a logistic model fitted by maximum likelihood is close to calibrated in-sample, but
 *   time moves on. On the calibration slice we fit Platt's σ(a·z + b) and keep it only when it lowers
 *   that slice's Brier score by at least 0.1 % (else identity). The holdout then reports the Brier
 *   score of what is served, next to the uncalibrated one.
 * - the holdout also scores two baselines: the training base rate (constant) and the slot heuristic
 *   (the smoothed weekday × hour rate alone, what the seeds' v2.3 did). A model whose holdout Brier
 *   is not below the base rate's is not served: the result falls back to the prior and says why.
 * - the served weights are the evaluated ones (no refit on the holdout), so the evaluation describes
 *   exactly what scores; the slot and tenant counts it carries are refreshed to `now`.
 *
 * Serving (`predict`, `predictMany`): probability, plus up to three reasons in pt-BR — the feature
 * groups that push this appointment's risk above an average appointment's the most (w · (x − mean)).
 * The numeric fit is logistic.ts; the reasons' wording is reasons.ts.
 */
import * as z from "../lib/zod";
import { WEEK_SLOTS } from "../lib/time-zone";
import { auc, brier, logLoss } from "./evaluate";
import { columnMoments, fitLogistic, fitPlatt, linearPredictor, mapSigmoid, sigmoid, sum } from "./logistic";
import { factorsFor, reasonText, type RiskFactor } from "./reasons";
import { designMatrix, featureNames, fitAttrEncoding } from "./design";
import { computeFacts, orderBy, slotCounts, tenantRate } from "./features";
import type { FrozenStats } from "./features";
import type { HistoryRow, RiskInput } from "./history";
import { outcomeKnown } from "./history";

export const RiskEvaluation = z.object({
  /** Holdout AUC of the served probabilities; null without both classes in the holdout. */
  auc: z.number().nullable(),
  /** Holdout Brier score of the served probabilities. */
  brier: z.number().nullable(),
  brierUncalibrated: z.number().nullable(),
  logLoss: z.number().nullable(),
  /** No-show share in the holdout. */
  baseRate: z.number().nullable(),
  /** Brier score on the holdout of always predicting the training base rate. */
  baseRateBrier: z.number().nullable(),
  /** The weekday × hour rate alone (the seeds' heuristic) on the same holdout. */
  heuristicAuc: z.number().nullable(),
  heuristicBrier: z.number().nullable(),
  calibration: z.enum(["platt", "none"]),
  /** Resolved appointments used (train + calibration + holdout). */
  rows: z.number().int(),
  trainRows: z.number().int(),
  calibrationRows: z.number().int(),
  holdoutRows: z.number().int(),
  /** First start instant of the holdout (ms), null without a holdout. */
  holdoutFrom: z.number().nullable(),
  trainedAt: z.number(),
  /**
   * The holdout by served probability in tenths ([0, 0.1), …, [0.9, 1]): rows and no-shows each, so
   * "of those scored ≥ 80 %, X in 10 missed" reads off any threshold. Absent in older models.
   */
  bands: z
    .array(z.object({ rows: z.number().int(), noShows: z.number().int() }))
    .length(10)
    .optional(),
});
export type RiskEvaluation = z.infer<typeof RiskEvaluation>;

const Counts = z.array(z.number().nonnegative()).length(WEEK_SLOTS);

/** The stored model: plain JSON, parse it back with `RiskModel.parse`. */
export const RiskModel = z.object({
  version: z.literal(1),
  kind: z.enum(["logistic", "prior"]),
  timeZone: z.string(),
  trainedAt: z.number(),
  /** Smoothed tenant base rate: the whole answer of a prior model. */
  prior: z.number().min(0).max(1),
  features: z.array(z.object({ name: z.string(), mean: z.number(), sd: z.number(), weight: z.number() })),
  intercept: z.number(),
  calibration: z.object({ kind: z.enum(["platt", "none"]), a: z.number(), b: z.number() }),
  encoding: z.object({
    numeric: z.array(z.object({ name: z.string(), mean: z.number(), sd: z.number(), hasMissing: z.boolean() })),
    categorical: z.array(z.object({ name: z.string(), levels: z.array(z.string()), hasOther: z.boolean() })),
  }),
  stats: z.object({
    slots: z.object({ resolved: Counts, noShows: Counts, totalResolved: z.number(), totalNoShows: z.number() }),
    globalResolved: z.number(),
    globalNoShows: z.number(),
  }),
  evaluation: RiskEvaluation.nullable(),
  /** Why this is a prior model (pt-BR, rendered from fallbackFactor). */
  fallbackReason: z.string().optional(),
  /** The same as a code + params (absent in models stored before codes). */
  fallbackFactor: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])) }).optional(),
});
export type RiskModel = z.infer<typeof RiskModel>;

export interface TrainOptions {
  /** Outcomes after this are unknown; also the model's trainedAt. */
  now: number;
  timeZone: string;
  /** Fewer resolved appointments than this → prior model. Default 200. */
  minRows?: number;
  /** Ridge strength on standardised weights. Default 1. */
  l2?: number;
}

export interface TrainResult {
  model: RiskModel;
  evaluation: RiskEvaluation | null;
  fallback: boolean;
  reason?: string;
}

const rate = (prior: number) => Math.round(prior * 10_000) / 10_000;

export interface RiskPrediction {
  noShowProb: number;
  /** Up to three, most important first: codes + params. */
  factors: RiskFactor[];
  /** The same in pt-BR (reasonText of each factor). */
  reasons: string[];
  fallback: boolean;
}

export interface PredictContext {
  /**
   * Past appointments of (at least) the contacts being scored; only outcomes that ended by each
   * scored row's booking are read. Tenant-wide slot statistics come from the model.
   */
  history: readonly HistoryRow[];
  /** Outcomes ending after this are ignored (default: all). */
  now?: number;
}

const DEFAULT_PRIOR = 0.2;
const HOLDOUT_SHARE = 0.2;
const CALIBRATION_SHARE = 0.1;

// ---------------------------------------------------------------------------------------------
// Training

/**
 * Trains a tenant's model from its history (any statuses; only outcomes known at `now` are labels).
 * @example const { model, evaluation, fallback } = trainRiskModel(rows, { now: Date.now(), timeZone: "America/Sao_Paulo" })
 */
export function trainRiskModel(rows: readonly HistoryRow[], options: TrainOptions): TrainResult {
  const { now, timeZone } = options;
  const minRows = options.minRows ?? 200;
  const l2 = options.l2 ?? 1;

  const resolved = rows.filter((r) => outcomeKnown(r, now));
  const n = resolved.length;
  let noShows = 0;
  for (const r of resolved) if (r.status === "no_show") noShows++;
  const stats: FrozenStats = {
    slots: slotCounts(rows, timeZone, now),
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
      n === 0 ? { code: "prior_no_history", params: { rate: rate(prior) } } : { code: "prior_few_rows", params: { rows: n, min: minRows, rate: rate(prior) } },
    );
  }
  if (noShows === 0 || noShows === n) {
    return priorResult(timeZone, now, prior, stats, null, {
      code: "prior_one_outcome",
      params: { missing: noShows === 0 ? "no_shows" : "attendances", rows: n, rate: rate(prior) },
    });
  }

  // Time order; ties by booking, then input order.
  const order = Array.from(
    orderBy(
      n,
      (i) => resolved[i]?.startsAt ?? 0,
      (i) => resolved[i]?.bookedAt ?? 0,
    ),
    (i) => resolved[i] as HistoryRow,
  );
  let holdoutStart = Math.floor(n * (1 - HOLDOUT_SHARE));
  const holdoutFrom = order[holdoutStart]?.startsAt ?? now;
  // Appointments starting at the same instant stay on one side of the split.
  while (holdoutStart > 0 && (order[holdoutStart - 1]?.startsAt ?? 0) === holdoutFrom) holdoutStart--;
  const calStart = Math.min(holdoutStart, Math.floor(n * (1 - HOLDOUT_SHARE - CALIBRATION_SHARE)));

  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = order[i]?.status === "no_show" ? 1 : 0;
  const trainNoShows = sum(y, 0, calStart);
  if (trainNoShows === 0 || trainNoShows === calStart) {
    return priorResult(timeZone, now, prior, stats, null, { code: "prior_train_one_class", params: { rows: calStart, rate: rate(prior) } });
  }

  const facts = computeFacts(order, rows, { timeZone, now, slotCutoff: holdoutFrom });
  const encoding = fitAttrEncoding(order.slice(0, calStart));
  const names = featureNames(encoding);
  const d = names.length;
  const x = designMatrix(order, facts, encoding);
  const { mean, sd } = columnMoments(x, d, 0, calStart);

  const fit = fitLogistic(x, y, d, 0, calStart, l2, sd);
  const z = linearPredictor(x, d, fit.theta, 0, n);

  // Calibration slice: Platt only if it helps there.
  let calibration: RiskModel["calibration"] = { kind: "none", a: 1, b: 0 };
  if (holdoutStart - calStart >= 50) {
    const zc = z.subarray(calStart, holdoutStart);
    const yc = y.subarray(calStart, holdoutStart);
    const platt = fitPlatt(zc, yc);
    const raw = brier(mapSigmoid(zc, 1, 0), yc) ?? 1;
    const scaled = brier(mapSigmoid(zc, platt.a, platt.b), yc) ?? 1;
    if (scaled < raw * 0.999 && platt.a > 0) calibration = { kind: "platt", ...platt };
  }

  // Holdout.
  const zh = z.subarray(holdoutStart, n);
  const yh = y.subarray(holdoutStart, n);
  const served = mapSigmoid(zh, calibration.a, calibration.b);
  const uncalibrated = mapSigmoid(zh, 1, 0);
  const trainRate = sum(y, 0, holdoutStart) / Math.max(1, holdoutStart);
  const constant = new Float64Array(n - holdoutStart).fill(trainRate);
  const heuristic = facts.slotRate.subarray(holdoutStart, n);
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
    rows: n,
    trainRows: calStart,
    calibrationRows: holdoutStart - calStart,
    holdoutRows: n - holdoutStart,
    holdoutFrom: n > holdoutStart ? holdoutFrom : null,
    trainedAt: now,
    bands: bandsOf(served, yh),
  };

  if (evaluation.brier === null || evaluation.baseRateBrier === null || evaluation.brier >= evaluation.baseRateBrier) {
    return priorResult(timeZone, now, prior, stats, evaluation, {
      code: "prior_not_better",
      params: { brier: evaluation.brier, base: evaluation.baseRateBrier, rate: rate(prior) },
    });
  }

  const model: RiskModel = {
    version: 1,
    kind: "logistic",
    timeZone,
    trainedAt: now,
    prior,
    features: names.map((name, j) => ({ name, mean: mean[j] ?? 0, sd: sd[j] ?? 1, weight: fit.theta[j + 1] ?? 0 })),
    intercept: fit.theta[0] ?? 0,
    calibration,
    encoding,
    stats,
    evaluation,
  };
  return { model, evaluation, fallback: false };
}

function priorResult(timeZone: string, now: number, prior: number, stats: FrozenStats, evaluation: RiskEvaluation | null, factor: RiskFactor): TrainResult {
  const reason = reasonText(factor);
  const model: RiskModel = {
    version: 1,
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

// ---------------------------------------------------------------------------------------------
// Serving

/**
 * No-show probability and reasons for one upcoming appointment.
 * @example predict(model, row, { history }) // { noShowProb: 0.41, reasons: ["Faltou em 2 de 3 atendimentos anteriores", …], fallback: false }
 */
export function predict(model: RiskModel, row: RiskInput, context: PredictContext): RiskPrediction {
  const [p] = predictMany(model, [row], context);
  if (!p) throw new Error("predictMany returned nothing for one row");
  return p;
}

/** `predict` for a batch: one sweep over the history whatever the batch size. */
export function predictMany(model: RiskModel, rows: readonly RiskInput[], context: PredictContext): RiskPrediction[] {
  if (model.kind === "prior") {
    const factor = priorFactor(model);
    const reason = model.fallbackReason ?? reasonText(factor);
    return rows.map(() => ({ noShowProb: model.prior, factors: [factor], reasons: [reason], fallback: true }));
  }
  const names = featureNames(model.encoding);
  const d = names.length;
  if (d !== model.features.length || names.some((n, j) => model.features[j]?.name !== n)) {
    throw new Error("risk model features do not match its encoding");
  }
  const facts = computeFacts(rows, context.history, { timeZone: model.timeZone, now: context.now, frozen: model.stats });
  const x = designMatrix(rows, facts, model.encoding);
  const out: RiskPrediction[] = [];
  const contributions = new Float64Array(d);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row) continue;
    let z = model.intercept;
    for (let j = 0; j < d; j++) {
      const f = model.features[j];
      const v = x[i * d + j] ?? 0;
      if (!f) continue;
      z += f.weight * v;
      contributions[j] = f.weight * (v - f.mean);
    }
    const { a, b } = model.calibration;
    const noShowProb = sigmoid(a * z + b);
    const factors = factorsFor(names, contributions, row, facts, i, Math.sign(a) || 1);
    out.push({ noShowProb, factors, reasons: factors.map(reasonText), fallback: false });
  }
  return out;
}

/** Why a prior model scores what it does; a model stored before codes keeps its text as `legacy_text`. */
export function priorFactor(model: RiskModel): RiskFactor {
  if (model.fallbackFactor) return model.fallbackFactor;
  return model.fallbackReason ? { code: "legacy_text", params: { text: model.fallbackReason } } : { code: "prior", params: { rate: rate(model.prior) } };
}

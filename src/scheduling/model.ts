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
 */
import { z } from "zod";
import { WEEKDAYS as WEEKDAY_KEYS, WEEK_SLOTS } from "../lib/time-zone";
import { auc, brier, logLoss } from "./evaluate";
import {
  computeFacts,
  designMatrix,
  factsAt,
  featureNames,
  fitAttrEncoding,
  orderBy,
  slotCounts,
  tenantRate,
} from "./features";
import type { FactTable, FrozenStats, RowFacts } from "./features";
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
  /** Why this is a prior model (pt-BR, shown to operators). */
  fallbackReason: z.string().optional(),
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

export interface RiskPrediction {
  noShowProb: number;
  /** Up to three, most important first, pt-BR. */
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
const SUBSAMPLE_ABOVE = 150_000;
const SUBSAMPLE_TARGET = 60_000;
/** Contributions below this (logit units) are not worth a reason. */
const REASON_MIN = 0.02;

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const pct = (p: number) => `${Math.round(p * 100)}%`;

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
      n === 0
        ? `Sem histórico com desfecho: usando a taxa padrão de faltas (${pct(prior)}).`
        : `Histórico insuficiente: ${n} atendimentos com desfecho (mínimo ${minRows}); usando a taxa média de faltas (${pct(prior)}).`,
    );
  }
  if (noShows === 0 || noShows === n) {
    return priorResult(
      timeZone,
      now,
      prior,
      stats,
      null,
      `Histórico sem ${noShows === 0 ? "faltas" : "comparecimentos"} (${n} atendimentos): não há o que aprender; usando a taxa média suavizada (${pct(prior)}).`,
    );
  }

  // Time order; ties by booking, then input order.
  const order = Array.from(
    orderBy(n, (i) => resolved[i]?.startsAt ?? 0, (i) => resolved[i]?.bookedAt ?? 0),
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
    return priorResult(timeZone, now, prior, stats, null, `O período de treino tem uma só classe (${calStart} atendimentos); usando a taxa média de faltas (${pct(prior)}).`);
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
  };

  if (evaluation.brier === null || evaluation.baseRateBrier === null || evaluation.brier >= evaluation.baseRateBrier) {
    return priorResult(
      timeZone,
      now,
      prior,
      stats,
      evaluation,
      `O modelo não superou a taxa base no período de teste (Brier ${fmt(evaluation.brier)} vs ${fmt(evaluation.baseRateBrier)}); usando a taxa média de faltas (${pct(prior)}).`,
    );
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

function priorResult(
  timeZone: string,
  now: number,
  prior: number,
  stats: FrozenStats,
  evaluation: RiskEvaluation | null,
  reason: string,
): TrainResult {
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
  };
  return { model, evaluation, fallback: true, reason };
}

function fmt(v: number | null): string {
  return v === null ? "—" : v.toFixed(4);
}

function sum(a: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] ?? 0;
  return s;
}

function columnMoments(x: Float32Array, d: number, from: number, to: number): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  const n = Math.max(1, to - from);
  for (let i = from; i < to; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = x[o + j] ?? 0;
      mean[j] = (mean[j] ?? 0) + v;
      sq[j] = (sq[j] ?? 0) + v * v;
    }
  }
  const sd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const m = (mean[j] ?? 0) / n;
    mean[j] = m;
    const v = (sq[j] ?? 0) / n - m * m;
    sd[j] = v > 1e-12 ? Math.sqrt(v) : 0;
  }
  return { mean, sd };
}

function linearPredictor(x: Float32Array, d: number, theta: Float64Array, from: number, to: number): Float64Array {
  const z = new Float64Array(to - from);
  const b = theta[0] ?? 0;
  for (let i = from; i < to; i++) {
    const o = i * d;
    let s = b;
    for (let j = 0; j < d; j++) s += (theta[j + 1] ?? 0) * (x[o + j] ?? 0);
    z[i - from] = s;
  }
  return z;
}

function mapSigmoid(z: Float64Array, a: number, b: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) p[i] = sigmoid(a * (z[i] ?? 0) + b);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Newton / IRLS

interface LogisticFit {
  /** [intercept, w_1 … w_d] in raw column units. */
  theta: Float64Array;
  iterations: number;
}

/**
 * Minimises Σ logloss + (λ/2) Σ (w_j sd_j)² over rows [from, to). A column with sd 0 is penalised
 * as if sd were 1, which pins its weight to 0 (it carries no information).
 */
function fitLogistic(
  x: Float32Array,
  y: Uint8Array,
  d: number,
  from: number,
  to: number,
  l2: number,
  sd: Float64Array,
): LogisticFit {
  const all = new Uint32Array(to - from);
  for (let i = 0; i < all.length; i++) all[i] = from + i;
  const penalty = new Float64Array(d + 1);
  for (let j = 0; j < d; j++) {
    const s = sd[j] ?? 0;
    penalty[j + 1] = s > 0 ? s * s : 1;
  }
  let theta: Float64Array = new Float64Array(d + 1);
  // Start at the base rate: the intercept's Newton steps then start close.
  const rate = (sum(y, from, to) + 0.5) / (to - from + 1);
  theta[0] = Math.log(rate / (1 - rate));

  let iterations = 0;
  if (all.length > SUBSAMPLE_ABOVE) {
    const stride = Math.ceil(all.length / SUBSAMPLE_TARGET);
    const sub = new Uint32Array(Math.ceil(all.length / stride));
    for (let k = 0; k < sub.length; k++) sub[k] = all[k * stride] ?? from;
    // Same prior per row: λ scales with the share of rows kept.
    const r = newton(x, y, d, sub, (l2 * sub.length) / all.length, penalty, theta, 30);
    theta = r.theta;
    iterations += r.iterations;
  }
  const r = newton(x, y, d, all, l2, penalty, theta, 30);
  return { theta: r.theta, iterations: iterations + r.iterations };
}

function newton(
  x: Float32Array,
  y: Uint8Array,
  d: number,
  rows: Uint32Array,
  l2: number,
  penalty: Float64Array,
  start: Float64Array,
  maxIterations: number,
): LogisticFit {
  const D = d + 1;
  let theta: Float64Array = Float64Array.from(start);
  const g = new Float64Array(D);
  const H = new Float64Array(D * D);
  const nzIdx = new Int32Array(D);
  const nzVal = new Float64Array(D);
  let iterations = 0;
  let loss = objective(x, y, d, rows, theta, l2, penalty);

  for (; iterations < maxIterations; iterations++) {
    g.fill(0);
    H.fill(0);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r] ?? 0;
      const o = i * d;
      nzIdx[0] = 0;
      nzVal[0] = 1;
      let nz = 1;
      let z = theta[0] ?? 0;
      for (let j = 0; j < d; j++) {
        const v = x[o + j] ?? 0;
        if (v !== 0) {
          nzIdx[nz] = j + 1;
          nzVal[nz] = v;
          nz++;
          z += (theta[j + 1] ?? 0) * v;
        }
      }
      const p = sigmoid(z);
      const e = p - (y[i] ?? 0);
      const w = p * (1 - p);
      for (let a = 0; a < nz; a++) {
        const ia = nzIdx[a] ?? 0;
        const va = nzVal[a] ?? 0;
        g[ia] = (g[ia] ?? 0) + e * va;
        const wa = w * va;
        const rowBase = ia * D;
        for (let b = a; b < nz; b++) {
          const k = rowBase + (nzIdx[b] ?? 0);
          H[k] = (H[k] ?? 0) + wa * (nzVal[b] ?? 0);
        }
      }
    }
    for (let j = 1; j < D; j++) {
      const pj = l2 * (penalty[j] ?? 1);
      g[j] = (g[j] ?? 0) + pj * (theta[j] ?? 0);
      H[j * D + j] = (H[j * D + j] ?? 0) + pj;
    }
    // nz indices ascend, so only the upper triangle (row ≤ column) was filled: mirror it.
    for (let a = 0; a < D; a++) for (let b = a + 1; b < D; b++) H[b * D + a] = H[a * D + b] ?? 0;
    const step = solveSpd(H, g, D);
    let decrement = 0;
    for (let j = 0; j < D; j++) decrement += (g[j] ?? 0) * (step[j] ?? 0);
    if (!(decrement > 1e-7)) break;

    let t = 1;
    let next = theta;
    let nextLoss = loss;
    for (let tries = 0; tries < 30; tries++) {
      next = new Float64Array(D);
      for (let j = 0; j < D; j++) next[j] = (theta[j] ?? 0) - t * (step[j] ?? 0);
      nextLoss = objective(x, y, d, rows, next, l2, penalty);
      if (nextLoss <= loss - 1e-4 * t * decrement) break;
      t /= 2;
    }
    if (!(nextLoss < loss)) break;
    theta = next;
    const gain = loss - nextLoss;
    loss = nextLoss;
    if (gain < 1e-9 * rows.length) {
      iterations++;
      break;
    }
  }
  return { theta, iterations };
}

function objective(
  x: Float32Array,
  y: Uint8Array,
  d: number,
  rows: Uint32Array,
  theta: Float64Array,
  l2: number,
  penalty: Float64Array,
): number {
  let s = 0;
  const b = theta[0] ?? 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] ?? 0;
    const o = i * d;
    let z = b;
    for (let j = 0; j < d; j++) z += (theta[j + 1] ?? 0) * (x[o + j] ?? 0);
    s += (y[i] ?? 0) === 1 ? softplus(-z) : softplus(z);
  }
  for (let j = 1; j < theta.length; j++) s += 0.5 * l2 * (penalty[j] ?? 1) * (theta[j] ?? 0) ** 2;
  return s;
}

/** Solves H s = g for a symmetric positive definite H (Cholesky; jitter if it isn't quite). */
function solveSpd(H: Float64Array, g: Float64Array, D: number): Float64Array {
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 : jitter * 100) {
    const L = new Float64Array(D * D);
    let ok = true;
    for (let i = 0; i < D && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = (H[i * D + j] ?? 0) + (i === j ? jitter * Math.max(1, H[i * D + i] ?? 0) : 0);
        for (let k = 0; k < j; k++) s -= (L[i * D + k] ?? 0) * (L[j * D + k] ?? 0);
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * D + i] = Math.sqrt(s);
        } else {
          L[i * D + j] = s / (L[j * D + j] ?? 1);
        }
      }
    }
    if (!ok) {
      if (jitter > 1) return new Float64Array(D);
      continue;
    }
    const u = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let s = g[i] ?? 0;
      for (let k = 0; k < i; k++) s -= (L[i * D + k] ?? 0) * (u[k] ?? 0);
      u[i] = s / (L[i * D + i] ?? 1);
    }
    const out = new Float64Array(D);
    for (let i = D - 1; i >= 0; i--) {
      let s = u[i] ?? 0;
      for (let k = i + 1; k < D; k++) s -= (L[k * D + i] ?? 0) * (out[k] ?? 0);
      out[i] = s / (L[i * D + i] ?? 1);
    }
    return out;
  }
}

/** Platt scaling: σ(a·z + b) by Newton on the two parameters (a tiny ridge keeps it finite). */
function fitPlatt(z: Float64Array, y: Uint8Array): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = 1e-3 * (a - 1);
    let gb = 0;
    let haa = 1e-3;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < z.length; i++) {
      const zi = z[i] ?? 0;
      const p = sigmoid(a * zi + b);
      const e = p - (y[i] ?? 0);
      const w = p * (1 - p);
      ga += e * zi;
      gb += e;
      haa += w * zi * zi;
      hab += w * zi;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
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
    const reason = model.fallbackReason ?? `Histórico insuficiente: usando a taxa média de faltas (${pct(model.prior)}).`;
    return rows.map(() => ({ noShowProb: model.prior, reasons: [reason], fallback: true }));
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
    out.push({ noShowProb, reasons: reasonsFor(names, contributions, row, facts, i, Math.sign(a) || 1), fallback: false });
  }
  return out;
}

const WEEKDAY_PT: Record<string, string> = {
  mon: "segunda",
  tue: "terça",
  wed: "quarta",
  thu: "quinta",
  fri: "sexta",
  sat: "sábado",
  sun: "domingo",
};

function familyOf(name: string): string {
  if (name.startsWith("attr_")) {
    const rest = name.slice(5);
    const cut = rest.search(/=|_missing$/);
    return `attr:${cut === -1 ? rest : rest.slice(0, cut)}`;
  }
  if (name === "lead_log_days" || name === "same_day") return "lead";
  if (name === "slot_logit") return "slot";
  if (name.startsWith("contact_")) return "contact";
  if (name.startsWith("reminder_")) return "reminder";
  if (name.startsWith("silence_")) return "silence";
  return name;
}

function reasonsFor(
  names: readonly string[],
  contributions: Float64Array,
  row: RiskInput,
  table: FactTable,
  i: number,
  sign: number,
): string[] {
  const byFamily = new Map<string, number>();
  names.forEach((n, j) => {
    const f = familyOf(n);
    byFamily.set(f, (byFamily.get(f) ?? 0) + sign * (contributions[j] ?? 0));
  });
  const facts = factsAt(table, i);
  return [...byFamily.entries()]
    .filter(([, c]) => c > REASON_MIN)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([family]) => describe(family, row, facts));
}

function describe(family: string, row: RiskInput, f: RowFacts): string {
  switch (family) {
    case "lead": {
      if (f.sameDay === 1) return "Marcado no mesmo dia";
      const days = f.leadHours / 24;
      return days < 2 ? `Marcado com ${Math.round(f.leadHours)} h de antecedência` : `Marcado com ${Math.round(days)} dias de antecedência`;
    }
    case "slot": {
      const wd = WEEKDAY_PT[WEEKDAY_KEYS[f.weekday] ?? "mon"] ?? "";
      return `Horário com mais faltas: ${wd} às ${f.hour}h (${pct(f.slotRate)} de faltas)`;
    }
    case "contact":
      if (f.contactResolved === 0) return "Primeiro atendimento do contato (sem histórico)";
      return `Faltou em ${f.contactNoShows} de ${f.contactResolved} atendimentos anteriores`;
    case "reminder":
      return row.reminderSent ? "Lembrete sem resposta" : "Lembrete não enviado";
    case "confirmed":
      return "Atendimento não confirmado";
    case "silence": {
      if (Number.isNaN(f.silenceDays)) return "Nenhuma mensagem do contato registrada";
      const d = Math.round(f.silenceDays);
      return d < 1 ? "Contato escreveu nas últimas horas" : `Contato sem escrever há ${d} ${d === 1 ? "dia" : "dias"}`;
    }
    default: {
      const name = family.slice(5);
      const v = row.attrs[name];
      return `Atributo ${name}: ${v === undefined || v === "" ? "não informado" : String(v)}`;
    }
  }
}

/**
 * The stored risk model as plain JSON (`RiskModel.parse` reads it back) and its evaluation.
 *
 * Version 2 (this code) adds the gradient-boosted trees (`kind: "gbdt"`, `gbdt`), isotonic
 * calibration, target-encoded attributes (`encoding.target`) and the candidates' validation figures.
 * Version-1 models (logistic or prior, stored before) still parse: they are read as version 2 with
 * no trees and no target encoding, and score exactly as before.
 */
import * as z from "../lib/zod";
import { WEEK_SLOTS } from "../lib/time-zone";

const Candidate = z.object({
  kind: z.enum(["logistic", "gbdt"]),
  /** Validation-slice figures of the uncalibrated candidate (null without both classes). */
  auc: z.number().nullable(),
  brier: z.number().nullable(),
  logLoss: z.number().nullable().optional(),
  /** Trees kept after early stopping (gbdt only). */
  trees: z.number().int().optional(),
});

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
  calibration: z.enum(["platt", "isotonic", "none"]),
  /** The candidate chosen on the validation slice (absent in version-1 models). */
  chosen: z.enum(["logistic", "gbdt"]).optional(),
  /** Every candidate fitted, with its validation figures (what the choice compared). */
  candidates: z.array(Candidate).optional(),
  /** Resolved appointments used (train + validation + holdout). */
  rows: z.number().int(),
  trainRows: z.number().int(),
  /** The validation slice (model choice, early stopping, calibration); "calibration" for history. */
  calibrationRows: z.number().int(),
  holdoutRows: z.number().int(),
  /** The holdout rows the figures were computed on, when a stride sample of holdoutRows (above 100k). */
  holdoutScored: z.number().int().optional(),
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

const Tree = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
});

const common = {
  timeZone: z.string(),
  trainedAt: z.number(),
  /** Smoothed tenant base rate: the whole answer of a prior model. */
  prior: z.number().min(0).max(1),
  /** The design's columns in order; `weight` is the logistic weight (0 for trees). */
  features: z.array(z.object({ name: z.string(), mean: z.number(), sd: z.number(), weight: z.number() })),
  intercept: z.number(),
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
};

const NumericAttr = z.object({ name: z.string(), mean: z.number(), sd: z.number(), hasMissing: z.boolean() });
const CategoricalAttr = z.object({ name: z.string(), levels: z.array(z.string()), hasOther: z.boolean() });
const TargetAttr = z.object({ name: z.string(), levels: z.array(z.string()), resolved: z.array(z.number()), noShows: z.array(z.number()) });

export const RiskModelV2 = z.object({
  version: z.literal(2),
  kind: z.enum(["logistic", "gbdt", "prior"]),
  ...common,
  /** The trees of a gbdt model (log-odds = base + Σ leaf values). */
  gbdt: z.object({ base: z.number(), trees: z.array(Tree) }).optional(),
  calibration: z.object({
    kind: z.enum(["platt", "isotonic", "none"]),
    a: z.number(),
    b: z.number(),
    x: z.array(z.number()).optional(),
    y: z.array(z.number()).optional(),
  }),
  encoding: z.object({ numeric: z.array(NumericAttr), categorical: z.array(CategoricalAttr), target: z.array(TargetAttr).optional() }),
});

/** What today's code stored before version 2. */
const RiskModelV1 = z.object({
  version: z.literal(1),
  kind: z.enum(["logistic", "prior"]),
  ...common,
  calibration: z.object({ kind: z.enum(["platt", "none"]), a: z.number(), b: z.number() }),
  encoding: z.object({ numeric: z.array(NumericAttr), categorical: z.array(CategoricalAttr) }),
});

/** The stored model: plain JSON, parse it back with `RiskModel.parse` (version 1 reads as 2). */
export const RiskModel = z.union([RiskModelV2, RiskModelV1.transform((m): z.infer<typeof RiskModelV2> => ({ ...m, version: 2 }))]);
export type RiskModel = z.infer<typeof RiskModelV2>;

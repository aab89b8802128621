/**
 * Serving a stored risk model (model-schema.ts): the probability of each upcoming appointment and
 * up to three reasons. The features are computed exactly as in training (features.ts, design.ts),
 * with the tenant-wide slot, tenant and level counts frozen in the model; only the scored contacts'
 * histories are read.
 *
 * Reasons: for the logistic model each column contributes w · (x − mean), against an average
 * appointment; for the trees, Saabas path contributions (gbdt.ts), against the trees' average.
 * Either way they are summed per family and the largest pushes upward become the reasons.
 */
import { calibrate } from "./calibration";
import { withTargets } from "./columns";
import { designMatrix, featureFamilies, featureNames } from "./design";
import { computeFacts } from "./features";
import { gbdtContributions, gbdtMargin } from "./gbdt";
import type { HistoryRow, RiskInput } from "./history";
import type { RiskModel } from "./model-schema";
import { factorsFor, reasonText, roundRate, type RiskFactor } from "./reasons";
import { frozenRates } from "./target-encoding";

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
  const trees = model.kind === "gbdt" ? model.gbdt : undefined;
  if (model.kind === "gbdt" && !trees) throw new Error("a gbdt risk model without trees");
  // The scored rows after the histories, in one set of columns (their own statuses never read).
  const { columns, targets } = withTargets(context.history, rows);
  const facts = computeFacts(columns, targets, { timeZone: model.timeZone, now: context.now, frozen: model.stats });
  const rates = frozenRates(columns, targets, model.encoding.target ?? [], model.stats.globalResolved, model.stats.globalNoShows);
  const x = designMatrix(columns, targets, facts, model.encoding, rates);
  const families = featureFamilies(model.encoding);
  // Platt with a negative slope would turn every push around; isotonic and identity keep the order.
  const sign = model.calibration.kind === "platt" ? Math.sign(model.calibration.a) || 1 : 1;
  const out: RiskPrediction[] = [];
  const contributions = new Float64Array(d);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row) continue;
    let z: number;
    if (trees) {
      gbdtContributions(trees, x, d, i, contributions);
      z = gbdtMargin(trees, x, d, i);
    } else {
      z = model.intercept;
      for (let j = 0; j < d; j++) {
        const f = model.features[j];
        const v = x[i * d + j] ?? 0;
        if (!f) continue;
        z += f.weight * v;
        contributions[j] = f.weight * (v - f.mean);
      }
    }
    const noShowProb = calibrate(model.calibration, z);
    const factors = factorsFor(families, contributions, row, facts, i, sign);
    out.push({ noShowProb, factors, reasons: factors.map(reasonText), fallback: false });
  }
  return out;
}

/** Why a prior model scores what it does; a model stored before codes keeps its text as `legacy_text`. */
export function priorFactor(model: RiskModel): RiskFactor {
  if (model.fallbackFactor) return model.fallbackFactor;
  return model.fallbackReason ? { code: "legacy_text", params: { text: model.fallbackReason } } : { code: "prior", params: { rate: roundRate(model.prior) } };
}

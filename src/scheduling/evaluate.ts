/** Scoring rules for probabilistic predictions of a binary outcome (1 = no-show). */
import { argsort } from "./sort";

/**
 * Area under the ROC curve (Mann–Whitney, ties counted half); null when one class is absent. One
 * typed radix sort of the scores, then one pass over the ranks.
 * @example auc([0.1, 0.9, 0.4], [0, 1, 0]) // 1
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length;
  const idx = argsort(scores);
  const sorted = new Float64Array(n);
  const positive = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const k = idx[r] ?? 0;
    sorted[r] = scores[k] ?? 0;
    positive[r] = (labels[k] ?? 0) === 1 ? 1 : 0;
  }
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    // A run of equal scores shares the average of its ranks (1-based).
    let j = i;
    const s = sorted[i] ?? 0;
    while (j + 1 < n && (sorted[j + 1] ?? 0) === s) j++;
    const avgRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (positive[k] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of probabilities against 0/1 outcomes (lower is better; 0.25 = a coin). */
export function brier(probs: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = probs.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = (probs[i] ?? 0) - (labels[i] ?? 0);
    s += e * e;
  }
  return s / n;
}

/** Mean negative log-likelihood (natural log), probabilities clipped to [1e-12, 1 − 1e-12]. */
export function logLoss(probs: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = probs.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, probs[i] ?? 0));
    s -= (labels[i] ?? 0) === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / n;
}

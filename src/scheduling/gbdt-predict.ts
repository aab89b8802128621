/**
 * Scoring with the trees of gbdt.ts (log-odds per row) and the Saabas path contributions the
 * reasons are made of. Thresholds are raw feature values: `x > threshold` goes right, anything else
 * (NaN included) left.
 */

/** One tree; node k is a leaf when feature[k] is −1. `feature` indexes the design matrix's columns. */
export interface GbdtTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbdtModel {
  /** Starting log-odds (the training rate). */
  base: number;
  trees: GbdtTree[];
}

/** The leaf value row i of x (n × d) lands in. */
export function treeValue(tree: GbdtTree, x: Float32Array, d: number, i: number): number {
  let k = 0;
  const o = i * d;
  for (let f = tree.feature[0] ?? -1; f >= 0; f = tree.feature[k] ?? -1) {
    k = (x[o + f] ?? Number.NaN) > (tree.threshold[k] ?? 0) ? (tree.right[k] ?? 0) : (tree.left[k] ?? 0);
  }
  return tree.value[k] ?? 0;
}

/** The model's log-odds for row i. */
export function gbdtMargin(model: GbdtModel, x: Float32Array, d: number, i: number): number {
  let z = model.base;
  for (const tree of model.trees) z += treeValue(tree, x, d, i);
  return z;
}

/** Log-odds of rows [from, to). */
export function gbdtMargins(model: GbdtModel, x: Float32Array, d: number, from: number, to: number): Float64Array {
  const z = new Float64Array(Math.max(0, to - from)).fill(model.base);
  for (const tree of model.trees) for (let i = from; i < to; i++) z[i - from] = (z[i - from] ?? 0) + treeValue(tree, x, d, i);
  return z;
}

/**
 * Saabas path contributions of row i: along each tree's path, the change of node value at each split
 * is credited to the split's column. `out` (length d) is overwritten; returns the bias (base + roots),
 * so bias + Σ out = the margin.
 */
export function gbdtContributions(model: GbdtModel, x: Float32Array, d: number, i: number, out: Float64Array): number {
  out.fill(0);
  let bias = model.base;
  const o = i * d;
  for (const tree of model.trees) {
    let k = 0;
    bias += tree.value[0] ?? 0;
    for (let f = tree.feature[0] ?? -1; f >= 0; f = tree.feature[k] ?? -1) {
      const next = (x[o + f] ?? Number.NaN) > (tree.threshold[k] ?? 0) ? (tree.right[k] ?? 0) : (tree.left[k] ?? 0);
      out[f] = (out[f] ?? 0) + (tree.value[next] ?? 0) - (tree.value[k] ?? 0);
      k = next;
    }
  }
  return bias;
}

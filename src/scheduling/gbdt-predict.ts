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

/** All trees' nodes in flat typed arrays (child indices global): one walk per row and tree, no objects. */
interface Forest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** Node k's children at 2k (left) and 2k + 1 (right): the walk indexes instead of branching. */
  children: Int32Array;
  value: Float64Array;
}

const forests = new WeakMap<GbdtModel, Forest>();

function forestOf(model: GbdtModel): Forest {
  const cached = forests.get(model);
  if (cached) return cached;
  const size = model.trees.reduce((s, t) => s + t.feature.length, 0);
  const f: Forest = {
    roots: new Int32Array(model.trees.length),
    feature: new Int32Array(size),
    threshold: new Float64Array(size),
    children: new Int32Array(2 * size),
    value: new Float64Array(size),
  };
  let offset = 0;
  model.trees.forEach((t, k) => {
    f.roots[k] = offset;
    for (let j = 0; j < t.feature.length; j++) {
      f.feature[offset + j] = t.feature[j] ?? -1;
      f.threshold[offset + j] = t.threshold[j] ?? 0;
      f.children[2 * (offset + j)] = offset + (t.left[j] ?? 0);
      f.children[2 * (offset + j) + 1] = offset + (t.right[j] ?? 0);
      f.value[offset + j] = t.value[j] ?? 0;
    }
    offset += t.feature.length;
  });
  forests.set(model, f);
  return f;
}

function marginOf(model: GbdtModel, f: Forest, x: Float32Array, o: number): number {
  let z = model.base;
  const { roots, feature, threshold, children, value } = f;
  for (let t = 0; t < roots.length; t++) {
    let k = roots[t] as number;
    for (let c = feature[k] as number; c >= 0; c = feature[k] as number) {
      // NaN compares false: missing values go left, as in training.
      k = children[2 * k + ((x[o + c] as number) > (threshold[k] as number) ? 1 : 0)] as number;
    }
    z += value[k] as number;
  }
  return z;
}

/** The model's log-odds for row i. */
export function gbdtMargin(model: GbdtModel, x: Float32Array, d: number, i: number): number {
  return marginOf(model, forestOf(model), x, i * d);
}

/** Log-odds of rows [from, to). */
export function gbdtMargins(model: GbdtModel, x: Float32Array, d: number, from: number, to: number): Float64Array {
  const f = forestOf(model);
  const z = new Float64Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) z[i - from] = marginOf(model, f, x, i * d);
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

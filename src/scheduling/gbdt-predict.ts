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

/**
 * All trees' nodes in flat typed arrays (child indices global): one walk per row and tree, no objects.
 * A leaf points to itself on both sides (column 0 against +∞ goes left), so every walk takes its
 * tree's depth in steps: no data-dependent loop exit to mispredict, and the trees' walks overlap.
 */
interface Forest {
  roots: Int32Array;
  depth: Int32Array;
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
    depth: new Int32Array(model.trees.length),
    feature: new Int32Array(size),
    threshold: new Float64Array(size),
    children: new Int32Array(2 * size),
    value: new Float64Array(size),
  };
  let offset = 0;
  model.trees.forEach((t, k) => {
    f.roots[k] = offset;
    f.depth[k] = depthOf(t, 0);
    for (let j = 0; j < t.feature.length; j++) {
      const leaf = (t.feature[j] ?? -1) < 0;
      f.feature[offset + j] = leaf ? 0 : (t.feature[j] ?? 0);
      f.threshold[offset + j] = leaf ? Number.POSITIVE_INFINITY : (t.threshold[j] ?? 0);
      f.children[2 * (offset + j)] = offset + (leaf ? j : (t.left[j] ?? 0));
      f.children[2 * (offset + j) + 1] = offset + (leaf ? j : (t.right[j] ?? 0));
      f.value[offset + j] = t.value[j] ?? 0;
    }
    offset += t.feature.length;
  });
  forests.set(model, f);
  return f;
}

/** Levels below node k (0 for a leaf). */
function depthOf(t: GbdtTree, k: number): number {
  if ((t.feature[k] ?? -1) < 0) return 0;
  return 1 + Math.max(depthOf(t, t.left[k] ?? 0), depthOf(t, t.right[k] ?? 0));
}

function marginOf(model: GbdtModel, f: Forest, x: Float32Array, o: number): number {
  let z = model.base;
  const { roots, depth, feature, threshold, children, value } = f;
  for (let t = 0; t < roots.length; t++) {
    let k = roots[t] as number;
    for (let s = depth[t] as number; s > 0; s--) {
      // NaN compares false: missing values go left, as in training.
      k = children[2 * k + ((x[o + (feature[k] as number)] as number) > (threshold[k] as number) ? 1 : 0)] as number;
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

/**
 * Histogram gradient-boosted trees for binary log-loss, on the same dense row-major Float32Array
 * design matrix as the logistic model (design.ts). No dependencies; deterministic for a seed.
 *
 * - bins: per used column, up to 63 value bins cut at quantiles of a sample of training rows (each
 *   distinct value its own bin when there are few), plus bin 0 for NaN; computed once.
 * - trees grow leaf-wise (the leaf with the best gain splits next) up to `maxLeaves`, at most
 *   `maxDepth` deep; a split needs `minChildWeight` of hessian on each side; leaf values are Newton
 *   steps −G / (H + λ) times the shrinkage. The smaller child's histogram is built, the larger one's is
 *   the parent's minus it (the subtraction trick).
 * - above `maxTreeRows` training rows a stride sample (spread over time) is binned and fitted; each
 *   tree then sees a seeded `subsample` of it. Early stopping on the validation rows' log-loss.
 * - the result is compact JSON: thresholds are raw feature values (`x <= t` goes left, NaN goes
 *   left), chosen as the shortest decimal between two neighbouring bins, and every node keeps its value
 *   so reasons can credit each split's change to its feature (Saabas path contributions).
 */

export interface GbdtOptions {
  maxTrees?: number;
  learningRate?: number;
  maxLeaves?: number;
  maxDepth?: number;
  /** Hessian sum each child needs (p(1 − p) per row: ~0.16 at a 20 % rate). */
  minChildWeight?: number;
  /** L2 on leaf values. */
  l2?: number;
  /** Share of the (sampled) training rows each tree sees. */
  subsample?: number;
  /** Training rows binned and fitted at most (a stride sample above). */
  maxTreeRows?: number;
  /** Trees without a better validation log-loss before stopping. */
  patience?: number;
  seed?: number;
}

export interface GbdtFit {
  model: GbdtModel;
  /** Validation log-loss after each tree (index 0 = the base alone). */
  validLoss: number[];
}

import type { GbdtModel, GbdtTree } from "./gbdt-predict";
import { binOf, MAX_VALUE_BINS, thresholdsOf } from "./gbdt-bins";
import { sigmoid } from "./logistic";

export { gbdtContributions, gbdtMargin, gbdtMargins, type GbdtModel, type GbdtTree } from "./gbdt-predict";

const BIN_STRIDE = MAX_VALUE_BINS + 1;
const BIN_SAMPLE = 20_000;
const MAX_STOP_ROWS = 10_000;

const round6 = (v: number) => Number(v.toPrecision(6));

function prng(seed: number): () => number {
  // The state lives in a typed array: a captured uint32 above 2^31 would be a fresh heap number per call.
  const state = Uint32Array.of(seed >>> 0);
  return () => {
    const a = ((state[0] as number) + 0x6d2b79f5) >>> 0;
    state[0] = a;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  gain: number;
  feature: number;
  bin: number;
  /** Σ grad and Σ hess left of the best split. */
  gl: number;
  hl: number;
}

const EMPTY = new Float64Array(0);

/**
 * Fits trees on rows [trainFrom, trainTo) of `x` (n × d), early-stopped on [validFrom, validTo),
 * using only the design columns in `columns`.
 */
export function fitGbdt(
  x: Float32Array,
  d: number,
  y: Uint8Array,
  train: { from: number; to: number },
  valid: { from: number; to: number },
  columns: readonly number[],
  options: GbdtOptions = {},
): GbdtFit {
  const maxTrees = options.maxTrees ?? 200;
  const lr = options.learningRate ?? 0.1;
  const maxLeaves = options.maxLeaves ?? 16;
  const maxDepth = options.maxDepth ?? 5;
  const mcw = options.minChildWeight ?? 5;
  const lambda = options.l2 ?? 1;
  const subsample = options.subsample ?? 0.5;
  const maxTreeRows = options.maxTreeRows ?? 100_000;
  const patience = options.patience ?? 10;
  const rnd = prng(options.seed ?? 1);

  // Training sample (stride, so every period is represented) and its bins.
  const total = Math.max(0, train.to - train.from);
  const stride = Math.max(1, Math.ceil(total / maxTreeRows));
  const n = Math.ceil(total / stride);
  const rows = new Uint32Array(n);
  for (let k = 0; k < n; k++) rows[k] = train.from + k * stride;
  const binRows = rows.filter((_, k) => k % Math.max(1, Math.ceil(n / BIN_SAMPLE)) === 0);
  const F = columns.length;
  const cuts = columns.map((c) => thresholdsOf(x, d, c, binRows));
  const nBins = Int32Array.from(cuts, (c) => c.length + 2);
  const bins = new Uint8Array(n * F);
  for (let k = 0; k < n; k++) {
    const o = (rows[k] ?? 0) * d;
    for (let f = 0; f < F; f++) bins[k * F + f] = binOf(x[o + (columns[f] ?? 0)] ?? Number.NaN, cuts[f] as Float64Array);
  }

  let positives = 0;
  for (let k = 0; k < n; k++) positives += y[rows[k] ?? 0] ?? 0;
  const rate = (positives + 0.5) / (n + 1);
  const base = round6(Math.log(rate / (1 - rate)));
  const margin = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  // Early stopping watches a stride sample of the validation rows (a few thousand say as much as all).
  const vStride = Math.max(1, Math.ceil((valid.to - valid.from) / MAX_STOP_ROWS));
  const vRows: number[] = [];
  for (let i = valid.from; i < valid.to; i += vStride) vRows.push(i);
  const nValid = vRows.length;
  const validMargin = new Float64Array(nValid).fill(base);
  const vy = Uint8Array.from(vRows, (i) => y[i] ?? 0);
  // Binned once like the training rows: a row's bin is ≤ a split's bin exactly when its value is ≤
  // the served threshold, so each tree's validation values come from the same walk as training's.
  const vBins = new Uint8Array(nValid * F);
  for (let k = 0; k < nValid; k++) {
    const o = (vRows[k] ?? 0) * d;
    for (let f = 0; f < F; f++) vBins[k * F + f] = binOf(x[o + (columns[f] ?? 0)] ?? Number.NaN, cuts[f] as Float64Array);
  }
  const validLoss = [logLossOf(validMargin, vy)];

  const trees: GbdtTree[] = [];
  let best = 0;
  const index = new Uint32Array(n);
  const scratch = new Uint32Array(n);
  const inBag = new Uint8Array(n);
  // Histograms are recycled from tree to tree (a tree needs up to ~2 × maxLeaves of them).
  const pool: Float64Array[] = [];
  for (let t = 0; t < maxTrees; t++) {
    // Only this tree's bag is indexed, partitioned and summed into histograms.
    let bagged = 0;
    for (let k = 0; k < n; k++) {
      if (subsample < 1 && rnd() >= subsample) continue;
      index[bagged++] = k;
      inBag[k] = 1;
      const p = sigmoid(margin[k] as number);
      grad[k] = p - (y[rows[k] as number] as number);
      hess[k] = Math.max(1e-6, p * (1 - p));
    }
    const tree = growTree({ bins, F, nBins, grad, hess, index, scratch, n: bagged, maxLeaves, maxDepth, mcw, lambda, lr, pool });
    if (tree.feature.length === 1) break; // no split is worth it any more
    // Every sampled row moves by its leaf: the bag's rows are already grouped by leaf, the others
    // find theirs on their bins.
    for (const leaf of tree.leaves) {
      const v = tree.value[leaf.node] as number;
      for (let k = leaf.start; k < leaf.end; k++) {
        const row = index[k] as number;
        margin[row] = (margin[row] as number) + v;
      }
    }
    for (let k = 0; k < n; k++) {
      if (inBag[k] === 0) margin[k] = (margin[k] as number) + (tree.value[leafOf(tree, bins, F, k)] as number);
      else inBag[k] = 0;
    }
    const out: GbdtTree = {
      feature: tree.feature.map((f) => (f < 0 ? -1 : (columns[f] ?? -1))),
      threshold: tree.feature.map((f, node) => (f < 0 ? 0 : ((cuts[f] as Float64Array)[(tree.bin[node] ?? 1) - 1] ?? 0))),
      left: tree.left,
      right: tree.right,
      value: tree.value,
    };
    for (let k = 0; k < nValid; k++) validMargin[k] = (validMargin[k] as number) + (tree.value[leafOf(tree, vBins, F, k)] as number);
    trees.push(out);
    validLoss.push(logLossOf(validMargin, vy));
    if ((validLoss[t + 1] ?? 0) < (validLoss[best] ?? 0) - 1e-7) best = t + 1;
    else if (nValid > 0 && t + 1 - best >= patience) break;
  }
  // Without validation rows there is nothing to stop on: keep every tree.
  const kept = nValid > 0 ? best : trees.length;
  return { model: { base, trees: trees.slice(0, kept) }, validLoss: validLoss.slice(0, kept + 1) };
}

function logLossOf(margin: Float64Array, y: Uint8Array): number {
  if (margin.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < margin.length; i++) {
    const z = margin[i] ?? 0;
    // log(1 + e^z) − y z, stable on both sides.
    s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (y[i] ?? 0) * z;
  }
  return s / margin.length;
}

interface GrowInput {
  bins: Uint8Array;
  F: number;
  nBins: Int32Array;
  grad: Float64Array;
  hess: Float64Array;
  /** The bagged rows, index[0, n). */
  index: Uint32Array;
  scratch: Uint32Array;
  n: number;
  maxLeaves: number;
  maxDepth: number;
  mcw: number;
  lambda: number;
  lr: number;
  /** Spare histograms (contents garbage): a histogram leaves the tree, it goes back here. */
  pool: Float64Array[];
}

/** A tree with local feature numbers and split bins (`bin`: left when a row's bin is ≤ it). */
interface LocalTree {
  feature: number[];
  bin: number[];
  left: number[];
  right: number[];
  value: number[];
  /** The final leaves: node, and the bagged rows index[start, end) that reached it. */
  leaves: { node: number; start: number; end: number }[];
}

/** The leaf row k of a binned sample (training or validation) lands in. */
function leafOf(tree: LocalTree, bins: Uint8Array, F: number, k: number): number {
  let node = 0;
  for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
    node = (bins[k * F + f] as number) <= (tree.bin[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return node;
}

function growTree(a: GrowInput): LocalTree {
  const tree: LocalTree = { feature: [], bin: [], left: [], right: [], value: [], leaves: [] };
  const addNode = (g: number, h: number) => {
    tree.feature.push(-1);
    tree.bin.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(round6((-g / (h + a.lambda)) * a.lr));
    return tree.feature.length - 1;
  };
  const rootHist = histogram(a, 0, a.n);
  let g = 0;
  let h = 0;
  for (let k = 0; k < a.n; k++) {
    const row = a.index[k] as number;
    g += a.grad[row] as number;
    h += a.hess[row] as number;
  }
  const open: Leaf[] = [withBestSplit(a, { node: addNode(g, h), start: 0, end: a.n, depth: 0, g, h, hist: rootHist, gain: 0, feature: -1, bin: 0, gl: 0, hl: 0 })];
  let leaves = 1;
  while (leaves < a.maxLeaves) {
    let pick = -1;
    for (let k = 0; k < open.length; k++) if ((open[k]?.gain ?? 0) > 0 && (pick < 0 || (open[k]?.gain ?? 0) > (open[pick]?.gain ?? 0))) pick = k;
    if (pick < 0) break;
    const leaf = open[pick] as Leaf;
    open.splice(pick, 1);
    // Stable partition of the leaf's rows: bin ≤ split → left.
    let l = leaf.start;
    let r = 0;
    for (let k = leaf.start; k < leaf.end; k++) {
      const row = a.index[k] as number;
      if ((a.bins[row * a.F + leaf.feature] as number) <= leaf.bin) a.index[l++] = row;
      else a.scratch[r++] = row;
    }
    a.index.set(a.scratch.subarray(0, r), l);
    const gl = leaf.gl;
    const hl = leaf.hl;
    const gr = leaf.g - gl;
    const hr = leaf.h - hl;
    const leftNode = addNode(gl, hl);
    const rightNode = addNode(gr, hr);
    tree.feature[leaf.node] = leaf.feature;
    tree.bin[leaf.node] = leaf.bin;
    tree.left[leaf.node] = leftNode;
    tree.right[leaf.node] = rightNode;
    const depth = leaf.depth + 1;
    // Histograms only for children that may still split (the last split's and the deepest need none).
    const more = leaves + 1 < a.maxLeaves && depth < a.maxDepth;
    const wantLeft = more && hl >= 2 * a.mcw;
    const wantRight = more && hr >= 2 * a.mcw;
    let leftHist: Float64Array = EMPTY;
    let rightHist: Float64Array = EMPTY;
    if (wantLeft || wantRight) {
      const leftSmaller = l - leaf.start <= leaf.end - l;
      const small = leftSmaller ? histogram(a, leaf.start, l) : histogram(a, l, leaf.end);
      const needLarge = leftSmaller ? wantRight : wantLeft;
      const large = leaf.hist;
      if (needLarge) for (let k = 0; k < large.length; k++) large[k] = (large[k] as number) - (small[k] as number);
      leftHist = leftSmaller ? small : needLarge ? large : EMPTY;
      rightHist = leftSmaller ? (needLarge ? large : EMPTY) : small;
      if (!needLarge) a.pool.push(large);
    } else if (leaf.hist !== EMPTY) a.pool.push(leaf.hist);
    const child = (node: number, start: number, end: number, g: number, h: number, hist: Float64Array, want: boolean): Leaf => {
      const c: Leaf = { node, start, end, depth, g, h, hist, gain: 0, feature: -1, bin: 0, gl: 0, hl: 0 };
      return want ? withBestSplit(a, c) : c;
    };
    open.push(child(leftNode, leaf.start, l, gl, hl, leftHist, wantLeft));
    open.push(child(rightNode, l, leaf.end, gr, hr, rightHist, wantRight));
    leaves++;
  }
  for (const leaf of open) {
    tree.leaves.push({ node: leaf.node, start: leaf.start, end: leaf.end });
    if (leaf.hist !== EMPTY) a.pool.push(leaf.hist);
  }
  return tree;
}

/** Per feature and bin: [Σ grad, Σ hess] of the (bagged) rows in index[from, to). The hot loop: no `??` (indices are in range). */
function histogram(a: GrowInput, from: number, to: number): Float64Array {
  const hist = a.pool.pop()?.fill(0) ?? new Float64Array(a.F * BIN_STRIDE * 2);
  const { bins, F, grad, hess, index } = a;
  for (let k = from; k < to; k++) {
    const row = index[k] as number;
    const gv = grad[row] as number;
    const hv = hess[row] as number;
    const o = row * F;
    for (let f = 0, base = 0; f < F; f++, base += BIN_STRIDE * 2) {
      const slot = base + 2 * (bins[o + f] as number);
      hist[slot] = (hist[slot] as number) + gv;
      hist[slot + 1] = (hist[slot + 1] as number) + hv;
    }
  }
  return hist;
}

function withBestSplit(a: GrowInput, leaf: Leaf): Leaf {
  if (leaf.depth >= a.maxDepth || leaf.h < 2 * a.mcw) return leaf;
  const parent = (leaf.g * leaf.g) / (leaf.h + a.lambda);
  for (let f = 0; f < a.F; f++) {
    const nb = a.nBins[f] ?? 0;
    let gl = 0;
    let hl = 0;
    // Bin 0 (NaN) always travels with the lowest values: split after bin b ≥ 1.
    for (let b = 0; b < nb - 1; b++) {
      const slot = (f * BIN_STRIDE + b) * 2;
      gl += leaf.hist[slot] ?? 0;
      hl += leaf.hist[slot + 1] ?? 0;
      if (b === 0 || hl < a.mcw) continue;
      const hr = leaf.h - hl;
      if (hr < a.mcw) break;
      const gr = leaf.g - gl;
      const gain = (gl * gl) / (hl + a.lambda) + (gr * gr) / (hr + a.lambda) - parent;
      if (gain > leaf.gain + 1e-12) {
        leaf.gain = gain;
        leaf.feature = f;
        leaf.bin = b;
        leaf.gl = gl;
        leaf.hl = hl;
      }
    }
  }
  return leaf;
}

/**
 * The numeric core of the risk model: L2-regularised logistic regression fitted by Newton's method
 * (IRLS) on a dense row-major Float32Array design matrix, and Platt scaling. No dependencies; the model
 * (model.ts) decides what the rows and columns are.
 */

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** Above this many training rows, a stride subsample of about SUBSAMPLE_TARGET is fitted first. */
const SUBSAMPLE_ABOVE = 150_000;
const SUBSAMPLE_TARGET = 60_000;

/** The number of 1s in a[from, to). */
export function sum(a: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] ?? 0;
  return s;
}

export function columnMoments(x: Float32Array, d: number, from: number, to: number): { mean: Float64Array; sd: Float64Array } {
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

export function linearPredictor(x: Float32Array, d: number, theta: Float64Array, from: number, to: number): Float64Array {
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

export function mapSigmoid(z: Float64Array, a: number, b: number): Float64Array {
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
export function fitLogistic(x: Float32Array, y: Uint8Array, d: number, from: number, to: number, l2: number, sd: Float64Array): LogisticFit {
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
    // The sample's optimum is close to the full one: one undamped Newton step over all rows finishes
    // the fit in a single pass (no objective passes for a line search) when the step is small.
    const finished = fullStep(x, y, d, all, l2, penalty, theta);
    if (finished) return { theta: finished, iterations: iterations + 1 };
  }
  const r = newton(x, y, d, all, l2, penalty, theta, 30);
  return { theta: r.theta, iterations: iterations + r.iterations };
}

/**
 * Above this Newton decrement per row (gᵀH⁻¹g / n, twice the predicted loss drop per row) the start
 * is not near enough to trust an undamped step: the damped iteration runs instead.
 */
const FULL_STEP_MAX_DECREMENT = 1e-3;

function fullStep(x: Float32Array, y: Uint8Array, d: number, rows: Uint32Array, l2: number, penalty: Float64Array, theta: Float64Array): Float64Array | null {
  const D = d + 1;
  const g = new Float64Array(D);
  const H = new Float64Array(D * D);
  accumulate(x, y, d, rows, theta, l2, penalty, g, H);
  const step = solveSpd(H, g, D);
  let decrement = 0;
  for (let j = 0; j < D; j++) decrement += (g[j] ?? 0) * (step[j] ?? 0);
  if (!(decrement >= 0 && decrement <= FULL_STEP_MAX_DECREMENT * rows.length)) return null;
  const next = new Float64Array(D);
  for (let j = 0; j < D; j++) next[j] = (theta[j] ?? 0) - (step[j] ?? 0);
  return next;
}

/** Gradient g and Hessian H (both zeroed first) of the penalised log-loss at theta over `rows`. */
function accumulate(x: Float32Array, y: Uint8Array, d: number, rows: Uint32Array, theta: Float64Array, l2: number, penalty: Float64Array, g: Float64Array, H: Float64Array): void {
  const D = d + 1;
  const nzIdx = new Int32Array(D);
  const nzVal = new Float64Array(D);
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
}

function newton(x: Float32Array, y: Uint8Array, d: number, rows: Uint32Array, l2: number, penalty: Float64Array, start: Float64Array, maxIterations: number): LogisticFit {
  const D = d + 1;
  let theta: Float64Array = Float64Array.from(start);
  const g = new Float64Array(D);
  const H = new Float64Array(D * D);
  let iterations = 0;
  let loss = objective(x, y, d, rows, theta, l2, penalty);

  for (; iterations < maxIterations; iterations++) {
    accumulate(x, y, d, rows, theta, l2, penalty, g, H);
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

function objective(x: Float32Array, y: Uint8Array, d: number, rows: Uint32Array, theta: Float64Array, l2: number, penalty: Float64Array): number {
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
export function fitPlatt(z: Float64Array, y: Uint8Array): { a: number; b: number } {
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

/**
 * Calibration of a model's log-odds on the validation slice: Platt's σ(a·z + b) or isotonic
 * regression (pool-adjacent-violators, served as a piecewise-linear map of the raw probability),
 * each kept only when it lowers the validation Brier score.
 *
 * Fitted and judged on the same rows, isotonic would always "help" (it can memorise the slice). So
 * the choice is cross-fitted: fit on the even rows and score the odd ones, then the other way round;
 * a method is kept when that Brier is at least 0.1 % below the raw one, and then refitted on the
 * whole slice.
 */
import { fitPlatt, sigmoid } from "./logistic";
import { argsort } from "./sort";

export interface Calibration {
  kind: "none" | "platt" | "isotonic";
  /** Platt's slope and offset (1, 0 otherwise). */
  a: number;
  b: number;
  /** Isotonic knots: raw probability → calibrated, ascending in both. */
  x?: number[];
  y?: number[];
}

export const IDENTITY: Calibration = { kind: "none", a: 1, b: 0 };
const MIN_PLATT_ROWS = 50;
const MIN_ISOTONIC_ROWS = 1000;
const round6 = (v: number) => Number(v.toPrecision(6));

/** The served probability for log-odds z. */
export function calibrate(c: Calibration, z: number): number {
  if (c.kind !== "isotonic") return sigmoid(c.a * z + c.b);
  return interpolate(c.x ?? [], c.y ?? [], sigmoid(z));
}

export function calibrateAll(c: Calibration, z: Float64Array): Float64Array {
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) p[i] = calibrate(c, z[i] ?? 0);
  return p;
}

function interpolate(xs: readonly number[], ys: readonly number[], p: number): number {
  const n = xs.length;
  if (n === 0) return p;
  if (p <= (xs[0] ?? 0)) return ys[0] ?? p;
  if (p >= (xs[n - 1] ?? 1)) return ys[n - 1] ?? p;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) <= p) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo] ?? 0;
  const x1 = xs[hi] ?? 1;
  const y0 = ys[lo] ?? 0;
  const y1 = ys[hi] ?? 1;
  return x1 > x0 ? y0 + ((y1 - y0) * (p - x0)) / (x1 - x0) : y0;
}

/** Isotonic regression of y on σ(z): knots at each pooled block's mean probability. */
export function fitIsotonic(z: Float64Array, y: Uint8Array): Calibration {
  const order = argsort(z); // ascending, ties in index order (a typed radix sort: no comparator calls)
  const px: number[] = [];
  const sy: number[] = [];
  const w: number[] = [];
  for (const i of order) {
    px.push(sigmoid(z[i] ?? 0));
    sy.push(y[i] ?? 0);
    w.push(1);
    // Pool while the last block's mean is not above the previous one's.
    while (w.length > 1) {
      const k = w.length - 1;
      if ((sy[k - 1] ?? 0) / (w[k - 1] ?? 1) < (sy[k] ?? 0) / (w[k] ?? 1)) break;
      sy[k - 1] = (sy[k - 1] ?? 0) + (sy[k] ?? 0);
      px[k - 1] = (px[k - 1] ?? 0) + (px[k] ?? 0);
      w[k - 1] = (w[k - 1] ?? 0) + (w[k] ?? 0);
      sy.pop();
      px.pop();
      w.pop();
    }
  }
  // px held sums of raw probabilities per block until here.
  const x = px.map((s, k) => round6(s / (w[k] ?? 1)));
  const yv = sy.map((s, k) => round6(s / (w[k] ?? 1)));
  return { kind: "isotonic", a: 1, b: 0, x, y: yv };
}

function fitPlattCalibration(z: Float64Array, y: Uint8Array): Calibration | null {
  const { a, b } = fitPlatt(z, y);
  return a > 0 ? { kind: "platt", a, b } : null;
}

function brierOf(c: Calibration, z: Float64Array, y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += (calibrate(c, z[i] ?? 0) - (y[i] ?? 0)) ** 2;
  return s / Math.max(1, z.length);
}

/** Brier of `method` fitted on one parity of the rows and scored on the other, both ways. */
function crossFitted(method: (z: Float64Array, y: Uint8Array) => Calibration | null, z: Float64Array, y: Uint8Array): number {
  let s = 0;
  for (const parity of [0, 1]) {
    const pick = (keep: number) => Array.from({ length: z.length }, (_, i) => i).filter((i) => i % 2 === keep);
    const fitRows = pick(parity);
    const testRows = pick(1 - parity);
    const c = method(
      Float64Array.from(fitRows, (i) => z[i] ?? 0),
      Uint8Array.from(fitRows, (i) => y[i] ?? 0),
    );
    if (!c) return Number.POSITIVE_INFINITY;
    s +=
      brierOf(
        c,
        Float64Array.from(testRows, (i) => z[i] ?? 0),
        Uint8Array.from(testRows, (i) => y[i] ?? 0),
      ) * testRows.length;
  }
  return s / Math.max(1, z.length);
}

/** The calibration to serve, chosen on the validation slice's log-odds and outcomes. */
export function chooseCalibration(z: Float64Array, y: Uint8Array): Calibration {
  if (z.length < MIN_PLATT_ROWS) return IDENTITY;
  const raw = brierOf(IDENTITY, z, y);
  let best: { brier: number; fit: (z: Float64Array, y: Uint8Array) => Calibration | null } | null = null;
  const options: ((z: Float64Array, y: Uint8Array) => Calibration | null)[] = [fitPlattCalibration];
  if (z.length >= MIN_ISOTONIC_ROWS) options.push(fitIsotonic);
  for (const fit of options) {
    const brier = crossFitted(fit, z, y);
    if (brier < raw * 0.999 && (!best || brier < best.brier)) best = { brier, fit };
  }
  return best?.fit(z, y) ?? IDENTITY;
}

/**
 * Stable index sorts of numeric keys for the million-row paths (features, AUC): an LSD radix sort over
 * the keys' IEEE-754 bits, 16 bits a pass, skipping the passes whose digit is the same for every key
 * (timestamps of one history share their top bits, so most sorts take 2–3 passes). A comparator sort
 * with closures spent ~1 s on 1M rows; this takes a few tens of ms.
 *
 * Order: ascending; -0 equals 0; NaN after +Infinity; equal keys keep their index order.
 */

const BUCKETS = 1 << 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Each key as two uint32 words [low, high] whose unsigned order is the keys' numeric order: flip the
 * sign bit of positives, every bit of negatives.
 */
function orderedWords(keys: ArrayLike<number>): Uint32Array {
  const n = keys.length;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = (keys[i] ?? 0) + 0; // -0 + 0 === +0
  const raw = new Uint32Array(f.buffer);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  const out = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const l = raw[2 * i + lo] ?? 0;
    const h = raw[2 * i + hi] ?? 0;
    if (h & 0x80000000) {
      out[2 * i] = ~l >>> 0;
      out[2 * i + 1] = ~h >>> 0;
    } else {
      out[2 * i] = l;
      out[2 * i + 1] = (h | 0x80000000) >>> 0;
    }
  }
  return out;
}

/** `order` (a permutation of 0..n-1) stably re-sorted by `keys`. */
function radixBy(order: Uint32Array, keys: ArrayLike<number>): Uint32Array {
  const n = order.length;
  const words = orderedWords(keys);
  // The words travel with the indices: each pass then reads its digits in sequence.
  let idx: Uint32Array = order;
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const i = idx[r] ?? 0;
    lo[r] = words[2 * i] ?? 0;
    hi[r] = words[2 * i + 1] ?? 0;
  }
  // All four digit histograms in one read.
  const counts = new Uint32Array(4 * BUCKETS);
  for (let r = 0; r < n; r++) {
    const l = lo[r] ?? 0;
    const h = hi[r] ?? 0;
    counts[l & 0xffff] = (counts[l & 0xffff] ?? 0) + 1;
    counts[BUCKETS + (l >>> 16)] = (counts[BUCKETS + (l >>> 16)] ?? 0) + 1;
    counts[2 * BUCKETS + (h & 0xffff)] = (counts[2 * BUCKETS + (h & 0xffff)] ?? 0) + 1;
    counts[3 * BUCKETS + (h >>> 16)] = (counts[3 * BUCKETS + (h >>> 16)] ?? 0) + 1;
  }
  let nextIdx: Uint32Array = new Uint32Array(n);
  let nextLo = new Uint32Array(n);
  let nextHi = new Uint32Array(n);
  const start = new Uint32Array(BUCKETS);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * BUCKETS;
    const shift = (pass & 1) * 16;
    const first = n > 0 ? (((pass < 2 ? lo[0] : hi[0]) ?? 0) >>> shift) & 0xffff : 0;
    if ((counts[base + first] ?? 0) === n) continue; // one digit value: the pass would change nothing
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) {
      start[b] = sum;
      sum += counts[base + b] ?? 0;
    }
    const digits = pass < 2 ? lo : hi;
    for (let r = 0; r < n; r++) {
      const dgt = ((digits[r] ?? 0) >>> shift) & 0xffff;
      const to = start[dgt] ?? 0;
      start[dgt] = to + 1;
      nextIdx[to] = idx[r] ?? 0;
      nextLo[to] = lo[r] ?? 0;
      nextHi[to] = hi[r] ?? 0;
    }
    [idx, nextIdx] = [nextIdx, idx];
    [lo, nextLo] = [nextLo, lo];
    [hi, nextHi] = [nextHi, hi];
  }
  return idx;
}

/**
 * Indices 0..n-1 ordered by `keys` ascending, then by `then` (if given), then by index.
 * @example argsort([3, 1, 2]) // Uint32Array [1, 2, 0]
 */
export function argsort(keys: ArrayLike<number>, then?: ArrayLike<number>): Uint32Array {
  const n = keys.length;
  let order: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  // LSD: the minor key first; the stable major pass keeps its order among equal major keys.
  if (then) order = radixBy(order, then);
  return radixBy(order, keys);
}

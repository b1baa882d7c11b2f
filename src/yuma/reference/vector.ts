import { I32F32, I64F64 } from './fixed.js';

/*
 * Dense-vector primitives of math.rs on I32F32 (or I64F64) raw bits. The chain's `inplace_*` functions mutate their
 * argument; these return a new array with the same contents the chain would leave behind, and never touch the input.
 */

/** `sum`: plain `Iterator::sum`, i.e. wrapping I32F32 addition. */
export function sum(xs: readonly bigint[]): bigint {
  return I32F32.sum(xs);
}

/** `is_zero`: whether the (wrapping) sum is exactly 0. */
export function isZero(xs: readonly bigint[]): boolean {
  return sum(xs) === 0n;
}

/** `inplace_normalize`: `x / Σx` with safe_div; unchanged when the sum is 0. */
export function normalize(xs: readonly bigint[]): bigint[] {
  const total = sum(xs);
  if (total === 0n) return xs.slice();
  return xs.map((x) => I32F32.safeDiv(x, total));
}

/**
 * Simulation-only winner-take-all (yuma-simulation's server-side mode; not a chain feature): I32F32 ONE / ties to each
 * maximum, 0 elsewhere; an all-zero vector is returned unchanged.
 */
export function winnerTakesAll(xs: readonly bigint[]): bigint[] {
  let max = 0n;
  for (const x of xs) if (x > max) max = x;
  if (max <= 0n) return xs.slice();
  const ties = BigInt(xs.filter((x) => x === max).length);
  const share = (1n << 32n) / ties;
  return xs.map((x) => (x === max ? share : 0n));
}

/** `inplace_normalize_using_sum`: `x / s` with safe_div; unchanged when s is 0. */
export function normalizeUsingSum(xs: readonly bigint[], total: bigint): bigint[] {
  if (total === 0n) return xs.slice();
  return xs.map((x) => I32F32.safeDiv(x, total));
}

/**
 * `inplace_normalize_64`: the I64F64 normalisation. The sum is a wrapping 128-bit fold; each quotient is
 * `(x << 64) / sum` truncated, and 0 when the sum is 0 or the quotient does not fit an i128 (safe_div).
 */
export function normalize64(xs: readonly bigint[]): bigint[] {
  const total = I64F64.sum(xs);
  if (total === 0n) return xs.slice();
  return xs.map((x) => I64F64.safeDiv(x, total));
}

/**
 * `inplace_mask_vector`: entries whose mask is true become 0. An empty mask changes nothing; a mask shorter than the
 * vector masks the entries it does not cover.
 */
export function maskVector(mask: readonly boolean[], xs: readonly bigint[]): bigint[] {
  if (mask.length === 0) return xs.slice();
  return xs.map((x, i) => ((mask[i] ?? true) ? 0n : x));
}

/** Indices stably sorted ascending by value (Rust's `sort_by_key`), so equal values keep their index order. */
function ascendingOrder(xs: readonly bigint[]): number[] {
  const order = xs.map((_, i) => i);
  // Array.prototype.sort is stable (ES2019).
  order.sort((a, b) => {
    const va = xs[a] ?? 0n;
    const vb = xs[b] ?? 0n;
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  return order;
}

/** `is_topk`: true for the k largest entries (all true when n < k); ties favour the higher index. */
export function isTopk(xs: readonly bigint[], k: number): boolean[] {
  const n = xs.length;
  const result = xs.map(() => true);
  if (n < k) return result;
  for (const idx of ascendingOrder(xs).slice(0, n - k)) result[idx] = false;
  return result;
}

/**
 * `is_topk_nonzero`: true for non-zero entries among the k largest. The indices are stably sorted ascending by value
 * and the first n−k are cleared, so among equal values the higher indices survive. With n < k only zeros are false.
 */
export function isTopkNonzero(xs: readonly bigint[], k: number): boolean[] {
  const n = xs.length;
  const result = xs.map((x) => x !== 0n);
  if (n < k) return result;
  for (const idx of ascendingOrder(xs).slice(0, n - k)) result[idx] = false;
  return result;
}

/** `vec_mul`: element-wise checked_mul over the common length; an overflowing product becomes 0. */
export function vecMul(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const len = Math.min(a.length, b.length);
  const out: bigint[] = [];
  for (let i = 0; i < len; i++) out.push(I32F32.checkedMul(a[i] as bigint, b[i] as bigint) ?? 0n);
  return out;
}

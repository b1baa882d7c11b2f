/*
 * numpy's float arithmetic, reproduced bit for bit. The SDK works on numpy arrays whose dtype decides the precision:
 * a float32 array is summed, divided and compared in float32. JavaScript numbers are float64, so every float32
 * operation is rounded with Math.fround. That single rounding is exact emulation: for +, −, × and ÷ of two float32
 * values, rounding the float64 result to float32 equals the float32 operation (float64 carries more than 2·24 + 2
 * bits, so the double rounding is innocuous).
 *
 * The dtype travels with the array type: Float32Array holds numpy float32, Float64Array numpy float64. `castFor`
 * turns that into the rounding the operations need (Math.fround, or nothing for float64).
 */

/** A numpy float vector: Float32Array for dtype float32, Float64Array for float64. */
export type FloatArray = Float32Array | Float64Array;

/** Rounds a float64 result to the array's dtype. */
export type Cast = (x: number) => number;

const identity: Cast = (x) => x;

/** Rounds to the nearest float32 (ties to even), as a numpy float32 operation or cast does. */
export const f32: Cast = Math.fround;

/** The rounding of an array's dtype: Math.fround for float32, none for float64. */
export function castFor(a: FloatArray): Cast {
  return a instanceof Float32Array ? f32 : identity;
}

/**
 * numpy's pairwise summation (`pairwise_sum` in numpy's loops_utils.h, used by `np.sum` / `add.reduce` on a
 * contiguous vector): below 8 values a plain loop; up to 128 values eight interleaved accumulators combined as
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) and then the tail added one by one; above 128 the range is split at
 * n/2 rounded down to a multiple of 8 and the halves summed recursively. Every addition rounds to the dtype.
 */
function pairwiseSum(a: FloatArray, start: number, n: number, cast: Cast): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = cast(res + (a[start + i] as number));
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j] as number;
    let i = 8;
    const body = n - (n % 8);
    for (; i < body; i += 8) {
      for (let j = 0; j < 8; j++) r[j] = cast((r[j] as number) + (a[start + i + j] as number));
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as unknown as [number, number, number, number, number, number, number, number];
    let res = cast(cast(cast(r0 + r1) + cast(r2 + r3)) + cast(cast(r4 + r5) + cast(r6 + r7)));
    for (; i < n; i++) res = cast(res + (a[start + i] as number));
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return cast(pairwiseSum(a, start, n2, cast) + pairwiseSum(a, start + n2, n - n2, cast));
}

/**
 * `a.sum()` as numpy computes it for a contiguous 1-D array in the array's dtype. The reduction starts from the
 * identity (±0) and adds one pairwise sum of the whole vector (a contiguous array of the reduced dtype needs no
 * buffering, so numpy hands the inner loop the whole length), which leaves the pairwise result unchanged.
 */
export function numpySum(a: FloatArray): number {
  return pairwiseSum(a, 0, a.length, castFor(a));
}

/** `np.cumsum(a)`: a sequential running sum (add.accumulate), rounded to the dtype at every step. */
export function numpyCumsum<T extends FloatArray>(a: T): T {
  const cast = castFor(a);
  const out = a.slice() as T;
  let acc = 0;
  for (let i = 0; i < a.length; i++) {
    acc = i === 0 ? (a[0] as number) : cast(acc + (a[i] as number));
    out[i] = acc;
  }
  return out;
}

/** `a.max()`: the largest element (NaN-free input assumed: the callers never hold NaN). */
export function numpyMax(a: FloatArray): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if ((a[i] as number) > m) m = a[i] as number;
  return m;
}

/** `np.sort(a)`: an ascending copy of the same dtype. */
export function numpySort<T extends FloatArray>(a: T): T {
  return a.slice().sort() as T;
}

import { castFor, numpyCumsum, numpyMax, numpySort, numpySum } from './float32.js';
import type { FloatArray } from './float32.js';

/*
 * The SDK's normalize_max_weight (validator-sdk-spec.md §2.2): scale x to sum 1 with no entry above `limit`, by
 * clipping the largest entries to a common cutoff ("water filling"). The result has the dtype of x.
 *
 * The dtypes follow numpy ≥ 2 (the SDK requires numpy ≥ 2.0.1, so NEP 50 promotion applies). For a float32 x:
 *   - sums, the normalised estimate values/sum, the cumulative sum and the final w/sum are float32 (array ops);
 *   - Python floats meeting float32 values (limit, epsilon) are "weak" and are cast to float32 first: the tests
 *     estimation.max() <= limit and ratio < limit compare in float32, and so does `+ epsilon`;
 *   - (n − i − 1)·estimation[i] is a Python int times a float32 scalar: float32;
 *   - the cutoff scale's numerator limit·cumsum[k−1] − epsilon is float32, its denominator 1 − limit·(n − k) is
 *     float64 (limit times a numpy int64 count), so the scale is float64, and so is cutoff = scale · values.sum();
 *   - weights > cutoff compares a float32 array with a float64 numpy scalar, which is not weak: float64 comparison;
 *   - weights[...] = cutoff stores the cutoff rounded to float32.
 * For a float64 x (the SDK's 1e-5 path) every one of these steps is float64 and the casts vanish.
 */

const EPSILON = 1e-7;

/** The SDK's normalize_max_weight: sum-normalise x with no entry above `limit`, in the dtype of x (numpy-exact). */
export function normalizeMaxWeight<T extends FloatArray>(x: T, limit: number): T {
  const cast = castFor(x);
  const n = x.length;
  const weights = x.slice() as T;
  const values = numpySort(x);

  if (numpySum(x) === 0 || n * limit <= 1) {
    // np.ones_like(x) / n: the dtype of x.
    return weights.fill(cast(1 / n)) as T;
  }

  const total = numpySum(values);
  const estimation = values.map((v) => cast(v / total)) as T;
  const limitD = cast(limit);
  if (numpyMax(estimation) <= limitD) {
    const sum = numpySum(weights);
    return weights.map((w) => cast(w / sum)) as T;
  }

  const cumsum = numpyCumsum(estimation);
  const eps = cast(EPSILON);
  // How many of the smallest values stay below the water level: value i is unclipped while it is below `limit`
  // as a share of the mass it would see if every larger value were clipped to it.
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const e = estimation[i] as number;
    const ifClippedHere = cast(cast(n - i - 1) * e);
    const ratio = cast(e / cast(cast(ifClippedHere + (cumsum[i] as number)) + eps));
    if (ratio < limitD) kept++;
  }
  // cumsum[kept − 1] with numpy's indexing: kept = 0 reads index −1, the last element.
  const below = cumsum[kept === 0 ? n - 1 : kept - 1] as number;
  const numerator = cast(cast(limitD * below) - eps);
  const denominator = 1 - limit * (n - kept);
  const cutoff = (numerator / denominator) * total;
  const clipped = cast(cutoff);
  for (let i = 0; i < n; i++) if ((weights[i] as number) > cutoff) weights[i] = clipped;

  const sum = numpySum(weights);
  return weights.map((w) => cast(w / sum)) as T;
}

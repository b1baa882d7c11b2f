import { InvalidInputError } from '../../errors/index.js';
import { castFor } from './float32.js';
import type { FloatArray } from './float32.js';

/*
 * np.quantile(a, q) with the default method 'linear' (Hyndman & Fan type 7), as numpy ≥ 2 computes it for a Python
 * float q (the SDK's case: `min([quantile, max_exclude])` is a Python float):
 *   - the virtual index v = (n − 1)·q is float64 (q becomes a float64 0-d array);
 *   - v ≥ n − 1 takes the last sorted value, v < 0 the first;
 *   - otherwise the two neighbours a = s[⌊v⌋], b = s[⌊v⌋ + 1] are interpolated with gamma t = v − ⌊v⌋. numpy passes
 *     t on as a Python float, which NEP 50 treats as "weak": it is cast to the array's dtype. For a float32 array
 *     every step is float32: d = b − a; t < 0.5 gives a + d·f32(t), t ≥ 0.5 gives b − d·f32(1 − t) (1 − t itself is
 *     computed in float64 first, since it is Python arithmetic).
 */

/** numpy's default (linear, type 7) quantile of the values at q in [0, 1], in the dtype of `values`. */
export function numpyQuantile(values: FloatArray | readonly number[], q: number): number {
  const arr: FloatArray = values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values);
  if (arr.length === 0) throw new InvalidInputError('values', 'cannot take the quantile of an empty array');
  if (!(q >= 0 && q <= 1)) throw new InvalidInputError('q', `expected a quantile in [0, 1], got ${q}`);
  const cast = castFor(arr);
  const s = arr.slice().sort();
  const n = s.length;
  const v = (n - 1) * q;
  if (v >= n - 1) return s[n - 1] as number;
  const lo = Math.floor(v);
  const t = v - lo;
  const a = s[lo] as number;
  const b = s[lo + 1] as number;
  const d = cast(b - a);
  // The weak Python float (t, or 1 − t computed in float64) is cast to the dtype before it meets the difference.
  return t >= 0.5 ? cast(b - cast(d * cast(1 - t))) : cast(a + cast(d * cast(t)));
}

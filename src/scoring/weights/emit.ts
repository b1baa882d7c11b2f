import { InvalidInputError } from '../../errors/index.js';
import type { EmittedWeights } from './types.js';

const U16_MAX = 65535;

/** Python's round() of a float to an int: nearest, ties to even (exact here: |x| ≤ 65535, far below 2^52). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/*
 * The SDK's convert_weights_and_uids_for_emit (validator-sdk-spec.md §2.3). The SDK first turns both arrays into
 * Python lists (`tolist()`), so all of this is float64: a float32 weight widens exactly, then w / max and · 65535
 * are float64 operations, as in JavaScript. The values are max-upscaled (the largest becomes 65535), not
 * sum-normalised, and uids whose value rounds to 0 are dropped.
 *
 * Where the SDK raises ValueError (a negative weight, a negative uid, different lengths, or an empty list, which
 * Python's min() refuses) this throws InvalidInputError naming the field. A non-finite weight, which the SDK only
 * trips over later (round() of NaN or infinity raises), is refused up front; so is a uid that is not an integer.
 */

/** The SDK's convert_weights_and_uids_for_emit: float weights to max-upscaled u16 values, zeros dropped. */
export function convertWeightsAndUidsForEmit(uids: ArrayLike<number>, weights: ArrayLike<number>): EmittedWeights {
  // The SDK's order of checks: weights, then uids, then the lengths.
  if (weights.length === 0) throw new InvalidInputError('weights', 'is empty: there is nothing to emit (the SDK raises on an empty list)');
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!Number.isFinite(w)) throw new InvalidInputError(`weights[${i}]`, `expected a finite number, got ${w}`);
    if (w < 0) throw new InvalidInputError(`weights[${i}]`, `is negative (${w}): a weight below 0 cannot exist on chain`);
  }
  if (uids.length === 0) throw new InvalidInputError('uids', 'is empty: there is nothing to emit (the SDK raises on an empty list)');
  for (let i = 0; i < uids.length; i++) {
    const u = uids[i] as number;
    if (!Number.isInteger(u)) throw new InvalidInputError(`uids[${i}]`, `expected an integer uid, got ${u}`);
    if (u < 0) throw new InvalidInputError(`uids[${i}]`, `is negative (${u}): a uid below 0 cannot exist on chain`);
  }
  if (uids.length !== weights.length) {
    throw new InvalidInputError('weights', `has ${weights.length} entries but uids has ${uids.length}: give one weight per uid`);
  }

  // sum == 0 ⇔ every weight is 0, since none is negative: the order of the SDK's sum does not matter.
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, weights[i] as number);
  if (max === 0) return { uids: [], values: [] };

  const out: EmittedWeights = { uids: [], values: [] };
  for (let i = 0; i < weights.length; i++) {
    const value = roundHalfEven(((weights[i] as number) / max) * U16_MAX);
    if (value !== 0) {
      out.uids.push(uids[i] as number);
      out.values.push(value);
    }
  }
  return out;
}

import { InvalidInputError } from '../../errors/index.js';
import { normalizeMaxWeight } from './normalize-max-weight.js';
import { numpyQuantile } from './quantile.js';
import type { ProcessedWeights } from './types.js';

/*
 * The SDK's process_weights (validator-sdk-spec.md §2.1), which process_weights_for_netuid calls with the subnet's
 * n, MinAllowedWeights and MaxWeightsLimit / 65535. Three outcomes, each with the dtype numpy gives it:
 *
 *  1. No positive weight, or n < minAllowedWeights: `np.ones(n, dtype=np.int64) / n` — int64 / int is true
 *     division, so float64 1/n for every uid 0..n−1.
 *  2. Fewer positive weights than minAllowedWeights: `np.ones(n, dtype=np.int64) * 1e-5` is int64 × Python float,
 *     so float64 1e-5 everywhere; `weights[idx] += non_zero_weights` adds the float32 scores into that float64
 *     array, and a float64 array plus a float32 array is float64 (each float32 widens exactly, one float64
 *     addition). normalize_max_weight then runs entirely in float64. The result covers uids 0..n−1.
 *     Note the SDK's indexing: `idx` are the POSITIONS of the positive weights in the input, and position i's
 *     score lands on uid i of the result. With the usual input (uids 0..n−1 in order) that is the same uid; with
 *     other uid orders the SDK moves the score to another uid, and this reproduces it.
 *  3. Otherwise the positive float32 weights, minus those below the exclude quantile (numpy's linear quantile, in
 *     float32), go through normalize_max_weight in float32.
 *
 * `weights.astype(np.float32)` comes first: every input weight is rounded to float32 before anything else, so the
 * "positive" test is the float32 one (1e-46 rounds to 0 and counts as zero).
 */

const FLOAT32_MAX = 3.4028234663852886e38;

function checkInteger(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new InvalidInputError(name, `expected an integer ≥ ${min}, got ${v}`);
}

/**
 * The SDK's process_weights: keep the positive weights (or fall back to uniform / 1e-5 floors), drop the lowest
 * quantile, and normalise with the max-weight limit. `excludeQuantile` is the SDK's exclude_quantile / 65535.
 */
export function processWeights(
  uids: ArrayLike<number>,
  weights: ArrayLike<number>,
  numNeurons: number,
  minAllowedWeights: number,
  maxWeightLimit = 1,
  excludeQuantile = 0,
): ProcessedWeights {
  checkInteger(numNeurons, 'numNeurons', 1);
  checkInteger(minAllowedWeights, 'minAllowedWeights', 0);
  if (!(maxWeightLimit > 0 && maxWeightLimit <= 1)) throw new InvalidInputError('maxWeightLimit', `expected a number in (0, 1], got ${maxWeightLimit}`);
  if (!(excludeQuantile >= 0 && excludeQuantile <= 1)) throw new InvalidInputError('excludeQuantile', `expected a number in [0, 1], got ${excludeQuantile}`);
  if (uids.length !== weights.length) {
    throw new InvalidInputError('weights', `has ${weights.length} entries but uids has ${uids.length}: give one weight per uid`);
  }
  for (let i = 0; i < uids.length; i++) {
    if (!Number.isInteger(uids[i])) throw new InvalidInputError(`uids[${i}]`, `expected an integer uid, got ${uids[i]}`);
  }

  // weights.astype(np.float32). A value beyond float32's range would become infinity, and the SDK's normalisation
  // would turn that into NaN and fail in round(): refused here, where the input can still be named.
  const w32 = new Float32Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (w > FLOAT32_MAX && Math.fround(w) === Infinity) {
      throw new InvalidInputError(`weights[${i}]`, `${w} is beyond float32's range (the SDK reads weights as float32)`);
    }
    w32[i] = w;
  }

  // NaN and negative weights fail `weights > 0`, as in numpy.
  const positions: number[] = [];
  for (let i = 0; i < w32.length; i++) if ((w32[i] as number) > 0) positions.push(i);
  const n = numNeurons;
  const arange = (): number[] => Array.from({ length: n }, (_, i) => i);

  if (positions.length === 0 || n < minAllowedWeights) {
    return { uids: arange(), weights: new Float64Array(n).fill(1 / n) };
  }

  if (positions.length < minAllowedWeights) {
    const floors = new Float64Array(n).fill(1e-5);
    for (const i of positions) {
      // The SDK indexes an n-long array by input position: a position ≥ n raises IndexError there.
      if (i >= n) throw new InvalidInputError(`weights[${i}]`, `the SDK places weights by position and position ${i} is beyond n = ${n}`);
      floors[i] = (floors[i] as number) + (w32[i] as number);
    }
    return { uids: arange(), weights: normalizeMaxWeight(floors, maxWeightLimit) };
  }

  const nonZero = Float32Array.from(positions, (i) => w32[i] as number);
  const nonZeroUids = positions.map((i) => uids[i] as number);
  // max_exclude and min([quantile, max_exclude]) are Python float arithmetic: float64.
  const maxExclude = Math.max(0, nonZero.length - minAllowedWeights) / nonZero.length;
  const q = Math.min(excludeQuantile, maxExclude);
  // np.quantile of a float32 array with a Python float q is a float32 scalar; `lowest <= weights` compares in float32.
  const lowest = numpyQuantile(nonZero, q);
  const keptUids: number[] = [];
  const kept: number[] = [];
  for (let k = 0; k < nonZero.length; k++) {
    if (lowest <= (nonZero[k] as number)) {
      keptUids.push(nonZeroUids[k] as number);
      kept.push(nonZero[k] as number);
    }
  }
  return { uids: keptUids, weights: normalizeMaxWeight(Float32Array.from(kept), maxWeightLimit) };
}

/** A subnet's weight hyperparameters in chain units, as `process_weights_for_netuid` reads them from the chain. */
export interface SubnetWeightParams {
  /** Neurons in the subnet (metagraph n). */
  n: number;
  /** MinAllowedWeights. */
  minAllowedWeights: number;
  /** MaxWeightsLimit, a u16 proportion (65535, the chain's default, means no limit). */
  maxWeightsLimit?: number;
}

/**
 * The SDK's process_weights_for_netuid: process_weights with the subnet's n, MinAllowedWeights and MaxWeightsLimit
 * (read as the SDK's u16_normalized_float, x / 65535), and `excludeQuantile` in the SDK's u16 units (0..65535).
 */
export function processWeightsForNetuid(uids: ArrayLike<number>, weights: ArrayLike<number>, subnet: SubnetWeightParams, excludeQuantile = 0): ProcessedWeights {
  const limit = subnet.maxWeightsLimit ?? 65535;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 65535)) throw new InvalidInputError('maxWeightsLimit', `expected a u16 in 1..65535, got ${limit}`);
  if (!(Number.isInteger(excludeQuantile) && excludeQuantile >= 0 && excludeQuantile <= 65535)) {
    throw new InvalidInputError('excludeQuantile', `expected a u16 in 0..65535 (the SDK's units), got ${excludeQuantile}`);
  }
  return processWeights(uids, weights, subnet.n, subnet.minAllowedWeights, limit / 65535, excludeQuantile / 65535);
}

import type { FloatArray } from './float32.js';

/**
 * One weight-processing request (contracts/weights-and-scores.md, `yumaval weights process`), in the SDK's floats:
 * the limit is MaxWeightsLimit / 65535 and the quantile the SDK's exclude_quantile / 65535.
 */
export interface WeightsInput {
  /** The uid each weight is for, in any order. */
  uids: ArrayLike<number>;
  /** The raw scores, one per uid; read as float32 as the SDK does (`weights.astype(np.float32)`). */
  weights: ArrayLike<number>;
  /** Neurons in the subnet (the metagraph's n). */
  n: number;
  /** The subnet's MinAllowedWeights. */
  minAllowedWeights: number;
  /** Largest share one uid may get, in (0, 1]; 1 (the chain's default u16::MAX) when omitted. */
  maxWeightLimit?: number;
  /** Share of the lowest non-zero weights to drop, in [0, 1]; 0 when omitted. */
  excludeQuantile?: number;
}

/** What process_weights returns: the uids and their normalised weights, in the dtype numpy gives them. */
export interface ProcessedWeights {
  uids: number[];
  /** Float32Array where the SDK's result is float32, Float64Array where it is float64 (the uniform and 1e-5 paths). */
  weights: FloatArray;
}

/** What convert_weights_and_uids_for_emit returns: what would be sent on-chain. */
export interface EmittedWeights {
  uids: number[];
  /** u16 values, max-upscaled (the largest is 65535), zeros dropped. */
  values: number[];
}

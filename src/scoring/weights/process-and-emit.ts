import { convertWeightsAndUidsForEmit } from './emit.js';
import { processWeights } from './process-weights.js';
import type { EmittedWeights, WeightsInput } from './types.js';

/**
 * process_weights then convert_weights_and_uids_for_emit, as a validator runs them before set_weights: the u16
 * uids and values that would go on-chain (contracts/weights-and-scores.md).
 */
export function processAndEmit(input: WeightsInput): EmittedWeights {
  const processed = processWeights(
    input.uids,
    input.weights,
    input.n,
    input.minAllowedWeights,
    input.maxWeightLimit ?? 1,
    input.excludeQuantile ?? 0,
  );
  return convertWeightsAndUidsForEmit(processed.uids, processed.weights);
}

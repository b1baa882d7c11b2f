import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors/index.js';
import { convertWeightsAndUidsForEmit, processWeights, processWeightsForNetuid } from '../../../src/scoring/weights/index.js';

// process_weights_for_netuid reads the subnet's hyperparameters in chain units; it is process_weights on them.
const scores = [0, 0.2, 0, 0.5, 0.3, 0, 0.01, 0];
const uids = scores.map((_, i) => i);

describe('processWeightsForNetuid', () => {
  it('with the chain default MaxWeightsLimit (65535) emits the spec vector for min_allowed 3', () => {
    const out = processWeightsForNetuid(uids, scores, { n: 8, minAllowedWeights: 3 });
    expect(convertWeightsAndUidsForEmit(out.uids, out.weights)).toEqual({ uids: [1, 3, 4, 6], values: [26214, 65535, 39321, 1311] });
  });

  it('reads MaxWeightsLimit and exclude_quantile as u16 proportions, as the SDK does', () => {
    const a = processWeightsForNetuid(uids, scores, { n: 8, minAllowedWeights: 2, maxWeightsLimit: 26214 }, 13107);
    const b = processWeights(uids, scores, 8, 2, 26214 / 65535, 13107 / 65535);
    expect(a.uids).toEqual(b.uids);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    // The quantile dropped the lowest positive score.
    expect(a.uids).not.toContain(6);
  });

  it('refuses values outside the chain\'s units', () => {
    expect(() => processWeightsForNetuid(uids, scores, { n: 8, minAllowedWeights: 1, maxWeightsLimit: 0.4 })).toThrow(InvalidInputError);
    expect(() => processWeightsForNetuid(uids, scores, { n: 8, minAllowedWeights: 1 }, 0.1)).toThrow(/u16 in 0\.\.65535/);
  });
});

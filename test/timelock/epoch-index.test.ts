import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochIndex as chainEpochIndex, revealWindow } from '../../src/chain/index.js';
import { epochIndex, firstRevealBlock } from '../../src/timelock/index.js';

/*
 * epochIndex has one home (src/timelock/epoch-index.ts): the chain client re-exports that same function, and the two
 * reveal computations built on it (commit-reveal v2's revealWindow, the timelocked commit's firstRevealBlock) agree.
 */

/** subtensor's get_epoch_index in u64 arithmetic, literally. */
const reference = (block: number, netuid: number, tempo: number): number => Number((BigInt(block) + BigInt(netuid) + 1n) / (BigInt(tempo) + 1n));

const args = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 100 }));

describe('epochIndex', () => {
  it('is one function, re-exported by src/chain', () => {
    expect(chainEpochIndex).toBe(epochIndex);
  });

  it('equals the chain\'s u64 formula, and both reveal computations built on it give the same first block', () => {
    fc.assert(
      fc.property(args, ([block, netuid, tempo, period]) => {
        expect(epochIndex(block, netuid, tempo)).toBe(reference(block, netuid, tempo));
        expect(firstRevealBlock(block, netuid, tempo, period)).toBe(revealWindow(block, netuid, tempo, period).first);
        return true;
      }),
      { seed: 0xe90c, numRuns: 3000 },
    );
  });
});

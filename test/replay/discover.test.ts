import { describe, expect, it } from 'vitest';
import { findEpochBlocks, formulaEpochBlocks } from '../../src/replay/index.js';
import type { ScheduleRead } from '../../src/replay/index.js';

/** A chain whose epochs ran at `epochs`: LastMechansimStepBlock at b is the last of them at or before b. */
function chain(epochs: number[], tempo = 7, itemFrom = 0): { read: (at: number) => Promise<ScheduleRead>; reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    read: (at) => {
      reads.push(at);
      if (at < itemFrom) return Promise.resolve({ lastStepBlock: null, tempo });
      const last = [...epochs].reverse().find((e) => e <= at) ?? 0;
      return Promise.resolve({ lastStepBlock: last, tempo });
    },
  };
}

describe('findEpochBlocks', () => {
  it('follows LastMechansimStepBlock back through the range: one read per epoch found, plus at most two', async () => {
    // Irregular gaps, as stored-state scheduling (deferred and pending epochs) makes them.
    const c = chain([5, 12, 20, 33, 47]);
    expect(await findEpochBlocks(c.read, 1, 1, 40)).toEqual([5, 12, 20, 33]);
    // The 0 at block 4 (no earlier epoch) costs one read at `from`, to tell it from an upgrade that added the item.
    expect(c.reads).toEqual([40, 32, 19, 11, 4, 1]);
    const d = chain([5, 12, 20, 33, 47]);
    expect(await findEpochBlocks(d.read, 1, 13, 30)).toEqual([20]);
    expect(d.reads).toEqual([30, 19]);
    expect(await findEpochBlocks(chain([5]).read, 1, 6, 30)).toEqual([]);
    expect(await findEpochBlocks(chain([]).read, 1, 1, 30)).toEqual([]);
    // The range's ends are inclusive.
    expect(await findEpochBlocks(chain([5, 12, 20]).read, 1, 5, 20)).toEqual([5, 12, 20]);
  });

  it('falls back to the tempo formula where the runtime has no such item', async () => {
    const c = chain([], 4, Infinity);
    // netuid 2, tempo 4: (b + 3) % 5 == 0.
    expect(await findEpochBlocks(c.read, 2, 1, 30)).toEqual([2, 7, 12, 17, 22, 27]);
    expect(c.reads).toEqual([30]);
    // An upgrade that added the item at block 15: the pointers above it, the formula below.
    const mixed = chain([17, 22, 27], 4, 15);
    expect(await findEpochBlocks(mixed.read, 2, 1, 30)).toEqual([2, 7, 12, 17, 22, 27]);
    // Pointers 30 → 27 → 22 → 17, then a 0 at 16; block 1 lacks the item; bisection over (1, 16] finds 15.
    expect(mixed.reads.slice(0, 5)).toEqual([30, 26, 21, 16, 1]);
    expect(mixed.reads.length).toBeLessThanOrEqual(5 + Math.ceil(Math.log2(16)));
  });

  it('never returns the genesis block, which runs no epoch', async () => {
    // netuid 4, tempo 4: (b + 5) % 5 == 0 holds at 0, 5 and 10; block 0 is not an epoch block.
    expect(formulaEpochBlocks(4, 4, 0, 10)).toEqual([0, 5, 10]);
    expect(await findEpochBlocks(chain([], 4, Infinity).read, 4, 0, 10)).toEqual([5, 10]);
  });

  it('never loops on a broken pointer', async () => {
    const read = (): Promise<ScheduleRead> => Promise.resolve({ lastStepBlock: 99, tempo: 3 });
    expect(await findEpochBlocks(read, 1, 1, 50)).toEqual([]);
  });
});

describe('formulaEpochBlocks', () => {
  it('is the devnet contract rule, checked block by block', () => {
    for (const [netuid, tempo] of [[1, 9], [2, 4], [7, 0], [3, 1]] as const) {
      const expected = Array.from({ length: 100 }, (_, b) => b).filter((b) => tempo !== 0 && (b + netuid + 1) % (tempo + 1) === 0 && b >= 10);
      expect(formulaEpochBlocks(netuid, tempo, 10, 99)).toEqual(expected);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { revealWindow } from '../../src/chain/index.js';
import { firstRevealBlock, revealRound, roundAt, QUICKNET_GENESIS_TIME } from '../../src/timelock/index.js';

/*
 * The reveal round against hand-worked cases of the SDK's formula (bittensor-drand generate_commit) and against the
 * commit-reveal v2 reveal window the chain client already uses (src/chain/weights/epoch.ts), which must agree on the
 * first reveal block.
 */

describe('firstRevealBlock', () => {
  it('the SDK\'s own test case: tempo 20, block 1000, netuid 1, 3 reveal epochs -> epoch 47, first block 1048', () => {
    // (1000 + 2) / 21 = 47; (47 + 3) * 21 - 2 = 1048
    expect(firstRevealBlock(1000, 1, 20, 3)).toBe(1048);
  });

  it('agrees with the commit-reveal v2 reveal window for every block, netuid, tempo and period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 1024 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 100 }), (block, netuid, tempo, period) => {
        expect(firstRevealBlock(block, netuid, tempo, period)).toBe(revealWindow(block, netuid, tempo, period).first);
      }),
      { numRuns: 200, seed: 21 },
    );
  });

  it('stored-state scheduling: LastEpochBlock + period * tempo', () => {
    expect(firstRevealBlock(5000, 1, 360, 1, { kind: 'stored', lastEpochBlock: 4900 })).toBe(5260);
    expect(firstRevealBlock(5000, 1, 360, 3, { kind: 'stored', lastEpochBlock: 4900 })).toBe(5980);
  });
});

describe('revealRound', () => {
  it('the SDK\'s arithmetic: target = first + 3, round = floor((now + blocks*12 - genesis) / 3)', () => {
    const now = QUICKNET_GENESIS_TIME + 3_000_000.5;
    const plan = revealRound({ block: 1000, netuid: 1, tempo: 20, revealPeriodEpochs: 3, nowSeconds: now });
    expect(plan.firstRevealBlock).toBe(1048);
    expect(plan.targetBlock).toBe(1051);
    // 51 blocks * 12 s = 612 s; (3_000_000.5 + 612) / 3 = 1_000_204.16...
    expect(plan.round).toBe(1_000_204n);
  });

  it('the round is at least 1 (a clock before genesis)', () => {
    expect(revealRound({ block: 0, netuid: 0, tempo: 10, revealPeriodEpochs: 0, nowSeconds: 0 }).round).toBe(1n);
  });

  it('a beacon of its own: genesis and period', () => {
    const plan = revealRound({ block: 10, netuid: 0, tempo: 9, revealPeriodEpochs: 1, nowSeconds: 1000, blockTimeSeconds: 3, genesisTime: 400, periodSeconds: 3 });
    // epoch (10+1)/10 = 1, first (1+1)*10 - 1 = 19, target 22, 12 blocks * 3 s = 36 s; (1036 - 400) / 3 = 212
    expect(plan.round).toBe(212n);
  });

  it('the round is after the round current at commit time (the pulse does not exist yet), and before the target\'s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 10 ** 8 }), (block, tempo, period, offset) => {
        const now = QUICKNET_GENESIS_TIME + offset;
        const plan = revealRound({ block, netuid: 1, tempo, revealPeriodEpochs: period, nowSeconds: now });
        expect(plan.round > roundAt(now)).toBe(true);
        expect(plan.round <= roundAt(now + (plan.targetBlock - block) * 12)).toBe(true);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('roundAt: round 1 at genesis, a new round every 3 s', () => {
    expect(roundAt(QUICKNET_GENESIS_TIME - 1)).toBe(0n);
    expect(roundAt(QUICKNET_GENESIS_TIME)).toBe(1n);
    expect(roundAt(QUICKNET_GENESIS_TIME + 2.9)).toBe(1n);
    expect(roundAt(QUICKNET_GENESIS_TIME + 3)).toBe(2n);
  });
});

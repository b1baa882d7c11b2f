// metagraphToEpochArrays: a synced metagraph in the typed-array form runs to the same epoch output, bit for bit, as
// the EpochInput that metagraphToEpochInput builds from it (same fields read, same defaults).
import { describe, expect, it } from 'vitest';
import { metagraphToEpochArrays, metagraphToEpochInput } from '../../src/chain/index.js';
import type { Hyperparams, Metagraph } from '../../src/chain/index.js';
import { isEpochArrays, runEpoch, syntheticSubnet } from '../../src/yuma/index.js';
import type { EpochMode } from '../../src/yuma/index.js';

/** A metagraph as a sync would return it, from a synthetic subnet (the fields the epoch does not read are blank). */
function metagraphOf(seed: number, over: Partial<Hyperparams>, commitReveal: boolean): Metagraph {
  const x = syntheticSubnet({ n: 300, validators: 40, weightsPerValidator: seed % 2 === 0 ? undefined : 90, seed, yuma3: over.yuma3 ?? false, liquidAlpha: over.liquidAlpha ?? false });
  const n = x.n;
  const hyperparams: Hyperparams = {
    netuid: 3, tempo: x.tempo ?? 360, kappa: 32767, weightsSetRateLimit: 100n, minAllowedWeights: 1, maxWeightsLimit: 65535,
    weightsVersionKey: 0n, commitRevealEnabled: commitReveal, revealPeriodEpochs: 1n, bondsMovingAverage: 900000n, bondsPenalty: 65535,
    liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982, yuma3: false, activityCutoff: 5000, maxAllowedValidators: x.maxAllowedValidators ?? 64,
    defaulted: ['yuma3'], ...over,
  };
  const blank = <T>(v: T): T[] => new Array<T>(n).fill(v);
  return {
    netuid: 3, block: x.block - 1, blockHash: `0x${'00'.repeat(32)}`, n, hotkeys: blank(''), coldkeys: blank(''),
    stake: x.stake.map((s) => BigInt(s)), axons: blank(null), validatorPermit: x.validatorPermit, lastUpdate: x.lastUpdate,
    blockAtRegistration: x.blockAtRegistration, active: blank(true), weights: x.weights, bonds: x.bonds, consensus: blank(0),
    incentive: blank(0), dividends: blank(0), validatorTrust: blank(0), emission: blank(0n), hyperparams, stakeSource: 'TotalHotkeyAlpha',
    stakeThreshold: 1000n, ownerHotkey: null, ownerUid: 5, lastMechanismStepBlock: x.block - (x.tempo ?? 360),
    // Commits by a few validators, some expired by the epoch's block.
    commitBlocks: Array.from({ length: n }, (_, i) => (commitReveal && i < 10 ? [x.block - 900 + 37 * i, x.block - 5] : [])),
  };
}

describe('metagraphToEpochArrays', () => {
  it('runs to the EpochInput path\'s output, bit for bit, in both modes (original, Yuma3, liquid alpha, commit-reveal)', () => {
    const cases: Array<[number, Partial<Hyperparams>, boolean]> = [
      [1, {}, false],
      [2, { yuma3: true, defaulted: [] }, false],
      [3, { yuma3: true, liquidAlpha: true, bondsPenalty: 32768, defaulted: [] }, true],
      [4, { kappa: 40000, bondsMovingAverage: 975000n }, true],
    ];
    for (const [seed, over, commitReveal] of cases) {
      const m = metagraphOf(seed, over, commitReveal);
      const arrays = metagraphToEpochArrays(m);
      expect(isEpochArrays(arrays)).toBe(true);
      const input = metagraphToEpochInput(m);
      if (commitReveal) expect(input.commitBlock?.some((b) => b !== null)).toBe(true);
      for (const mode of ['exact', 'f64'] as EpochMode[]) {
        const expected = JSON.stringify(runEpoch(input, { mode }));
        expect(JSON.stringify(runEpoch(arrays, { mode })) === expected, `seed ${seed} ${mode}`).toBe(true);
      }
    }
  });

  it('takes the epoch block as metagraphToEpochInput does', () => {
    const m = metagraphOf(5, {}, false);
    expect(BigInt(metagraphToEpochArrays(m).block)).toBe(BigInt(m.block + 1));
    expect(BigInt(metagraphToEpochArrays(m, { block: m.block + 7 }).block)).toBe(BigInt(m.block + 7));
  });
});

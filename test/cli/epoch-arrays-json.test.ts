// `metagraph --epoch-input` writes the EpochInput JSON from the typed-array form: byte for byte the text that
// JSON.stringify gives for metagraphToEpochInput's EpochInput (compact and indented), which `yumaval epoch` reads.
import { describe, expect, it } from 'vitest';
import { metagraphToEpochArrays, metagraphToEpochInput } from '../../src/chain/index.js';
import type { Metagraph } from '../../src/chain/index.js';
import { toJsonText } from '../../src/cli/chain-options.js';
import { epochArraysJson } from '../../src/cli/epoch-arrays-json.js';
import { pairsToCsr, withLazyRows } from '../../src/yuma/index.js';
import { syntheticSubnet } from '../../src/yuma/synthetic.js';

/** A metagraph as the sync returns it (CSR-backed rows), from a synthetic subnet; commit blocks when commit-reveal is on. */
function metagraph(n: number, seed: number, commitReveal: boolean, defaulted: string[]): Metagraph {
  const x = syntheticSubnet({ n, validators: Math.max(1, n >> 3), weightsPerValidator: seed % 2 === 0 ? undefined : Math.min(n, 9), seed, yuma3: true, liquidAlpha: false });
  const blank = <T>(v: T): T[] => new Array<T>(n).fill(v);
  const m: Metagraph = {
    netuid: 4, block: x.block - 1, blockHash: `0x${'22'.repeat(32)}`, n, hotkeys: blank(''), coldkeys: blank(''),
    stake: x.stake.map((s) => BigInt(s)), axons: blank(null), validatorPermit: x.validatorPermit, lastUpdate: x.lastUpdate,
    blockAtRegistration: x.blockAtRegistration, active: blank(true), weights: [], bonds: [], consensus: blank(0),
    incentive: blank(0), dividends: blank(0), validatorTrust: blank(0), emission: blank(0n),
    hyperparams: {
      netuid: 4, tempo: 99, kappa: 30000, weightsSetRateLimit: 100n, minAllowedWeights: 1, maxWeightsLimit: 65535, weightsVersionKey: 0n,
      commitRevealEnabled: commitReveal, revealPeriodEpochs: 1n, bondsMovingAverage: 975000n, bondsPenalty: 40000, liquidAlpha: false,
      alphaLow: 45875, alphaHigh: 58982, yuma3: true, activityCutoff: 5000, maxAllowedValidators: 8, defaulted,
    },
    stakeSource: 'TotalHotkeyAlpha', stakeThreshold: 123n, ownerHotkey: null, ownerUid: n > 3 ? 3 : null, lastMechanismStepBlock: x.block - 99,
    commitBlocks: Array.from({ length: n }, (_, i) => (commitReveal && i < 6 ? [x.block - 400 + 31 * i, x.block - 3] : [])),
  };
  return withLazyRows(m, { weights: pairsToCsr(x.weights), bonds: pairsToCsr(x.bonds) });
}

describe('epochArraysJson', () => {
  it('writes the text JSON.stringify gives for the same EpochInput, compact and indented', () => {
    const cases: Array<[number, number, boolean, string[]]> = [[40, 1, false, []], [64, 2, true, ['yuma3']], [1, 3, true, []], [0, 4, false, ['kappa', 'tempo']]];
    for (const [n, seed, commitReveal, defaulted] of cases) {
      for (const pretty of [false, true]) {
        const expected = toJsonText(metagraphToEpochInput(metagraph(n, seed, commitReveal, defaulted)), pretty);
        const got = epochArraysJson(metagraphToEpochArrays(metagraph(n, seed, commitReveal, defaulted)), pretty);
        expect(got === expected, `n=${n} seed=${seed} pretty=${pretty}`).toBe(true);
      }
    }
  });

  it('keeps a null commit block as null and a live one as its block', () => {
    const m = metagraph(40, 2, true, []);
    const input = JSON.parse(epochArraysJson(metagraphToEpochArrays(m), false)) as { commitBlock: Array<number | null> };
    expect(input.commitBlock.filter((b) => b !== null).length).toBeGreaterThan(0);
    expect(input.commitBlock.filter((b) => b === null).length).toBeGreaterThan(0);
  });
});

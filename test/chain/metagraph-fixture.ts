// A metagraph as syncMetagraph returns it (weights and bonds as lazy views of CSR arrays), built from a synthetic
// subnet; the fields the epoch does not read are blank. Shared by the tests of the typed-array paths.
import type { Hyperparams, Metagraph } from '../../src/chain/index.js';
import { pairsToCsr, withLazyRows } from '../../src/yuma/index.js';
import { syntheticSubnet } from '../../src/yuma/index.js';

export interface FixtureOptions {
  n: number;
  seed: number;
  /** Weights per validator (default: every uid). */
  weightsPerValidator?: number;
  commitReveal?: boolean;
  hyperparams?: Partial<Hyperparams>;
}

/** A synced-looking metagraph; with commit-reveal, the first validators hold commits, some expired by the next block. */
export function syntheticMetagraph(o: FixtureOptions): Metagraph {
  const { n, seed } = o;
  const x = syntheticSubnet({ n, validators: Math.max(1, n >> 3), weightsPerValidator: o.weightsPerValidator, seed, yuma3: true, liquidAlpha: false });
  const blank = <T>(v: T): T[] => new Array<T>(n).fill(v);
  const commitReveal = o.commitReveal ?? false;
  const m: Metagraph = {
    netuid: 4, block: x.block - 1, blockHash: `0x${'22'.repeat(32)}`, n, hotkeys: blank(''), coldkeys: blank(''),
    stake: x.stake.map((s) => BigInt(s)), axons: blank(null), validatorPermit: x.validatorPermit, lastUpdate: x.lastUpdate,
    blockAtRegistration: x.blockAtRegistration, active: blank(true), weights: [], bonds: [], consensus: blank(0),
    incentive: blank(0), dividends: blank(0), validatorTrust: blank(0), emission: blank(0n),
    hyperparams: {
      netuid: 4, tempo: 99, kappa: 30000, weightsSetRateLimit: 100n, minAllowedWeights: 1, maxWeightsLimit: 65535, weightsVersionKey: 0n,
      commitRevealEnabled: commitReveal, revealPeriodEpochs: 1n, bondsMovingAverage: 975000n, bondsPenalty: 40000, liquidAlpha: false,
      alphaLow: 45875, alphaHigh: 58982, yuma3: true, activityCutoff: 5000, maxAllowedValidators: 8, defaulted: [], ...o.hyperparams,
    },
    stakeSource: 'TotalHotkeyAlpha', stakeThreshold: 123n, ownerHotkey: null, ownerUid: n > 3 ? 3 : null, lastMechanismStepBlock: x.block - 99,
    commitBlocks: Array.from({ length: n }, (_, i) => (commitReveal && i < 6 ? [x.block - 400 + 31 * i, x.block - 3] : [])),
  };
  return withLazyRows(m, { weights: pairsToCsr(x.weights), bonds: pairsToCsr(x.bonds) });
}

import { InvalidOptionError } from '../errors/index.js';
import { csrToPairs, lazyRowsCsr, pairsToCsr } from '../yuma/index.js';
import type { EpochArrays, EpochInput } from '../yuma/index.js';
import type { Metagraph } from './types.js';
import { epochIndex } from './weights/epoch.js';

/*
 * A synced metagraph in the epoch contract's format (contracts/epoch-io.md), so any synced block can be replayed with
 * `yumaval epoch`. The chain runs a subnet's epoch in on_initialize of block B, on the state left by block B − 1, with
 * B as the current block: a metagraph synced at block b is therefore the input of the epoch of block b + 1 (the
 * default), which is exactly what the devnet's epochInputAt(state, b + 1, netuid) builds.
 */

/** Options of `metagraphToEpochInput`. */
export interface EpochInputOptions {
  /** The block the epoch runs in; default: the metagraph's block + 1 (the next block runs on this state). */
  block?: number;
}

/**
 * The EpochInput of the epoch that runs on a synced state.
 *
 * Read from the chain: n, stake (as the metagraph read it: TotalHotkeyAlpha of each uid's hotkey at spec 233),
 * lastUpdate, blockAtRegistration, validatorPermit, weights, bonds, tempo, activityCutoff (ActivityCutoff, in blocks),
 * stakeThreshold, ownerUid (SubnetOwnerHotkey), maxAllowedValidators, kappa, bondsPenalty, bondsMovingAverage,
 * liquidAlpha, alphaLow/alphaHigh, lastMechanismStepBlock, commitRevealEnabled, and commitBlock (per uid, the earliest
 * stored commit not yet expired at the epoch's block).
 *
 * Not readable from a spec-233 chain, so left out and given the contract's defaults: `yuma3` (false; there is no
 * Yuma3On item at spec 233 — a runtime that has it is read, and its value is passed), `alphaSigmoidSteepness` (1000),
 * `activityCutoffFactorMilli` (13889; unused while activityCutoff is read), and `raoEmission` (1 000 000 000 rao; the
 * chain derives the real amount from block emission and pool prices, which only scales `emission`, not the u16
 * outputs). Hyperparameters in the metagraph's `defaulted` list are left out the same way.
 * @param m a synced metagraph
 * @param options `block`: the block the epoch runs in (default m.block + 1)
 */
export function metagraphToEpochInput(m: Metagraph, options: EpochInputOptions = {}): EpochInput {
  // Fresh rows: from the sync's arrays when the metagraph's rows were never built, else a copy of them.
  const rows = (key: 'weights' | 'bonds'): Metagraph['weights'] => {
    const csr = lazyRowsCsr(m, key);
    return csr !== undefined ? csrToPairs(csr) : m[key].map((row) => row.map(([u, w]): [number, number] => [u, w]));
  };
  return epochInput(m, options, rows('weights'), rows('bonds'));
}

/** The EpochInput of a metagraph, with the weights and bonds given (metagraphToEpochInput's reading of every other field). */
function epochInput(m: Metagraph, options: EpochInputOptions, weights: EpochInput['weights'], bonds: EpochInput['bonds']): EpochInput {
  const block = options.block ?? m.block + 1;
  if (!(Number.isSafeInteger(block) && block >= 0)) throw new InvalidOptionError('block', `expected an integer block >= 0, got ${block}`);
  const h = m.hyperparams;
  const read = (field: string): boolean => !h.defaulted.includes(field);
  const input: EpochInput = {
    n: m.n,
    block,
    stake: m.stake.map((s) => s.toString()),
    lastUpdate: [...m.lastUpdate],
    blockAtRegistration: [...m.blockAtRegistration],
    validatorPermit: [...m.validatorPermit],
    weights,
    bonds,
    stakeThreshold: m.stakeThreshold.toString(),
    ownerUid: m.ownerUid,
    lastMechanismStepBlock: m.lastMechanismStepBlock,
  };
  if (read('tempo')) input.tempo = h.tempo;
  if (read('activityCutoff')) input.activityCutoff = h.activityCutoff;
  if (read('maxAllowedValidators')) input.maxAllowedValidators = h.maxAllowedValidators;
  if (read('kappa')) input.kappa = h.kappa;
  if (read('bondsPenalty')) input.bondsPenalty = h.bondsPenalty;
  if (read('bondsMovingAverage')) input.bondsMovingAverage = Number(h.bondsMovingAverage);
  if (read('yuma3')) input.yuma3 = h.yuma3;
  if (read('liquidAlpha')) input.liquidAlpha = h.liquidAlpha;
  if (read('alphaLow')) { input.alphaLow = h.alphaLow; input.alphaHigh = h.alphaHigh; }
  if (read('commitRevealEnabled')) input.commitRevealEnabled = h.commitRevealEnabled;
  if (h.commitRevealEnabled) {
    // A commit of epoch e can be revealed up to epoch e + RevealPeriodEpochs; past that it has expired.
    const current = epochIndex(block, m.netuid, h.tempo);
    input.commitBlock = m.commitBlocks.map((blocks) => blocks.find((b) => current <= epochIndex(b, m.netuid, h.tempo) + Number(h.revealPeriodEpochs)) ?? null);
  }
  return input;
}

/**
 * The epoch input of `metagraphToEpochInput` in the typed-array form that `runEpoch` takes at replay speed: weights
 * and bonds in CSR form and the per-uid vectors in typed arrays, without a copy of every `[uid, u16]` pair. The same
 * fields are read and defaulted, so the epoch's output is the same to the bit.
 * @param m a synced metagraph
 * @param options `block`: the block the epoch runs in (default m.block + 1)
 */
export function metagraphToEpochArrays(m: Metagraph, options: EpochInputOptions = {}): EpochArrays {
  // The scalars (and commit blocks) as metagraphToEpochInput reads them, without its copies of the matrices.
  const { stake: _s, lastUpdate: _l, blockAtRegistration: _r, validatorPermit: _p, weights: _w, bonds: _b, commitBlock, ...scalars } =
    epochInput(m, options, [], []);
  return {
    ...scalars,
    stake: BigUint64Array.from(m.stake),
    lastUpdate: BigUint64Array.from(m.lastUpdate, (b) => BigInt(b)),
    blockAtRegistration: BigUint64Array.from(m.blockAtRegistration, (b) => BigInt(b)),
    validatorPermit: Uint8Array.from(m.validatorPermit, (p) => (p ? 1 : 0)),
    // The sync's own CSR arrays when the rows were never built (withLazyRows); else the rows as they now are.
    weights: lazyRowsCsr(m, 'weights') ?? pairsToCsr(m.weights),
    bonds: lazyRowsCsr(m, 'bonds') ?? pairsToCsr(m.bonds),
    commitBlock: commitBlock === undefined ? null : BigUint64Array.from(commitBlock, (b) => (b === null ? (1n << 64n) - 1n : BigInt(b))),
  };
}

import type { EpochInput, EpochOutput, NormalizedEpochInput } from '../yuma/index.js';

/*
 * A simulated epoch as one line of the replay archive's JSON Lines interchange (docs/replay.md): `input` is the
 * contract's EpochInput the engine ran, `output` the fields a chain stores. A simulation has no chain and no keys, so
 * the line has no genesis (read back as "unknown"), netuid 0, and empty hotkeys and coldkeys. `yumaval simulate --out`
 * writes these, one file per variant, so that `yumaval audit --history` can run on planted behaviour.
 */

/** The contract's EpochInput of a normalized input (u64 quantities as decimal strings, defaults written out). */
export function epochInputOf(x: NormalizedEpochInput): EpochInput {
  const input: EpochInput = {
    n: x.n,
    block: Number(x.block),
    stake: x.stake.map(String),
    lastUpdate: x.lastUpdate.map(Number),
    blockAtRegistration: x.blockAtRegistration.map(Number),
    validatorPermit: [...x.validatorPermit],
    weights: x.weights.map((r) => r.map(([u, v]): [number, number] => [u, v])),
    bonds: x.bonds.map((r) => r.map(([u, v]): [number, number] => [u, v])),
    tempo: x.tempo,
    activityCutoffFactorMilli: Number(x.activityCutoffFactorMilli),
    stakeThreshold: x.stakeThreshold.toString(),
    ownerUid: x.ownerUid,
    maxAllowedValidators: x.maxAllowedValidators,
    kappa: x.kappa,
    bondsPenalty: x.bondsPenalty,
    bondsMovingAverage: x.bondsMovingAverage,
    yuma3: x.yuma3,
    liquidAlpha: x.liquidAlpha,
    alphaLow: x.alphaLow,
    alphaHigh: x.alphaHigh,
    alphaSigmoidSteepness: x.alphaSigmoidSteepness,
    lastMechanismStepBlock: Number(x.lastMechanismStepBlock),
    commitRevealEnabled: x.commitRevealEnabled,
    commitBlock: x.commitBlock.map((b) => (b === null ? null : Number(b))),
    raoEmission: x.raoEmission.toString(),
  };
  if (x.activityCutoff !== null) input.activityCutoff = Number(x.activityCutoff);
  if (x.winnerTakesAll) input.winnerTakesAll = true;
  return input;
}

/** One JSON Lines line (no newline) of a simulated epoch: its input and the fields the chain would store. */
export function historyLine(input: NormalizedEpochInput, output: EpochOutput): string {
  const n = input.n;
  const stored = {
    active: output.active, validatorPermit: output.validatorPermit, consensus: output.consensus, incentive: output.incentive,
    dividends: output.dividends, validatorTrust: output.validatorTrust, stakeWeight: output.stakeWeight, emission: output.emission, bonds: output.bonds,
  };
  const keys = new Array<string>(n).fill('');
  return JSON.stringify({ netuid: 0, block: Number(input.block), input: epochInputOf(input), output: stored, hotkeys: keys, coldkeys: keys });
}

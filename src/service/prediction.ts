import { metagraphToEpochInput, type Metagraph } from '../chain/index.js';
import { maxUpscaleU16 } from '../simulation/index.js';
import { runEpoch } from '../yuma/index.js';
import { nextEpochBlock } from './cadence.js';

/*
 * The validator's own next epoch, before it submits: the exact Yuma epoch (src/yuma, bit for bit with the chain) on the
 * synced metagraph with the validator's new row in place, stored as the chain would store it (max-upscaled) and its
 * LastUpdate at the block the call is expected in. The output's validator trust and dividends of the validator, and
 * every uid's incentive, are what the chain will store at that epoch if nobody else changes anything first.
 */

/** What the next epoch is predicted to store. */
export interface EpochPrediction {
  /** The block the predicted epoch runs in. */
  epochBlock: number;
  /** The validator's ValidatorTrust and Dividends (u16). */
  vtrust: number;
  dividends: number;
  /** Every uid's Incentive (u16). */
  incentive: number[];
}

/**
 * Predicts the next epoch with the validator's row replaced.
 * @param m the synced metagraph (the state the epoch will run on, but for the new row)
 * @param selfUid the validator's uid
 * @param landingBlock the block the weights are expected to land in (their LastUpdate)
 */
export function predictEpoch(m: Metagraph, selfUid: number, uids: readonly number[], values: readonly number[], landingBlock: number): EpochPrediction {
  const epochBlock = nextEpochBlock(landingBlock - 1, m.netuid, m.hyperparams.tempo);
  const input = metagraphToEpochInput(m, { block: epochBlock });
  const stored = maxUpscaleU16(values);
  const row: Array<[number, number]> = uids.map((u, i) => [u, stored[i] as number]);
  input.weights = input.weights.map((r, uid) => (uid === selfUid ? row : r));
  input.lastUpdate = input.lastUpdate.map((b, uid) => (uid === selfUid ? landingBlock : b));
  const out = runEpoch(input);
  return {
    epochBlock,
    vtrust: out.validatorTrust[selfUid] ?? 0,
    dividends: out.dividends[selfUid] ?? 0,
    incentive: [...out.incentive],
  };
}

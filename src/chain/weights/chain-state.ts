import type { ApiPromise } from '@polkadot/api';
import type { ChainConnection } from '../connection.js';
import { big, bool, num, readStorageAt, resolveBlock, type BlockAt, type StorageRead } from '../storage/index.js';
import type { Hyperparams } from '../types.js';

/*
 * The few storage items the weight pipeline checks against, read at one block in one state_queryStorageAt so that they
 * are consistent. This is a small private reader, on purpose not src/chain/hyperparams.ts (readHyperparams): that one
 * reads through `api.at(hash)`, which decorates the metadata for every new block (~30 ms, paid on every submission
 * here), and it refuses a missing subnet with SubnetNotFoundError, where pre-validation must answer with the chain's
 * SubNetworkDoesNotExist. It also needs items no shared reader returns (the hotkey's uid, stake, StakeThreshold and
 * WeightCommits).
 */

/**
 * What pre-validation needs, at one block. The subnet's parameters have Hyperparams' types (u64 items as bigint), so
 * the two readers of the same storage items cannot disagree.
 */
export interface WeightsChainState extends Pick<Hyperparams, 'tempo' | 'weightsSetRateLimit' | 'weightsVersionKey' | 'minAllowedWeights' | 'maxWeightsLimit' | 'commitRevealEnabled' | 'revealPeriodEpochs'> {
  /** The block read (the head when the pipeline reads); the extrinsic is expected in block + 1. */
  block: number;
  blockHash: string;
  netuid: number;
  networkExists: boolean;
  /** SubnetworkN. */
  n: number;
  /** The hotkey's uid, or null when it is not registered on the subnet. */
  uid: number | null;
  validatorPermit: boolean[];
  lastUpdate: number[];
  /** TotalHotkeyAlpha of the hotkey on the subnet (the stake check_weights_min_stake compares). */
  stake: bigint;
  stakeThreshold: bigint;
  /** The hotkey's unrevealed commits, oldest first. */
  commits: Array<{ hash: string; commitBlock: number }>;
}

/**
 * The global minimum stake to set weights: StakeThreshold since spec 233; older runtimes (spec 218, the rao
 * runtime of early 2025) call the same item WeightsMinStake.
 */
function thresholdItem(api: ApiPromise): string {
  const pallet = (api.query as unknown as Record<string, Record<string, unknown> | undefined>)['subtensorModule'];
  return pallet?.['stakeThreshold'] === undefined && pallet?.['weightsMinStake'] !== undefined ? 'weightsMinStake' : 'stakeThreshold';
}

/**
 * Reads the pipeline's storage items for one hotkey and subnet at one block: by default the finalized head (what the
 * pipeline decides on), or `at` (a hash, a number, or 'best'), in one request (storage/items.ts).
 */
export async function readWeightsChainState(conn: ChainConnection, netuid: number, hotkey: string, at: BlockAt = 'finalized', ms?: number): Promise<WeightsChainState> {
  const block = await resolveBlock(conn, at);
  return conn.call(`read the weight-setting state of subnet ${netuid}`, async (api: ApiPromise) => {
    const st = (item: string, ...args: unknown[]): StorageRead => ['subtensorModule', item, args];
    const values = await readStorageAt(api, block.hash, [
      st('networksAdded', netuid), st('subnetworkN', netuid), st('uids', netuid, hotkey), st('validatorPermit', netuid),
      st('lastUpdate', netuid), st('totalHotkeyAlpha', hotkey, netuid), st(thresholdItem(api)), st('weightsSetRateLimit', netuid),
      st('weightsVersionKey', netuid), st('minAllowedWeights', netuid), st('maxWeightsLimit', netuid),
      st('commitRevealWeightsEnabled', netuid), st('revealPeriodEpochs', netuid), st('tempo', netuid), st('weightCommits', netuid, hotkey),
    ]);
    const [added, n, uid, permit, lastUpdate, stake, threshold, rate, version, minAllowed, maxLimit, cr, period, tempo, commits] = values;
    return {
      block: block.number,
      blockHash: block.hash,
      netuid,
      networkExists: bool(added),
      n: num(n),
      uid: uid === null || uid === undefined ? null : num(uid),
      validatorPermit: (permit?.toJSON() as boolean[] | null | undefined) ?? [],
      lastUpdate: ((lastUpdate?.toJSON() as Array<number | string> | null | undefined) ?? []).map(Number),
      stake: big(stake),
      stakeThreshold: big(threshold),
      weightsSetRateLimit: big(rate),
      weightsVersionKey: big(version),
      minAllowedWeights: num(minAllowed),
      maxWeightsLimit: num(maxLimit),
      commitRevealEnabled: bool(cr),
      revealPeriodEpochs: big(period),
      tempo: num(tempo),
      commits: ((commits?.toJSON() as Array<[string, number | string, unknown, unknown]> | null | undefined) ?? []).map(([h, b]) => ({ hash: h.toLowerCase(), commitBlock: Number(b) })),
    };
  }, ms);
}

import type { ApiPromise } from '@polkadot/api';
import type { ChainConnection } from '../connection.js';
import { readStorageAt, type StorageRead } from './storage-read.js';

/*
 * The few storage items the weight pipeline checks against, read at one block in one state_queryStorageAt so that they
 * are consistent. This is a small private reader, on purpose not src/chain/hyperparams.ts (readHyperparams): that one
 * reads through `api.at(hash)`, which decorates the metadata for every new block (~30 ms, paid on every submission
 * here), and it refuses a missing subnet with SubnetNotFoundError, where pre-validation must answer with the chain's
 * SubNetworkDoesNotExist. It also needs items no shared reader returns (the hotkey's uid, stake, StakeThreshold and
 * WeightCommits).
 */

/** What pre-validation needs, at one block. */
export interface WeightsChainState {
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
  weightsSetRateLimit: number;
  weightsVersionKey: bigint;
  minAllowedWeights: number;
  maxWeightsLimit: number;
  commitRevealEnabled: boolean;
  revealPeriodEpochs: number;
  tempo: number;
  /** The hotkey's unrevealed commits, oldest first. */
  commits: Array<{ hash: string; commitBlock: number }>;
}

const num = (v: unknown): number => Number(v ?? 0);
const big = (v: unknown): bigint => BigInt((v ?? 0) as number | string);

/**
 * The global minimum stake to set weights: StakeThreshold since spec 233; older runtimes (spec 218, the rao
 * runtime of early 2025) call the same item WeightsMinStake.
 */
function thresholdItem(api: ApiPromise): string {
  const pallet = (api.query as unknown as Record<string, Record<string, unknown> | undefined>)['subtensorModule'];
  return pallet?.['stakeThreshold'] === undefined && pallet?.['weightsMinStake'] !== undefined ? 'weightsMinStake' : 'stakeThreshold';
}

/** Reads the pipeline's storage items for one hotkey and subnet at the head (or at `at`, a block hash). */
export async function readWeightsChainState(conn: ChainConnection, netuid: number, hotkey: string, at?: string, ms?: number): Promise<WeightsChainState> {
  return conn.call(`read the weight-setting state of subnet ${netuid}`, async (api: ApiPromise) => {
    const hash = at ?? (await api.rpc.chain.getFinalizedHead()).toHex();
    const header = await api.rpc.chain.getHeader(hash);
    const st = (item: string, ...args: unknown[]): StorageRead => ['subtensorModule', item, args];
    const values = await readStorageAt(api, hash, [
      st('networksAdded', netuid), st('subnetworkN', netuid), st('uids', netuid, hotkey), st('validatorPermit', netuid),
      st('lastUpdate', netuid), st('totalHotkeyAlpha', hotkey, netuid), st(thresholdItem(api)), st('weightsSetRateLimit', netuid),
      st('weightsVersionKey', netuid), st('minAllowedWeights', netuid), st('maxWeightsLimit', netuid),
      st('commitRevealWeightsEnabled', netuid), st('revealPeriodEpochs', netuid), st('tempo', netuid), st('weightCommits', netuid, hotkey),
    ]);
    const [added, n, uid, permit, lastUpdate, stake, threshold, rate, version, minAllowed, maxLimit, cr, period, tempo, commits] = values.map((v) => (v === null ? null : v.toJSON()));
    return {
      block: header.number.toNumber(),
      blockHash: hash,
      netuid,
      networkExists: added === true,
      n: num(n),
      uid: uid === null || uid === undefined ? null : num(uid),
      validatorPermit: (permit as boolean[] | null) ?? [],
      lastUpdate: ((lastUpdate as Array<number | string> | null) ?? []).map(num),
      stake: big(stake),
      stakeThreshold: big(threshold),
      weightsSetRateLimit: num(rate),
      weightsVersionKey: big(version),
      minAllowedWeights: num(minAllowed),
      maxWeightsLimit: num(maxLimit),
      commitRevealEnabled: cr === true,
      revealPeriodEpochs: num(period),
      tempo: num(tempo),
      commits: ((commits as Array<[string, number | string, unknown, unknown]> | null) ?? []).map(([h, b]) => ({ hash: h.toLowerCase(), commitBlock: num(b) })),
    };
  }, ms);
}

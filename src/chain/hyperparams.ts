import { InvalidOptionError } from '../errors/index.js';
import type { ChainConnection } from './connection.js';
import { big, bool, num, readMulti, resolveBlock, storageAt } from './storage/index.js';
import type { BlockAt, StorageAt, StorageCall } from './storage/index.js';
import { SubnetNotFoundError } from './sync-errors.js';
import type { Hyperparams } from './types.js';

/*
 * A subnet's hyperparameters, read from storage in one state_queryStorageAt at one block. Each item is feature-detected
 * in that block's metadata: a runtime without it (Yuma3On does not exist at spec 233; older runtimes lack
 * BondsPenalty, LiquidAlphaOn, RevealPeriodEpochs, ...) gives the documented default below and the field is listed
 * in `defaulted`, so callers can tell a read value from an assumed one.
 */

/**
 * The values taken when the runtime has no storage item for a field: the defaults of contracts/epoch-io.md where it
 * has the field, else those of the devnet's subnet config (docs/devnet.md), which are subtensor's usual values.
 * `activityCutoff` is absent here: without the item it is the contract's rule, max(13889 · tempo / 1000, 1).
 */
export const HYPERPARAM_DEFAULTS: Readonly<Omit<Hyperparams, 'netuid' | 'defaulted' | 'activityCutoff'>> = Object.freeze({
  tempo: 360,
  kappa: 32767,
  weightsSetRateLimit: 100n,
  minAllowedWeights: 1,
  maxWeightsLimit: 65535,
  weightsVersionKey: 0n,
  commitRevealEnabled: false,
  revealPeriodEpochs: 1n,
  bondsMovingAverage: 900_000n,
  bondsPenalty: 65535,
  liquidAlpha: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  yuma3: false,
  maxAllowedValidators: 64,
});

/** The contract's activity cutoff factor (per mille of tempo), used when the runtime stores no ActivityCutoff. */
const ACTIVITY_CUTOFF_FACTOR_MILLI = 13889;

type Field = Exclude<keyof Hyperparams, 'netuid' | 'defaulted' | 'alphaLow' | 'alphaHigh'> | 'alphaValues';

/** Field → storage item (camelCase, as @polkadot/api names it) and how its value is read. */
const ITEMS: ReadonlyArray<[Field, string, 'num' | 'big' | 'bool' | 'pair']> = [
  ['tempo', 'tempo', 'num'],
  ['kappa', 'kappa', 'num'],
  ['weightsSetRateLimit', 'weightsSetRateLimit', 'big'],
  ['minAllowedWeights', 'minAllowedWeights', 'num'],
  ['maxWeightsLimit', 'maxWeightsLimit', 'num'],
  ['weightsVersionKey', 'weightsVersionKey', 'big'],
  ['commitRevealEnabled', 'commitRevealWeightsEnabled', 'bool'],
  ['revealPeriodEpochs', 'revealPeriodEpochs', 'big'],
  ['bondsMovingAverage', 'bondsMovingAverage', 'big'],
  ['bondsPenalty', 'bondsPenalty', 'num'],
  ['liquidAlpha', 'liquidAlphaOn', 'bool'],
  ['alphaValues', 'alphaValues', 'pair'],
  ['yuma3', 'yuma3On', 'bool'],
  ['activityCutoff', 'activityCutoff', 'num'],
  ['maxAllowedValidators', 'maxAllowedValidators', 'num'],
];

/** Checks a netuid given to a library call (u16). */
export function checkNetuid(netuid: number): void {
  if (!(Number.isInteger(netuid) && netuid >= 0 && netuid <= 65535)) throw new InvalidOptionError('netuid', `expected an integer in 0..65535, got ${netuid}`);
}

/**
 * Refuses a subnet that is not registered at the block. A runtime without NetworksAdded cannot say; the reads that
 * follow then see empty storage.
 * @throws SubnetNotFoundError
 */
export async function assertSubnetExists(conn: ChainConnection, s: StorageAt, netuid: number): Promise<void> {
  const entry = s.pallet['networksAdded'];
  if (entry === undefined) return;
  const [added] = await readMulti(conn, s, [[entry, netuid]], `NetworksAdded[${netuid}]`);
  if (!bool(added)) throw new SubnetNotFoundError(netuid, s.block.number);
}

/** Reads the hyperparameters at an already pinned block (the metagraph sync shares its block this way). */
export async function readHyperparamsAt(conn: ChainConnection, s: StorageAt, netuid: number): Promise<Hyperparams> {
  const present = ITEMS.filter(([, item]) => s.pallet[item] !== undefined);
  const calls = present.map(([, item]): StorageCall => [s.pallet[item]!, netuid]);
  const [values] = await Promise.all([
    readMulti(conn, s, calls, `hyperparameters of subnet ${netuid}`),
    assertSubnetExists(conn, s, netuid),
  ]);
  const out: Record<string, unknown> = { ...HYPERPARAM_DEFAULTS };
  const read = new Set<string>();
  present.forEach(([field, , kind], i) => {
    const c = values[i];
    read.add(field);
    if (kind === 'pair') {
      const [low, high] = (c?.toJSON() ?? []) as [number?, number?];
      out['alphaLow'] = low ?? HYPERPARAM_DEFAULTS.alphaLow;
      out['alphaHigh'] = high ?? HYPERPARAM_DEFAULTS.alphaHigh;
    } else out[field] = kind === 'num' ? num(c) : kind === 'big' ? big(c) : bool(c);
  });
  if (!read.has('activityCutoff')) out['activityCutoff'] = Math.max(Math.floor((ACTIVITY_CUTOFF_FACTOR_MILLI * (out['tempo'] as number)) / 1000), 1);
  const defaulted = ITEMS.filter(([field]) => !read.has(field)).flatMap(([field]) => (field === 'alphaValues' ? ['alphaLow', 'alphaHigh'] : [field]));
  return { netuid, ...out, defaulted } as Hyperparams;
}

/**
 * Reads a subnet's hyperparameters from storage, at the best head or at a given block.
 * Items the runtime's metadata lacks take HYPERPARAM_DEFAULTS and are named in `defaulted` (at spec 233: `yuma3`).
 * @param conn an open connection
 * @param netuid the subnet
 * @param at the block (storage/types.ts's BlockAt: 'best', 'finalized', a number or a hash); default: 'best'
 * @throws SubnetNotFoundError when NetworksAdded[netuid] is false; BlockNotFoundError; ChainTimeoutError
 */
export async function readHyperparams(conn: ChainConnection, netuid: number, at: BlockAt = 'best'): Promise<Hyperparams> {
  checkNetuid(netuid);
  const s = await storageAt(conn, await resolveBlock(conn, at));
  return readHyperparamsAt(conn, s, netuid);
}

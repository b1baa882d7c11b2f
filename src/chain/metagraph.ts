import type { Codec } from '@polkadot/types/types';
import { InvalidOptionError } from '../errors/index.js';
import { decodeAxonIp } from './axon-ip.js';
import type { ChainConnection } from './connection.js';
import { checkNetuid, readHyperparamsAt } from './hyperparams.js';
import { big, num, readEntries, readMulti, required, resolveBlock, storageAt } from './storage-read.js';
import type { StorageAt, StorageCall } from './storage-read.js';
import type { AxonInfo, Metagraph } from './types.js';

/*
 * Metagraph sync by storage reads (validator-sdk-spec §4, "storage items, if you prefer direct queries"), not by the
 * NeuronInfo runtime APIs: state_call is not served everywhere (the devnet does not serve it), and storage is what the
 * epoch itself reads, so a synced block can be replayed exactly. Everything is read at one block hash, in two rounds:
 *   1. hyperparameters and the per-subnet vectors (one state_queryStorageAt), and the double maps keyed by netuid
 *      (Keys, Axons, BlockAtRegistration, Weights, Bonds, WeightCommits) as whole prefixes with `.entries(netuid)`
 *      (state_getKeysPaged + state_queryStorageAt), never one request per uid;
 *   2. what is keyed by hotkey (Owner, and the stake pool TotalHotkeyAlpha[(hotkey, netuid)]), whose hashers
 *      (Blake2_128Concat on the hotkey) cannot be iterated by netuid: one batched state_queryStorageAt of 2n keys.
 */

/** Options of `syncMetagraph`. */
export interface SyncOptions {
  /** A block number or hash; default: the best head. */
  at?: number | string;
}

/** The per-subnet vectors read in round 1, by storage item name. */
const VECTORS = ['validatorPermit', 'lastUpdate', 'active', 'consensus', 'incentive', 'dividends', 'validatorTrust', 'emission'] as const;

/** The all-zero AccountId: what a ValueQuery AccountId item holds when unset. */
const ZERO_ACCOUNT = /^0x0{64}$/;

function padded<T>(v: T[], n: number, fill: T): T[] {
  const out = v.slice(0, n);
  while (out.length < n) out.push(fill);
  return out;
}

/** The elements of a Vec codec (a Vec is an Array of codecs). */
function items(c: Codec | undefined): Codec[] {
  return c === undefined ? [] : Array.from(c as unknown as ArrayLike<Codec>);
}

/** An Option's inner value, or the codec itself when it is not an Option; null for None. */
function unwrap(c: Codec): Codec | null {
  const o = c as Codec & { isSome?: boolean; isNone?: boolean; unwrap?: () => Codec };
  if (typeof o.unwrap === 'function' && typeof o.isSome === 'boolean') return o.isSome ? o.unwrap() : null;
  return c;
}

/** A struct's field. */
function field(c: Codec, name: string): Codec | undefined {
  return (c as Codec & { get(key: string): Codec | undefined }).get(name);
}

function pairs(c: Codec): Array<[number, number]> {
  return items(c).map((t) => {
    const [a, b] = items(t);
    return [num(a), num(b)];
  });
}

function axonOf(c: Codec): AxonInfo | null {
  const a = unwrap(c);
  if (a === null) return null;
  const { ip, ipType } = decodeAxonIp(big(field(a, 'ip')), num(field(a, 'ipType')));
  return { ip, ipType, port: num(field(a, 'port')), version: num(field(a, 'version')), protocol: num(field(a, 'protocol')), block: num(field(a, 'block')) };
}

/** Entries of a double map keyed (netuid, X), as [X, value]; empty when the runtime has no such item. */
async function entriesOf(conn: ChainConnection, s: StorageAt, name: string, netuid: number, optional: boolean): Promise<Array<[unknown, Codec]>> {
  const entry = optional ? s.pallet[name] : required(s, name);
  if (entry === undefined) return [];
  const rows = await readEntries(conn, s, entry, [netuid], `${name}[${netuid}]`);
  return rows.map(([args, value]) => [args[1], value]);
}

/** The uid of a map key argument (a u16 codec or a number). */
const uidOf = (arg: unknown): number => Number(String(arg));

/** Round 2: the coldkey (Owner) and the stake of every hotkey; the stake item is feature-detected. */
async function readByHotkey(conn: ChainConnection, s: StorageAt, netuid: number, hotkeys: string[]): Promise<{ coldkeys: string[]; stake: bigint[]; stakeSource: string }> {
  const owner = required(s, 'owner');
  // Spec 233 (dynamic TAO) keeps a hotkey's stake on a subnet in its alpha pool; older runtimes had one TAO total.
  const alpha = s.pallet['totalHotkeyAlpha'];
  const legacy = s.pallet['totalHotkeyStake'];
  const stakeSource = alpha !== undefined ? 'TotalHotkeyAlpha' : legacy !== undefined ? 'TotalHotkeyStake' : 'none';
  const registered = hotkeys.map((h, uid) => [h, uid] as const).filter(([h]) => h !== '');
  const calls: StorageCall[] = registered.map(([h]) => [owner, h]);
  if (alpha !== undefined) calls.push(...registered.map(([h]): StorageCall => [alpha, [h, netuid]]));
  else if (legacy !== undefined) calls.push(...registered.map(([h]): StorageCall => [legacy, h]));
  const values = await readMulti(conn, s, calls, `Owner and ${stakeSource} of ${registered.length} hotkeys`);
  const coldkeys = hotkeys.map(() => '');
  const stake = hotkeys.map(() => 0n);
  registered.forEach(([, uid], i) => {
    coldkeys[uid] = String(values[i]?.toString() ?? '');
    if (stakeSource !== 'none') stake[uid] = big(values[registered.length + i]);
  });
  return { coldkeys, stake, stakeSource };
}

/**
 * Reads one subnet's metagraph from storage, at the best head or at a past block, in a fixed number of batched
 * requests (about 25 for n = 4096, whatever n is, most of them concurrent).
 * Per-uid vectors shorter than n are padded as the chain pads them (LastUpdate with 0, permits with false).
 * @param conn an open connection
 * @param netuid the subnet
 * @param options `at`: a block number (resolved with chain_getBlockHash) or hash
 * @throws SubnetNotFoundError; BlockNotFoundError; ChainRuntimeError when the runtime lacks SubnetworkN, Keys or Owner;
 *   ChainTimeoutError when a read misses its deadline
 */
export async function syncMetagraph(conn: ChainConnection, netuid: number, options: SyncOptions = {}): Promise<Metagraph> {
  checkNetuid(netuid);
  for (const key of Object.keys(options)) if (key !== 'at') throw new InvalidOptionError(key, 'unknown option of syncMetagraph (known: at)');
  const s = await storageAt(conn, await resolveBlock(conn, options.at));

  const vectorItems = VECTORS.filter((name) => s.pallet[name] !== undefined);
  const stepItem = s.pallet['lastMechansimStepBlock'] ?? s.pallet['lastMechanismStepBlock'];
  const singles: StorageCall[] = [[required(s, 'subnetworkN'), netuid], ...vectorItems.map((name): StorageCall => [s.pallet[name]!, netuid])];
  const threshold = s.pallet['stakeThreshold'];
  const ownerHotkeyItem = s.pallet['subnetOwnerHotkey'];
  if (threshold !== undefined) singles.push([threshold]);
  if (ownerHotkeyItem !== undefined) singles.push([ownerHotkeyItem, netuid]);
  if (stepItem !== undefined) singles.push([stepItem, netuid]);

  const [hyperparams, values, keys, axons, registration, weights, bonds, commits] = await Promise.all([
    readHyperparamsAt(conn, s, netuid),
    readMulti(conn, s, singles, `per-subnet vectors of subnet ${netuid}`),
    entriesOf(conn, s, 'keys', netuid, false),
    entriesOf(conn, s, 'axons', netuid, true),
    entriesOf(conn, s, 'blockAtRegistration', netuid, true),
    entriesOf(conn, s, 'weights', netuid, true),
    entriesOf(conn, s, 'bonds', netuid, true),
    entriesOf(conn, s, 'weightCommits', netuid, true),
  ]);

  const n = num(values[0]);
  const vector = (name: (typeof VECTORS)[number]): Codec[] => {
    const i = vectorItems.indexOf(name as never);
    return i < 0 ? [] : items(values[1 + i]);
  };
  let next = 1 + vectorItems.length;
  const stakeThreshold = threshold !== undefined ? big(values[next++]) : 0n;
  const ownerRaw = ownerHotkeyItem !== undefined ? values[next++] : undefined;
  const lastMechanismStepBlock = stepItem !== undefined ? num(values[next++]) : 0;

  const hotkeys = Array.from({ length: n }, () => '');
  for (const [uid, v] of keys) if (uidOf(uid) < n) hotkeys[uidOf(uid)] = v.toString();
  const uidByHotkey = new Map(hotkeys.map((h, uid) => [h, uid]));
  const rows = (list: Array<[unknown, Codec]>): Array<Array<[number, number]>> => {
    const out: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
    for (const [uid, v] of list) if (uidOf(uid) < n) out[uidOf(uid)] = pairs(v);
    return out;
  };
  const byHotkey = <T>(list: Array<[unknown, Codec]>, fill: () => T, f: (v: Codec) => T): T[] => {
    const out = Array.from({ length: n }, fill);
    for (const [hotkey, v] of list) {
      const uid = uidByHotkey.get(String(hotkey));
      if (uid !== undefined) out[uid] = f(v);
    }
    return out;
  };
  const blockAtRegistration = Array.from({ length: n }, () => 0);
  for (const [uid, v] of registration) if (uidOf(uid) < n) blockAtRegistration[uidOf(uid)] = num(v);

  const ownerHex = ownerRaw?.toHex() ?? '0x';
  const ownerHotkey = ownerRaw === undefined || ZERO_ACCOUNT.test(ownerHex) ? null : ownerRaw.toString();
  const ownerUid = ownerHotkey === null ? null : uidByHotkey.get(ownerHotkey) ?? null;

  const { coldkeys, stake, stakeSource } = await readByHotkey(conn, s, netuid, hotkeys);
  const u16s = (name: (typeof VECTORS)[number]): number[] => padded(vector(name).map(num), n, 0);
  const bools = (name: (typeof VECTORS)[number]): boolean[] => padded(vector(name).map((c) => c.toJSON() === true), n, false);

  return {
    netuid,
    block: s.block.number,
    blockHash: s.block.hash,
    n,
    hotkeys,
    coldkeys,
    stake,
    axons: byHotkey<AxonInfo | null>(axons, () => null, axonOf),
    validatorPermit: bools('validatorPermit'),
    lastUpdate: u16s('lastUpdate'),
    blockAtRegistration,
    active: bools('active'),
    weights: rows(weights),
    bonds: rows(bonds),
    consensus: u16s('consensus'),
    incentive: u16s('incentive'),
    dividends: u16s('dividends'),
    validatorTrust: u16s('validatorTrust'),
    emission: padded(vector('emission').map(big), n, 0n),
    hyperparams,
    stakeSource,
    stakeThreshold,
    ownerHotkey,
    ownerUid,
    lastMechanismStepBlock,
    commitBlocks: byHotkey<number[]>(commits, () => [], (v) => {
      const queue = unwrap(v);
      return queue === null ? [] : items(queue).map((c) => num(items(c)[1]));
    }),
  };
}

import type { QueryableStorageEntry } from '@polkadot/api/types';
import type { Codec, Registry } from '@polkadot/types/types';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { InvalidOptionError } from '../errors/index.js';
import { decodeAxonIp } from './axon-ip.js';
import type { ChainConnection } from './connection.js';
import { checkNetuid, readHyperparamsAt } from './hyperparams.js';
import { pairsToCsr, withLazyRows } from '../yuma/index.js';
import type { CsrArrays } from '../yuma/index.js';
import { decodeChecked, fastAccount, fastAxon, fastPairs, fastPairsCsr, fastU64, handDecoderAgrees } from './scale-decode.js';
import { big, buildKeys, num, readEntries, readMulti, readPrefix, readRaw, required, resolveBlock, secondArgOffset, storageAt, u16Bytes } from './storage/index.js';
import type { BlockAt, StorageAt, StorageCall } from './storage/index.js';
import type { AxonInfo, Metagraph } from './types.js';

/*
 * Metagraph sync by storage reads (validator-sdk-spec §4, "storage items, if you prefer direct queries"), not by the
 * NeuronInfo runtime APIs: state_call is not served everywhere (the devnet does not serve it), and storage is what the
 * epoch itself reads, so a synced block can be replayed exactly. Everything is read at one block hash, in two rounds:
 *   1. hyperparameters and the per-subnet vectors (one state_queryStorageAt through @polkadot/api), and the double
 *      maps keyed by netuid (Keys, Axons, BlockAtRegistration, Weights, Bonds, WeightCommits) as whole prefixes
 *      (state_getKeysPaged, 1000 keys a page, then state_queryStorageAt), never one request per uid;
 *   2. what is keyed by hotkey (Owner, and the stake pool TotalHotkeyAlpha[(hotkey, netuid)]), whose hashers
 *      (Blake2_128Concat on the hotkey) cannot be iterated by netuid: batched state_queryStorageAt of 2n keys.
 * The bulk items bypass @polkadot/api's codecs (storage/raw.ts, scale-decode.ts, both checked against it); for
 * n = 4096 that is about 55 requests, most of them concurrent.
 */

/** Options of `syncMetagraph`. */
export interface SyncOptions {
  /** The block to read (storage/types.ts's BlockAt: 'best', 'finalized', a number or a hash); default: 'best'. */
  at?: BlockAt;
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

/** A double map's entries under one netuid: the second key argument's SCALE bytes and the stored value (hex). */
interface RawRows {
  entry: QueryableStorageEntry<'promise'>;
  rows: Array<[Uint8Array, string]>;
}

/**
 * Entries of a double map keyed (netuid, X), read raw (storage/raw.ts); null when the runtime has no such item. When
 * X's hasher is opaque, X cannot be read back from the key and @polkadot/api's `.entries` is used instead.
 */
async function entriesOf(conn: ChainConnection, s: StorageAt, name: string, netuid: number, optional: boolean): Promise<RawRows | null> {
  const entry = optional ? s.pallet[name] : required(s, name);
  if (entry === undefined) return null;
  const prefix = entry.keyPrefix(netuid);
  const offset = secondArgOffset(entry, prefix);
  if (offset === null) {
    const rows = await readEntries(conn, s, entry, [netuid], `${name}[${netuid}]`);
    return { entry, rows: rows.map(([args, value]) => [(args[1] as Codec).toU8a(), (unwrap(value) ?? value).toHex()]) };
  }
  const pairs = await readPrefix(conn, s, prefix, `${name}[${netuid}]`);
  return { entry, rows: pairs.map(([key, value]) => [hexToU8a(key).subarray(offset), value]) };
}

/** A u16 uid from its SCALE bytes. */
const uidOf = (arg: Uint8Array): number => (arg[0] ?? 0) | ((arg[1] ?? 0) << 8);

function axonFromCodec(c: Codec): AxonInfo {
  const { ip, ipType } = decodeAxonIp(big(field(c, 'ip')), num(field(c, 'ipType')));
  return { ip, ipType, port: num(field(c, 'port')), version: num(field(c, 'version')), protocol: num(field(c, 'protocol')), block: num(field(c, 'block')) };
}

/** The hotkeys of the Keys entries by uid (SS58 and raw bytes), up to the highest uid stored. */
function hotkeysOf(raw: RawRows | null, registry: Registry, ss58: number): { hotkeys: string[]; bytes: Array<Uint8Array | null> } {
  const rows = raw?.rows ?? [];
  const size = rows.reduce((m, [arg]) => Math.max(m, uidOf(arg) + 1), 0);
  const hotkeys = Array.from({ length: size }, () => '');
  const bytes: Array<Uint8Array | null> = Array.from({ length: size }, () => null);
  if (raw === null) return { hotkeys, bytes };
  const decoded = decodeChecked(registry, raw.entry, rows.map(([, v]) => v), fastAccount(ss58), (c) => c.toString());
  rows.forEach(([arg, v], i) => {
    hotkeys[uidOf(arg)] = decoded[i] ?? '';
    bytes[uidOf(arg)] = hexToU8a(v);
  });
  return { hotkeys, bytes };
}

/** Round 2: the coldkey (Owner) and the stake of every hotkey; the stake item is feature-detected. */
async function readByHotkey(conn: ChainConnection, s: StorageAt, netuid: number, hotkeys: string[], hotkeyBytes: Array<Uint8Array | null>): Promise<{ coldkeys: string[]; stake: bigint[]; stakeSource: string }> {
  const owner = required(s, 'owner');
  // Spec 233 (dynamic TAO) keeps a hotkey's stake on a subnet in its alpha pool; older runtimes had one TAO total.
  const alpha = s.pallet['totalHotkeyAlpha'];
  const legacy = s.pallet['totalHotkeyStake'];
  const stakeSource = alpha !== undefined ? 'TotalHotkeyAlpha' : legacy !== undefined ? 'TotalHotkeyStake' : 'none';
  const registered = hotkeyBytes.flatMap((b, uid) => (b === null ? [] : [[b, uid] as const]));
  const ownerKeys = buildKeys(owner, registered.map(([b]) => [b]), (i) => [hotkeys[registered[i]![1]]]);
  const stakeEntry = alpha ?? legacy;
  const stakeKeys = stakeEntry === undefined ? [] : buildKeys(
    stakeEntry,
    registered.map(([b]) => (alpha !== undefined ? [b, u16Bytes(netuid)] : [b])),
    (i) => (alpha !== undefined ? [hotkeys[registered[i]![1]], netuid] : [hotkeys[registered[i]![1]]]),
  );
  const values = await readRaw(conn, s, [...ownerKeys, ...stakeKeys], `Owner and ${stakeSource} of ${registered.length} hotkeys`);
  // An absent value is the item's default (ValueQuery), as @polkadot/api would answer.
  const orDefault = (entry: QueryableStorageEntry<'promise'>, v: string | null | undefined): string => v ?? entry.creator.meta.fallback.toHex();
  const ss58 = s.api.registry.chainSS58 ?? 42;
  const owners = decodeChecked(s.api.registry, owner, registered.map((_, i) => orDefault(owner, values[i])), fastAccount(ss58), (c) => c.toString());
  const stakes = stakeEntry === undefined ? [] : decodeChecked(s.api.registry, stakeEntry, registered.map((_, i) => orDefault(stakeEntry, values[registered.length + i])), fastU64, big);
  const coldkeys = hotkeys.map(() => '');
  const stake = hotkeys.map(() => 0n);
  registered.forEach(([, uid], i) => {
    coldkeys[uid] = owners[i] ?? '';
    stake[uid] = stakes[i] ?? 0n;
  });
  return { coldkeys, stake, stakeSource };
}

/**
 * Reads one subnet's metagraph from storage, at the best head or at a past block, in batched requests (their number
 * grows with n / 1000, never one per uid).
 * Per-uid vectors shorter than n are padded as the chain pads them (LastUpdate with 0, permits with false).
 * @param conn an open connection
 * @param netuid the subnet
 * @param options `at`: 'best' (the default), 'finalized', a block number (resolved with chain_getBlockHash) or hash
 * @throws SubnetNotFoundError; BlockNotFoundError; ChainRuntimeError when the runtime lacks SubnetworkN, Keys or Owner;
 *   ChainTimeoutError when a read misses its deadline
 */
export async function syncMetagraph(conn: ChainConnection, netuid: number, options: SyncOptions = {}): Promise<Metagraph> {
  checkNetuid(netuid);
  for (const key of Object.keys(options)) if (key !== 'at') throw new InvalidOptionError(key, 'unknown option of syncMetagraph (known: at)');
  const s = await storageAt(conn, await resolveBlock(conn, options.at ?? 'best'));

  const vectorItems = VECTORS.filter((name) => s.pallet[name] !== undefined);
  const stepItem = s.pallet['lastMechansimStepBlock'] ?? s.pallet['lastMechanismStepBlock'];
  const singles: StorageCall[] = [[required(s, 'subnetworkN'), netuid], ...vectorItems.map((name): StorageCall => [s.pallet[name]!, netuid])];
  // WeightsMinStake is the same item's name before spec 233 (e.g. spec 218).
  const threshold = s.pallet['stakeThreshold'] ?? s.pallet['weightsMinStake'];
  const ownerHotkeyItem = s.pallet['subnetOwnerHotkey'];
  if (threshold !== undefined) singles.push([threshold]);
  if (ownerHotkeyItem !== undefined) singles.push([ownerHotkeyItem, netuid]);
  if (stepItem !== undefined) singles.push([stepItem, netuid]);

  const registry = s.api.registry;
  const ss58 = registry.chainSS58 ?? 42;
  // Round 2 (keyed by hotkey) starts as soon as Keys is in, while the rest of round 1 is still being read.
  const keyed = entriesOf(conn, s, 'keys', netuid, false).then((raw) => hotkeysOf(raw, registry, ss58));
  const byHotkey = keyed.then((k) => readByHotkey(conn, s, netuid, k.hotkeys, k.bytes));
  const [hyperparams, values, keys, held, axons, registration, weights, bonds, commits] = await Promise.all([
    readHyperparamsAt(conn, s, netuid),
    readMulti(conn, s, singles, `per-subnet vectors of subnet ${netuid}`),
    keyed,
    byHotkey,
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

  /** Decodes a (netuid, uid)-keyed item into a per-uid array. */
  const perUid = <T>(raw: RawRows | null, fill: () => T, fast: ((hex: string) => T) | null, slow: (c: Codec) => T): T[] => {
    const out = Array.from({ length: n }, fill);
    if (raw === null) return out;
    const rows = raw.rows.filter(([arg]) => uidOf(arg) < n);
    const decoded = decodeChecked(registry, raw.entry, rows.map(([, v]) => v), fast, slow);
    rows.forEach(([arg], i) => { out[uidOf(arg)] = decoded[i] as T; });
    return out;
  };
  const hotkeys = padded(keys.hotkeys, n, '');
  const uidByHotkeyHex = new Map<string, number>();
  keys.bytes.forEach((b, uid) => { if (b !== null && uid < n) uidByHotkeyHex.set(u8aToHex(b), uid); });
  const uidByHotkey = new Map(hotkeys.map((h, uid) => [h, uid]));
  /** Decodes a (netuid, hotkey)-keyed item into a per-uid array. */
  const perHotkey = <T>(raw: RawRows | null, fill: () => T, fast: ((hex: string) => T) | null, slow: (c: Codec) => T): T[] => {
    const out = Array.from({ length: n }, fill);
    if (raw === null) return out;
    const rows = raw.rows.flatMap(([arg, v]) => {
      const uid = uidByHotkeyHex.get(u8aToHex(arg));
      return uid === undefined ? [] : [[uid, v] as const];
    });
    const decoded = decodeChecked(registry, raw.entry, rows.map(([, v]) => v), fast, slow);
    rows.forEach(([uid], i) => { out[uid] = decoded[i] as T; });
    return out;
  };
  const blockAtRegistration = perUid(registration, () => 0, (h) => Number(fastU64(h)), num);
  /** Decodes a (netuid, uid)-keyed Vec<(u16, u16)> item (Weights, Bonds) into CSR arrays, never into pairs when the hand decoder applies. */
  const matrix = (raw: RawRows | null): CsrArrays => {
    const rows = raw === null ? [] : raw.rows.filter(([arg]) => uidOf(arg) < n);
    const first = rows[0];
    if (raw === null || first === undefined || handDecoderAgrees(registry, raw.entry, first[1], fastPairs, pairs)) {
      return fastPairsCsr(rows.map(([arg, v]) => [uidOf(arg), v] as const), n);
    }
    return pairsToCsr(perUid(raw, () => [], null, pairs));
  };

  const ownerHex = ownerRaw?.toHex() ?? '0x';
  const ownerHotkey = ownerRaw === undefined || ZERO_ACCOUNT.test(ownerHex) ? null : ownerRaw.toString();
  const ownerUid = ownerHotkey === null ? null : uidByHotkey.get(ownerHotkey) ?? null;

  const { stakeSource } = held;
  const coldkeys = padded(held.coldkeys, n, '');
  const stake = padded(held.stake, n, 0n);
  const ints = (name: (typeof VECTORS)[number]): number[] => padded(vector(name).map(num), n, 0);
  const bools = (name: (typeof VECTORS)[number]): boolean[] => padded(vector(name).map((c) => c.toJSON() === true), n, false);

  // weights and bonds are placeholders here, replaced by lazy views of the decoded arrays (yuma's withLazyRows): a
  // caller that goes to the engine's typed-array entry (metagraphToEpochArrays) never builds the million pairs.
  return withLazyRows<Metagraph>({
    netuid,
    block: s.block.number,
    blockHash: s.block.hash,
    n,
    hotkeys,
    coldkeys,
    stake,
    axons: perHotkey<AxonInfo | null>(axons, () => null, fastAxon, axonFromCodec),
    validatorPermit: bools('validatorPermit'),
    lastUpdate: ints('lastUpdate'),
    blockAtRegistration,
    active: bools('active'),
    weights: [],
    bonds: [],
    consensus: ints('consensus'),
    incentive: ints('incentive'),
    dividends: ints('dividends'),
    validatorTrust: ints('validatorTrust'),
    emission: padded(vector('emission').map(big), n, 0n),
    hyperparams,
    stakeSource,
    stakeThreshold,
    ownerHotkey,
    ownerUid,
    lastMechanismStepBlock,
    commitBlocks: perHotkey<number[]>(commits, () => [], null, (queue) => items(queue).map((c) => num(items(c)[1]))),
  }, { weights: matrix(weights), bonds: matrix(bonds) });
}

import type { Codec } from '@polkadot/types/types';
import { hexToString, hexToU8a, stringToHex } from '@polkadot/util';
import type { ChainConnection } from './connection.js';
import { checkNetuid } from './hyperparams.js';
import { decodeChecked, fastPairs } from './scale-decode.js';
import { big, num, readMulti, readPrefix, readRaw, resolveBlock, secondArgOffset, storageAt } from './storage/index.js';
import type { BlockAt, BlockRef, StorageCall } from './storage/index.js';

/*
 * What a subnet's epoch wrote, read back at a block, and when the epochs ran. The replay (src/replay) compares the
 * first with a re-run of the epoch; the second tells it where the epochs are. Both are read at one block hash through
 * that block's own metadata, like the metagraph, and every item is feature-detected: an absent item is reported as
 * absent (null), never defaulted, because a replay must say what it could not read.
 */

/** The epoch results a runtime stores, as read at a block (u16 vectors, u64 emission, bools, bonds rows). */
export interface StoredEpochOutput {
  /** Per-uid vectors, padded to n as the chain pads them; null when the runtime has no such item. */
  active: boolean[] | null;
  validatorPermit: boolean[] | null;
  consensus: number[] | null;
  incentive: number[] | null;
  dividends: number[] | null;
  validatorTrust: number[] | null;
  stakeWeight: number[] | null;
  emission: bigint[] | null;
  /** Bonds[netuid][uid] as stored, `[uid, u16]` pairs in storage order; null when the runtime has no Bonds. */
  bonds: Array<Array<[number, number]>> | null;
}

/** The u16 vectors of StoredEpochOutput and their storage items. */
const U16_ITEMS = ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const;
const BOOL_ITEMS = ['active', 'validatorPermit'] as const;

function padded<T>(v: T[], n: number, fill: T): T[] {
  const out = v.slice(0, n);
  while (out.length < n) out.push(fill);
  return out;
}

const items = (c: Codec | undefined): Codec[] => (c === undefined ? [] : Array.from(c as unknown as ArrayLike<Codec>));

/**
 * Reads the stored epoch results of a subnet at a block: the per-uid vectors in one state_queryStorageAt and the
 * Bonds rows as a whole prefix (never one request per uid).
 * @param at a block number or hash
 * @param n the number of uids to pad to (default: SubnetworkN at that block)
 */
export async function readStoredOutput(conn: ChainConnection, netuid: number, at: BlockAt, n?: number): Promise<StoredEpochOutput & { block: BlockRef; n: number }> {
  checkNetuid(netuid);
  const s = await storageAt(conn, await resolveBlock(conn, at));
  const vectorNames = [...U16_ITEMS, ...BOOL_ITEMS, 'emission'].filter((name) => s.pallet[name] !== undefined);
  const calls: StorageCall[] = vectorNames.map((name): StorageCall => [s.pallet[name]!, netuid]);
  const sizeItem = s.pallet['subnetworkN'];
  if (sizeItem !== undefined) calls.push([sizeItem, netuid]);
  const bondsEntry = s.pallet['bonds'];
  const bondsRead = (async (): Promise<Array<[number, string]> | null> => {
    if (bondsEntry === undefined) return null;
    const prefix = bondsEntry.keyPrefix(netuid);
    const offset = secondArgOffset(bondsEntry, prefix);
    if (offset === null) {
      const entries = await conn.call(`Bonds[${netuid}] (entries)`, () => bondsEntry.entries(netuid));
      return entries.map(([key, value]) => [num(key.args[1] as Codec), value.toHex()]);
    }
    const rows = await readPrefix(conn, s, prefix, `Bonds[${netuid}]`);
    return rows.map(([key, value]) => {
      const arg = hexToU8a(key).subarray(offset);
      return [(arg[0] ?? 0) | ((arg[1] ?? 0) << 8), value];
    });
  })();
  const [values, bondRows] = await Promise.all([readMulti(conn, s, calls, `epoch results of subnet ${netuid}`), bondsRead]);
  const size = n ?? (sizeItem !== undefined ? num(values[vectorNames.length]) : 0);
  const vector = (name: string): Codec[] | null => {
    const i = vectorNames.indexOf(name);
    return i < 0 ? null : items(values[i]);
  };
  const out: StoredEpochOutput = {
    active: null, validatorPermit: null, consensus: null, incentive: null, dividends: null, validatorTrust: null, stakeWeight: null, emission: null, bonds: null,
  };
  for (const name of U16_ITEMS) {
    const v = vector(name);
    out[name] = v === null ? null : padded(v.map(num), size, 0);
  }
  for (const name of BOOL_ITEMS) {
    const v = vector(name);
    out[name] = v === null ? null : padded(v.map((c) => c.toJSON() === true), size, false);
  }
  const e = vector('emission');
  out.emission = e === null ? null : padded(e.map(big), size, 0n);
  if (bondRows !== null && bondsEntry !== undefined) {
    const bonds: Array<Array<[number, number]>> = Array.from({ length: size }, () => []);
    const kept = bondRows.filter(([uid]) => uid < size);
    const decoded = decodeChecked(s.api.registry, bondsEntry, kept.map(([, v]) => v), fastPairs, (c) => items(c).map((t) => {
      const [a, b] = items(t);
      return [num(a), num(b)] as [number, number];
    }));
    kept.forEach(([uid], i) => { bonds[uid] = decoded[i] ?? []; });
    out.bonds = bonds;
  }
  return { ...out, block: s.block, n: size };
}

/** When a subnet's epochs run, as a block's state tells it. */
export interface EpochSchedule {
  block: BlockRef;
  /** LastMechansimStepBlock[netuid] (the chain's spelling) at the block; null when the runtime has no such item. */
  lastStepBlock: number | null;
  /** Tempo[netuid] at the block. */
  tempo: number;
}

/**
 * Reads the item that records a subnet's last epoch block, and its tempo, at a block (one request).
 * The item is looked up under the chain's misspelt name first, then the corrected one a later runtime may use.
 */
export async function readEpochSchedule(conn: ChainConnection, netuid: number, at: BlockAt): Promise<EpochSchedule> {
  checkNetuid(netuid);
  const s = await storageAt(conn, await resolveBlock(conn, at));
  const step = s.pallet['lastMechansimStepBlock'] ?? s.pallet['lastMechanismStepBlock'];
  const tempo = s.pallet['tempo'];
  const calls: StorageCall[] = [];
  if (step !== undefined) calls.push([step, netuid]);
  if (tempo !== undefined) calls.push([tempo, netuid]);
  const values = await readMulti(conn, s, calls, `epoch schedule of subnet ${netuid}`);
  return {
    block: s.block,
    lastStepBlock: step === undefined ? null : num(values[0]),
    tempo: tempo === undefined ? 0 : num(values[step === undefined ? 0 : 1]),
  };
}

/**
 * A devnet's own state entry (`:yumaval:<name>`, UTF-8 JSON, docs/devnet.md) at a block, or null when the chain has
 * none: a real subtensor node answers null for such a key, so reading it is harmless everywhere.
 */
export async function readDevnetEntry(conn: ChainConnection, name: string, at: BlockAt): Promise<unknown> {
  const block = await resolveBlock(conn, at);
  const s = await storageAt(conn, block);
  const [raw] = await readRaw(conn, s, [stringToHex(`:yumaval:${name}`)], `devnet entry ${name}`);
  if (raw === null || raw === undefined) return null;
  try {
    return JSON.parse(hexToString(raw));
  } catch {
    return null;
  }
}

/** The best head's block number. */
export async function readHeadNumber(conn: ChainConnection): Promise<number> {
  return (await resolveBlock(conn, 'best')).number;
}

/** One event of a block, simplified: its phase, pallet (camelCase section), name and data as strings. */
export interface BlockEvent {
  phase: 'initialization' | 'extrinsic' | 'finalization';
  section: string;
  method: string;
  data: string[];
}

/** The events of a block (System.Events), in order; [] when the runtime has no System.Events. */
export async function readBlockEvents(conn: ChainConnection, at: BlockAt): Promise<BlockEvent[]> {
  const s = await storageAt(conn, await resolveBlock(conn, at));
  const system = (s.api.query as unknown as Record<string, Record<string, () => Promise<unknown>> | undefined>)['system'];
  const events = system?.['events'];
  if (events === undefined) return [];
  const records = (await conn.call(`System.Events at block ${s.block.number}`, () => events())) as unknown as Array<{
    phase: { isInitialization: boolean; isApplyExtrinsic: boolean };
    event: { section: string; method: string; data: ArrayLike<Codec> };
  }>;
  return Array.from(records, (r) => ({
    phase: r.phase.isInitialization ? 'initialization' : r.phase.isApplyExtrinsic ? 'extrinsic' : 'finalization',
    section: r.event.section,
    method: r.event.method,
    data: Array.from(r.event.data, (d) => d.toString()),
  }));
}

/** Weights rows of some uids at a block (Weights[netuid][uid], `[uid, u16]` pairs as stored). */
export async function readWeightRows(conn: ChainConnection, netuid: number, uids: number[], at: number | string): Promise<Array<Array<[number, number]>>> {
  if (uids.length === 0) return [];
  const s = await storageAt(conn, await resolveBlock(conn, at));
  const entry = s.pallet['weights'];
  if (entry === undefined) return uids.map(() => []);
  const values = await readMulti(conn, s, uids.map((uid): StorageCall => [entry, [netuid, uid]]), `Weights of ${uids.length} uids of subnet ${netuid}`);
  return values.map((v) => items(v).map((t) => {
    const [a, b] = items(t);
    return [num(a), num(b)] as [number, number];
  }));
}

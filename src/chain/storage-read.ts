import type { ApiPromise } from '@polkadot/api';
import type { ApiDecoration, QueryableStorageEntry } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import type { ChainConnection } from './connection.js';
import { BlockNotFoundError, ChainRuntimeError } from './sync-errors.js';

/*
 * Storage reads pinned to one block. Every read of a sync goes through the ApiDecoration of one block hash
 * (`api.at(hash)`), so a block produced halfway through cannot mix two states, and the storage items are looked up in
 * that block's own metadata (a runtime upgrade between two blocks changes what exists). Every call runs through
 * ChainConnection.call, so each has a deadline.
 */

/** A block: its number and hash. */
export interface BlockRef {
  number: number;
  hash: string;
}

/** The storage entries of one pallet at a block, looked up by name (`tempo`, `totalHotkeyAlpha`, ...). */
export type PalletStorage = Record<string, QueryableStorageEntry<'promise'> | undefined>;

/** A decorated API at one block and its subtensor pallet's storage. */
export interface StorageAt {
  block: BlockRef;
  api: ApiDecoration<'promise'>;
  pallet: PalletStorage;
}

/** One storage read of a batch: an entry and its key arguments (none for a plain item, a tuple for a double map). */
export type StorageCall = [QueryableStorageEntry<'promise'>] | [QueryableStorageEntry<'promise'>, unknown];

/**
 * Keys per state_queryStorageAt request. @polkadot/api sends a whole queryMulti-at in one request; a node's request
 * size limit (15 MiB by default) and the response size bound what one request may hold, so large batches are split
 * into requests of this size, sent concurrently.
 */
export const MULTI_CHUNK = 1024;

const ZERO_HASH = /^0x0*$/;

/**
 * Resolves a block to its number and hash: the best head when `at` is undefined, a block number through
 * chain_getBlockHash, or a hash through chain_getHeader.
 * @throws BlockNotFoundError when the node does not know the block
 */
export async function resolveBlock(conn: ChainConnection, at?: number | string): Promise<BlockRef> {
  if (at === undefined) {
    const header = await conn.call('chain_getHeader', (api) => api.rpc.chain.getHeader());
    return { number: header.number.toNumber(), hash: header.hash.toHex() };
  }
  if (typeof at === 'number') {
    if (!Number.isSafeInteger(at) || at < 0) throw new BlockNotFoundError(at, 'a block number is an integer >= 0');
    const hash = (await conn.call(`chain_getBlockHash(${at})`, (api) => api.rpc.chain.getBlockHash(at))).toHex();
    // Substrate answers null for a number past the head, which @polkadot/api turns into the zero hash.
    if (ZERO_HASH.test(hash)) throw new BlockNotFoundError(at, 'it is past the head');
    return { number: at, hash };
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(at)) throw new BlockNotFoundError(at, 'a block hash is 0x and 64 hex digits');
  const hash = at.toLowerCase();
  let header;
  try {
    header = await conn.call(`chain_getHeader(${at})`, (api) => api.rpc.chain.getHeader(hash));
  } catch (e) {
    if (e instanceof Error && /UnknownBlock|not found|4003|Unable to retrieve header/i.test(e.message)) throw new BlockNotFoundError(at, e.message);
    throw e;
  }
  // Substrate answers null for an unknown hash, which @polkadot/api turns into an empty header: its own hash differs.
  if (header.hash.toHex() !== hash) throw new BlockNotFoundError(at, 'the node has no header for this hash');
  return { number: header.number.toNumber(), hash };
}

/**
 * The subtensor pallet's storage at a block.
 * @throws ChainRuntimeError when the runtime has no SubtensorModule pallet
 */
export async function storageAt(conn: ChainConnection, block: BlockRef): Promise<StorageAt> {
  const api = await conn.call(`api.at(${block.hash})`, (a: ApiPromise) => a.at(block.hash));
  const pallet = (api.query as unknown as Record<string, PalletStorage | undefined>)['subtensorModule'];
  if (pallet === undefined) throw new ChainRuntimeError(`no SubtensorModule pallet in the metadata at block ${block.number}`);
  return { block, api, pallet };
}

/** A storage entry that the runtime must have. */
export function required(s: StorageAt, name: string): QueryableStorageEntry<'promise'> {
  const entry = s.pallet[name];
  if (entry === undefined) throw new ChainRuntimeError(`SubtensorModule has no storage item ${name[0]?.toUpperCase()}${name.slice(1)} at block ${s.block.number}`);
  return entry;
}

/** Reads many storage values at the block in requests of MULTI_CHUNK keys (concurrently), in the order given. */
export async function readMulti(conn: ChainConnection, s: StorageAt, calls: StorageCall[], label: string): Promise<Codec[]> {
  const chunks: StorageCall[][] = [];
  for (let i = 0; i < calls.length; i += MULTI_CHUNK) chunks.push(calls.slice(i, i + MULTI_CHUNK));
  const parts = await Promise.all(chunks.map((chunk, i) =>
    conn.call(`${label} (state_queryStorageAt, ${chunk.length} keys, part ${i + 1}/${chunks.length})`, () =>
      s.api.queryMulti(chunk as unknown as Parameters<typeof s.api.queryMulti>[0]) as Promise<Codec[]>)));
  return parts.flat();
}

/** All entries of a map under a prefix (state_getKeysPaged, then state_queryStorageAt), at the block. */
export async function readEntries(conn: ChainConnection, s: StorageAt, entry: QueryableStorageEntry<'promise'>, args: unknown[], label: string): Promise<Array<[unknown[], Codec]>> {
  const pairs = await conn.call(`${label} (entries)`, () => entry.entries(...args));
  return pairs.map(([key, value]) => [key.args as unknown[], value]);
}

/** A Codec's integer value as a number (u8..u64 that fit 2^53). */
export function num(c: Codec | undefined): number {
  return c === undefined ? 0 : Number(c.toString());
}

/** A Codec's integer value as a bigint. */
export function big(c: Codec | undefined): bigint {
  return c === undefined ? 0n : BigInt(c.toString());
}

/** A Codec's boolean value. */
export function bool(c: Codec | undefined): boolean {
  return c !== undefined && c.toJSON() === true;
}

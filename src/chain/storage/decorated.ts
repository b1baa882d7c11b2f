import type { ApiPromise } from '@polkadot/api';
import type { QueryableStorageEntry } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import type { ChainConnection } from '../connection.js';
import { ChainRuntimeError } from './errors.js';
import type { BlockRef, PalletStorage, StorageAt, StorageCall } from './types.js';

/*
 * The decorated read strategy, for syncs: every read goes through the ApiDecoration of one block hash (`api.at(hash)`,
 * the hash from block.ts's resolveBlock), so a block produced halfway through cannot mix two states, and the storage
 * items are looked up in that block's own metadata (a runtime upgrade between two blocks changes what exists). Every
 * call runs through ChainConnection.call, so each has a deadline. items.ts is the cheaper strategy for a few items.
 */

/**
 * Keys per state_queryStorageAt request. @polkadot/api sends a whole queryMulti-at in one request; a node's request
 * size limit (15 MiB by default) and the response size bound what one request may hold, so large batches are split
 * into requests of this size, sent concurrently.
 */
export const MULTI_CHUNK = 1024;

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

import type { ApiDecoration, QueryableStorageEntry } from '@polkadot/api/types';

/*
 * The types of src/chain/storage, the one storage layer of the chain client. Every read names its block explicitly
 * (BlockAt); the layer has two ways to read at that block (decorated.ts through `api.at(hash)`, items.ts through the
 * connection's own metadata in one request) and a raw one for bulk keys (raw.ts). Values are decoded by decode.ts
 * only, so an item has one TypeScript type wherever it is read (u64 counts as bigint, see decode.ts).
 */

/**
 * Which block a read is pinned to, always said by the caller:
 * - `'best'`: the best head (what a node imports first; it may be reorganised away),
 * - `'finalized'`: the finalized head (never reverted; what the weight pipeline and the service decide on),
 * - a block number (resolved with chain_getBlockHash, so on the node's canonical chain),
 * - a block hash (`0x` and 64 hex digits): exactly that block, whatever the heads do later.
 */
export type BlockAt = 'best' | 'finalized' | number | string;

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

/** A storage item of a pallet and its key arguments, read with the connection's metadata (items.ts). */
export type StorageRead = [pallet: string, item: string, args: unknown[]];

/*
 * The chain client's one storage layer: the block policy (block.ts: every read names 'best', 'finalized', a number or
 * a hash), three read strategies at that block (decorated.ts through `api.at`, items.ts in one request with the
 * connection's metadata, raw.ts for bulk keys), one decoding (decode.ts), one types file and its errors.
 */
export { resolveBlock } from './block.js';
export { MULTI_CHUNK, storageAt, required, readMulti, readEntries } from './decorated.js';
export { readStorageAt } from './items.js';
export { buildKeys, hashersOf, readKeysUnder, readPrefix, readRaw, secondArgOffset, u16Bytes } from './raw.js';
export { big, bool, num } from './decode.js';
export type { StoredValue } from './decode.js';
export { BlockNotFoundError, ChainRuntimeError } from './errors.js';
export type { BlockAt, BlockRef, PalletStorage, StorageAt, StorageCall, StorageRead } from './types.js';

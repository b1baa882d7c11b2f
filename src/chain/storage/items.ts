import type { ApiPromise } from '@polkadot/api';
import { unwrapStorageType } from '@polkadot/types';
import type { Codec } from '@polkadot/types/types';
import { hexToU8a } from '@polkadot/util';
import { ChainRuntimeError } from './errors.js';
import type { StorageRead } from './types.js';

/*
 * The items read strategy: several storage items at one block in ONE state_queryStorageAt, decoded with the
 * connection's metadata types. This avoids `api.at(hash)` (decorated.ts), which decorates the whole metadata for every
 * new block (~30 ms each, the bulk of a weight submission's cost and garbage on every block); the price is that items
 * are looked up in the connection's metadata, not the block's, which is right for blocks near the head.
 */

interface EntryFn {
  (...a: unknown[]): unknown;
  key(...a: unknown[]): string;
  creator: { meta: { type: Parameters<typeof unwrapStorageType>[1]; modifier: { isOptional: boolean }; fallback: Uint8Array | { toU8a(): Uint8Array } } };
}

function entry(api: ApiPromise, pallet: string, item: string): EntryFn {
  const f = (api.query as unknown as Record<string, Record<string, EntryFn> | undefined>)[pallet]?.[item];
  if (f === undefined) throw new ChainRuntimeError(`the runtime has no storage item ${pallet}.${item}`);
  return f;
}

/**
 * Reads the items at `blockHash` (resolved by the caller, see block.ts): a decoded codec per item, or null for an
 * absent item whose modifier is Optional (an absent Default item decodes as its metadata default, as the chain reads it).
 * @throws ChainRuntimeError when the connection's metadata has no such item
 */
export async function readStorageAt(api: ApiPromise, blockHash: string, reads: readonly StorageRead[]): Promise<Array<Codec | null>> {
  const fns = reads.map(([pallet, item]) => entry(api, pallet, item));
  const keys = fns.map((f, i) => f.key(...(reads[i] as StorageRead)[2]));
  const raw = (await api.rpc.state.queryStorageAt(keys, blockHash)) as unknown as Array<{ toHex(): string; isNone?: boolean }>;
  return fns.map((f, i) => {
    const meta = f.creator.meta;
    const type = unwrapStorageType(api.registry, meta.type);
    const r = raw[i];
    const hex = r === undefined || r === null || r.isNone === true ? '0x' : r.toHex();
    if (hex === '0x') {
      if (meta.modifier.isOptional) return null;
      const fallback = meta.fallback instanceof Uint8Array ? meta.fallback : meta.fallback.toU8a();
      return api.registry.createType(type, fallback);
    }
    return api.registry.createType(type, hexToU8a(hex));
  });
}

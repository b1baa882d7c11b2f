import type { StateStore } from '../state-store.js';
import type { Hex, StorageCodec } from '../storage-codec.js';

/*
 * Account nonces as frame-system keeps them: the `nonce` field of `System.Account` (AccountInfo, encoded by the
 * metadata). The nonce of every included signed extrinsic is incremented, failed or not. An account without an entry
 * reads as the item's default (nonce 0); incrementing it creates the entry, as `inc_account_nonce` does.
 */

interface AccountInfoLike {
  nonce: { toNumber(): number };
  consumers: unknown;
  providers: unknown;
  sufficients: unknown;
  data: unknown;
}

/** The stored nonce of an account (32-byte public key) at block `at` (default: the head; head + 1 sees pending writes). */
export function accountNonce(storage: StorageCodec, state: StateStore, publicKey: Hex, at?: number): number {
  const raw = state.get(storage.key('system', 'account', publicKey), at);
  return (storage.decode('system', 'account', raw) as unknown as AccountInfoLike).nonce.toNumber();
}

/** Increments an account's nonce in the block being built. */
export function incrementNonce(storage: StorageCodec, state: StateStore, publicKey: Hex): void {
  const key = storage.key('system', 'account', publicKey);
  const info = storage.decode('system', 'account', state.get(key, state.head + 1)) as unknown as AccountInfoLike;
  state.set(key, storage.encode('system', 'account', {
    nonce: info.nonce.toNumber() + 1,
    consumers: info.consumers,
    providers: info.providers,
    sufficients: info.sufficients,
    data: info.data,
  }));
}

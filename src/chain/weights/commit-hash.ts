import { compactToU8a, u8aConcat } from '@polkadot/util';
import { blake2AsHex, decodeAddress } from '@polkadot/util-crypto';

/*
 * The commit hash exactly as the chain computes it: blake2_256 of the SCALE encoding of the tuple (AccountId32, u16
 * netuid, Vec<u16> uids, Vec<u16> values, Vec<u16> salt, u64 version_key). SCALE: the account's 32 bytes, u16 and u64
 * little-endian, each Vec as a compact length then its items.
 */

function u16le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >> 8) & 0xff);
}

function vecU16(v: readonly number[]): Uint8Array {
  return u8aConcat(compactToU8a(v.length), ...v.map(u16le));
}

function u64le(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
}

/**
 * The hash `commit_weights` stores and `reveal_weights` recomputes.
 * @param hotkey SS58 address or 0x public key of the hotkey that commits
 */
export function weightsCommitHash(hotkey: string, netuid: number, uids: readonly number[], values: readonly number[], salt: readonly number[], versionKey: bigint): string {
  const preimage = u8aConcat(decodeAddress(hotkey), u16le(netuid), vecU16(uids), vecU16(values), vecU16(salt), u64le(versionKey));
  return blake2AsHex(preimage, 256);
}

import type { QueryableStorageEntry } from '@polkadot/api/types';
import type { Registry } from '@polkadot/types/types';
import type { Codec } from '@polkadot/types/types';
import { hexToU8a } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { decodeAxonIp } from './axon-ip.js';
import type { AxonInfo } from './types.js';

/*
 * Hand decoders for the few SCALE shapes the metagraph reads in bulk (spec 233's types): u16, u64, AccountId32,
 * Vec<(u16, u16)> and AxonInfo. `decodeChecked` decodes the first value both by hand and with the registry's own
 * type for the item (from the metadata) and uses the hand decoder only when they agree, so a runtime whose types differ
 * is still read correctly, just slower.
 */

/** A little-endian unsigned integer of `len` bytes at `at`. */
function uintLE(b: Uint8Array, at: number, len: number): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i] ?? 0);
  return v;
}

/** u16 at a byte offset. */
export const readU16 = (b: Uint8Array, at = 0): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

/** u64 as a bigint. */
export const fastU64 = (hex: string): bigint => uintLE(hexToU8a(hex), 0, 8);

/** An AccountId32 as SS58. */
export const fastAccount = (ss58: number) => (hex: string): string => encodeAddress(hexToU8a(hex), ss58);

/** SCALE compact length prefix: [value, bytes used]. */
function compact(b: Uint8Array, at: number): [number, number] {
  const first = b[at] ?? 0;
  const mode = first & 3;
  if (mode === 0) return [first >> 2, 1];
  if (mode === 1) return [readU16(b, at) >> 2, 2];
  if (mode === 2) return [Number(uintLE(b, at, 4) >> 2n), 4];
  const len = (first >> 2) + 4;
  return [Number(uintLE(b, at + 1, len)), len + 1];
}

/** Vec<(u16, u16)>. */
export function fastPairs(hex: string): Array<[number, number]> {
  const b = hexToU8a(hex);
  const [len, used] = compact(b, 0);
  const out: Array<[number, number]> = new Array(len);
  for (let i = 0, at = used; i < len; i++, at += 4) out[i] = [readU16(b, at), readU16(b, at + 2)];
  return out;
}

/** AxonInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8, protocol: u8, placeholder1: u8, placeholder2: u8 }. */
export function fastAxon(hex: string): AxonInfo {
  const b = hexToU8a(hex);
  const { ip, ipType } = decodeAxonIp(uintLE(b, 12, 16), b[30] ?? 0);
  return { ip, ipType, port: readU16(b, 28), version: Number(uintLE(b, 8, 4)), protocol: b[31] ?? 0, block: Number(uintLE(b, 0, 8)) };
}

const sameJson = (a: unknown, b: unknown): boolean => {
  const text = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  return text(a) === text(b);
};

/**
 * Decodes many stored values of one map item: by hand when the hand decoder agrees with the registry on the first
 * value, else each through the registry.
 * @param fast the hand decoder, or null to use the registry for every value
 * @param slow reads a registry-decoded codec into the same shape as `fast`
 */
export function decodeChecked<T>(registry: Registry, entry: QueryableStorageEntry<'promise'>, values: string[], fast: ((hex: string) => T) | null, slow: (c: Codec) => T): T[] {
  const first = values[0];
  if (first === undefined) return [];
  const t = entry.creator.meta.type;
  const typeName = registry.createLookupType(t.isMap ? t.asMap.value : t.asPlain);
  const viaRegistry = (hex: string): T => slow(registry.createType(typeName, hexToU8a(hex)));
  if (fast === null) return values.map(viaRegistry);
  let agree = false;
  try { agree = sameJson(fast(first), viaRegistry(first)); } catch { agree = false; }
  return values.map(agree ? fast : viaRegistry);
}

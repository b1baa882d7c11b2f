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

/**
 * Vec<(u16, u16)> values of rows by uid straight into CSR arrays (rows without a value are empty), with no JavaScript
 * array per row or pair: at n = 4096 a dense subnet stores a million pairs, and one array each is most of the cost.
 * Same bytes read as `fastPairs` (missing trailing bytes read as 0).
 * @param rows [uid, SCALE hex] per stored row; uids below n, each at most once
 */
export function fastPairsCsr(rows: ReadonlyArray<readonly [number, string]>, n: number): { offsets: Int32Array; uids: Uint16Array; values: Uint16Array } {
  const bytes = new Array<Uint8Array | undefined>(n);
  const offsets = new Int32Array(n + 1);
  for (const [uid, hex] of rows) {
    const b = Buffer.from(hex.startsWith('0x') ? hex.slice(2) : hex, 'hex');
    bytes[uid] = b;
    offsets[uid + 1] = compact(b, 0)[0];
  }
  for (let i = 0; i < n; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const uids = new Uint16Array(offsets[n] as number), values = new Uint16Array(uids.length);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === undefined) continue;
    let at = compact(b, 0)[1];
    for (let k = offsets[i] as number, end = offsets[i + 1] as number; k < end; k++, at += 4) {
      uids[k] = readU16(b, at);
      values[k] = readU16(b, at + 2);
    }
  }
  return { offsets, uids, values };
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
  const viaRegistry = registryDecoder(registry, entry, slow);
  if (fast === null) return values.map(viaRegistry);
  return values.map(handDecoderAgrees(registry, entry, first, fast, slow) ? fast : viaRegistry);
}

/** Decodes one stored value of an item through the registry's own type for it (from the metadata). */
function registryDecoder<T>(registry: Registry, entry: QueryableStorageEntry<'promise'>, slow: (c: Codec) => T): (hex: string) => T {
  const t = entry.creator.meta.type;
  const typeName = registry.createLookupType(t.isMap ? t.asMap.value : t.asPlain);
  return (hex) => slow(registry.createType(typeName, hexToU8a(hex)));
}

/** Whether a hand decoder reads a stored value of an item as the registry does (decodeChecked's test on one value). */
export function handDecoderAgrees<T>(registry: Registry, entry: QueryableStorageEntry<'promise'>, value: string, fast: (hex: string) => T, slow: (c: Codec) => T): boolean {
  try {
    return sameJson(fast(value), registryDecoder(registry, entry, slow)(value));
  } catch {
    return false;
  }
}

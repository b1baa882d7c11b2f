import type { ApiPromise } from '@polkadot/api';
import type { QueryableStorageEntry } from '@polkadot/api/types';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';
import type { ChainConnection } from '../connection.js';
import type { StorageAt } from './types.js';

/*
 * The raw read strategy: bulk storage reads without @polkadot/api's codec objects. For n = 4096 the metagraph's
 * per-uid and per-hotkey items are some 20 000 keys and values; building a StorageKey and a decoded codec for each is what made the sync take
 * seconds (measured: 8.7 s median with full weight rows), so the large items go through the provider as plain JSON
 * (state_getKeysPaged, state_queryStorageAt) and are decoded by hand. Two safeguards keep this exact on any runtime:
 * a key built here is compared with @polkadot/api's own `entry.key(...)` for the first element of every batch, and the
 * caller compares its hand decoding of the first value with the registry's decoding of the value type; on any
 * mismatch the batch falls back to the slow, generic path.
 */

/** Keys per state_getKeysPaged page (a node's usual cap) and per state_queryStorageAt request. */
const PAGE = 1000;

type Send = (method: string, params: unknown[]) => Promise<unknown>;

/** A raw JSON-RPC sender on the connection's provider, or null when the client does not expose one. */
function rawSend(api: ApiPromise): Send | null {
  // @polkadot/api keeps its provider on the protected `_rpcCore`; @polkadot/api itself reads it there (ApiBase clone).
  const provider = (api as unknown as { _rpcCore?: { provider?: { send(m: string, p: unknown[]): Promise<unknown> } } })._rpcCore?.provider;
  return provider === undefined ? null : (m, p) => provider.send(m, p);
}

/** How a map hashes one key argument: the hash length that precedes the argument, or null for opaque hashers. */
function hashPrefixLength(hasher: string): number | null {
  if (hasher === 'Identity') return 0;
  if (hasher === 'Blake2_128Concat') return 16;
  if (hasher === 'Twox64Concat') return 8;
  return null;
}

function hashArg(hasher: string, arg: Uint8Array): Uint8Array | null {
  if (hasher === 'Identity') return arg;
  if (hasher === 'Blake2_128Concat') return u8aConcat(blake2AsU8a(arg, 128), arg);
  if (hasher === 'Twox64Concat') return u8aConcat(xxhashAsU8a(arg, 64), arg);
  return null;
}

/** The hasher names of a map entry. */
export function hashersOf(entry: QueryableStorageEntry<'promise'>): string[] {
  const t = entry.creator.meta.type;
  return t.isMap ? t.asMap.hashers.map((h) => h.type) : [];
}

/** A u16 as SCALE (little endian). */
export function u16Bytes(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff]);
}

/**
 * Builds the storage keys of a map for many argument lists, by hand, checked against @polkadot/api on the first.
 * @param args per key, the SCALE bytes of each argument; `polkadotArgs` gives the same arguments as @polkadot/api takes them
 */
export function buildKeys(entry: QueryableStorageEntry<'promise'>, args: Uint8Array[][], polkadotArgs: (i: number) => unknown[]): string[] {
  if (args.length === 0) return [];
  const hashers = hashersOf(entry);
  const prefix = hexToU8a(entry.keyPrefix());
  const fast = (a: Uint8Array[]): string | null => {
    if (a.length !== hashers.length) return null;
    const parts = a.map((x, k) => hashArg(hashers[k] ?? '', x));
    return parts.some((p) => p === null) ? null : u8aToHex(u8aConcat(prefix, ...(parts as Uint8Array[])));
  };
  const first = fast(args[0] as Uint8Array[]);
  if (first !== null && first === entry.key(...polkadotArgs(0))) return args.map((a) => fast(a) as string);
  return args.map((_, i) => entry.key(...polkadotArgs(i)));
}

/**
 * The byte offset, in a key under `entry.keyPrefix(first)`, where the second argument starts, or null when the
 * second hasher is opaque (then the argument cannot be read back from the key).
 */
export function secondArgOffset(entry: QueryableStorageEntry<'promise'>, firstArgPrefix: string): number | null {
  const h = hashPrefixLength(hashersOf(entry)[1] ?? '');
  return h === null ? null : (firstArgPrefix.length - 2) / 2 + h;
}

/** Reads values of many keys at the block: chunks of PAGE keys, concurrently; null for an absent value. */
export async function readRaw(conn: ChainConnection, s: StorageAt, keys: string[], label: string): Promise<Array<string | null>> {
  const send = rawSend(conn.api);
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += PAGE) chunks.push(keys.slice(i, i + PAGE));
  const parts = await Promise.all(chunks.map(async (chunk, i) => {
    const tag = `${label} (state_queryStorageAt, ${chunk.length} keys, part ${i + 1}/${chunks.length})`;
    if (send === null) {
      const sets = await conn.call(tag, (api) => api.rpc.state.queryStorageAt<[]>(chunk, s.block.hash));
      return (sets as unknown as Array<{ isNone?: boolean; toHex(): string }>).map((v) => (v.isNone === true ? null : v.toHex()));
    }
    const answer = (await conn.call(tag, () => send('state_queryStorageAt', [chunk, s.block.hash]))) as Array<{ changes: Array<[string, string | null]> }>;
    const byKey = new Map<string, string | null>();
    for (const set of answer) for (const [k, v] of set.changes) byKey.set(k.toLowerCase(), v);
    return chunk.map((k) => byKey.get(k.toLowerCase()) ?? null);
  }));
  return parts.flat();
}

/** All keys under a prefix at the block (state_getKeysPaged, PAGE at a time). */
export async function readKeysUnder(conn: ChainConnection, s: StorageAt, prefix: string, label: string): Promise<string[]> {
  const send = rawSend(conn.api);
  const keys: string[] = [];
  let start = prefix;
  for (let page = 1; ; page++) {
    const tag = `${label} (state_getKeysPaged, page ${page})`;
    const got = send === null
      ? (await conn.call(tag, (api) => api.rpc.state.getKeysPaged(prefix, PAGE, start, s.block.hash))).map((k) => k.toHex())
      : ((await conn.call(tag, () => send('state_getKeysPaged', [prefix, PAGE, start, s.block.hash]))) as string[]);
    keys.push(...got);
    if (got.length < PAGE) return keys;
    start = got[got.length - 1] as string;
  }
}

/** Every (key, value) under a prefix at the block. */
export async function readPrefix(conn: ChainConnection, s: StorageAt, prefix: string, label: string): Promise<Array<[string, string]>> {
  const keys = await readKeysUnder(conn, s, prefix, label);
  const values = await readRaw(conn, s, keys, label);
  const out: Array<[string, string]> = [];
  keys.forEach((k, i) => { const v = values[i]; if (v !== null && v !== undefined) out.push([k, v]); });
  return out;
}

import type { Codec } from '@polkadot/types/types';
import { hexToString, stringToHex } from '@polkadot/util';
import type { StateStore } from '../state-store.js';
import type { Hex, StorageCodec } from '../storage-codec.js';

/*
 * SubtensorModule storage as the pallet's code reads it: typed getters that fall back to the item's default (as a
 * ValueQuery does), and setters that remove an entry written with its "zero" where the chain removes it. Reads are
 * taken at one block: the block being built (`head + 1`, so the pending writes are seen) inside a block, or any past
 * block for a snapshot.
 */

const PALLET = 'subtensorModule';

/** Where storage writes go: the block being built (a BlockContext satisfies this). */
export interface WriteTarget {
  /** The number of the block being built, or of the block whose state is read. */
  number: number;
  state: StateStore;
}

/** The SubtensorModule storage of one block, read and written by item name (the metadata's camelCase). */
export class SubtensorStore {
  constructor(
    readonly state: StateStore,
    readonly codec: StorageCodec,
    /** The block whose state is read; `state.head + 1` sees the block being built. */
    readonly at: number,
  ) {}

  /** The store of the block being built. */
  static building(target: WriteTarget, codec: StorageCodec): SubtensorStore {
    return new SubtensorStore(target.state, codec, target.number);
  }

  /** Whether the runtime has this item (spec 233 lacks some of today's items). */
  hasItem(item: string): boolean {
    return this.codec.has(PALLET, item);
  }

  /** The raw value of an entry, or null when absent. */
  raw(item: string, ...keys: unknown[]): Hex | null {
    return this.state.get(this.codec.key(PALLET, item, ...keys), this.at);
  }

  /** Whether an entry is present (`contains_key`). */
  contains(item: string, ...keys: unknown[]): boolean {
    return this.raw(item, ...keys) !== null;
  }

  /** An entry decoded by the item's type; the item's default when absent. */
  get(item: string, ...keys: unknown[]): Codec {
    return this.codec.decode(PALLET, item, this.raw(item, ...keys));
  }

  /** A simple-typed entry as plain JavaScript without codec objects (StorageCodec.decodePlain), or undefined. */
  private plain(item: string, keys: unknown[]): unknown {
    return this.codec.decodePlain(PALLET, item, this.raw(item, ...keys));
  }

  /** An integer entry (u8..u128) as a bigint. */
  big(item: string, ...keys: unknown[]): bigint {
    const p = this.plain(item, keys);
    return p === undefined ? BigInt(this.get(item, ...keys).toString()) : BigInt(p as number | bigint);
  }

  /** An integer entry that fits a double (u16, u32, block numbers). */
  num(item: string, ...keys: unknown[]): number {
    const p = this.plain(item, keys);
    return p === undefined ? Number(this.get(item, ...keys).toString()) : Number(p as number | bigint);
  }

  /** A bool entry. */
  bool(item: string, ...keys: unknown[]): boolean {
    const p = this.plain(item, keys);
    return p === undefined ? this.get(item, ...keys).toJSON() === true : p === true;
  }

  /** A Vec<u16> or Vec<u64> entry as numbers (u64 block numbers stay below 2^53). */
  nums(item: string, ...keys: unknown[]): number[] {
    const p = this.plain(item, keys);
    if (p !== undefined) return (p as Array<number | bigint>).map(Number);
    return [...(this.get(item, ...keys) as unknown as Iterable<Codec>)].map((c) => Number(c.toString()));
  }

  /** A Vec<bool> entry (Active, ValidatorPermit). */
  bools(item: string, ...keys: unknown[]): boolean[] {
    const p = this.plain(item, keys);
    if (p !== undefined) return p as boolean[];
    return [...(this.get(item, ...keys) as unknown as Iterable<Codec>)].map((c) => c.toJSON() === true);
  }

  /** A Vec<(u16, u16)> entry (Weights, Bonds). */
  pairs(item: string, ...keys: unknown[]): Array<[number, number]> {
    const p = this.plain(item, keys);
    return p !== undefined ? (p as Array<[number, number]>) : (this.get(item, ...keys).toJSON() as Array<[number, number]>);
  }

  /** An AccountId entry as its 32-byte public key. */
  account(item: string, ...keys: unknown[]): Hex {
    return this.get(item, ...keys).toHex() as Hex;
  }

  /** A Vec<AccountId> entry as public keys. */
  accounts(item: string, ...keys: unknown[]): Hex[] {
    return [...(this.get(item, ...keys) as unknown as Iterable<Codec>)].map((c) => c.toHex() as Hex);
  }

  /** A U64F64 entry (`{ bits: u128 }`) as its raw bits. */
  fixedBits(item: string, ...keys: unknown[]): bigint {
    const bits = (this.get(item, ...keys) as unknown as { get(name: string): Codec | undefined }).get('bits');
    return BigInt(bits?.toString() ?? '0');
  }

  /**
   * Writes an entry; keys first, the value last, in any form the registry accepts for the item's type. An unchanged
   * value is not written again, so a block's change set holds only real changes (as a trie commit would).
   */
  set(item: string, ...keysAndValue: unknown[]): void {
    const value = keysAndValue[keysAndValue.length - 1];
    const key = this.codec.key(PALLET, item, ...keysAndValue.slice(0, -1));
    const encoded = this.codec.encode(PALLET, item, value);
    if (this.state.get(key, this.at) !== encoded) this.state.set(key, encoded);
  }

  /** Removes an entry (nothing is written when it is already absent). */
  remove(item: string, ...keys: unknown[]): void {
    const key = this.codec.key(PALLET, item, ...keys);
    if (this.state.get(key, this.at) !== null) this.state.set(key, null);
  }

  /** The devnet's own (non-runtime) value under `key`, as JSON; null when absent. */
  private(key: string): unknown {
    const raw = this.state.get(privateKey(key), this.at);
    return raw === null ? null : JSON.parse(hexToString(raw));
  }

  /** Writes a devnet-own value as JSON. */
  setPrivate(key: string, value: unknown): void {
    this.state.set(privateKey(key), stringToHex(JSON.stringify(value)) as Hex);
  }
}

/**
 * A storage key for devnet-own state: the UTF-8 bytes of `:yumaval:<name>`, a well-known-key style (like `:code`)
 * that no pallet prefix (two twox128 hashes) can collide with.
 */
export function privateKey(name: string): Hex {
  return stringToHex(`:yumaval:${name}`) as Hex;
}

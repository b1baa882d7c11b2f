import type { Codec } from '@polkadot/types/types';
import type { StorageEntry } from '@polkadot/types/primitive/types';
import { compactStripLength, hexToU8a, u8aToHex } from '@polkadot/util';
import { InvalidInputError } from '../errors/index.js';
import type { DevnetRuntime } from './runtime.js';
import { decodeFast, encodeFast, isFastType } from './scale-fast.js';

/** A hex string with the 0x prefix, as storage keys and SCALE values travel over JSON-RPC. */
export type Hex = `0x${string}`;

/** The most keys remembered: a few MB, and enough for every key a subnet's blocks touch. */
const KEY_CACHE_MAX = 32_768;

/**
 * Storage keys and values of the served runtime, by pallet and item name as the metadata spells them in camelCase
 * (`subtensorModule`, `weights`): keys are hashed with the item's own hashers, values encoded with its own type.
 */
export class StorageCodec {
  /** Keys computed before, by item and primitive arguments: hashing through the registry costs ~20 µs a key. */
  private readonly keyCache = new Map<string, Hex>();
  private readonly typeStrings = new Map<string, string>();

  constructor(private readonly runtime: DevnetRuntime) {}

  private entry(pallet: string, item: string): StorageEntry {
    const section = this.runtime.decorated.query[pallet];
    const entry = section?.[item];
    if (entry === undefined) throw new InvalidInputError(`${pallet}.${item}`, 'is not a storage item of the served runtime (spec 233)');
    return entry;
  }

  /** Whether the runtime has this storage item (feature detection). */
  has(pallet: string, item: string): boolean {
    return this.runtime.decorated.query[pallet]?.[item] !== undefined;
  }

  /** The full key of an item (with its map keys, if any). */
  key(pallet: string, item: string, ...args: unknown[]): Hex {
    const primitive = args.every((a) => typeof a === 'number' || typeof a === 'string' || typeof a === 'bigint');
    const memo = primitive ? `${pallet}.${item}|${args.map((a) => `${typeof a}:${String(a)}`).join('|')}` : null;
    const hit = memo === null ? undefined : this.keyCache.get(memo);
    if (hit !== undefined) return hit;
    const key = this.computeKey(pallet, item, args);
    if (memo !== null) {
      // Bounded: a long-running devnet touches few distinct keys, but each block adds two (System.BlockHash of the
      // parent, and of the block it prunes), and nothing else limits the map.
      if (this.keyCache.size >= KEY_CACHE_MAX) this.keyCache.clear();
      this.keyCache.set(memo, key);
    }
    return key;
  }

  private computeKey(pallet: string, item: string, args: unknown[]): Hex {
    const entry = this.entry(pallet, item);
    // The decorated entry returns the key with a compact length prefix in front; storage keys have none.
    const [, raw] = compactStripLength(entry(...(args as never[])) as Uint8Array);
    return u8aToHex(raw) as Hex;
  }

  /** The prefix shared by every key of an item (twox128(pallet) ++ twox128(item)). */
  prefix(pallet: string, item: string): Hex {
    return u8aToHex(this.entry(pallet, item).keyPrefix()) as Hex;
  }

  /** The type name of an item's value in the registry. */
  valueType(pallet: string, item: string): string {
    const meta = this.entry(pallet, item).meta;
    const id = meta.type.isPlain ? meta.type.asPlain : meta.type.asMap.value;
    return this.runtime.registry.createLookupType(id);
  }

  /** The registry's type string of an item's value, e.g. `Vec<(u16,u16)>`. */
  typeString(pallet: string, item: string): string {
    const memo = `${pallet}.${item}`;
    let t = this.typeStrings.get(memo);
    if (t === undefined) {
      const meta = this.entry(pallet, item).meta;
      const id = meta.type.isPlain ? meta.type.asPlain : meta.type.asMap.value;
      t = this.runtime.registry.lookup.getTypeDef(id).type;
      this.typeStrings.set(memo, t);
    }
    return t;
  }

  /**
   * A value of a simple type (u16, u32, u64, bool, vectors of them, Vec<(u16,u16)>) as plain JavaScript (u64 as
   * bigint), without building codec objects; undefined for other types. Absent reads as the item's default.
   */
  decodePlain(pallet: string, item: string, value: Hex | null): unknown {
    const t = this.typeString(pallet, item);
    if (!isFastType(t)) return undefined;
    return decodeFast(t, value ?? (u8aToHex(this.entry(pallet, item).meta.fallback.toU8a(true)) as Hex));
  }

  /** Encodes a value of an item from its JSON-like form (numbers, strings, arrays, objects as polkadot-js takes them). */
  encode(pallet: string, item: string, value: unknown): Hex {
    const t = this.typeString(pallet, item);
    if (isFastType(t)) {
      const fast = encodeFast(t, value);
      if (fast !== undefined) return fast;
    }
    // The SCALE bytes: `toHex()` of an integer type is its big-endian number, not its encoding.
    return u8aToHex(this.runtime.registry.createTypeUnsafe(this.valueType(pallet, item), [value]).toU8a()) as Hex;
  }

  /** Decodes a stored value of an item; `null` (absent) decodes to the item's default, as the chain reads it. */
  decode(pallet: string, item: string, value: Hex | null): Codec {
    const entry = this.entry(pallet, item);
    // Bytes, not the hex string: a hex string is read as a big-endian number by the integer types.
    const raw = value === null ? entry.meta.fallback.toU8a(true) : hexToU8a(value);
    return this.runtime.registry.createTypeUnsafe(this.valueType(pallet, item), [raw]);
  }
}

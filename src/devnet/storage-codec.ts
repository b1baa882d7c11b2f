import type { Codec } from '@polkadot/types/types';
import type { StorageEntry } from '@polkadot/types/primitive/types';
import { compactStripLength, hexToU8a, u8aToHex } from '@polkadot/util';
import { InvalidInputError } from '../errors/index.js';
import type { DevnetRuntime } from './runtime.js';

/** A hex string with the 0x prefix, as storage keys and SCALE values travel over JSON-RPC. */
export type Hex = `0x${string}`;

/**
 * Storage keys and values of the served runtime, by pallet and item name as the metadata spells them in camelCase
 * (`subtensorModule`, `weights`): keys are hashed with the item's own hashers, values encoded with its own type.
 */
export class StorageCodec {
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

  /** Encodes a value of an item from its JSON-like form (numbers, strings, arrays, objects as polkadot-js takes them). */
  encode(pallet: string, item: string, value: unknown): Hex {
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

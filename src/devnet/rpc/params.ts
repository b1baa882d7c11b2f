import { describeValue } from '../../errors/index.js';
import type { Hex } from '../storage-codec.js';
import { invalidParams } from './rpc-error.js';

/*
 * A method's parameters, read one by one with the type the Substrate method declares. A value of the wrong type is
 * jsonrpsee's "Invalid params" (−32602) naming the parameter. Parameters come as an array (what @polkadot/api sends) or
 * as an object by the Rust parameter names (jsonrpsee accepts both). Optional parameters may be missing or null;
 * extra positional parameters are ignored, as jsonrpsee ignores them.
 */

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

/** The parameters of one call. */
export class Params {
  private constructor(
    private readonly values: readonly unknown[],
    private readonly names: readonly string[],
  ) {}

  /**
   * Reads the `params` member of a request for a method with these parameter names.
   * @throws RpcError −32602 when params is neither absent, null, an array nor an object
   */
  static from(raw: unknown, names: readonly string[]): Params {
    if (raw === undefined || raw === null) return new Params([], names);
    if (Array.isArray(raw)) return new Params(raw, names);
    if (typeof raw === 'object') {
      const byName = raw as Record<string, unknown>;
      return new Params(names.map((n) => byName[n]), names);
    }
    throw invalidParams(`expected the parameters as an array or an object, got ${describeValue(raw)}`);
  }

  /** All positional values (admin methods take them as they are). */
  all(): unknown[] {
    return [...this.values];
  }

  private name(i: number): string {
    return this.names[i] ?? `#${i}`;
  }

  private fail(i: number, expected: string, v: unknown): never {
    throw invalidParams(`${this.name(i)}: expected ${expected}, got ${describeValue(v)}`);
  }

  /** Whether parameter i is absent or null. */
  isNone(i: number): boolean {
    const v = this.values[i];
    return v === undefined || v === null;
  }

  /** The raw value of parameter i. */
  raw(i: number): unknown {
    return this.values[i];
  }

  /** A required parameter of type Bytes / StorageKey: 0x-prefixed hex of whole bytes, returned in lower case. */
  hex(i: number): Hex {
    const v = this.values[i];
    if (v === undefined || v === null) this.fail(i, 'a 0x-prefixed hex string', v);
    if (typeof v !== 'string' || !HEX.test(v)) this.fail(i, 'a 0x-prefixed hex string of whole bytes', v);
    return v.toLowerCase() as Hex;
  }

  /** An optional Bytes / StorageKey parameter. */
  optHex(i: number): Hex | null {
    return this.isNone(i) ? null : this.hex(i);
  }

  /** A required 32-byte hash (H256). */
  hash(i: number): Hex {
    const v = this.values[i];
    if (typeof v !== 'string' || !HEX.test(v) || v.length !== 66) this.fail(i, 'a 32-byte hash as 0x-prefixed hex', v);
    return v.toLowerCase() as Hex;
  }

  /** An optional block hash: null means the best block. */
  optHash(i: number): Hex | null {
    return this.isNone(i) ? null : this.hash(i);
  }

  /** A required list of storage keys. */
  hexList(i: number): Hex[] {
    const v = this.values[i];
    if (!Array.isArray(v)) this.fail(i, 'an array of 0x-prefixed hex strings', v);
    return v.map((item, j) => {
      if (typeof item !== 'string' || !HEX.test(item)) {
        throw invalidParams(`${this.name(i)}[${j}]: expected a 0x-prefixed hex string of whole bytes, got ${describeValue(item)}`);
      }
      return item.toLowerCase() as Hex;
    });
  }

  /** An optional list of storage keys. */
  optHexList(i: number): Hex[] | null {
    return this.isNone(i) ? null : this.hexList(i);
  }

  /** A required u32. */
  u32(i: number): number {
    const v = this.values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) this.fail(i, 'an integer in [0, 4294967295]', v);
    return v;
  }

  /** A required string. */
  string(i: number): string {
    const v = this.values[i];
    if (typeof v !== 'string') this.fail(i, 'a string', v);
    return v;
  }
}

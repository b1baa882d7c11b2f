import { TimelockCiphertextError } from './errors.js';

/*
 * The pieces of ark-serialize's compressed encoding the `tle` ciphertext uses: a `Vec<u8>` is its length as a u64
 * little-endian followed by its bytes, fields of a struct follow each other with no tag, and a field element of
 * BLS12-381's Fp is 48 bytes little-endian. Curve points use the zcash/IETF compressed form (big-endian, flags in the
 * top bits), which ark-bls12-381 and @noble/curves share, so they are not handled here.
 */

/** Bytes of one Fp element as ark-serialize writes it. */
export const FP_BYTES = 48;

/** Appends chunks into one buffer (the total is known only at the end). */
export class ArkWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** Appends raw bytes (a fixed-size field such as a compressed point). */
  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }

  /** Appends a `Vec<u8>`: u64 little-endian length, then the bytes. */
  vec(bytes: Uint8Array): this {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(bytes.length), true);
    return this.raw(len).raw(bytes);
  }

  /** The bytes written so far, as one array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Reads fields in order; every failure names the field and its byte offset. */
export class ArkReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The offset of the next unread byte. */
  get offset(): number {
    return this.at;
  }

  /** Bytes left after the offset. */
  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** Reads `n` raw bytes named `field`. */
  raw(n: number, field: string): Uint8Array {
    if (this.remaining < n) {
      throw new TimelockCiphertextError(`${field} at byte ${this.at} needs ${n} bytes, ${this.remaining} are left`);
    }
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** Reads a `Vec<u8>` named `field` (its u64 little-endian length must fit in what is left). */
  vec(field: string): Uint8Array {
    const lenAt = this.at;
    const head = this.raw(8, `${field} length`);
    const len = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (len > BigInt(this.remaining)) {
      throw new TimelockCiphertextError(`${field} at byte ${lenAt} claims ${len} bytes, ${this.remaining} are left`);
    }
    return this.raw(Number(len), field);
  }
}

/** Writes an Fp element (a bigint below the modulus) as 48 bytes little-endian. */
export function fpToLe(value: bigint): Uint8Array {
  const out = new Uint8Array(FP_BYTES);
  let v = value;
  for (let i = 0; i < FP_BYTES; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Reads bytes as an unsigned big-endian integer. */
export function bytesToBigIntBe(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

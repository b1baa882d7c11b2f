import { TimelockPayloadError } from './errors.js';

/*
 * The plaintext of a timelocked weight commit: SCALE `WeightsTlockPayload { hotkey: Vec<u8>, uids: Vec<u16>,
 * values: Vec<u16>, version_key: u64 }` (subtensor coinbase/reveal_commits.rs, bittensor-drand drand.rs). A Vec is a
 * compact length then its items; u16 and u64 are little-endian. The hotkey is the committer's 32-byte public key:
 * the chain drops a revealed payload whose hotkey is not the committing account.
 */

/** The decoded payload. */
export interface WeightsTlockPayload {
  /** The committing hotkey's public key (32 bytes). */
  readonly hotkey: Uint8Array;
  readonly uids: readonly number[];
  readonly values: readonly number[];
  /** The subnet's weights version key (u64). */
  readonly versionKey: bigint;
}

const U64_MAX = 2n ** 64n - 1n;
/** Bytes of an AccountId32 (the hotkey). */
export const HOTKEY_BYTES = 32;

function compact(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  if (n < 1 << 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  if (n < 2 ** 30) {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, n * 4 + 2, true);
    return out;
  }
  const out = new Uint8Array(5);
  out[0] = 3; // big-integer mode, 4 bytes follow
  new DataView(out.buffer).setUint32(1, n, true);
  return out;
}

function checkU16s(field: string, xs: readonly number[]): void {
  xs.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x > 0xffff) throw new TimelockPayloadError(`${field}[${i}]`, `expected an integer from 0 to 65535, got ${String(x)}`);
  });
}

/** SCALE-encodes a payload; refuses values outside their types, and uids and values of different lengths. */
export function encodeWeightsPayload(p: WeightsTlockPayload): Uint8Array {
  if (p.hotkey.length !== HOTKEY_BYTES) throw new TimelockPayloadError('hotkey', `expected ${HOTKEY_BYTES} bytes (a public key), got ${p.hotkey.length}`);
  checkU16s('uids', p.uids);
  checkU16s('values', p.values);
  // The chain decodes unequal lengths, then refuses the weights at reveal (and drops the commit silently).
  if (p.uids.length !== p.values.length) throw new TimelockPayloadError('values', `has ${p.values.length} entries, uids has ${p.uids.length}`);
  if (p.versionKey < 0n || p.versionKey > U64_MAX) throw new TimelockPayloadError('versionKey', `expected a u64, got ${p.versionKey}`);
  const n = p.uids.length;
  const parts = [compact(HOTKEY_BYTES), p.hotkey, compact(n), u16s(p.uids), compact(n), u16s(p.values), u64(p.versionKey)];
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

function u16s(xs: readonly number[]): Uint8Array {
  const out = new Uint8Array(xs.length * 2);
  const dv = new DataView(out.buffer);
  xs.forEach((x, i) => dv.setUint16(i * 2, x, true));
  return out;
}

function u64(x: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, x, true);
  return out;
}

/** A SCALE reader over the plaintext; errors name the field being read. */
class ScaleReader {
  at = 0;
  private readonly dv: DataView;

  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  need(n: number, field: string): void {
    if (this.b.length - this.at < n) throw new TimelockPayloadError(field, `truncated at byte ${this.at} (${n} more bytes needed)`);
  }

  /** A compact-encoded length; non-canonical encodings are refused, as parity-scale-codec does. */
  compactLen(field: string): number {
    this.need(1, field);
    const b0 = this.b[this.at] as number;
    const mode = b0 & 3;
    let v: number;
    let min: number;
    if (mode === 0) {
      v = b0 >> 2;
      min = 0;
      this.at += 1;
    } else if (mode === 1) {
      this.need(2, field);
      v = this.dv.getUint16(this.at, true) >> 2;
      min = 1 << 6;
      this.at += 2;
    } else if (mode === 2) {
      this.need(4, field);
      v = this.dv.getUint32(this.at, true) >>> 2;
      min = 1 << 14;
      this.at += 4;
    } else {
      const extra = (b0 >> 2) + 4;
      if (extra !== 4) throw new TimelockPayloadError(field, `length prefix of ${extra} bytes is too large for a Vec`);
      this.need(5, field);
      v = this.dv.getUint32(this.at + 1, true);
      min = 2 ** 30;
      this.at += 5;
    }
    if (v < min) throw new TimelockPayloadError(field, 'non-canonical compact length');
    return v;
  }

  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.b.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u16vec(field: string): number[] {
    const n = this.compactLen(`${field} length`);
    this.need(n * 2, field);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.dv.getUint16(this.at + 2 * i, true));
    this.at += n * 2;
    return out;
  }

  u64(field: string): bigint {
    this.need(8, field);
    const v = this.dv.getBigUint64(this.at, true);
    this.at += 8;
    return v;
  }
}

/**
 * Decodes a plaintext as a WeightsTlockPayload. Strict: every byte must be used and the hotkey must be 32 bytes (the
 * chain reads a prefix and ignores the rest, and falls back to the legacy payload without a hotkey; docs/timelock.md).
 */
export function decodeWeightsPayload(bytes: Uint8Array): WeightsTlockPayload {
  const rd = new ScaleReader(bytes);
  const hotkey = rd.bytes(rd.compactLen('hotkey length'), 'hotkey');
  const uids = rd.u16vec('uids');
  const values = rd.u16vec('values');
  const versionKey = rd.u64('versionKey');
  if (rd.at !== bytes.length) throw new TimelockPayloadError('', `${bytes.length - rd.at} bytes left after versionKey`);
  if (hotkey.length !== HOTKEY_BYTES) throw new TimelockPayloadError('hotkey', `has ${hotkey.length} bytes, expected ${HOTKEY_BYTES}`);
  return { hotkey, uids, values, versionKey };
}

/** What the chain makes of a decrypted commit (reveal_commits.rs): weights to set, or the reason it drops it. */
export type ChainPayloadReading =
  | { readonly ok: true; readonly legacy: boolean; readonly uids: readonly number[]; readonly values: readonly number[]; readonly versionKey: bigint }
  | { readonly ok: false; readonly reason: 'hotkey mismatch' | 'undecodable' };

function tryDecode<T>(f: () => T): T | null {
  try {
    return f();
  } catch (err) {
    if (err instanceof TimelockPayloadError) return null;
    throw err;
  }
}

/**
 * Reads a decrypted commit the way the chain does, for a devnet that emulates the reveal: SCALE decoding of a prefix
 * (trailing bytes ignored); the AccountId is the hotkey's first 32 bytes and must equal `who`; a hotkey shorter than
 * 32 bytes, or bytes that are no WeightsTlockPayload at all, fall back to the legacy `{ uids, values, version_key }`.
 */
export function readPayloadAsChain(bytes: Uint8Array, who: Uint8Array): ChainPayloadReading {
  const current = tryDecode(() => {
    const rd = new ScaleReader(bytes);
    const hotkey = rd.bytes(rd.compactLen('hotkey length'), 'hotkey');
    return { hotkey, uids: rd.u16vec('uids'), values: rd.u16vec('values'), versionKey: rd.u64('versionKey') };
  });
  if (current !== null && current.hotkey.length >= HOTKEY_BYTES) {
    const account = current.hotkey.subarray(0, HOTKEY_BYTES);
    if (account.length !== who.length || account.some((b, i) => b !== who[i])) return { ok: false, reason: 'hotkey mismatch' };
    return { ok: true, legacy: false, uids: current.uids, values: current.values, versionKey: current.versionKey };
  }
  const legacy = tryDecode(() => {
    const rd = new ScaleReader(bytes);
    return { uids: rd.u16vec('uids'), values: rd.u16vec('values'), versionKey: rd.u64('versionKey') };
  });
  if (legacy === null) return { ok: false, reason: 'undecodable' };
  return { ok: true, legacy: true, ...legacy };
}

import type { Hex } from './storage-codec.js';

/*
 * SCALE for the handful of simple types the weight calls read and write on every extrinsic (u16, u64, bool and
 * vectors of them, Vec<(u16,u16)>). Going through @polkadot/types creates an object per element, which made these
 * encodings most of the cost of a block; these are the same bytes without the objects. Anything else returns
 * undefined and the caller falls back to the registry.
 */

/** The simple types handled here, by the registry's type string. */
export type FastType = 'u16' | 'u32' | 'u64' | 'bool' | 'Vec<u16>' | 'Vec<u64>' | 'Vec<bool>' | 'Vec<(u16,u16)>';
const FAST: ReadonlySet<string> = new Set(['u16', 'u32', 'u64', 'bool', 'Vec<u16>', 'Vec<u64>', 'Vec<bool>', 'Vec<(u16,u16)>']);

/** Whether a type string is handled here. */
export function isFastType(type: string): type is FastType {
  return FAST.has(type);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexLe(value: bigint, bytes: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < bytes; i++) {
    out += HEX[Number(v & 0xffn)];
    v >>= 8n;
  }
  return out;
}

function compact(n: number): string {
  if (n < 1 << 6) return HEX[n << 2] as string;
  if (n < 1 << 14) return hexLe(BigInt((n << 2) | 1), 2);
  if (n < 2 ** 30) return hexLe(BigInt(n * 4 + 2), 4);
  throw new RangeError(`vector of ${n} elements`);
}

function int(v: unknown, bits: number): bigint | undefined {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^[0-9]+$/.test(v)) b = BigInt(v);
  else return undefined;
  return b >= 0n && b < 1n << BigInt(bits) ? b : undefined;
}

/** SCALE hex of a value of a fast type, or undefined when the value is not in a plain form this encoder takes. */
export function encodeFast(type: FastType, value: unknown): Hex | undefined {
  const scalar = (t: string, v: unknown): string | undefined => {
    if (t === 'bool') return typeof v === 'boolean' ? (v ? '01' : '00') : undefined;
    const bits = t === 'u16' ? 16 : t === 'u32' ? 32 : 64;
    const b = int(v, bits);
    return b === undefined ? undefined : hexLe(b, bits / 8);
  };
  if (!type.startsWith('Vec<')) {
    const s = scalar(type, value);
    return s === undefined ? undefined : (`0x${s}` as Hex);
  }
  if (!Array.isArray(value)) return undefined;
  let out = compact(value.length);
  for (const item of value) {
    let s: string | undefined;
    if (type === 'Vec<(u16,u16)>') {
      if (!Array.isArray(item) || item.length !== 2) return undefined;
      const a = scalar('u16', item[0]), b = scalar('u16', item[1]);
      s = a === undefined || b === undefined ? undefined : a + b;
    } else {
      s = scalar(type.slice(4, -1), item);
    }
    if (s === undefined) return undefined;
    out += s;
  }
  return `0x${out}` as Hex;
}

/** A fast type decoded to plain JavaScript: numbers for u16/u32, bigints for u64, booleans, arrays of them. */
export function decodeFast(type: FastType, hex: Hex): unknown {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  let at = 0;
  const read = (t: string): number | bigint | boolean => {
    if (t === 'bool') return bytes[at++] === 1;
    if (t === 'u16') { const v = bytes.readUInt16LE(at); at += 2; return v; }
    if (t === 'u32') { const v = bytes.readUInt32LE(at); at += 4; return v; }
    const v = bytes.readBigUInt64LE(at);
    at += 8;
    return v;
  };
  if (!type.startsWith('Vec<')) return read(type);
  const mode = (bytes[0] as number) & 3;
  let n: number;
  if (mode === 0) { n = (bytes[0] as number) >> 2; at = 1; } else if (mode === 1) { n = bytes.readUInt16LE(0) >> 2; at = 2; } else if (mode === 2) { n = bytes.readUInt32LE(0) >>> 2; at = 4; } else throw new RangeError('vector too long');
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(type === 'Vec<(u16,u16)>' ? [read('u16'), read('u16')] : read(type.slice(4, -1)));
  return out;
}

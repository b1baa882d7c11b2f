import { describeValue, InvalidInputError } from '../errors/index.js';
import { HOTKEY_BYTES, type WeightsTlockPayload } from './payload.js';

/*
 * The payload as JSON, for the CLI and for operators inspecting a commit:
 *   { "hotkey": "0x<32-byte public key>", "uids": [u16…], "values": [u16…], "versionKey": u64 }
 * versionKey is read as a number (a safe integer) or a decimal string, and always written as a decimal string, so
 * a u64 above 2^53 survives JSON. Hex values are never echoed in errors (a 64-digit hex string looks like a seed).
 */

/** The JSON shape of a payload, as written. */
export interface WeightsPayloadJson {
  hotkey: string;
  uids: number[];
  values: number[];
  versionKey: string;
}

const KEYS = ['hotkey', 'uids', 'values', 'versionKey'] as const;
const U64_MAX = 2n ** 64n - 1n;

function u16Array(doc: Record<string, unknown>, key: 'uids' | 'values', at: string): number[] {
  const v = doc[key];
  if (!Array.isArray(v)) throw new InvalidInputError(`${at}${key}`, `expected an array of integers 0..65535, got ${describeValue(v)}`);
  return v.map((x: unknown, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffff) {
      throw new InvalidInputError(`${at}${key}[${i}]`, `expected an integer from 0 to 65535, got ${describeValue(x)}`);
    }
    return x;
  });
}

function versionKey(v: unknown, at: string): bigint {
  const path = `${at}versionKey`;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new InvalidInputError(path, `expected a u64 (a safe integer, or a decimal string above 2^53), got ${describeValue(v)}`);
    return BigInt(v);
  }
  if (typeof v === 'string' && /^(0|[1-9]\d{0,19})$/.test(v) && BigInt(v) <= U64_MAX) return BigInt(v);
  throw new InvalidInputError(path, `expected a u64 as a number or a decimal string, got ${describeValue(v)}`);
}

/** Reads and validates a payload document; errors name the field (prefixed with `at`). */
export function payloadFromJson(doc: unknown, at = ''): WeightsTlockPayload {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidInputError(at.replace(/\.$/, ''), `expected an object { hotkey, uids, values, versionKey }, got ${describeValue(doc)}`);
  }
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (!(KEYS as readonly string[]).includes(k)) throw new InvalidInputError(`${at}${k}`, `unknown field; the fields are ${KEYS.join(', ')}`);
  }
  const hk = d.hotkey;
  if (typeof hk !== 'string' || !/^0x[0-9a-fA-F]*$/.test(hk) || hk.length !== 2 + 2 * HOTKEY_BYTES) {
    const got = typeof hk === 'string' ? `a string of ${hk.length} characters` : describeValue(hk);
    throw new InvalidInputError(`${at}hotkey`, `expected "0x" and ${2 * HOTKEY_BYTES} hex digits (the ${HOTKEY_BYTES}-byte public key), got ${got}`);
  }
  const uids = u16Array(d, 'uids', at);
  const values = u16Array(d, 'values', at);
  if (uids.length !== values.length) throw new InvalidInputError(`${at}values`, `has ${values.length} entries, uids has ${uids.length}: they go in pairs`);
  return { hotkey: Uint8Array.from(Buffer.from(hk.slice(2), 'hex')), uids, values, versionKey: versionKey(d.versionKey, at) };
}

/** The JSON shape of a payload (versionKey as a decimal string). */
export function payloadToJson(p: WeightsTlockPayload): WeightsPayloadJson {
  return { hotkey: `0x${Buffer.from(p.hotkey).toString('hex')}`, uids: [...p.uids], values: [...p.values], versionKey: p.versionKey.toString() };
}

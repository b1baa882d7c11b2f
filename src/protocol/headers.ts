import { bodyHash } from './body-hash.js';
import { SynapseHeadersError, SynapseInputError } from './errors.js';
import { parsePyJson } from './py-json.js';
import { PyFloat, isPyFloat, jsonDumps, pyStr, type PyValue } from './py-value.js';
import { castInt, synapseDump, terminalDump } from './synapse-model.js';
import { coerceValue, isNullable } from './python-str.js';
import type { SynapseSpec } from './types.js';

/*
 * `Synapse.to_headers()` and `Synapse.from_headers()`. Header names are lowercase on the wire as far as the receiver
 * is concerned (node and Starlette both lowercase them); the SDK's names are lowercase already.
 */

/**
 * CPython 3.11's sys.getsizeof of a str-keyed dict grown by insertion to n entries, which the SDK sends as
 * `header_size`. The value is cosmetic (no axon checks it); it is emulated so that our headers look like the SDK's.
 */
export function pyDictSizeof(n: number): number {
  if (n <= 5) return 184;
  if (n <= 10) return 272;
  if (n <= 21) return 464;
  if (n <= 42) return 832;
  // Beyond, CPython doubles the table each time it is 2/3 full; the exact size no longer matters to anyone.
  let cap = 64;
  while ((cap * 2) / 3 < n) cap *= 2;
  return 64 + cap * 8 + Math.ceil((cap * 2) / 3) * 16;
}

/** `value.__class__()` serialized: the empty instance of the value's Python type, as the input_obj headers carry. */
function emptyOfType(v: PyValue): PyValue {
  if (typeof v === 'boolean') return false;
  if (typeof v === 'string') return '';
  if (isPyFloat(v)) return new PyFloat(0);
  if (typeof v === 'number' || typeof v === 'bigint') return 0;
  if (Array.isArray(v)) return [];
  return new Map();
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/**
 * The request or response headers of a synapse dump, as `to_headers()` builds them: name, timeout, the non-None
 * TerminalInfo values (str() of each), one `bt_header_input_obj_<field>` per required field that is not None,
 * header_size, total_size (the dump's, which the caller set), and computed_body_hash (`knownBodyHash` when the
 * caller has just computed it from this same dump).
 */
export function toHeaders(spec: SynapseSpec, dump: ReadonlyMap<string, PyValue>, knownBodyHash?: string): Record<string, string> {
  const h: Record<string, string> = { name: pyStr(dump.get('name') ?? null), timeout: pyStr(dump.get('timeout') ?? null) };
  for (const side of ['axon', 'dendrite'] as const) {
    const t = dump.get(side);
    if (!(t instanceof Map)) continue;
    for (const [k, v] of t as Map<string, PyValue>) if (v !== null) h[`bt_header_${side}_${k}`] = pyStr(v);
  }
  for (const [f, v] of dump) {
    if (f in h || v === null) continue;
    if (spec.fields[f]?.required === true) h[`bt_header_input_obj_${f}`] = b64(jsonDumps(emptyOfType(v)));
  }
  h.header_size = String(pyDictSizeof(Object.keys(h).length));
  h.total_size = pyStr(dump.get('total_size') ?? null);
  h.computed_body_hash = knownBodyHash ?? bodyHash(spec, dump);
  return h;
}

/** Headers as node gives them (lowercase names; a repeated header may be an array: its first value is used). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function first(v: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(v) ? (v as readonly string[])[0] : (v as string | undefined);
}

/** The headers with lowercase names (HTTP names are case-insensitive; the first of two spellings wins). */
export function lowercaseHeaders(headers: IncomingHeaders): IncomingHeaders {
  if (Object.keys(headers).every((k) => k === k.toLowerCase())) return headers;
  const out: Record<string, string | readonly string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (!(key in out)) out[key] = v;
  }
  return out;
}

/** Python's non-validating b64decode: characters outside the alphabet are dropped; bad padding is an error. */
function pyB64Decode(s: string): string | undefined {
  const clean = s.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = clean.replace(/=+$/, '');
  if (data.includes('=') || data.length % 4 === 1) return undefined;
  if (clean.length % 4 !== 0) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(data, 'base64'));
  } catch {
    return undefined;
  }
}

/** What from_headers returns: the synapse dump (own fields from the input_obj headers) and the raw hash header. */
export interface ParsedHeaders {
  dump: Map<string, PyValue>;
  /** The `computed_body_hash` header (None when absent). */
  computedBodyHash: string | null;
}

/**
 * `Synapse.from_headers()` for a spec: the axon builds the request synapse from the headers alone. Like the SDK, a
 * required field needs its `bt_header_input_obj_<field>` header (else SynapseHeadersError, the SDK's
 * SynapseParsingError, which the axon answers with 500), and the TerminalInfo values must cast (port, nonce... to
 * int, process_time to float).
 */
export function fromHeaders(spec: SynapseSpec, rawHeaders: IncomingHeaders): ParsedHeaders {
  const headers = lowercaseHeaders(rawHeaders);
  const axon = new Map<string, unknown>();
  const dendrite = new Map<string, unknown>();
  const inputs = new Map<string, PyValue>();
  for (const [rawKey, rawValue] of Object.entries(headers)) {
    const key = rawKey.toLowerCase();
    const value = first(rawValue);
    if (value === undefined) continue;
    // The SDK tests "prefix in key" and keeps the text after the prefix (up to a repeat of it): same here.
    if (key.includes('bt_header_axon_')) axon.set(key.split('bt_header_axon_')[1]!, value);
    else if (key.includes('bt_header_dendrite_')) dendrite.set(key.split('bt_header_dendrite_')[1]!, value);
    else if (key.includes('bt_header_input_obj')) {
      const name = key.split('bt_header_input_obj_')[1];
      if (name === undefined || inputs.has(name)) continue;
      const text = pyB64Decode(value);
      if (text === undefined) continue; // the SDK logs and skips an undecodable header
      try {
        inputs.set(name, parsePyJson(text));
      } catch {
        continue;
      }
    }
  }
  const get = (k: string): string | null => first(headers[k]) ?? null;
  try {
    const own = new Map<string, PyValue>();
    for (const [f, s] of Object.entries(spec.fields)) {
      if (!inputs.has(f)) {
        if (s.required) throw new SynapseHeadersError(spec.name, `no bt_header_input_obj_${f} header for the required field ${f}`);
        const r = coerceValue(s.type, s.default === undefined ? null : s.default, true);
        own.set(f, r.ok ? r.value : null);
        continue;
      }
      const r = coerceValue(s.type, inputs.get(f), isNullable(s));
      if (!r.ok) throw new SynapseHeadersError(spec.name, `bt_header_input_obj_${f}: ${r.reason}`);
      own.set(f, r.value);
    }
    const t = get('timeout');
    const timeout = t === null ? null : coerceValue('float', t, false);
    if (timeout !== null && !timeout.ok) throw new SynapseHeadersError(spec.name, `timeout: ${timeout.reason}`);
    const sizes = ['total_size', 'header_size'].map((k) => {
      const r = castInt(get(k));
      if (!r.ok) throw new SynapseHeadersError(spec.name, `${k}: ${r.reason}`);
      return r.value;
    });
    const dump = synapseDump(spec, {
      timeout: timeout === null ? null : (timeout.value as PyFloat).value,
      totalSize: sizes[0] ?? null,
      headerSize: sizes[1] ?? null,
      dendrite: terminalDump(spec.name, 'dendrite', dendrite),
      axon: terminalDump(spec.name, 'axon', axon),
      computedBodyHash: get('computed_body_hash'),
    }, own);
    return { dump, computedBodyHash: get('computed_body_hash') };
  } catch (e) {
    if (e instanceof SynapseInputError) throw new SynapseHeadersError(spec.name, e.message);
    throw e;
  }
}

import { SynapseInputError, SynapseSpecError } from './errors.js';
import { coerceValue, isNullable, kind } from './python-str.js';
import { MAX_INT_DIGITS, PyFloat, intDigits, type PyValue } from './py-value.js';
import type { FieldType, SynapseSpec, TerminalInfo } from './types.js';

/*
 * The pydantic model of a synapse as plain data: the base `Synapse` fields, the `TerminalInfo` sub-model, and the
 * subclass fields of a SynapseSpec, in model_dump() order (base fields first, then the subclass's, as pydantic
 * orders an inherited model). A "dump" is a Map from field name to PyValue: what model_dump() returns.
 */

/** The base Synapse fields, in declaration order. */
export const BASE_FIELDS = Object.freeze(['name', 'timeout', 'total_size', 'header_size', 'dendrite', 'axon', 'computed_body_hash'] as const);

/** TerminalInfo's fields, in declaration order, and the validator each runs (the SDK's cast_int / cast_float). */
export const TERMINAL_FIELDS = Object.freeze({
  status_code: 'int', status_message: 'str', process_time: 'float', ip: 'str', port: 'int',
  version: 'int', nonce: 'int', uuid: 'str', hotkey: 'str', signature: 'str',
} as const);

/** A TerminalInfo key. */
export type TerminalKey = keyof typeof TERMINAL_FIELDS;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES: readonly FieldType[] = ['int', 'float', 'str', 'bool', 'list', 'dict', 'any'];
const PY_INT_TEXT = /^[+-]?[0-9](?:_?[0-9])*$/;

/** Checks a spec once: the route is a Python class name, fields are identifiers of known types, hash fields exist. */
export function checkSpec(spec: SynapseSpec): void {
  if (!IDENT.test(spec.name)) throw new SynapseSpecError(spec.name, 'the name must be a Python class name (it is the route /Name)');
  for (const [f, s] of Object.entries(spec.fields)) {
    if (!IDENT.test(f)) throw new SynapseSpecError(spec.name, `field ${JSON.stringify(f)} is not a Python identifier`);
    if ((BASE_FIELDS as readonly string[]).includes(f)) throw new SynapseSpecError(spec.name, `field ${f} is a base Synapse field`);
    if (!TYPES.includes(s.type)) throw new SynapseSpecError(spec.name, `field ${f} has unknown type ${String(s.type)}`);
    if (s.required && s.default !== undefined) throw new SynapseSpecError(spec.name, `field ${f} is required and has a default`);
  }
  for (const h of spec.requiredHashFields) {
    if (!(h in spec.fields) && !(BASE_FIELDS as readonly string[]).includes(h)) throw new SynapseSpecError(spec.name, `hash field ${h} is not a field`);
  }
}

/** Python `int(x)` as the SDK's cast_int runs it before validation: text, bool, int, float (truncated). */
export function castInt(raw: unknown): { ok: true; value: number | bigint | null } | { ok: false; reason: string } {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  let b: bigint;
  if (typeof raw === 'boolean') b = raw ? 1n : 0n;
  else if (typeof raw === 'bigint') b = raw;
  else if (typeof raw === 'number' || raw instanceof PyFloat) {
    const x = raw instanceof PyFloat ? raw.value : raw;
    if (!Number.isFinite(x)) return { ok: false, reason: `cannot convert ${x} to an integer` };
    b = BigInt(Math.trunc(x));
  } else if (typeof raw === 'string') {
    const s = raw.trim();
    if (!PY_INT_TEXT.test(s)) return { ok: false, reason: `invalid literal for int(): ${JSON.stringify(raw.slice(0, 40))}` };
    if (intDigits(s) > MAX_INT_DIGITS) return { ok: false, reason: `int() of more than ${MAX_INT_DIGITS} digits (Python refuses it)` };
    b = BigInt(s.replace(/_/g, ''));
  } else return { ok: false, reason: `int() of ${kind(raw)}` };
  const n = Number(b);
  return { ok: true, value: Number.isSafeInteger(n) ? n : b };
}

/** The SDK's cast_float (Python `float(x)`), then Optional[float] validation. */
function castFloat(raw: unknown): { ok: true; value: PyValue } | { ok: false; reason: string } {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const r = coerceValue('float', raw, true);
  return r.ok ? r : { ok: false, reason: r.reason };
}

/** Validates a TerminalInfo from a dict (headers or body), into its dump; unknown keys are ignored as pydantic does. */
export function terminalDump(synapse: string, where: string, raw: unknown): Map<string, PyValue> {
  const src = raw instanceof Map ? (raw as Map<string, unknown>) : raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? new Map(Object.entries(raw)) : undefined;
  if (src === undefined) throw new SynapseInputError(synapse, where, `expected a TerminalInfo dict, got ${kind(raw)}`);
  const out = new Map<string, PyValue>();
  for (const [k, t] of Object.entries(TERMINAL_FIELDS)) {
    const v = src.get(k);
    let r: { ok: true; value: PyValue } | { ok: false; reason: string };
    if (t === 'int') r = castInt(v);
    else if (t === 'float') r = castFloat(v);
    else r = v === null || v === undefined ? { ok: true, value: null } : typeof v === 'string' ? { ok: true, value: v } : { ok: false, reason: `expected a string, got ${kind(v)}` };
    if (!r.ok) throw new SynapseInputError(synapse, `${where}.${k}`, r.reason);
    out.set(k, r.value);
  }
  return out;
}

/** The dump of a TerminalInfo given in JS (the dendrite's own values): absent keys are None. */
export function terminalFromInfo(synapse: string, where: string, info: TerminalInfo | undefined): Map<string, PyValue> {
  return terminalDump(synapse, where, info ?? {});
}

/** Reads a dump's TerminalInfo back as a TerminalInfo (nulls dropped). */
export function terminalInfoOf(dump: ReadonlyMap<string, PyValue>): TerminalInfo {
  const out: Record<string, unknown> = {};
  for (const [k, v] of dump) {
    if (v === null) continue;
    out[k] = v instanceof PyFloat ? v.value : v;
  }
  return out as TerminalInfo;
}

/** How missing own fields are treated: a request must carry every required one; headers may also omit none. */
export interface ValidateOptions {
  /** Name used in messages for where the values came from ("input", "body", "headers"). */
  where: string;
}

/** Validates the subclass fields as pydantic does on construction (defaults filled, extras ignored). */
export function ownFieldsDump(spec: SynapseSpec, raw: ReadonlyMap<string, unknown>, o: ValidateOptions): Map<string, PyValue> {
  const out = new Map<string, PyValue>();
  for (const [f, s] of Object.entries(spec.fields)) {
    if (!raw.has(f) || raw.get(f) === undefined) {
      if (s.required) throw new SynapseInputError(spec.name, f, `required field missing from the ${o.where}`);
      const d = s.default === undefined ? null : s.default;
      const r = coerceValue(s.type, d, true);
      if (!r.ok) throw new SynapseSpecError(spec.name, `default of ${f}: ${r.reason}`);
      out.set(f, r.value);
      continue;
    }
    const r = coerceValue(s.type, raw.get(f), isNullable(s));
    if (!r.ok) throw new SynapseInputError(spec.name, f, `${r.reason} (in the ${o.where})`);
    out.set(f, r.value);
  }
  return out;
}

/** Base values of a dump, as the dendrite and the axon set them. */
export interface BaseValues {
  timeout: number | null;
  totalSize: number | bigint | null;
  headerSize: number | bigint | null;
  dendrite: Map<string, PyValue> | null;
  axon: Map<string, PyValue> | null;
  computedBodyHash: string | null;
}

/** Assembles a full model_dump(): base fields in order, then the subclass fields. */
export function synapseDump(spec: SynapseSpec, base: BaseValues, own: ReadonlyMap<string, PyValue>): Map<string, PyValue> {
  const d = new Map<string, PyValue>();
  d.set('name', spec.name);
  d.set('timeout', base.timeout === null ? null : new PyFloat(base.timeout));
  d.set('total_size', base.totalSize);
  d.set('header_size', base.headerSize);
  d.set('dendrite', base.dendrite);
  d.set('axon', base.axon);
  d.set('computed_body_hash', base.computedBodyHash);
  for (const [k, v] of own) d.set(k, v);
  return d;
}

/**
 * Validates a whole synapse from a dict (a JSON body: `cls(**json.loads(body))`), into its dump. Pydantic's
 * before-validators run on the base fields (cast_float on timeout, cast_int on the sizes), `name` is forced to the class
 * name, `dendrite` and `axon` default to an empty TerminalInfo.
 */
export function synapseFromDict(spec: SynapseSpec, raw: unknown, where: string): Map<string, PyValue> {
  if (!(raw instanceof Map)) throw new SynapseInputError(spec.name, '', `the ${where} is ${kind(raw)}, not a JSON object`);
  const m = raw as Map<string, PyValue>;
  const fail = (f: string, reason: string): never => { throw new SynapseInputError(spec.name, f, `${reason} (in the ${where})`); };
  const timeoutR = m.has('timeout') ? castFloat(m.get('timeout')) : { ok: true as const, value: new PyFloat(12) };
  if (!timeoutR.ok) fail('timeout', timeoutR.reason);
  const sizes = ['total_size', 'header_size'].map((k) => {
    const r = m.has(k) ? castInt(m.get(k)) : { ok: true as const, value: 0 };
    return r.ok ? r.value : fail(k, r.reason);
  });
  const term = (k: 'dendrite' | 'axon'): Map<string, PyValue> | null => {
    if (!m.has(k)) return terminalDump(spec.name, k, new Map());
    const v = m.get(k);
    return v === null ? null : terminalDump(spec.name, k, v);
  };
  const cbh = m.has('computed_body_hash') ? m.get('computed_body_hash') : '';
  if (cbh !== null && typeof cbh !== 'string') fail('computed_body_hash', `expected a string, got ${kind(cbh)}`);
  const timeout = timeoutR.ok ? timeoutR.value : null;
  const d = synapseDump(spec, {
    timeout: timeout instanceof PyFloat ? timeout.value : null,
    totalSize: sizes[0] ?? null,
    headerSize: sizes[1] ?? null,
    dendrite: term('dendrite'),
    axon: term('axon'),
    computedBodyHash: cbh as string | null,
  }, ownFieldsDump(spec, m, { where }));
  return d;
}

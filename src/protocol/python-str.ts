import type { FieldSpec, FieldType } from './types.js';
import { PyValueError } from './errors.js';
import { MAX_INT_DIGITS, PyFloat, isPyFloat, pyStr, type PyValue } from './py-value.js';

/*
 * pydantic v2 (lax mode, Python input: the axon validates `cls(**json.loads(body))`) coercion of one field value to
 * its declared type, then Python's str() of the result: what the SDK hashes for a `required_hash_fields` entry.
 * The accepted inputs were read off pydantic 2.13 (test/protocol/derive-vectors.py prints them):
 * - int: ints; bools (True → 1); integral floats within i64; strings of ASCII digits with single underscores between
 *   them, optional sign, optional ".000…", surrounding whitespace ignored.
 * - float: ints, bools and floats; strings as Python's float() reads them (underscores, "inf", "nan", "1.", ".5").
 * - str: strings only. bool: bools; 0/1 and 0.0/1.0; the strings true/false/yes/no/on/off/t/f/y/n/1/0 in any case.
 * - list: lists; dict: dicts (Map or plain object); any: anything.
 * - None: only where the field is nullable (Optional).
 */

/** Why a value was refused: a sentence for the error message. */
export type CoerceResult = { ok: true; value: PyValue } | { ok: false; reason: string };

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const INT_TEXT = /^[+-]?[0-9](?:_?[0-9])*(?:\.0+)?$/;
const FLOAT_TEXT = /^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const FLOAT_WORDS = /^([+-]?)(inf|infinity|nan)$/i;
const BOOL_TRUE = new Set(['true', 'yes', 'on', 't', 'y', '1']);
const BOOL_FALSE = new Set(['false', 'no', 'off', 'f', 'n', '0']);

/** True when a field accepts None: declared so, or an optional field whose default is None (`Optional[T] = None`). */
export function isNullable(spec: FieldSpec): boolean {
  return spec.nullable ?? (!spec.required && spec.default === null);
}

function ok(value: PyValue): CoerceResult {
  return { ok: true, value };
}

function no(reason: string): CoerceResult {
  return { ok: false, reason };
}

function isDict(v: unknown): v is ReadonlyMap<string, PyValue> | { readonly [k: string]: PyValue } {
  if (v instanceof Map) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof PyFloat) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function intFromBig(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function toInt(v: unknown): CoerceResult {
  if (typeof v === 'boolean') return ok(v ? 1 : 0);
  if (typeof v === 'bigint') return ok(intFromBig(v));
  if (isPyFloat(v)) {
    const x = v instanceof PyFloat ? v.value : v;
    if (!Number.isFinite(x) || !Number.isInteger(x)) return no(`expected an integer, got the float ${x}`);
    const b = BigInt(x);
    if (b > I64_MAX || b < I64_MIN) return no(`the float ${x} is out of the 64-bit integer range`);
    return ok(intFromBig(b));
  }
  if (typeof v === 'number') return ok(v === 0 ? 0 : v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (!INT_TEXT.test(s)) return no(`expected an integer, got the string ${JSON.stringify(v.slice(0, 40))}`);
    // pydantic-core refuses integer text past 4,300 characters (int_parsing_size), counted once underscores, a '+',
    // leading zeros and a '.0' tail are dropped ('-' counts): read off pydantic 2.13.
    const significant = s.replace(/_/g, '').replace(/\.0+$/, '').replace(/^\+/, '').replace(/^(-?)0+(?=\d)/, '$1');
    if (significant.length > MAX_INT_DIGITS) return no(`expected an integer of at most ${MAX_INT_DIGITS} digits, got a string of ${s.length} characters`);
    return ok(intFromBig(BigInt(s.replace(/_/g, '').replace(/\.0+$/, ''))));
  }
  return no(`expected an integer, got ${kind(v)}`);
}

function toFloat(v: unknown): CoerceResult {
  if (typeof v === 'boolean') return ok(new PyFloat(v ? 1 : 0));
  if (v instanceof PyFloat) return ok(v);
  if (typeof v === 'number') return ok(new PyFloat(v));
  if (typeof v === 'bigint') {
    const x = Number(v); // Number(bigint) rounds to nearest, as Python's float(int)
    return Number.isFinite(x) ? ok(new PyFloat(x)) : no('the integer is too large for a float');
  }
  if (typeof v === 'string') {
    const s = v.trim();
    const w = FLOAT_WORDS.exec(s);
    if (w !== null) {
      const x = w[2]!.toLowerCase() === 'nan' ? NaN : Infinity;
      return ok(new PyFloat(w[1] === '-' ? -x : x));
    }
    if (!FLOAT_TEXT.test(s)) return no(`expected a number, got the string ${JSON.stringify(v.slice(0, 40))}`);
    return ok(new PyFloat(Number(s.replace(/_/g, ''))));
  }
  return no(`expected a number, got ${kind(v)}`);
}

function toBool(v: unknown): CoerceResult {
  if (typeof v === 'boolean') return ok(v);
  if (typeof v === 'number' || v instanceof PyFloat || typeof v === 'bigint') {
    const x = typeof v === 'bigint' ? Number(v) : v instanceof PyFloat ? v.value : v;
    if (x === 0 || x === 1) return ok(x === 1);
    return no(`expected a boolean, got the number ${x}`);
  }
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (BOOL_TRUE.has(s)) return ok(true);
    if (BOOL_FALSE.has(s)) return ok(false);
    return no(`expected a boolean, got the string ${JSON.stringify(v.slice(0, 40))}`);
  }
  return no(`expected a boolean, got ${kind(v)}`);
}

/** A short name of a value's kind for messages (never its content, which may be large or hostile). */
export function kind(v: unknown): string {
  if (v === null) return 'None';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PyFloat) return 'a float';
  if (isDict(v)) return 'a dict';
  return `a ${typeof v}`;
}

/** Validates one value for a field type as pydantic would; `nullable` lets None through. */
export function coerceValue(type: FieldType, v: unknown, nullable: boolean): CoerceResult {
  if (v === null) return nullable || type === 'any' ? ok(null) : no('None is not allowed (the field is not Optional)');
  if (v === undefined) return no('missing');
  switch (type) {
    case 'int': return toInt(v);
    case 'float': return toFloat(v);
    case 'bool': return toBool(v);
    case 'str': return typeof v === 'string' ? ok(v) : no(`expected a string, got ${kind(v)}`);
    case 'list': return Array.isArray(v) ? ok(v as PyValue[]) : no(`expected a list, got ${kind(v)}`);
    case 'dict': return isDict(v) ? ok(v) : no(`expected a dict, got ${kind(v)}`);
    case 'any': return ok(v as PyValue);
  }
}

/** Python `str()` of a value after pydantic's coercion to `type`; a value pydantic would refuse throws PyValueError. */
export function pythonStr(type: FieldType, v: unknown, nullable = false): string {
  const r = coerceValue(type, v, nullable);
  if (!r.ok) throw new PyValueError(r.reason);
  return pyStr(r.value);
}

import { PyValueError } from './errors.js';

/*
 * The Python values a synapse field can hold once pydantic has validated JSON input (None, bool, int, float, str, list,
 * dict), modelled in JS so that Python's `repr()` / `str()` and `json.dumps()` can be reproduced exactly:
 * - a JS number that is an integer is a Python int, any other number (1.5, NaN, ±Infinity) a Python float;
 * - a `PyFloat` is a Python float whatever its value (so 1.0 stays "1.0", as in the SDK's body and hash);
 * - a bigint is a Python int (for values beyond 2^53, such as nanosecond nonces);
 * - a Map or a plain object is a dict (a Map keeps insertion order even for integer-like keys, as Python does; the
 *   JSON reader returns Maps for that reason).
 */

/** A Python float, kept apart from ints so that `1.0` renders as `1.0`, not `1`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value in the Python model above. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | readonly PyValue[]
  | ReadonlyMap<string, PyValue>
  | { readonly [key: string]: PyValue };

/** Deepest nesting rendered; deeper values are refused rather than risking the stack (Python's limit is ~1000). */
const MAX_DEPTH = 512;

/**
 * The most decimal digits CPython (3.11 and later, by default) converts between an int and its text, either way: a
 * longer integer makes `int(text)`, `json.loads`, `str()` and `json.dumps` raise ValueError. Besides matching the
 * SDK, it bounds the work: converting n digits costs more than linear time.
 */
export const MAX_INT_DIGITS = 4300;

const INT_TEXT_BOUND = 10n ** BigInt(MAX_INT_DIGITS);

/** The digits of an integer's text (sign and underscores aside). */
export function intDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) n++;
  }
  return n;
}

/** True when the value is a Python float in this model. */
export function isPyFloat(v: unknown): v is PyFloat | number {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** The float's value, for a PyFloat or a non-integer number. */
function floatValue(v: PyFloat | number): number {
  return v instanceof PyFloat ? v.value : v;
}

/**
 * Python's `repr(float)` (also `str(float)` since Python 3.2): the shortest digits that round-trip (JS and CPython both
 * pick them with the same rule), in fixed notation when the decimal exponent e is -5 < e < 16, else `d.ddde±XX`.
 */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits: "d.ddde±x".
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential());
  if (m === null) throw new PyValueError(`unexpected float form ${x}`);
  const digits = m[1]! + (m[2] ?? '');
  const exp = Number(m[3]);
  const decpt = exp + 1; // position of the decimal point relative to the digit string (CPython's `decpt`)
  if (decpt <= -4 || decpt > 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Python `str(int)` for an integer-valued number or a bigint (no exponent form, whatever the size). */
function intStr(v: number | bigint): string {
  if (typeof v === 'bigint') {
    // Compared before converting, so that the (superlinear) conversion of a huge int is never started.
    if ((v < 0n ? -v : v) >= INT_TEXT_BOUND) throw new PyValueError(`an int of more than ${MAX_INT_DIGITS} digits (Python refuses to convert it to text)`);
    return v.toString();
  }
  return Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : BigInt(v).toString();
}

// Python's str.isprintable() is false for these categories (the space U+0020 excepted). Node's Unicode tables may
// be a version apart from Python's, which matters only for code points unassigned in one of them (Cn).
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python `repr(str)`: single quotes unless the text has a ' and no ", escapes as CPython's unicode_repr. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (!NON_PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

function entriesOf(v: ReadonlyMap<string, PyValue> | { readonly [key: string]: PyValue }): [string, PyValue][] {
  return v instanceof Map ? [...(v as ReadonlyMap<string, PyValue>).entries()] : Object.entries(v);
}

/** How json.dumps is called: the SDK's defaults, or Starlette's JSONResponse (compact, UTF-8, no NaN). */
export interface JsonDumpsOptions {
  /** Separators "," and ":" instead of ", " and ": ". */
  compact?: boolean;
  /** Escape non-ASCII as \uXXXX (json.dumps default true; Starlette false). */
  ensureAscii?: boolean;
  /** Write NaN/Infinity (default true); when false they throw PyValueError, as Starlette's allow_nan=False raises. */
  allowNan?: boolean;
}

interface RenderMode {
  json: boolean;
  compact: boolean;
  ascii: boolean;
  nan: boolean;
}

const REPR_MODE: RenderMode = { json: false, compact: false, ascii: false, nan: true };

function render(v: PyValue, depth: number, mode: RenderMode): string {
  const json = mode.json;
  if (depth > MAX_DEPTH) throw new PyValueError(`nested deeper than ${MAX_DEPTH} levels`);
  if (v === null) return json ? 'null' : 'None';
  if (typeof v === 'boolean') return json ? (v ? 'true' : 'false') : v ? 'True' : 'False';
  if (typeof v === 'bigint') return intStr(v);
  if (typeof v === 'string') return json ? jsonString(v, mode.ascii) : strRepr(v);
  if (isPyFloat(v)) {
    const x = floatValue(v);
    if (json && !Number.isFinite(x)) {
      if (!mode.nan) throw new PyValueError(`Out of range float values are not JSON compliant: ${floatRepr(x)}`);
      // json.dumps with allow_nan=True (the default) writes JavaScript's names for the non-finite floats.
      return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
    }
    return floatRepr(x);
  }
  if (typeof v === 'number') return intStr(v);
  const sep = json && mode.compact ? ',' : ', ';
  if (Array.isArray(v)) return `[${v.map((x: PyValue) => render(x, depth + 1, mode)).join(sep)}]`;
  if (typeof v === 'object' && (v instanceof Map || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const items = entriesOf(v as ReadonlyMap<string, PyValue>).map(([k, x]) => {
      const key = json ? jsonString(k, mode.ascii) : strRepr(k);
      return `${key}${json && mode.compact ? ':' : ': '}${render(x, depth + 1, mode)}`;
    });
    return `{${items.join(sep)}}`;
  }
  throw new PyValueError(`a ${typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v} has no Python counterpart`);
}

/** Python `repr(value)`. */
export function pyRepr(v: PyValue): string {
  return render(v, 0, REPR_MODE);
}

/** Python `str(value)`: a str is itself, anything else its repr (containers repr their items, strings quoted). */
export function pyStr(v: PyValue): string {
  return typeof v === 'string' ? v : render(v, 0, REPR_MODE);
}

/**
 * A JSON string as Python's json.dumps writes it. With ensure_ascii (the default): `\"`, `\\`, `\n`, `\r`, `\t`,
 * `\b`, `\f`, every other code unit outside ' '..'~' as \uXXXX in lowercase hex (astral characters as their
 * surrogate pair, which is what a JS string holds already). Without it, only the controls below 0x20 are escaped.
 */
export function jsonString(s: string, ensureAscii = true): string {
  const limit = ensureAscii ? 0x7e : 0x10ffff;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > limit) out += `\\u${hex(c, 4)}`;
    else out += s[i];
  }
  return out + '"';
}

/**
 * Python `json.dumps(value)`; by default with its defaults (separators ", " and ": ", ensure_ascii, allow_nan, key
 * order kept), which is how the SDK's dendrite sends a body.
 */
export function jsonDumps(v: PyValue, options: JsonDumpsOptions = {}): string {
  return render(v, 0, { json: true, compact: options.compact ?? false, ascii: options.ensureAscii ?? true, nan: options.allowNan ?? true });
}

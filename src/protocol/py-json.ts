import { PyJsonError, PyJsonSizeError, PyJsonValueError } from './errors.js';
import { MAX_INT_DIGITS, PyFloat, type PyValue } from './py-value.js';

/*
 * JSON read as Python's json.loads reads it, into the PyValue model: numbers with a fraction or an exponent are
 * floats (PyFloat, so "1.0" stays a float), others ints (a bigint beyond 2^53), objects are Maps in key order
 * (a repeated key keeps its first position and its last value, as a dict), and NaN, Infinity, -Infinity are accepted
 * (allow_nan). JSON.parse cannot be used: it forgets int/float, loses big ints and reorders integer-like keys, and all
 * three change Python's str() of a value, hence the body hash. An integer of more than 4,300 digits is refused, as
 * CPython 3.11+ refuses it, before it is converted (so a hostile body cannot make the reader, or the int's later
 * conversions, do superlinear work).
 */

/** Deepest nesting accepted (Python stops near its recursion limit, ~1000); deeper input is refused. */
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

/** How much a parse may take on. */
export interface PyJsonLimits {
  /** The most values (numbers, strings, words, lists, dicts, nested ones included) read; more throws PyJsonSizeError. */
  maxValues?: number;
}

class Reader {
  pos = 0;
  private values = 0;
  constructor(readonly text: string, private readonly maxValues: number) {}

  fail(what: string): never {
    throw new PyJsonError(`${what} at character ${this.pos}`);
  }

  skipWs(): void {
    WS.lastIndex = this.pos;
    WS.exec(this.text);
    this.pos = WS.lastIndex;
  }

  value(depth: number): PyValue {
    if (++this.values > this.maxValues) throw new PyJsonSizeError(this.maxValues);
    if (depth > MAX_DEPTH) throw new PyJsonValueError(`nesting deeper than ${MAX_DEPTH} at character ${this.pos}`);
    this.skipWs();
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (t.startsWith('null', this.pos)) return this.word(4, null);
    if (t.startsWith('true', this.pos)) return this.word(4, true);
    if (t.startsWith('false', this.pos)) return this.word(5, false);
    if (t.startsWith('NaN', this.pos)) return this.word(3, new PyFloat(NaN));
    if (t.startsWith('Infinity', this.pos)) return this.word(8, new PyFloat(Infinity));
    if (t.startsWith('-Infinity', this.pos)) return this.word(9, new PyFloat(-Infinity));
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(t);
    if (m === null) this.fail('expecting value');
    this.pos = NUMBER.lastIndex;
    if (m[1] !== undefined || m[2] !== undefined) return new PyFloat(Number(m[0]));
    const digits = m[0].length - (m[0].charCodeAt(0) === 0x2d ? 1 : 0);
    if (digits > MAX_INT_DIGITS) {
      throw new PyJsonValueError(`an integer of ${digits} digits at character ${this.pos - m[0].length}: Python refuses more than ${MAX_INT_DIGITS} (sys.set_int_max_str_digits)`);
    }
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  }

  word<T extends PyValue>(len: number, v: T): T {
    this.pos += len;
    return v;
  }

  array(depth: number): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') { this.pos--; this.fail("expecting ',' delimiter"); }
    }
  }

  object(depth: number): Map<string, PyValue> {
    this.pos++;
    const out = new Map<string, PyValue>();
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail('expecting property name enclosed in double quotes');
      const key = this.string();
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail("expecting ':' delimiter");
      this.pos++;
      out.set(key, this.value(depth + 1));
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') { this.pos--; this.fail("expecting ',' delimiter"); }
    }
  }

  string(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(start, this.pos);
        this.pos++;
        return out;
      }
      // strict=True (the default): raw control characters are not allowed inside strings.
      if (c < 0x20) this.fail('invalid control character');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(start, this.pos);
      const e = t[this.pos + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.pos += 2;
      } else if (e === 'u') {
        const h = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\uXXXX escape');
        // Lone surrogates are kept, as Python keeps them; a JS string holds a surrogate pair the same way.
        out += String.fromCharCode(parseInt(h, 16));
        this.pos += 6;
      } else this.fail('invalid \\escape');
      start = this.pos;
    }
  }
}

/** Parses JSON text as Python's `json.loads` would (see the module comment for the value model). */
export function parsePyJson(text: string, limits: PyJsonLimits = {}): PyValue {
  const r = new Reader(text, limits.maxValues ?? Number.POSITIVE_INFINITY);
  const v = r.value(0);
  r.skipWs();
  if (r.pos !== text.length) r.fail('extra data');
  return v;
}

/** Decodes UTF-8 bytes strictly (Python's `bytes.decode()` refuses invalid sequences) and parses them. */
export function parsePyJsonBytes(bytes: Uint8Array, limits: PyJsonLimits = {}): PyValue {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new PyJsonValueError('the body is not valid UTF-8');
  }
  return parsePyJson(text, limits);
}

/**
 * The plain JS form of a value, for handlers and results: floats as numbers, dicts as objects (null prototype, so a
 * "__proto__" key is just a key), ints as numbers, or bigints beyond 2^53.
 */
export function toPlain(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map((x: PyValue) => toPlain(x));
  if (v instanceof Map) {
    const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of v as Map<string, PyValue>) o[k] = toPlain(x);
    return o;
  }
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x as PyValue);
    return o;
  }
  return v;
}

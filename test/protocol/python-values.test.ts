import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PyFloat, coerceValue, floatRepr, jsonDumps, parsePyJson, pyRepr, pyStr, pythonStr, strRepr, toPlain,
  type FieldType, type PyValue,
} from '../../src/protocol/index.js';

// Python-derived vectors: test/protocol/derive-vectors.py (CPython 3.11 + pydantic 2.13), see the fixture's _method.
const vectors = JSON.parse(readFileSync('test/fixtures/axon-vectors.json', 'utf8')) as {
  pythonStr: { type: FieldType; json: string; str: string }[];
  jsonDumps: { json: string; dumps: string }[];
  randomValues: { json: string; str: string; dumps: string }[];
};

describe('Python str() after pydantic coercion (vectors from CPython + pydantic)', () => {
  it.each(vectors.pythonStr.map((c) => [c.type, c.json, c.str] as const))('%s from %s → %s', (type, json, expected) => {
    expect(pythonStr(type, parsePyJson(json), true)).toBe(expected);
  });
});

describe('json.dumps (vectors from CPython)', () => {
  it.each(vectors.jsonDumps.map((c) => [c.json, c.dumps] as const))('%s', (json, expected) => {
    expect(jsonDumps(parsePyJson(json))).toBe(expected);
  });
});

describe('200 random values (fixed seed) through CPython: str() and json.dumps of json.loads', () => {
  it('all agree', () => {
    expect(vectors.randomValues.length).toBe(200);
    for (const c of vectors.randomValues) {
      const v = parsePyJson(c.json);
      expect(pyStr(v), c.json).toBe(c.str);
      expect(jsonDumps(v), c.json).toBe(c.dumps);
    }
  });
});

describe('float repr, hand-derived from CPython format_float_short (repr style "r", decpt = exponent + 1)', () => {
  // Each expectation follows from the rule: exponent form when decpt <= -4 or decpt > 16, the shortest round-trip
  // digits, at least two exponent digits, and ".0" added to integral values in fixed form.
  const cases: [number, string, string][] = [
    [1, '1.0', 'integral, fixed form gets ".0"'],
    [0.5, '0.5', 'decpt 0: "0." then the digits'],
    [0.0001, '0.0001', 'decpt -3 > -4: still fixed'],
    [0.00001, '1e-05', 'decpt -4: exponent form, two exponent digits'],
    [1e15, '1000000000000000.0', 'decpt 16: fixed, zeros padded, ".0"'],
    [1e16, '1e+16', 'decpt 17 > 16: exponent form, "+" sign'],
    [1.5e16, '1.5e+16', 'exponent form keeps the shortest digits'],
    [12345.678, '12345.678', 'point inside the digits'],
    [-2.5e-7, '-2.5e-07', 'sign first, exponent -7 padded to 2 digits'],
    [1e100, '1e+100', 'three exponent digits stay three'],
    [-0, '-0.0', 'negative zero keeps its sign'],
    [NaN, 'nan', 'lowercase names'],
    [-Infinity, '-inf', 'lowercase names'],
  ];
  it.each(cases)('%s → %s (%s)', (x, expected) => {
    expect(floatRepr(x)).toBe(expected);
  });

  it('round-trips every finite double and always shows it is a float', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const r = floatRepr(x);
      expect(Number(r)).toBe(x);
      expect(/[.e]/.test(r)).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('str repr, hand-derived from CPython unicode_repr', () => {
  it.each([
    ['abc', "'abc'", 'single quotes by default'],
    ["it's", '"it\'s"', 'a single quote and no double quote: double quotes'],
    ['a\'b"c', "'a\\'b\"c'", 'both quotes: single quotes, the single one escaped'],
    ['\\', "'\\\\'", 'backslash doubled'],
    ['\t\n\r\x00\x7f', "'\\t\\n\\r\\x00\\x7f'", 'named escapes, then \\xNN for other controls and DEL'],
    ['é☃😀', "'é☃😀'", 'printable non-ASCII kept as is'],
    ['\u00a0\u200b\u{e0001}', "'\\xa0\\u200b\\U000e0001'", 'non-printable: \\xNN below 0x100, \\uNNNN, \\UNNNNNNNN'],
  ])('%j → %s (%s)', (s, expected) => {
    expect(strRepr(s)).toBe(expected);
  });

  it('containers: repr of items, ", " and ": " separators, None/True/False', () => {
    // Derived by hand: Python prints list items with repr (strings quoted), dict as {key: value}.
    expect(pyStr([1, 'a', null, true, new PyFloat(2), [[]]])).toBe("[1, 'a', None, True, 2.0, [[]]]");
    expect(pyStr(new Map<string, PyValue>([['b', 1], ['a', new Map()]]))).toBe("{'b': 1, 'a': {}}");
    expect(pyStr('raw')).toBe('raw');
    expect(pyRepr('raw')).toBe("'raw'");
  });
});

describe('json.dumps properties', () => {
  const jsonValue = fc.jsonValue({ maxDepth: 3 });
  it('is pure ASCII and reads back as the same value with JSON.parse', () => {
    fc.assert(fc.property(jsonValue, (v) => {
      const s = jsonDumps(v as PyValue);
      expect(/^[\x20-\x7e]*$/.test(s)).toBe(true);
      expect(JSON.parse(s)).toEqual(v === null ? null : JSON.parse(JSON.stringify(v)));
    }), { numRuns: 500 });
  });

  it('parsePyJson(jsonDumps(v)) renders the same again (ints stay ints, floats floats, key order kept)', () => {
    fc.assert(fc.property(jsonValue, (v) => {
      const once = jsonDumps(v as PyValue);
      expect(jsonDumps(parsePyJson(once))).toBe(once);
    }), { numRuns: 500 });
  });

  it('astral characters become surrogate-pair escapes and floats keep ".0"', () => {
    // Hand-derived: U+1F600 is D83D DE00 in UTF-16; ensure_ascii escapes each unit in lowercase hex.
    expect(jsonDumps(['😀', new PyFloat(3), 3])).toBe('["\\ud83d\\ude00", 3.0, 3]');
  });
});

describe('Python json.loads model', () => {
  it('keeps int/float apart, big ints exact, key order, last value of a repeated key at its first place', () => {
    const v = parsePyJson('{"2": 1.0, "1": 12345678901234567890, "2": [NaN, -Infinity]}') as Map<string, PyValue>;
    expect([...v.keys()]).toEqual(['2', '1']);
    expect(v.get('1')).toBe(12345678901234567890n);
    expect(pyStr(v)).toBe("{'2': [nan, -inf], '1': 12345678901234567890}");
    expect(toPlain(parsePyJson('[1.0, {"a": 2}]'))).toEqual([1, { a: 2 }]);
  });

  it.each(['', '{', '[1,]', '{"a" 1}', '01', '"\u0001"', '"\\x"', 'nul', '[1] x', '{"a":1,}'])('refuses %j', (t) => {
    expect(() => parsePyJson(t)).toThrow(/not valid JSON/);
  });

  it('refuses nesting beyond 512 instead of overflowing the stack', () => {
    expect(() => parsePyJson('['.repeat(100_000))).toThrow(/nesting/);
  });
});

describe('pydantic coercion refusals (read off pydantic 2.13, derive-vectors.py probes)', () => {
  it.each([
    ['int', 1.5], ['int', '1.5'], ['int', '1e3'], ['int', '1__0'], ['int', 'abc'], ['int', [1]], ['int', new PyFloat(1e20)],
    ['float', 'e1'], ['float', '1.5_'], ['float', null], ['str', 1], ['bool', 2], ['bool', ' true'], ['list', 'x'], ['dict', [1]],
  ] as [FieldType, unknown][])('%s refuses %j', (type, v) => {
    expect(coerceValue(type, v, false).ok).toBe(false);
  });
});

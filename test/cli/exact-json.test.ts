import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteInexactNumbers } from '../../src/cli/exact-json.js';

/** The exact value of a JSON number literal as a bigint, or null when it is not an integer (independent of the code). */
function exactInteger(literal: string): bigint | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal)!;
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  const digits = BigInt(`${m[2]}${frac}`);
  const sign = m[1] === '-' ? -1n : 1n;
  if (exp >= 0) return sign * digits * 10n ** BigInt(exp);
  const d = 10n ** BigInt(-exp);
  return digits % d === 0n ? (sign * digits) / d : null;
}

const parse = (text: string): unknown => JSON.parse(quoteInexactNumbers(text));

describe('quoteInexactNumbers: JSON numbers a double cannot hold are never rounded', () => {
  it('an integer literal of any size parses to its exact value: a number up to 2^53, else its decimal digits', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (v) => {
      const got = parse(`{"x":[${v}]}`) as { x: [number | string] };
      const x = got.x[0];
      if (v >= -(2n ** 53n) && v <= 2n ** 53n) expect(x).toBe(Number(v));
      else expect(x).toBe(v.toString());
    }), { numRuns: 2000 });
  });

  it('exponent and fraction forms: exact integers become their digits; big non-integers become their own text', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -8, max: 8 }), (mant, fracLen, exp) => {
      const s = mant.toString().padStart(fracLen + 1, '0');
      const literal = `${s.slice(0, s.length - fracLen)}${fracLen > 0 ? `.${s.slice(s.length - fracLen)}` : ''}e${exp}`;
      const x = (parse(`[${literal}]`) as [number | string])[0];
      const exact = exactInteger(literal);
      if (typeof x === 'number') {
        // Left to JSON.parse only when that is exact (an integer up to 2^53) or no integer is in question (below 10^15).
        if (exact !== null) expect(BigInt(x)).toBe(exact);
        else expect(Math.abs(x)).toBeLessThan(1e16);
      } else if (exact !== null) {
        expect(BigInt(x)).toBe(exact);
        expect(exact > 2n ** 53n).toBe(true);
      } else {
        expect(x).toBe(literal);
      }
    }), { numRuns: 2000 });
  });

  it('leaves strings, keys, small numbers and text without big numbers untouched', () => {
    const text = '{"a":"12345678901234567890","b 99999999999999999999":1.5,"c":[1,2e3,-7,0.000000000000000001],"d":"1e400"}';
    expect(JSON.parse(quoteInexactNumbers(text))).toEqual(JSON.parse(text));
    const plain = '{"n":3,"stake":[1,2,3]}';
    expect(quoteInexactNumbers(plain)).toBe(plain);
    // Escaped quotes inside strings do not end them.
    const escaped = '{"a":"x\\" 12345678901234567890 \\"","b":12345678901234567890}';
    expect(JSON.parse(quoteInexactNumbers(escaped))).toEqual({ a: 'x" 12345678901234567890 "', b: '12345678901234567890' });
    // Absurd exponents are refused as text, never expanded.
    expect(JSON.parse(quoteInexactNumbers('[1e999999999]'))).toEqual(['1e999999999']);
  });
});

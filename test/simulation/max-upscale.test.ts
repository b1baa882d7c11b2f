import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxUpscaleU16 } from '../../src/simulation/index.js';

/** The spec's arithmetic in BigInt, literally: the I32F32 quotient, then round half away from zero. */
function reference(values: number[]): number[] {
  const max = values.reduce((a, b) => Math.max(a, b), 0);
  if (max === 0) return values.map(() => 0);
  const HALF = 1n << 31n;
  if (max > 32768) {
    const q = (65535n << 32n) / BigInt(max);
    return values.map((e) => Math.min(65535, Number((BigInt(e) * q + HALF) >> 32n)));
  }
  return values.map((e) => Math.min(65535, Number((((BigInt(e) * 65535n) << 32n) / BigInt(max) + HALF) >> 32n)));
}

describe('maxUpscaleU16 (vec_u16_max_upscale_to_u16)', () => {
  it('equals the literal BigInt arithmetic on random rows, small and large maxima', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 65535 }), (row, cap) => {
        const capped = row.map((x) => x % (cap + 1));
        expect(maxUpscaleU16(capped)).toEqual(reference(capped));
        return true;
      }),
      { seed: 0x5ca1f, numRuns: 5000 },
    );
  });

  it('gives the results of subtensor\'s own math.rs test', () => {
    const cases: Array<[number[], number[]]> = [
      [[], []], [[0], [0]], [[0, 0], [0, 0]], [[1], [65535]], [[0, 1], [0, 65535]], [[65534], [65535]], [[65535], [65535]],
      [[65535, 65535], [65535, 65535]], [[0, 1, 65534], [0, 1, 65535]], [[0, 1, 2, 3, 4, 65533, 65535], [0, 1, 2, 3, 4, 65533, 65535]],
    ];
    for (const [input, want] of cases) expect(maxUpscaleU16(input), JSON.stringify(input)).toEqual(want);
  });

  it('maps the largest value to 65535, rounds every value to within half a unit of e·65535/max, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 40 }), (row) => {
        const max = Math.max(...row);
        const out = maxUpscaleU16(row);
        if (max === 0) return out.every((x) => x === 0);
        out.forEach((x, i) => {
          // The chain truncates its quotient to 32 fraction bits before rounding: allow that much beyond one half.
          expect(Math.abs(x - ((row[i] as number) * 65535) / max)).toBeLessThanOrEqual(0.5 + 65535 * 2 ** -32 * 65535);
        });
        expect(out[row.indexOf(max)]).toBe(65535);
        expect(maxUpscaleU16(out)).toEqual(out);
        return true;
      }),
      { seed: 0x5ca1e, numRuns: 2000 },
    );
  });
});

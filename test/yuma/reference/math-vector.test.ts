import { describe, expect, it } from 'vitest';
import { I32F32, I64F64 } from '../../../src/yuma/reference/fixed.js';
import {
  isTopk,
  isTopkNonzero,
  isZero,
  maskVector,
  normalize,
  normalize64,
  normalizeUsingSum,
  sum,
  vecMul,
  winnerTakesAll,
} from '../../../src/yuma/reference/vector.js';
import { expectClose, expectVecClose, fx, fx64, vecToFixed } from './helpers.js';

// Cases translated from subtensor pallets/subtensor/src/tests/math.rs.

describe('sum / is_zero', () => {
  it('test_math_sum', () => {
    expect(sum([])).toBe(0n);
    expect(sum([fx(1), fx(10), fx(30)])).toBe(fx(41));
    expect(sum([fx(-1), fx(10), fx(30)])).toBe(fx(39));
  });

  it('is_zero looks at the sum, not at each entry', () => {
    expect(isZero([])).toBe(true);
    expect(isZero([fx(1), fx(-1)])).toBe(true);
    expect(isZero([0n, 1n])).toBe(false);
  });
});

describe('normalize (inplace_normalize)', () => {
  const eps = fx(0.0001);

  it('test_math_normalize / test_math_inplace_normalize', () => {
    expect(normalize([])).toEqual([]);
    const y = normalize([fx(1), fx(10), fx(30)]);
    expectVecClose(y, [fx(0.0243902437), fx(0.243902439), fx(0.7317073171)], eps);
    expectClose(sum(y), fx(1), eps);
    const z = normalize([fx(-1), fx(10), fx(30)]);
    expectVecClose(z, [fx(-0.0256410255), fx(0.2564102563), fx(0.769230769)], eps);
    expectClose(sum(z), fx(1), eps);
  });

  it('divides with truncation and leaves a zero-sum vector unchanged', () => {
    expect(normalize([fx(1), fx(2)])).toEqual([2n ** 32n / 3n, (2n ** 33n) / 3n]);
    const zeroSum = [fx(1), fx(-1)];
    expect(normalize(zeroSum)).toEqual(zeroSum);
  });

  it('normalize_using_sum is a no-op for a zero sum', () => {
    expect(normalizeUsingSum([fx(1), fx(3)], fx(2))).toEqual([fx(0.5), fx(1.5)]);
    expect(normalizeUsingSum([fx(1), fx(3)], 0n)).toEqual([fx(1), fx(3)]);
  });

  it('test_math_inplace_normalize_64', () => {
    const eps64 = fx64(0.0001);
    const x = normalize64([fx64(1), fx64(10), fx64(30)]);
    [fx64(0.0243902437), fx64(0.243902439), fx64(0.7317073171)].forEach((t, i) => expectClose(x[i] as bigint, t, eps64));
    const y = normalize64([fx64(-1), fx64(10), fx64(30)]);
    [fx64(-0.0256410255), fx64(0.2564102563), fx64(0.769230769)].forEach((t, i) => expectClose(y[i] as bigint, t, eps64));
  });

  it('normalize_64 sums with a wrapping 128-bit add and returns 0 for quotients that overflow', () => {
    // MAX + MAX wraps to −2 ulp; MAX / (−2 ulp) does not fit an i128, so safe_div gives 0.
    expect(normalize64([I64F64.MAX, I64F64.MAX])).toEqual([0n, 0n]);
    // 2^62 + 2^62 = 2^63 wraps to I64F64::MIN (−2^63); 2^62 / −2^63 = −0.5 fits.
    const quarter = I64F64.fromInt(2n ** 62n);
    expect(normalize64([quarter, quarter])).toEqual([-(2n ** 63n), -(2n ** 63n)]);
    expect(normalize64([0n, 0n])).toEqual([0n, 0n]);
  });
});

describe('mask_vector (inplace_mask_vector)', () => {
  it('test_math_inplace_mask_vector', () => {
    expect(maskVector([false, false, false], vecToFixed([0, 1, 2]))).toEqual(vecToFixed([0, 1, 2]));
    expect(maskVector([false, true, false], vecToFixed([0, 1, 2]))).toEqual(vecToFixed([0, 0, 2]));
    expect(maskVector([true, true, true], vecToFixed([0, 1, 2]))).toEqual(vecToFixed([0, 0, 0]));
  });

  it('an empty mask does nothing; a short mask masks the uncovered entries', () => {
    expect(maskVector([], vecToFixed([1, 2]))).toEqual(vecToFixed([1, 2]));
    expect(maskVector([false], vecToFixed([1, 2, 3]))).toEqual(vecToFixed([1, 0, 0]));
  });
});

describe('is_topk / is_topk_nonzero', () => {
  const cases: Array<{ values: number[]; k: number; target: boolean[] }> = [
    { values: [], k: 5, target: [] },
    { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], k: 0, target: Array<boolean>(10).fill(false) },
    { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], k: 5, target: [false, false, false, false, false, true, true, true, true, true] },
    { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], k: 10, target: Array<boolean>(10).fill(true) },
    { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], k: 100, target: Array<boolean>(10).fill(true) },
    { values: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0], k: 5, target: [true, true, true, true, true, false, false, false, false, false] },
    { values: [9, 0, 8, 1, 7, 2, 6, 3, 5, 4], k: 5, target: [true, false, true, false, true, false, true, false, true, false] },
    {
      values: [0.9, 0, 0.8, 0.1, 0.7, 0.2, 0.6, 0.3, 0.5, 0.4],
      k: 5,
      target: [true, false, true, false, true, false, true, false, true, false],
    },
    { values: [0, 1, 2, 3, 4, 5, 5, 5, 5, 6], k: 5, target: [false, false, false, false, false, true, true, true, true, true] },
  ];

  it('test_math_is_topk', () => {
    for (const c of cases) expect(isTopk(vecToFixed(c.values), c.k), `${c.values} k=${c.k}`).toEqual(c.target);
  });

  it('is_topk_nonzero is is_topk with zero entries cleared', () => {
    for (const c of cases) {
      const expected = c.target.map((t, i) => t && c.values[i] !== 0);
      expect(isTopkNonzero(vecToFixed(c.values), c.k), `${c.values} k=${c.k}`).toEqual(expected);
    }
  });

  it('ties at the cut favour the higher uid (stable ascending sort)', () => {
    expect(isTopkNonzero(vecToFixed([1, 1, 1, 1]), 2)).toEqual([false, false, true, true]);
    expect(isTopkNonzero(vecToFixed([2, 1, 1, 1]), 2)).toEqual([true, false, false, true]);
    expect(isTopkNonzero(vecToFixed([0, 0, 3]), 5)).toEqual([false, false, true]);
  });
});

describe('vec_mul', () => {
  it('test_math_vec_mul', () => {
    const v = vecToFixed([1, 2, 3, 4]);
    expect(vecMul(v, v)).toEqual(vecToFixed([1, 4, 9, 16]));
    expect(vecMul([], v)).toEqual([]);
    expect(vecMul(vecToFixed([0, 0, 0, 0, 0, 0, 0, 0]), v)).toEqual(vecToFixed([0, 0, 0, 0]));
  });

  it('an overflowing product becomes 0 (checked_mul), a fractional one floors', () => {
    expect(vecMul([I32F32.MAX, fx(2)], [fx(2), fx(3)])).toEqual([0n, fx(6)]);
    expect(vecMul([-1n], [fx(0.5)])).toEqual([-1n]);
  });
});

// Not in math.rs: the simulation-only server-side winner-take-all of yuma-simulation.
describe('winnerTakesAll', () => {
  it('gives ONE to a single maximum and 0 elsewhere', () => {
    expect(winnerTakesAll([fx(0.2), fx(0.5), fx(0.3)])).toEqual([0n, 1n << 32n, 0n]);
  });

  it('splits ONE among ties, truncating', () => {
    expect(winnerTakesAll([fx(0.25), fx(0.25), 0n, fx(0.25), fx(0.25)])).toEqual([1n << 30n, 1n << 30n, 0n, 1n << 30n, 1n << 30n]);
    const three = winnerTakesAll([5n, 5n, 5n]);
    expect(three).toEqual([1431655765n, 1431655765n, 1431655765n]); // floor(2^32 / 3)
  });

  it('leaves an all-zero vector (nobody ranked) unchanged, and the input untouched', () => {
    const zeros = [0n, 0n];
    expect(winnerTakesAll(zeros)).toEqual([0n, 0n]);
    expect(winnerTakesAll([])).toEqual([]);
    const xs = [1n, 2n];
    winnerTakesAll(xs);
    expect(xs).toEqual([1n, 2n]);
  });
});

import { describe, expect, it } from 'vitest';
import { bondsMovingAverageAlpha, matEmaAlphaSparse, matEmaSparse } from '../../../src/yuma/reference/ema.js';
import { expSafe, I32F32 } from '../../../src/yuma/reference/fixed.js';
import { alphaSigmoid, computeLiquidAlphaValuesSparse } from '../../../src/yuma/reference/liquid-alpha.js';
import type { FixedRow } from '../../../src/yuma/reference/sparse.js';
import { expectSparseClose, fx, vecToMatFixed, vecToSparseMatFixed } from './helpers.js';

// mat_ema_alpha_sparse cases from tests/math.rs; the rest is derived from the chain's definitions (spec §4.10, §5.2).

const sp = vecToSparseMatFixed;
const row = (...entries: Array<[number, number]>): FixedRow => entries.map(([j, v]): [number, bigint] => [j, fx(v)]);
const alphaMat = (values: number[], rows: number): bigint[][] => vecToMatFixed(values, rows, false);

describe('mat_ema_alpha_sparse', () => {
  it('test_math_sparse_mat_ema_alpha', () => {
    const e4 = fx(1e-4);
    const alphas = alphaMat(Array<number>(12).fill(0.1), 4);
    const old1 = sp([0.1, 0.2, 3, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12], 4, false);
    const new1 = sp([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 4, false);
    const target1 = [0.19, 0.38, 1, 0.43599, 0.545, 0.65399, 0.763, 0.87199, 0.981, 1, 1, 1];
    expectSparseClose(matEmaAlphaSparse(new1, old1, alphas), sp(target1, 4, false), e4);

    const old2 = sp([0.001, 0.002, 0.003, 0.004, 0.05, 0.006, 0.007, 0.008, 0.009, 0.01, 0.011, 0.012], 4, false);
    const new2 = sp([0.1, 0.2, 3, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12], 4, false);
    const target2 = [0.0109, 0.0218, 0.3027, 0.007599, 0.05, 0.01139, 0.0133, 0.01519, 0.017, 0.01899, 0.02089, 0.0227];
    expectSparseClose(matEmaAlphaSparse(new2, old2, alphas), sp(target2, 4, false), e4);

    const zeros = sp(Array<number>(12).fill(0), 4, false);
    const target3 = [0.01, 0.02, 0.3, 0.00399, 0.005, 0.00599, 0.007, 0.00799, 0.009, 0.01, 0.011, 0.01199];
    expectSparseClose(matEmaAlphaSparse(new2, zeros, alphas), sp(target3, 4, false), e4);
    expectSparseClose(matEmaAlphaSparse(zeros, zeros, alphas), zeros, e4);

    const old5 = sp([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 4, false);
    const new5 = sp([0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0], 4, false);
    expectSparseClose(matEmaAlphaSparse(new5, old5, alphas), sp([0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0, 0], 4, false), fx(0.1));
  });

  it('test_mat_ema_alpha_sparse_{empty, single_element, zero_alpha, one_alpha, sparse_matrix}', () => {
    expect(matEmaAlphaSparse([], [], [])).toEqual([]);
    expect(matEmaAlphaSparse([row([0, 1])], [row([0, 2])], [[fx(0.5)]])).toEqual([row([0, 1])]);
    expect(matEmaAlphaSparse([row([0, 1])], [row([0, 2])], [[fx(0.1), fx(0)]])).toEqual([row([0, 1])]);
    expect(matEmaAlphaSparse([row([0, 1])], [row([0, 2])], [[fx(1), fx(0)]])).toEqual([row([0, 1])]);
    expect(matEmaAlphaSparse([row([0, 1]), row([1, 4])], [row([0, 5]), row([1, 8])], [[fx(0.5), fx(0.5)], [fx(0.5), fx(0.5)]])).toEqual(
      [row([0, 1]), row([1, 1])],
    );
  });

  it('test_mat_ema_alpha_sparse_{multiple_elements, mixed_alpha}', () => {
    const newM = [row([0, 1], [1, 2]), row([0, 3], [1, 4])];
    const oldM = [row([0, 5], [1, 6]), row([0, 7], [1, 8])];
    const ones = [row([0, 1], [1, 1]), row([0, 1], [1, 1])];
    const e6 = fx(0.000001);
    expectSparseClose(matEmaAlphaSparse(newM, oldM, [[fx(0.1), fx(0.2)], [fx(0.1), fx(0.2)]]), ones, e6);
    expectSparseClose(matEmaAlphaSparse(newM, oldM, [[fx(0.3), fx(0.7)], [fx(0.3), fx(0.7)]]), ones, e6);
  });

  it('test_mat_ema_alpha_sparse_varying_alpha', () => {
    const weights = [row([0, 0.1], [1, 0.2]), row([0, 0.3], [1, 0.4])];
    const bonds = [row([0, 0.5], [1, 0.6]), row([0, 0.7], [1, 0.8])];
    const alpha = [
      [fx(0.9), fx(0.8)],
      [fx(0.5), fx(0.7)],
    ];
    const expected = [row([0, 0.14], [1, 0.28]), row([0, 0.499999], [1, 0.519999])];
    expectSparseClose(matEmaAlphaSparse(weights, bonds, alpha), expected, fx(1e-6));
  });

  it('emits in new-row order, drops bonds absent from the new row, returns `new` on shape mismatch', () => {
    const a = fx(0.5);
    const out = matEmaAlphaSparse([row([2, 0], [0, 1])], [row([0, 0.5], [1, 0.5], [2, 0.5])], [[a, a, a]]);
    // Column 2: (1 − 0.5)·0.5 + 0; column 0: 0.25 + 0.5; column 1 (bond only) is gone.
    expect(out).toEqual([[[2, fx(0.25)], [0, fx(0.75)]]]);
    const newM = [row([0, 1])];
    expect(matEmaAlphaSparse(newM, [], [])).toEqual(newM);
  });
});

describe('mat_ema_sparse', () => {
  it('alpha·new + (1 − alpha)·old per cell, ascending columns, positives only', () => {
    const alpha = bondsMovingAverageAlpha(900_000);
    // Spec §4.10a: alpha bits 429496730 and one_minus_alpha bits 3865470566 for bma 900000.
    expect(alpha).toBe(429496730n);
    const out = matEmaSparse([[[1, I32F32.ONE], [0, 0n]], []], [[[0, I32F32.ONE]], []], alpha);
    expect(out).toEqual([[[0, 3865470566n], [1, 429496730n]], []]);
  });

  it('keeps decaying a bond whose weight is absent, densifies to n = number of rows', () => {
    const alpha = fx(0.5);
    const out = matEmaSparse([[], []], [[[1, fx(1)], [5, fx(1)]], []], alpha);
    expect(out).toEqual([[[1, fx(0.5)]], []]);
    expect(matEmaSparse([], [], alpha)).toEqual([]);
  });
});

describe('alpha_sigmoid and compute_liquid_alpha_values_sparse', () => {
  const lo = fx(0.1);
  const hi = fx(0.3);
  const steep = I32F32.fromInt(1000);

  it('a combined difference of exactly 0.5 gives sigmoid 1/2, i.e. lo + (hi − lo)/2', () => {
    // w ≥ b: diff = w − c = 0.5 -> exponent 0 -> exp 1 -> 1/(1+1).
    expect(alphaSigmoid(fx(0.25), fx(0.75), fx(0.5), lo, hi, steep)).toBe(lo + ((hi - lo) >> 1n));
    // w < b: diff = b − w = 0.5.
    expect(alphaSigmoid(fx(0.9), fx(0.25), fx(0.75), lo, hi, steep)).toBe(lo + ((hi - lo) >> 1n));
  });

  it('saturates toward the bounds for steep sigmoids', () => {
    // diff 0 with steepness 1000: exponent +5 (1000/−100 · −0.5), sigmoid = 1/(1+e^5) ≈ 0.0067.
    const nearLo = alphaSigmoid(fx(0.5), fx(0.5), fx(0), lo, hi, steep);
    expect(nearLo > lo && nearLo < lo + (hi - lo) / 100n).toBe(true);
    const expected = lo + I32F32.saturatingMul(I32F32.saturatingDiv(I32F32.ONE, I32F32.ONE + expSafe(fx(5))), hi - lo);
    expect(nearLo).toBe(expected);
    // diff 1: exponent −5, sigmoid ≈ 0.9933.
    const nearHi = alphaSigmoid(fx(0), fx(1), fx(0), lo, hi, steep);
    expect(nearHi < hi && nearHi > hi - (hi - lo) / 100n).toBe(true);
    // Crossed bounds: clamp_value lets `low` win.
    expect(alphaSigmoid(fx(0), fx(1), fx(0), hi, lo, steep)).toBe(hi);
  });

  it('the merge walk assumes sorted rows: entries behind a larger column read as 0', () => {
    const consensus = [fx(0.2), fx(0.2), fx(0.2)];
    const params = { alphaLow: lo, alphaHigh: hi, steepness: steep };
    const weights: FixedRow[] = [row([2, 0.9], [1, 0.6])];
    const bonds: FixedRow[] = [row([1, 0.3])];
    const alphas = computeLiquidAlphaValuesSparse(weights, bonds, consensus, params);
    expect(alphas).toHaveLength(1);
    const sig = (c: bigint, w: bigint, b: bigint): bigint => alphaSigmoid(c, w, b, lo, hi, steep);
    // Column 1's weight sits behind column 2 and is never seen; the bond at column 1 is.
    expect(alphas[0]).toEqual([sig(fx(0.2), 0n, 0n), sig(fx(0.2), 0n, fx(0.3)), sig(fx(0.2), fx(0.9), 0n)]);
    const sorted = computeLiquidAlphaValuesSparse([row([1, 0.6], [2, 0.9])], bonds, consensus, params);
    expect(sorted[0]?.[1]).toBe(sig(fx(0.2), fx(0.6), fx(0.3)));
    expect(sorted[0]?.[1]).not.toBe(alphas[0]?.[1]);
    expect(computeLiquidAlphaValuesSparse(weights, [], consensus, params)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { I32F32 } from '../../../src/yuma/reference/fixed.js';
import {
  colClipSparse,
  colMaxUpscaleSparse,
  colNormalizeSparse,
  interpolateSparse,
  maskDiagSparse,
  maskDiagSparseExceptIndex,
  maskRowsSparse,
  matmulSparse,
  matmulTransposeSparse,
  matVecMulSparse,
  rowHadamardSparse,
  rowNormalizeSparse,
  rowSumSparse,
  scalarVecMaskSparseMatrix,
  vecMaskSparseMatrix,
  type FixedRow,
} from '../../../src/yuma/reference/sparse.js';
import { expectSparseClose, fx, vecToFixed, vecToSparseMatFixed } from './helpers.js';

// Cases translated from subtensor pallets/subtensor/src/tests/math.rs, plus the edge cases the spec calls out.

const sp = vecToSparseMatFixed;
const eps = fx(0.0001);
const exact = 0n;

const SIX_BY_SEVEN = [
  0, 1, 0, 2, 0, 3, 4, 0, 1, 0, 2, 0, 3, 0, 1, 0, 0, 2, 0, 3, 4, 0, 10, 0, 100, 1000, 0, 10000, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 1, 1, 1,
];
const SIX_BY_SEVEN_NORMALIZED = [
  0, 0.1, 0, 0.2, 0, 0.3, 0.4, 0, 0.166666, 0, 0.333333, 0, 0.5, 0, 0.1, 0, 0, 0.2, 0, 0.3, 0.4, 0, 0.0009, 0, 0.009,
  0.09, 0, 0.9, 0, 0, 0, 0, 0, 0, 0, 0.142857, 0.142857, 0.142857, 0.142857, 0.142857, 0.142857, 0.142857,
];
const ZEROS_12 = Array<number>(12).fill(0);
const ONE_TO_9 = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const ONE_TO_12 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

describe('row and column normalisation', () => {
  it('test_math_inplace_row_normalize_sparse', () => {
    expectSparseClose(rowNormalizeSparse(sp(SIX_BY_SEVEN, 6, false)), sp(SIX_BY_SEVEN_NORMALIZED, 6, false), eps);
    expectSparseClose(rowNormalizeSparse(sp(ZEROS_12, 3, false)), sp(ZEROS_12, 3, false), exact);
  });

  it('row normalisation keeps explicit zeros and skips rows with a non-positive sum', () => {
    expect(rowNormalizeSparse([[[1, 0n], [0, fx(3)]], [[0, fx(-1)]]])).toEqual([[[1, 0n], [0, fx(1)]], [[0, fx(-1)]]]);
  });

  it('test_math_inplace_col_normalize_sparse', () => {
    expectSparseClose(colNormalizeSparse(sp(SIX_BY_SEVEN, 6, true), 6), sp(SIX_BY_SEVEN_NORMALIZED, 6, true), eps);
    expectSparseClose(colNormalizeSparse(sp(ZEROS_12, 3, false), 6), sp(ZEROS_12, 3, false), exact);
    expect(colNormalizeSparse([], 0)).toEqual([]);
  });

  it('column sums saturate; columns at or past `columns` are untouched', () => {
    const m: FixedRow[] = [[[0, I32F32.MAX], [1, fx(4)]], [[0, I32F32.MAX], [1, fx(4)]]];
    const out = colNormalizeSparse(m, 1);
    expect(out[0]?.[0]?.[1]).toBe(I32F32.ONE); // MAX / saturated MAX
    expect(out[0]?.[1]?.[1]).toBe(fx(4));
  });

  it('test_math_inplace_col_max_upscale_sparse', () => {
    expect(colMaxUpscaleSparse([[]], 0)).toEqual([[]]);
    expect(colMaxUpscaleSparse([[[0, 0n]]], 1)).toEqual([[[0, 0n]]]);
    const target = [
      0, 0.25, 0, 0.5, 0, 0.75, 1, 0, 0.333333, 0, 0.666666, 0, 1, 0, 0.25, 0, 0, 0.5, 0, 0.75, 1, 0, 0.001, 0, 0.01,
      0.1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1,
    ];
    expectSparseClose(colMaxUpscaleSparse(sp(SIX_BY_SEVEN, 6, true), 6), sp(target, 6, true), eps);
    expectSparseClose(colMaxUpscaleSparse(sp(ZEROS_12, 3, false), 6), sp(ZEROS_12, 3, false), exact);
    expect(colMaxUpscaleSparse([], 0)).toEqual([]);
  });
});

describe('masks', () => {
  it('test_math_mask_rows_sparse', () => {
    const mat = sp(ONE_TO_9, 3, false);
    expectSparseClose(maskRowsSparse([false, false, false], mat), sp(ONE_TO_9, 3, false), exact);
    expectSparseClose(maskRowsSparse([true, true, true], mat), sp(Array<number>(9).fill(0), 3, false), exact);
    expectSparseClose(maskRowsSparse([true, false, true], mat), sp([0, 0, 0, 4, 5, 6, 0, 0, 0], 3, false), exact);
  });

  it('mask_rows_sparse treats a missing mask entry as masked', () => {
    expect(maskRowsSparse([false], sp(ONE_TO_9, 3, false))).toEqual([sp(ONE_TO_9, 3, false)[0], [], []]);
  });

  it('test_math_mask_diag_sparse', () => {
    expectSparseClose(maskDiagSparse(sp(ONE_TO_9, 3, false)), sp([0, 2, 3, 4, 0, 6, 7, 8, 0], 3, false), exact);
    expectSparseClose(maskDiagSparse(sp([1, 0, 0, 0, 5, 0, 0, 0, 9], 3, false)), sp(Array<number>(9).fill(0), 3, false), exact);
  });

  it('test_math_mask_diag_sparse_except_index', () => {
    for (let i = 0; i < 3; i++) {
      const target = [0, 2, 3, 4, 0, 6, 7, 8, 0];
      target[i * 3 + i] = ONE_TO_9[i * 3 + i] as number;
      expectSparseClose(maskDiagSparseExceptIndex(sp(ONE_TO_9, 3, false), i), sp(target, 3, false), exact);
      const diagOnly = [1, 0, 0, 0, 5, 0, 0, 0, 9];
      const target2 = Array<number>(9).fill(0);
      target2[i * 3 + i] = diagOnly[i * 3 + i] as number;
      expectSparseClose(maskDiagSparseExceptIndex(sp(diagOnly, 3, false), i), sp(target2, 3, false), exact);
    }
  });

  it('test_math_vec_mask_sparse_matrix', () => {
    const mat = sp(ONE_TO_9, 3, false);
    const v = [1n, 2n, 3n];
    expectSparseClose(vecMaskSparseMatrix(mat, v, v, (a, b) => a === b), sp([0, 2, 3, 4, 0, 6, 7, 8, 0], 3, false), exact);
    expectSparseClose(vecMaskSparseMatrix(mat, v, v, (a, b) => a < b), sp([1, 0, 0, 4, 5, 0, 7, 8, 9], 3, false), exact);
  });

  it('vec_mask_sparse_matrix reads missing vector entries as 0 and keeps entry order', () => {
    const m: FixedRow[] = [[[2, fx(1)], [0, 0n], [1, fx(2)]]];
    expect(vecMaskSparseMatrix(m, [], [5n, 0n], (a, b) => a < b)).toEqual([[[2, fx(1)], [1, fx(2)]]]);
    expect(scalarVecMaskSparseMatrix(m, 3n, [3n, 4n], (s, v) => s <= v)).toEqual([[[2, fx(1)]]]);
  });
});

describe('products and sums', () => {
  it('test_math_row_hadamard_sparse', () => {
    const v = vecToFixed([1, 2, 3, 4]);
    expectSparseClose(rowHadamardSparse(sp(ONE_TO_12, 4, false), v), sp([1, 2, 3, 8, 10, 12, 21, 24, 27, 40, 44, 48], 4, false), exact);
    const m2 = [0, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12];
    expectSparseClose(rowHadamardSparse(sp(m2, 4, false), v), sp([0, 2, 3, 8, 0, 12, 21, 24, 0, 40, 44, 48], 4, false), exact);
    expectSparseClose(rowHadamardSparse(sp(ZEROS_12, 4, false), v), sp(ZEROS_12, 4, false), exact);
  });

  it('row_hadamard_sparse stops at the shorter of rows and vector', () => {
    expect(rowHadamardSparse(sp(ONE_TO_12, 4, false), vecToFixed([1, 2]))).toHaveLength(2);
  });

  it('test_math_row_sum_sparse', () => {
    expect(rowSumSparse(sp(ONE_TO_12, 4, false))).toEqual(vecToFixed([6, 15, 24, 33]));
    expect(rowSumSparse(sp([0, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12], 4, false))).toEqual(vecToFixed([5, 10, 15, 33]));
    expect(rowSumSparse(sp([1, 2, 3, 0, 0, 0, 7, 8, 9, 10, 11, 12], 4, false))).toEqual(vecToFixed([6, 0, 24, 33]));
    expect(rowSumSparse(sp(ZEROS_12, 4, false))).toEqual(vecToFixed([0, 0, 0, 0]));
  });

  it('test_math_sparse_matmul', () => {
    const v = vecToFixed([1, 2, 3, 4]);
    expect(matmulSparse(sp(ONE_TO_12, 4, false), v, 3)).toEqual(vecToFixed([70, 80, 90]));
    expect(matmulSparse(sp([0, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12], 4, false), v, 3)).toEqual(vecToFixed([69, 70, 63]));
    expect(matmulSparse(sp(ZEROS_12, 4, false), v, 3)).toEqual(vecToFixed([0, 0, 0]));
  });

  it('test_math_sparse_matmul_transpose', () => {
    const v = vecToFixed([1, 2, 3]);
    expect(matmulTransposeSparse(sp(ONE_TO_12, 4, false), v)).toEqual(vecToFixed([14, 32, 50, 68]));
    expect(matmulTransposeSparse(sp([0, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12], 4, false), v)).toEqual(vecToFixed([13, 22, 23, 68]));
    expect(matmulTransposeSparse(sp(ZEROS_12, 4, false), v)).toEqual(vecToFixed([0, 0, 0, 0]));
  });

  it('matmul accumulators saturate', () => {
    expect(matmulSparse([[[0, I32F32.MAX]], [[0, I32F32.MAX]]], [fx(1), fx(1)], 1)).toEqual([I32F32.MAX]);
    expect(matmulTransposeSparse([[[0, I32F32.MAX], [1, fx(2)]]], [fx(1), I32F32.MAX])).toEqual([I32F32.MAX]);
  });

  it('test_math_mat_vec_mul_sparse', () => {
    const m = sp(ONE_TO_12, 4, false);
    expectSparseClose(matVecMulSparse(m, vecToFixed([1, 2, 3])), sp([1, 4, 9, 4, 10, 18, 7, 16, 27, 10, 22, 36], 4, false), exact);
    expectSparseClose(matVecMulSparse(m, vecToFixed([1, 0, 0])), sp([1, 0, 0, 4, 0, 0, 7, 0, 0, 10, 0, 0], 4, false), exact);
    expectSparseClose(matVecMulSparse(m, []), [[], [], [], []], exact);
  });
});

describe('col_clip_sparse', () => {
  it('test_math_col_clip_sparse', () => {
    const th = vecToFixed([0, 5, 12]);
    const m1 = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    expectSparseClose(colClipSparse(sp(m1, 4, false), th), sp([0, 2, 3, 0, 5, 6, 0, 5, 9, 0, 5, 12], 4, false), exact);
    const m2 = [0, 2, 3, 4, 5, 6, 0, 0, 0, 10, 11, 12];
    expectSparseClose(colClipSparse(sp(m2, 4, false), th), sp([0, 2, 3, 0, 5, 6, 0, 0, 0, 0, 5, 12], 4, false), exact);
    expectSparseClose(colClipSparse(sp(ZEROS_12, 4, false), th), sp(ZEROS_12, 4, false), exact);
  });

  it('keeps explicit zeros and entry order; drops a positive entry over a zero threshold', () => {
    const m: FixedRow[] = [[[2, fx(0.5)], [0, 0n], [1, fx(0.25)]]];
    expect(colClipSparse(m, [0n, 0n, fx(0.4)])).toEqual([[[2, fx(0.4)], [0, 0n]]]);
  });
});

describe('interpolate_sparse', () => {
  it('test_math_interpolate_sparse', () => {
    expectSparseClose(interpolateSparse([[]], [[]], 0, fx(0)), [[]], exact);
    const a1 = sp([0], 1, false);
    const b1 = sp([1], 1, false);
    expectSparseClose(interpolateSparse(a1, b1, 1, fx(0)), sp([0], 1, false), exact);
    expectSparseClose(interpolateSparse(a1, b1, 1, fx(0.5)), sp([0.5], 1, false), exact);
    expectSparseClose(interpolateSparse(a1, b1, 1, fx(1)), sp([1], 1, false), exact);

    const z = sp(ZEROS_12, 4, false);
    expectSparseClose(interpolateSparse(z, z, 3, fx(0)), z, exact);
    expectSparseClose(interpolateSparse(z, z, 3, fx(1)), z, exact);

    const a = sp([1, 0, 100, 1000, 10000, 100000], 3, false);
    const b = sp([10, 100, 1000, 10000, 100000, 0], 3, false);
    expectSparseClose(interpolateSparse(a, b, 2, fx(0)), sp([1, 0, 100, 1000, 10000, 100000], 3, false), exact);
    expectSparseClose(interpolateSparse(a, b, 2, fx(0.9)), sp([9.1, 90, 910, 9100, 91000, 10000], 3, false), eps);

    const ones = sp(Array<number>(12).fill(1), 4, false);
    expectSparseClose(interpolateSparse(z, ones, 3, fx(0)), z, exact);
    expectSparseClose(interpolateSparse(z, ones, 3, fx(0.000000001)), sp(Array<number>(12).fill(0.000000001), 4, false), exact);
    expectSparseClose(interpolateSparse(z, ones, 3, fx(0.5)), sp(Array<number>(12).fill(0.5), 4, false), exact);
    expectSparseClose(interpolateSparse(z, ones, 3, fx(0.9999998808)), sp(Array<number>(12).fill(0.999_999_9), 4, false), exact);
    expectSparseClose(interpolateSparse(z, ones, 3, fx(1)), ones, exact);
  });

  it('ratio exactly 0 or 1 returns the operand untouched (order and zeros kept)', () => {
    const w: FixedRow[] = [[[2, fx(0.5)], [0, 0n]]];
    const c: FixedRow[] = [[[1, fx(0.25)], [0, 0n]]];
    expect(interpolateSparse(w, c, 3, 0n)).toEqual(w);
    expect(interpolateSparse(w, c, 3, I32F32.ONE)).toEqual(c);
    // In between: dense per row, ascending columns, only positive results.
    expect(interpolateSparse(w, c, 3, fx(0.5))).toEqual([[[1, fx(0.125)], [2, fx(0.25)]]]);
    // Mismatched row counts return the second matrix.
    expect(interpolateSparse(w, [...c, []], 3, fx(0.5))).toEqual([...c, []]);
  });
});

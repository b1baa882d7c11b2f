import { expect } from 'vitest';
import { I32F32, I64F64 } from '../../../src/yuma/reference/fixed.js';
import type { FixedRow } from '../../../src/yuma/reference/sparse.js';

/*
 * Translations of the helpers of subtensor's tests/math.rs. Their float literals become fixed-point bits through the
 * same `from_num` rounding (nearest, ties to even); `vec_to_fixed` and friends take f32, so those go through
 * Math.fround first.
 */

/** `I32F32::from_num(x)` of an f64 literal (or an integer). */
export const fx = (x: number): bigint => I32F32.fromFloat(x);

/** `I32F32::from_num(x)` of an f32 literal, as `fixed(x)` and `vec_to_fixed` do. */
export const f32 = (x: number): bigint => I32F32.fromFloat(Math.fround(x));

/** `I64F64::from_num(x)` of an f64 literal. */
export const fx64 = (x: number): bigint => I64F64.fromFloat(x);

/** `vec_to_fixed`: f32 values to I32F32. */
export const vecToFixed = (xs: number[]): bigint[] => xs.map(f32);

/** `vec_to_mat_fixed`: reshape f32 values into `rows` dense rows (transposed on request). */
export function vecToMatFixed(values: number[], rows: number, transpose: boolean): bigint[][] {
  const cols = values.length / rows;
  const out: bigint[][] = [];
  if (transpose) {
    for (let c = 0; c < cols; c++) out.push(Array.from({ length: rows }, (_, r) => f32(values[r * cols + c] as number)));
  } else {
    for (let r = 0; r < rows; r++) out.push(values.slice(r * cols, (r + 1) * cols).map(f32));
  }
  return out;
}

/** `vec_to_sparse_mat_fixed`: as vecToMatFixed but sparse, keeping only the entries > 0. */
export function vecToSparseMatFixed(values: number[], rows: number, transpose: boolean): FixedRow[] {
  const cols = values.length / rows;
  const out: FixedRow[] = [];
  if (transpose) {
    for (let c = 0; c < cols; c++) {
      const row: FixedRow = [];
      for (let r = 0; r < rows; r++) {
        const v = values[r * cols + c] as number;
        if (v > 0) row.push([r, f32(v)]);
      }
      out.push(row);
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const row: FixedRow = [];
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c] as number;
        if (v > 0) row.push([c, f32(v)]);
      }
      out.push(row);
    }
  }
  return out;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** `assert_float_compare` on raw bits: |a − b| ≤ epsilon. */
export function expectClose(a: bigint, b: bigint, epsilon: bigint, what = ''): void {
  expect(abs(a - b) <= epsilon, `${what} ${a} vs ${b} (epsilon ${epsilon})`).toBe(true);
}

/** `assert_vec_compare`. */
export function expectVecClose(a: readonly bigint[], b: readonly bigint[], epsilon: bigint): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expectClose(x, b[i] as bigint, epsilon, `[${i}]`));
}

/** `assert_mat_compare`. */
export function expectMatClose(a: readonly bigint[][], b: readonly bigint[][], epsilon: bigint): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    const other = b[i] as bigint[];
    expect(row.length, `row ${i}`).toBe(other.length);
    row.forEach((x, j) => expectClose(x, other[j] as bigint, epsilon, `[${i}][${j}]`));
  });
}

/** `assert_sparse_mat_compare`: same shape, same columns in the same order, values within epsilon. */
export function expectSparseClose(a: readonly FixedRow[], b: readonly FixedRow[], epsilon: bigint): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    const other = b[i] as FixedRow;
    expect(row.map(([j]) => j), `columns of row ${i}`).toEqual(other.map(([j]) => j));
    row.forEach(([, v], k) => expectClose(v, (other[k] as [number, bigint])[1], epsilon, `row ${i} entry ${k}`));
  });
}

/** A small seeded PRNG (mulberry32) for the randomised upstream cases, so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import { I32F32 } from './fixed.js';

/*
 * Sparse-matrix primitives of math.rs. A row is a list of `[column, I32F32 bits]` pairs in the chain's entry order;
 * nothing here sorts a row unless the chain's function does. Every function returns a new matrix.
 */

/** One sparse row of I32F32 raw bits: `[column, bits]` pairs in entry order. */
export type FixedRow = Array<[number, bigint]>;

/** A sparse matrix: one FixedRow per row. */
export type FixedMatrix = FixedRow[];

/** A mask predicate on two u64 values (the chain's `&dyn Fn(u64, u64) -> bool`). */
export type U64Predicate = (a: bigint, b: bigint) => boolean;

function copyRow(row: FixedRow): FixedRow {
  return row.map(([j, v]): [number, bigint] => [j, v]);
}

/** A deep copy of a sparse matrix (the chain's `to_owned`). */
export function copyMatrix(m: readonly FixedRow[]): FixedMatrix {
  return m.map(copyRow);
}

/** `mask_rows_sparse`: rows whose mask is true (or missing) become empty. */
export function maskRowsSparse(mask: readonly boolean[], m: readonly FixedRow[]): FixedMatrix {
  return m.map((row, i) => ((mask[i] ?? true) ? [] : copyRow(row)));
}

/** `mask_diag_sparse`: drops every entry (i, i). */
export function maskDiagSparse(m: readonly FixedRow[]): FixedMatrix {
  return m.map((row, i) => row.filter(([j]) => j !== i).map(([j, v]): [number, bigint] => [j, v]));
}

/** `mask_diag_sparse_except_index`: drops every entry (i, i) except (except, except). */
export function maskDiagSparseExceptIndex(m: readonly FixedRow[], except: number): FixedMatrix {
  return m.map((row, i) =>
    row.filter(([j]) => i !== j || (i === except && j === except)).map(([j, v]): [number, bigint] => [j, v]),
  );
}

/** `vec_mask_sparse_matrix`: drops (i, j) when `f(first[i], second[j])`; a missing vector entry reads as 0. */
export function vecMaskSparseMatrix(
  m: readonly FixedRow[],
  first: readonly bigint[],
  second: readonly bigint[],
  f: U64Predicate,
): FixedMatrix {
  return m.map((row, i) => {
    const fv = first[i] ?? 0n;
    return row.filter(([j]) => !f(fv, second[j] ?? 0n)).map(([j, v]): [number, bigint] => [j, v]);
  });
}

/** `scalar_vec_mask_sparse_matrix`: drops (i, j) when `f(scalar, vector[j])`; a missing entry reads as 0. */
export function scalarVecMaskSparseMatrix(
  m: readonly FixedRow[],
  scalar: bigint,
  vector: readonly bigint[],
  f: U64Predicate,
): FixedMatrix {
  return m.map((row) => row.filter(([j]) => !f(scalar, vector[j] ?? 0n)).map(([j, v]): [number, bigint] => [j, v]));
}

/** `inplace_row_normalize_sparse`: rows with a (wrapping) sum > 0 are divided by it; explicit zeros stay. */
export function rowNormalizeSparse(m: readonly FixedRow[]): FixedMatrix {
  return m.map((row) => {
    const total = I32F32.sum(row.map(([, v]) => v));
    if (total > 0n) return row.map(([j, v]): [number, bigint] => [j, I32F32.safeDiv(v, total)]);
    return copyRow(row);
  });
}

/** `row_sum_sparse`: the plain (wrapping) sum of each row. */
export function rowSumSparse(m: readonly FixedRow[]): bigint[] {
  return m.map((row) => I32F32.sum(row.map(([, v]) => v)));
}

/**
 * `inplace_col_normalize_sparse`: saturating column sums over columns < `columns`; entries of a column with a
 * non-zero sum are divided by it (safe_div). Entries of other columns are untouched.
 */
export function colNormalizeSparse(m: readonly FixedRow[], columns: number): FixedMatrix {
  const colSum = new Array<bigint>(columns).fill(0n);
  for (const row of m) {
    for (const [j, v] of row) if (j < columns) colSum[j] = I32F32.saturatingAdd(colSum[j] as bigint, v);
  }
  return m.map((row) =>
    row.map(([j, v]): [number, bigint] => {
      const denom = colSum[j] ?? 0n;
      return [j, denom !== 0n ? I32F32.safeDiv(v, denom) : v];
    }),
  );
}

/** `inplace_col_max_upscale_sparse`: entries divided by their column's maximum (start 0) when it is non-zero. */
export function colMaxUpscaleSparse(m: readonly FixedRow[], columns: number): FixedMatrix {
  const colMax = new Array<bigint>(columns).fill(0n);
  for (const row of m) {
    for (const [j, v] of row) if (j < columns && (colMax[j] as bigint) < v) colMax[j] = v;
  }
  return m.map((row) =>
    row.map(([j, v]): [number, bigint] => {
      const max = colMax[j] ?? 0n;
      return [j, max !== 0n ? I32F32.safeDiv(v, max) : v];
    }),
  );
}

/**
 * `col_clip_sparse`: an entry above its column threshold becomes the threshold, or is dropped when the threshold
 * is ≤ 0; other entries are kept. A missing threshold reads as 0.
 */
export function colClipSparse(m: readonly FixedRow[], threshold: readonly bigint[]): FixedMatrix {
  return m.map((row) => {
    const out: FixedRow = [];
    for (const [j, v] of row) {
      const th = threshold[j] ?? 0n;
      if (th < v) {
        if (th > 0n) out.push([j, th]);
      } else {
        out.push([j, v]);
      }
    }
    return out;
  });
}

/** `matmul_sparse`: `r_j = Σ_i sat(v_i · m_ij)` over columns < `columns`, saturating; rows past v use 0. */
export function matmulSparse(m: readonly FixedRow[], v: readonly bigint[], columns: number): bigint[] {
  const result = new Array<bigint>(columns).fill(0n);
  m.forEach((row, i) => {
    const scale = v[i] ?? 0n;
    for (const [j, val] of row) {
      if (j < columns) result[j] = I32F32.saturatingAdd(result[j] as bigint, I32F32.saturatingMul(scale, val));
    }
  });
  return result;
}

/** `matmul_transpose_sparse`: `r_i = Σ_j sat(v_j · m_ij)`, saturating; a missing v_j reads as 0. */
export function matmulTransposeSparse(m: readonly FixedRow[], v: readonly bigint[]): bigint[] {
  return m.map((row) => {
    let acc = 0n;
    for (const [j, val] of row) acc = I32F32.saturatingAdd(acc, I32F32.saturatingMul(v[j] ?? 0n, val));
    return acc;
  });
}

/** `row_hadamard_sparse`: `m_ij · v_i` (saturating); stops at the shorter of the rows and the vector. */
export function rowHadamardSparse(m: readonly FixedRow[], v: readonly bigint[]): FixedMatrix {
  const rows = Math.min(m.length, v.length);
  const out: FixedMatrix = [];
  for (let i = 0; i < rows; i++) {
    const scale = v[i] as bigint;
    out.push((m[i] as FixedRow).map(([j, val]): [number, bigint] => [j, I32F32.saturatingMul(val, scale)]));
  }
  return out;
}

/** `mat_vec_mul_sparse`: `m_ij · v_j` (saturating); entries without a v_j or with a zero product are dropped. */
export function matVecMulSparse(m: readonly FixedRow[], v: readonly bigint[]): FixedMatrix {
  return m.map((row) => {
    const out: FixedRow = [];
    for (const [j, val] of row) {
      const vj = v[j];
      if (vj === undefined) continue;
      const product = I32F32.saturatingMul(val, vj);
      if (product !== 0n) out.push([j, product]);
    }
    return out;
  });
}

/** Densifies a row to `columns` cells; entries at or past `columns` are ignored, a repeated column keeps the last. */
export function densifyRow(row: FixedRow | undefined, columns: number): bigint[] {
  const dense = new Array<bigint>(columns).fill(0n);
  for (const [j, v] of row ?? []) if (j < columns) dense[j] = v;
  return dense;
}

/**
 * `interpolate_sparse`: `a + ratio·(b − a)`. Ratio exactly 0 returns a copy of `a` and exactly 1 a copy of `b`
 * (entry order and zeros kept); mismatched row counts return `b`. Otherwise each row is densified to `columns`
 * and the positive results are emitted in ascending column order.
 */
export function interpolateSparse(
  a: readonly FixedRow[],
  b: readonly FixedRow[],
  columns: number,
  ratio: bigint,
): FixedMatrix {
  if (ratio === 0n) return copyMatrix(a);
  if (ratio === I32F32.ONE) return copyMatrix(b);
  if (a.length !== b.length) return copyMatrix(b);
  return a.map((rowA, i) => {
    const da = densifyRow(rowA, columns);
    const db = densifyRow(b[i], columns);
    const out: FixedRow = [];
    for (let j = 0; j < columns; j++) {
      const v1 = da[j] as bigint;
      const v2 = db[j] as bigint;
      const x = I32F32.saturatingAdd(v1, I32F32.saturatingMul(ratio, I32F32.saturatingSub(v2, v1)));
      if (x > 0n) out.push([j, x]);
    }
    return out;
  });
}

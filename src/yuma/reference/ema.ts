import { I32F32, I64F64, i64f64ToI32F32 } from './fixed.js';
import type { FixedMatrix, FixedRow } from './sparse.js';

/*
 * The bonds exponential moving averages of math.rs (sparse forms) and the fixed alpha derived from the
 * BondsMovingAverage hyperparameter.
 */

/**
 * `mat_ema_sparse`: per row, `alpha·new + (1 − alpha)·old` accumulated (saturating) in a dense row as wide as the
 * number of rows of `new` (the matrix is assumed square); the positive cells are emitted in ascending column order.
 * A row of `old` past its end counts as empty.
 */
export function matEmaSparse(newM: readonly FixedRow[], oldM: readonly FixedRow[], alpha: bigint): FixedMatrix {
  const oneMinusAlpha = I32F32.saturatingSub(I32F32.ONE, alpha);
  const n = newM.length;
  if (n === 0) return [];
  return newM.map((newRow, i) => {
    const acc = new Array<bigint>(n).fill(0n);
    for (const [j, v] of newRow) {
      if (j < n) acc[j] = I32F32.saturatingAdd(acc[j] as bigint, I32F32.saturatingMul(alpha, v));
    }
    for (const [j, v] of oldM[i] ?? []) {
      if (j < n) acc[j] = I32F32.saturatingAdd(acc[j] as bigint, I32F32.saturatingMul(oneMinusAlpha, v));
    }
    const out: FixedRow = [];
    acc.forEach((v, j) => {
      if (v > 0n) out.push([j, v]);
    });
    return out;
  });
}

/**
 * `mat_ema_alpha_sparse`: per-cell alphas. Mismatched row counts return a copy of `new`. For each row,
 * `decayed_j = (1 − a_ij)·old_ij` for the old entries, then for each entry of the NEW row only, in its order,
 * `min(decayed_j + max(a_ij·new_ij, 0), 1)` is emitted when > 0. Old entries whose column is absent from the new row
 * are dropped, and columns at or past the alpha row's length are ignored.
 */
export function matEmaAlphaSparse(
  newM: readonly FixedRow[],
  oldM: readonly FixedRow[],
  alpha: readonly bigint[][],
): FixedMatrix {
  if (newM.length !== oldM.length || newM.length !== alpha.length) {
    return newM.map((row) => row.map(([j, v]): [number, bigint] => [j, v]));
  }
  const one = I32F32.ONE;
  return newM.map((newRow, i) => {
    const oldRow = oldM[i] as FixedRow;
    const alphaRow = alpha[i] as bigint[];
    const decayed = new Array<bigint>(alphaRow.length).fill(0n);
    for (const [j, oldVal] of oldRow) {
      const a = alphaRow[j];
      if (a !== undefined) decayed[j] = I32F32.saturatingMul(I32F32.saturatingSub(one, a), oldVal);
    }
    const out: FixedRow = [];
    for (const [j, newVal] of newRow) {
      const a = alphaRow[j];
      const d = decayed[j];
      if (a === undefined || d === undefined) continue;
      const product = I32F32.saturatingMul(a, newVal);
      const inc = product > 0n ? product : 0n;
      const sum = I32F32.saturatingAdd(d, inc);
      const val = sum < one ? sum : one;
      if (val > 0n) out.push([j, val]);
    }
    return out;
  });
}

/**
 * The EMA alpha of a BondsMovingAverage in parts per million: `1 − I32F32(I64F64(bma) / I64F64(1_000_000))`, the
 * I64F64 quotient truncated and then floored to I32F32 (`compute_disabled_liquid_alpha` and
 * `compute_ema_bonds_normal_sparse` agree for every bma the chain accepts).
 */
export function bondsMovingAverageAlpha(bondsMovingAverage: number | bigint): bigint {
  const ratio = I64F64.safeDiv(I64F64.fromInt(bondsMovingAverage), I64F64.fromInt(1_000_000));
  return I32F32.saturatingSub(I32F32.ONE, i64f64ToI32F32(ratio));
}

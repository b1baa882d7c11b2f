import { clampValue } from './convert.js';
import { expSafe, I32F32 } from './fixed.js';
import type { FixedRow } from './sparse.js';

/*
 * Liquid alpha (Yuma3 only): a per-(validator, miner) EMA alpha from a sigmoid of how far the validator's weight
 * is from consensus (buying) or below its bond (selling).
 */

/** The liquid-alpha hyperparameters as I32F32 bits. */
export interface LiquidAlphaParams {
  /** AlphaValues.low / 65535. */
  alphaLow: bigint;
  /** AlphaValues.high / 65535. */
  alphaHigh: bigint;
  /** AlphaSigmoidSteepness as an integer-valued I32F32. */
  steepness: bigint;
}

const HALF = I32F32.fromFloat(0.5);
const MINUS_HUNDRED = I32F32.fromInt(-100);

/**
 * `alpha_sigmoid`: `lo + sigmoid·(hi − lo)` clamped to [lo, hi], where
 * `sigmoid = 1 / (1 + exp_safe(steepness / −100 · (diff − 0.5)))`, and `diff` is `clamp(w − c, 0, 1)` when w ≥ b,
 * else `clamp(b − w, 0, 1)`. All operations saturate.
 */
export function alphaSigmoid(
  consensus: bigint,
  weight: bigint,
  bond: bigint,
  alphaLow: bigint,
  alphaHigh: bigint,
  steepness: bigint,
): bigint {
  const F = I32F32;
  const diffBuy = clampValue(F.saturatingSub(weight, consensus), 0n, F.ONE);
  const diffSell = clampValue(F.saturatingSub(bond, weight), 0n, F.ONE);
  const combinedDiff = weight >= bond ? diffBuy : diffSell;
  const exponent = F.saturatingMul(F.saturatingDiv(steepness, MINUS_HUNDRED), F.saturatingSub(combinedDiff, HALF));
  const sigmoid = F.saturatingDiv(F.ONE, F.saturatingAdd(F.ONE, expSafe(exponent)));
  const alpha = F.saturatingAdd(alphaLow, F.saturatingMul(sigmoid, F.saturatingSub(alphaHigh, alphaLow)));
  return clampValue(alpha, alphaLow, alphaHigh);
}

/**
 * Looks up column j in a row with a forward-only cursor, as the chain's peekable walk does: entries with a column
 * below j are skipped for good, so in an unsorted row an entry that comes after a larger column is never seen.
 */
class RowCursor {
  private pos = 0;

  constructor(private readonly row: FixedRow) {}

  valueAt(j: number): bigint {
    while (this.pos < this.row.length) {
      const [col, val] = this.row[this.pos] as [number, bigint];
      if (col < j) {
        this.pos += 1;
      } else {
        return col === j ? val : 0n;
      }
    }
    return 0n;
  }
}

/**
 * `compute_liquid_alpha_values_sparse`: a dense (rows × consensus.length) matrix of alphaSigmoid values, reading
 * w_ij and b_ij with a merge walk that assumes each row is sorted by column (missing or skipped entries read as 0).
 * Mismatched weight and bond row counts give an empty matrix.
 */
export function computeLiquidAlphaValuesSparse(
  weights: readonly FixedRow[],
  bonds: readonly FixedRow[],
  consensus: readonly bigint[],
  params: LiquidAlphaParams,
): bigint[][] {
  if (weights.length !== bonds.length) return [];
  return weights.map((wRow, i) => {
    const w = new RowCursor(wRow);
    const b = new RowCursor(bonds[i] as FixedRow);
    return consensus.map((c, j) =>
      alphaSigmoid(c, w.valueAt(j), b.valueAt(j), params.alphaLow, params.alphaHigh, params.steepness),
    );
  });
}

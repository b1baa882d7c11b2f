import { I32F32 } from './fixed.js';
import type { FixedRow } from './sparse.js';
import { normalize } from './vector.js';

/*
 * The chain's stake-weighted median: a deterministic pivot search (mid element of the current partition) that
 * narrows the stake segment [partitionLo, partitionHi] until the pivot's block straddles `minority`.
 */

/**
 * `weighted_median`: the score p with `lo + stake(score < p) ≤ minority < hi − stake(score > p)` found by the chain's
 * pivot walk, entries equal to the pivot forming one block. Returns 0 for an empty partition, for mismatched
 * lengths, and if the walk exceeds its iteration limit (the partition's size).
 */
export function weightedMedian(
  stake: readonly bigint[],
  score: readonly bigint[],
  partitionIdx: readonly number[],
  minority: bigint,
  partitionLo: bigint,
  partitionHi: bigint,
): bigint {
  if (stake.length !== score.length) return 0n;
  const at = (v: readonly bigint[], i: number): bigint => v[i] ?? 0n;
  let current = partitionIdx.slice();
  let lo = partitionLo;
  let hi = partitionHi;
  let iterations = 0;
  const limit = partitionIdx.length;
  while (true) {
    const n = current.length;
    if (n === 0) return 0n;
    if (n === 1) return at(score, current[0] as number);
    const pivot = at(score, current[Math.floor(n / 2)] ?? 0);
    let loStake = 0n;
    let hiStake = 0n;
    const lower: number[] = [];
    const upper: number[] = [];
    for (const idx of current) {
      const s = at(score, idx);
      if (s === pivot) continue;
      if (s < pivot) {
        loStake = I32F32.saturatingAdd(loStake, at(stake, idx));
        lower.push(idx);
      } else {
        hiStake = I32F32.saturatingAdd(hiStake, at(stake, idx));
        upper.push(idx);
      }
    }
    if (minority < I32F32.saturatingAdd(lo, loStake) && lower.length > 0) {
      current = lower;
      hi = I32F32.saturatingAdd(lo, loStake);
    } else if (I32F32.saturatingSub(hi, hiStake) <= minority && upper.length > 0) {
      current = upper;
      lo = I32F32.saturatingSub(hi, hiStake);
    } else {
      return pivot;
    }
    iterations += 1;
    if (iterations > limit) return 0n;
  }
}

/**
 * `weighted_median_col_sparse`: the weighted median of every column over the rows with stake > 0. Their stakes are
 * re-normalised; `minority = Σ(renormalised) − majority` (saturating) and the search spans [0, Σ]. A missing entry
 * counts as score 0; columns at or past `columns` are ignored.
 */
export function weightedMedianColSparse(
  stake: readonly bigint[],
  score: readonly FixedRow[],
  columns: number,
  majority: bigint,
): bigint[] {
  const useStake = normalize(stake.filter((s) => s > 0n));
  const stakeSum = I32F32.sum(useStake);
  const minority = I32F32.saturatingSub(stakeSum, majority);
  const stakeIdx = useStake.map((_, k) => k);
  const useScore: bigint[][] = [];
  for (let c = 0; c < columns; c++) useScore.push(new Array<bigint>(useStake.length).fill(0n));
  let k = 0;
  const rows = Math.min(stake.length, score.length);
  for (let i = 0; i < rows; i++) {
    if ((stake[i] as bigint) > 0n) {
      for (const [c, v] of score[i] as FixedRow) {
        const colVec = useScore[c];
        if (colVec !== undefined && k < colVec.length) colVec[k] = v;
      }
      k += 1;
    }
  }
  return useScore.map((colVec) => weightedMedian(useStake, colVec, stakeIdx, minority, 0n, stakeSum));
}

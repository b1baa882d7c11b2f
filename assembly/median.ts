// Consensus: the chain's stake-weighted median per column (`weighted_median_col_sparse`).
//
// The chain runs a pivot partition per column over every validator with active stake, zeros included. When the
// stake bookkeeping is exact (all stakes non-negative, no overflow), that algorithm returns
//   p* = the smallest score v with  Σ stake[score <= v] > minority,  or the largest score if there is none,
// whatever pivots it picks: the partition always keeps p*, and stops exactly on it. So the fast path below selects p*
// over each column's non-zero entries plus one aggregated "zero" item, in expected linear time. When the stakes are
// degenerate (negative after a wrapped normalisation, or sums that overflow), the literal algorithm runs instead.
import { addSat, safeDiv, subSat } from './fixed';
import { allocRaw, allocZeroed, getI32, getI64, setI32, setI64 } from './mem';
import { medianOfPacked, packColumns } from './median-packed';
import { Csr } from './sparse';

/** Stake-weighted median of each of the n columns of w, over rows with active stake > 0. Writes n values to out. */
export function weightedMedianColSparse(stake: usize, w: Csr, n: i32, majority: i64, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  // Validators with positive stake, in uid order, with their re-normalised stake.
  const vidx = allocRaw(<usize>n << 2);
  let v = 0;
  for (let i = 0; i < n; i++) if (getI64(stake, i) > 0) setI32(vidx, v++, i);
  if (v == 0) return;
  const useStake = allocRaw(<usize>v << 3);
  let sum: i64 = 0;
  for (let k = 0; k < v; k++) {
    const s = getI64(stake, getI32(vidx, k));
    setI64(useStake, k, s);
    sum += s;
  }
  if (sum != 0) for (let k = 0; k < v; k++) setI64(useStake, k, safeDiv(getI64(useStake, k), sum));
  let stakeSum: i64 = 0;
  let exact = true;
  for (let k = 0; k < v; k++) {
    const s = getI64(useStake, k);
    if (s < 0) exact = false;
    stakeSum += s;
    if (stakeSum < 0) exact = false;
  }
  const minority = subSat(stakeSum, majority);

  if (exact) {
    const cols = packColumns(w, vidx, v, n);
    if (cols != null) {
      medianOfPacked(cols, useStake, v, stakeSum, minority, n, out);
      return;
    }
  }
  // Column-major copy of the non-zero scores of the validators' rows (CSC), with one spare slot per column.
  const colPtr = allocZeroed(<usize>(n + 1) << 2);
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      if (getI64(w.val, e) != 0) {
        const j = getI32(w.col, e) + 1;
        setI32(colPtr, j, getI32(colPtr, j) + 1);
      }
    }
  }
  for (let j = 0; j < n; j++) setI32(colPtr, j + 1, getI32(colPtr, j + 1) + getI32(colPtr, j) + 1);
  const total = getI32(colPtr, n);
  const fill = allocRaw(<usize>n << 2);
  memory.copy(fill, colPtr, <usize>n << 2);
  const cScore = allocRaw(<usize>total << 3);
  const cRow = allocRaw(<usize>total << 2);
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const x = getI64(w.val, e);
      if (x != 0) {
        const j = getI32(w.col, e);
        const at = getI32(fill, j);
        setI32(fill, j, at + 1);
        setI64(cScore, at, x);
        setI32(cRow, at, k);
      }
    }
  }

  if (exact) {
    // Slot v of the stake table holds the current column's zero item.
    const stakeOf = allocRaw(<usize>(v + 1) << 3);
    memory.copy(stakeOf, useStake, <usize>v << 3);
    for (let j = 0; j < n; j++) {
      const a = getI32(colPtr, j), b = getI32(fill, j);
      let len = b - a;
      if (len < v) {
        let nzStake: i64 = 0;
        for (let e = a; e < b; e++) nzStake += getI64(stakeOf, getI32(cRow, e));
        setI64(stakeOf, v, stakeSum - nzStake);
        setI64(cScore, b, 0);
        setI32(cRow, b, v);
        len++;
      }
      setI64(out, j, selectWeighted(cScore + (<usize>a << 3), cRow + (<usize>a << 2), stakeOf, len, minority));
    }
  } else {
    const score = allocZeroed(<usize>v << 3);
    const bufA = allocRaw(<usize>v << 2), bufB = allocRaw(<usize>v << 2), bufC = allocRaw(<usize>v << 2);
    for (let j = 0; j < n; j++) {
      const a = getI32(colPtr, j), b = getI32(fill, j);
      for (let e = a; e < b; e++) setI64(score, getI32(cRow, e), getI64(cScore, e));
      setI64(out, j, weightedMedianLiteral(useStake, score, v, minority, stakeSum, bufA, bufB, bufC));
      for (let e = a; e < b; e++) setI64(score, getI32(cRow, e), 0);
    }
  }
}

/**
 * The smallest score v with Σ stake[score <= v] > minority, or the largest score when no v qualifies
 * (see the file comment). Item t has score score[t] and stake stakeOf[row[t]]. Partitions the len items in place,
 * three ways around a middle pivot.
 */
function selectWeighted(score: usize, row: usize, stakeOf: usize, len: i32, minority: i64): i64 {
  let lo = 0, hi = len;
  let below: i64 = 0;
  while (true) {
    const p = getI64(score, lo + ((hi - lo) >> 1));
    // Dutch national flag: [lo, lt) < p, [lt, i) == p, (gt, hi) > p.
    let lt = lo, i = lo, gt = hi - 1;
    let sLess: i64 = 0, sEq: i64 = 0;
    while (i <= gt) {
      const x = getI64(score, i);
      if (x < p) {
        sLess += getI64(stakeOf, getI32(row, i));
        swap(score, row, lt++, i++);
      } else if (x > p) {
        swap(score, row, i, gt--);
      } else {
        sEq += getI64(stakeOf, getI32(row, i));
        i++;
      }
    }
    if (lt > lo && below + sLess > minority) {
      hi = lt;
      continue;
    }
    if (below + sLess + sEq > minority) return p;
    if (gt + 1 < hi) {
      below += sLess + sEq;
      lo = gt + 1;
      continue;
    }
    return p;
  }
  return 0;
}

// @ts-ignore: decorator
@inline function swap(score: usize, row: usize, i: i32, j: i32): void {
  const x = getI64(score, i), r = getI32(row, i);
  setI64(score, i, getI64(score, j));
  setI32(row, i, getI32(row, j));
  setI64(score, j, x);
  setI32(row, j, r);
}

/**
 * The chain's `weighted_median` literally: pivot at the middle of the current list (order kept), entries equal to
 * the pivot dropped, saturating stake bookkeeping, and the iteration limit. Used when stakes are degenerate.
 */
function weightedMedianLiteral(
  stake: usize, score: usize, len: i32, minority: i64, stakeSum: i64, bufA: usize, bufB: usize, bufC: usize,
): i64 {
  let cur = bufA, lower = bufB, upper = bufC;
  for (let k = 0; k < len; k++) setI32(cur, k, k);
  let n = len;
  let pLo: i64 = 0, pHi: i64 = stakeSum;
  let iter = 0;
  while (true) {
    if (n == 0) return 0;
    if (n == 1) return getI64(score, getI32(cur, 0));
    const pivot = getI64(score, getI32(cur, n >> 1));
    let loStake: i64 = 0, hiStake: i64 = 0;
    let nl = 0, nu = 0;
    for (let k = 0; k < n; k++) {
      const idx = getI32(cur, k);
      const s = getI64(score, idx);
      if (s == pivot) continue;
      if (s < pivot) {
        loStake = addSat(loStake, getI64(stake, idx));
        setI32(lower, nl++, idx);
      } else {
        hiStake = addSat(hiStake, getI64(stake, idx));
        setI32(upper, nu++, idx);
      }
    }
    if (minority < addSat(pLo, loStake) && nl > 0) {
      pHi = addSat(pLo, loStake);
      const t = cur; cur = lower; lower = t;
      n = nl;
    } else if (subSat(pHi, hiStake) <= minority && nu > 0) {
      pLo = subSat(pHi, hiStake);
      const t = cur; cur = upper; upper = t;
      n = nu;
    } else {
      return pivot;
    }
    iter++;
    if (iter > len) break;
  }
  return 0;
}

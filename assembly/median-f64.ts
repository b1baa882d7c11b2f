// Consensus in f64: the same rule as the exact engine (the smallest score whose cumulative stake exceeds
// sum − kappa, else the largest), on packed keys (median-packed.ts) when the weights fit them, else on a plain
// column copy with the same branch-free partition.
import { allocRaw, allocZeroed, getF64, getI32, getI64, setF64, setI32, setI64 } from './mem';
import { medianOfPacked, packColumns } from './median-packed';
import { Csr } from './sparse';

/** Stake-weighted median of each column of w (f64 values) over rows with stake > 0. Writes n values to out. */
export function weightedMedianF64(stake: usize, w: Csr, n: i32, kappa: f64, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  const vidx = allocRaw(<usize>n << 2);
  let v = 0;
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const s = getF64(stake, i);
    if (s > 0) {
      setI32(vidx, v++, i);
      total += s;
    }
  }
  if (v == 0) return;
  const stakeOf = allocRaw(<usize>(v + 1) << 3);
  for (let k = 0; k < v; k++) setF64(stakeOf, k, getF64(stake, getI32(vidx, k)) / total);
  const minority = 1.0 - kappa;

  const cols = packColumns<f64>(w, vidx, v, n);
  if (cols != null) {
    // Integer stakes (32 fraction bits) let the float engine share the exact engine's selection.
    const fixedStake = allocRaw(<usize>v << 3);
    let fixedSum: i64 = 0;
    for (let k = 0; k < v; k++) {
      const s = <i64>(getF64(stakeOf, k) * 4294967296.0 + 0.5);
      setI64(fixedStake, k, s);
      fixedSum += s;
    }
    const fixedOut = allocRaw(<usize>n << 3);
    medianOfPacked(cols, fixedStake, v, fixedSum, fixedSum - <i64>(kappa * 4294967296.0 + 0.5), n, fixedOut);
    for (let j = 0; j < n; j++) setF64(out, j, <f64>getI64(fixedOut, j) / 4294967296.0);
    return;
  }
  const colPtr = allocZeroed(<usize>(n + 1) << 2);
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      if (getF64(w.val, e) != 0) {
        const j = getI32(w.col, e) + 1;
        setI32(colPtr, j, getI32(colPtr, j) + 1);
      }
    }
  }
  for (let j = 0; j < n; j++) setI32(colPtr, j + 1, getI32(colPtr, j + 1) + getI32(colPtr, j) + 1);
  const fill = allocRaw(<usize>n << 2);
  memory.copy(fill, colPtr, <usize>n << 2);
  const size = getI32(colPtr, n);
  const score = allocRaw(<usize>size << 3), row = allocRaw(<usize>size << 2);
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const x = getF64(w.val, e);
      if (x != 0) {
        const j = getI32(w.col, e);
        const at = getI32(fill, j);
        setI32(fill, j, at + 1);
        setF64(score, at, x);
        setI32(row, at, k);
      }
    }
  }
  const bufScore = allocRaw(<usize>(v + 1) << 3), bufRow = allocRaw(<usize>(v + 1) << 2);
  for (let j = 0; j < n; j++) {
    const a = getI32(colPtr, j), b = getI32(fill, j);
    let len = b - a;
    if (len < v) {
      let nz = 0.0;
      for (let e = a; e < b; e++) nz += getF64(stakeOf, getI32(row, e));
      setF64(stakeOf, v, 1.0 - nz);
      setF64(score, b, 0);
      setI32(row, b, v);
      len++;
    }
    setF64(out, j, selectF64(score + (<usize>a << 3), row + (<usize>a << 2), len, stakeOf, minority, bufScore, bufRow));
  }
}

function selectF64(score: usize, row: usize, len: i32, stakeOf: usize, minority: f64, oScore: usize, oRow: usize): f64 {
  let sS = score, sR = row, dS = oScore, dR = oRow;
  let lo = 0, hi = len;
  let below = 0.0;
  while (true) {
    const x0 = getF64(sS, lo), x1 = getF64(sS, lo + ((hi - lo) >> 1)), x2 = getF64(sS, hi - 1);
    const p = max(min(x0, x1), min(max(x0, x1), x2));
    let f = lo, r = hi - 1;
    let sLess = 0.0, sEq = 0.0;
    for (let t = lo; t < hi; t++) {
      const x = getF64(sS, t);
      const k = getI32(sR, t);
      const st = getF64(stakeOf, k);
      const less = x < p, greater = x > p;
      sLess += select<f64>(st, 0, less);
      sEq += select<f64>(0, st, less | greater);
      setF64(dS, f, x);
      setI32(dR, f, k);
      setF64(dS, r, x);
      setI32(dR, r, k);
      f += <i32>less;
      r -= <i32>greater;
    }
    if (f > lo && below + sLess > minority) {
      hi = f;
    } else if (below + sLess + sEq > minority) {
      return p;
    } else if (r < hi - 1) {
      below += sLess + sEq;
      lo = r + 1;
    } else {
      return p;
    }
    let t = sS; sS = dS; dS = t;
    t = sR; sR = dR; dR = t;
  }
  return 0;
}

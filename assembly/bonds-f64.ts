// Bonds in f64: the EMA merges of the original and Yuma3 bonds, and liquid alpha, following the exact engine's
// entry orders (ascending columns for mat_ema_sparse, the weights row's order for liquid alpha).
import * as L from './layout';
import { param } from './masks';
import { allocZeroed, getF64, getI32, setF64, setI32 } from './mem';
import { isAscendingI32, sortI32 } from './sort';
import { Csr, csrAlloc, Scratch } from './sparse';

/** Adds the column sums of an f64 CSR into `sums` (n wide). */
export function addColSums(m: Csr, sums: usize): void {
  for (let k = 0, nz = m.nnz(); k < nz; k++) {
    const j = getI32(m.col, k);
    setF64(sums, j, getF64(sums, j) + getF64(m.val, k));
  }
}

/** 1/x where x is non-zero, else 1 (a zero column sum leaves its entries as they are). */
export function reciprocals(sums: usize, n: i32): usize {
  const inv = allocZeroed(<usize>n << 3);
  for (let j = 0; j < n; j++) {
    const s = getF64(sums, j);
    setF64(inv, j, s != 0 ? 1.0 / s : 1.0);
  }
  return inv;
}

/**
 * `mat_ema_sparse(a·scaleA, b·scaleB, alpha)`: per row alpha·a + (1 − alpha)·b, entries > 0 in ascending column
 * order. scaleA and scaleB are per-column factors (column normalisation on the fly), or 0 for none. The output's
 * column sums are added into `outSums`.
 */
export function emaF64(a: Csr, scaleA: usize, b: Csr, scaleB: usize, alpha: f64, sc: Scratch, outSums: usize): Csr {
  const out = csrAlloc(a.rows, a.nnz() + b.nnz());
  const beta = 1.0 - alpha;
  let o = 0;
  for (let i = 0; i < a.rows; i++) {
    const as = a.start(i), ae = a.end(i), bs = b.start(i), be = b.end(i);
    if (isAscendingI32(a.col + (<usize>as << 2), ae - as) && isAscendingI32(b.col + (<usize>bs << 2), be - bs)) {
      let p = as, q = bs;
      while (p < ae || q < be) {
        const ja = p < ae ? getI32(a.col, p) : 0x7fffffff;
        const jb = q < be ? getI32(b.col, q) : 0x7fffffff;
        let v = 0.0;
        const j = min(ja, jb);
        if (ja == j) {
          v += alpha * getF64(a.val, p++) * (scaleA != 0 ? getF64(scaleA, j) : 1.0);
        }
        if (jb == j) {
          v += beta * getF64(b.val, q++) * (scaleB != 0 ? getF64(scaleB, j) : 1.0);
        }
        if (v > 0) {
          setI32(out.col, o, j);
          setF64(out.val, o++, v);
          setF64(outSums, j, getF64(outSums, j) + v);
        }
      }
    } else {
      let len = 0;
      for (let pass = 0; pass < 2; pass++) {
        const m = pass == 0 ? a : b;
        const scale = pass == 0 ? scaleA : scaleB;
        const f = pass == 0 ? alpha : beta;
        for (let k = m.start(i), e = m.end(i); k < e; k++) {
          const j = getI32(m.col, k);
          const add = f * getF64(m.val, k) * (scale != 0 ? getF64(scale, j) : 1.0);
          if (getI32(sc.stamp, j) != i) {
            setI32(sc.stamp, j, i);
            setF64(sc.acc, j, add);
            setI32(sc.list, len++, j);
          } else {
            setF64(sc.acc, j, getF64(sc.acc, j) + add);
          }
        }
      }
      sortI32(sc.list, len, sc.tmp);
      for (let k = 0; k < len; k++) {
        const j = getI32(sc.list, k);
        const v = getF64(sc.acc, j);
        if (v > 0) {
          setI32(out.col, o, j);
          setF64(out.val, o++, v);
          setF64(outSums, j, getF64(outSums, j) + v);
        }
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  return out;
}

/** Yuma3's liquid-alpha EMA in f64 (see liquid-alpha.ts for the rules reproduced from the chain's merge walk). */
export function liquidAlphaF64(w: Csr, bonds: Csr, consensus: usize, params: usize, sc: Scratch): Csr {
  const lo = <f64>param(params, L.P_ALPHA_LOW) / 65535.0, hi = <f64>param(params, L.P_ALPHA_HIGH) / 65535.0;
  const slope = <f64>param(params, L.P_ALPHA_STEEPNESS) / -100.0;
  const out = csrAlloc(w.rows, w.nnz());
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    if (w.start(i) == w.end(i)) {
      setI32(out.ptr, i + 1, o);
      continue;
    }
    let maxCol = -1;
    for (let e = bonds.start(i); e < bonds.end(i); e++) {
      const j = getI32(bonds.col, e), v = getF64(bonds.val, e);
      setF64(sc.acc, j, v);
      setI32(sc.stamp, j, i);
      if (j > maxCol) {
        maxCol = j;
        setF64(sc.acc2, j, v);
        setI32(sc.stamp2, j, i);
      }
    }
    maxCol = -1;
    for (let e = w.start(i); e < w.end(i); e++) {
      const j = getI32(w.col, e), nv = getF64(w.val, e);
      const wv = j > maxCol ? nv : 0.0;
      if (j > maxCol) maxCol = j;
      const bv = getI32(sc.stamp2, j) == i ? getF64(sc.acc2, j) : 0.0;
      const c = getF64(consensus, j);
      const d = wv >= bv ? wv - c : bv - wv;
      const combined = d < 0 ? 0 : d > 1 ? 1 : d;
      const x = min(20.0, max(-20.0, slope * (combined - 0.5)));
      const a = min(hi, max(lo, lo + (hi - lo) / (1.0 + Math.exp(x))));
      const decayed = getI32(sc.stamp, j) == i ? (1.0 - a) * getF64(sc.acc, j) : 0.0;
      const val = min(1.0, decayed + max(0.0, a * nv));
      if (val > 0) {
        setI32(out.col, o, j);
        setF64(out.val, o++, val);
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  memory.fill(sc.stamp2, 0xff, <usize>sc.n << 2);
  return out;
}

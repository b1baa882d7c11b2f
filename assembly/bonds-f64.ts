// Bonds in f64: the EMA merges of the original and Yuma3 bonds, and liquid alpha, following the exact engine's
// entry orders (ascending columns for mat_ema_sparse, the weights row's order for liquid alpha).
import * as L from './layout';
import { param } from './masks';
import { allocZeroed, getF64, getI32, setF64, setI32 } from './mem';
import { isAscendingI32, sortI32 } from './sort';
import { runParts, splitRows } from './parallel';
import { Csr, csrAlloc, Scratch } from './sparse';

/** `cond ? a : b` through an integer select (a conditional move, not a branch). */
// @ts-ignore: decorator
@inline function pick(a: f64, b: f64, cond: bool): f64 {
  return reinterpret<f64>(select<i64>(reinterpret<i64>(a), reinterpret<i64>(b), cond));
}

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
  const t = new AlphaTask();
  t.w = w;
  t.bonds = bonds;
  t.consensus = consensus;
  t.lo = <f64>param(params, L.P_ALPHA_LOW) / 65535.0;
  t.hi = <f64>param(params, L.P_ALPHA_HIGH) / 65535.0;
  t.slope = <f64>param(params, L.P_ALPHA_STEEPNESS) / -100.0;
  // A row has at most as many entries as its weights row: part 1 writes from where its rows' weights start, and its
  // entries move down to follow part 0's afterwards.
  t.out = csrAlloc(w.rows, w.nnz());
  t.split = splitRows(w.ptr, w.rows);
  t.sc0 = sc;
  t.sc1 = new Scratch(sc.n);
  runParts(alphaPart, changetype<usize>(t), w.nnz() >= 1 << 16);
  const out = t.out, split = t.split;
  const o0 = out.start(split), base = w.start(split), gap = base - o0;
  memory.copy(out.col + (<usize>o0 << 2), out.col + (<usize>base << 2), <usize>(t.end1 - base) << 2);
  memory.copy(out.val + (<usize>o0 << 3), out.val + (<usize>base << 3), <usize>(t.end1 - base) << 3);
  for (let i = split + 1; i <= w.rows; i++) setI32(out.ptr, i, getI32(out.ptr, i) - gap);
  return out;
}

/** What the two row parts of liquid alpha share; each part has its own scratch. */
class AlphaTask {
  w!: Csr;
  bonds!: Csr;
  consensus: usize = 0;
  lo: f64 = 0;
  hi: f64 = 0;
  slope: f64 = 0;
  out!: Csr;
  split: i32 = 0;
  end1: i32 = 0;
  sc0!: Scratch;
  sc1!: Scratch;
}

function alphaPart(ctx: usize, part: i32): void {
  const t = changetype<AlphaTask>(ctx);
  const w = t.w, bonds = t.bonds, consensus = t.consensus, lo = t.lo, hi = t.hi, slope = t.slope, out = t.out;
  const sc = part == 0 ? t.sc0 : t.sc1;
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : w.rows;
  let o = part == 0 ? 0 : w.start(t.split);
  for (let i = i0; i < i1; i++) {
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
      // Selects on the bit patterns: the comparison is random, and V8 branches on float selects.
      const d = pick(wv - c, bv - wv, wv >= bv);
      const combined = pick(0.0, pick(1.0, d, d > 1), d < 0);
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
  if (part == 1) t.end1 = o;
}

// The fast weighted-median path shared by the exact and the float engines: each column's non-zero scores as packed
// keys (score << 16 | validator index) plus one aggregated zero item, and a branch-free weighted selection.
// Stakes are i64 (I32F32 bits). T is the type of the weights: i64 (I32F32 bits, exact) or f64 (the float engine,
// whose scores and stakes are rounded to 32 fraction bits for this step; that is far below its tolerance).
import { allocRaw, allocZeroed, getF64, getI32, getI64, setI32, setI64 } from './mem';
import { Csr } from './sparse';

const F32: f64 = 4294967296.0;

// @ts-ignore: decorator
@inline function scoreKey<T>(w: Csr, e: i32): i64 {
  if (isFloat<T>()) {
    const x = getF64(w.val, e);
    return x == 0 ? 0 : max<i64>(1, <i64>(x * F32 + 0.5));
  }
  return getI64(w.val, e);
}

/** Columns of packed keys: column j holds keys ptr[j]..fill[j], with one spare slot for the zero item. */
export class PackedColumns {
  constructor(public ptr: usize, public fill: usize, public keys: usize) {}
}

/**
 * Packs the non-zero scores of the rows vidx[0..v) column by column, or returns null when a score does not fit the
 * key (negative, or 2^47 and above) or there are 2^16 validators or more.
 */
export function packColumns<T>(w: Csr, vidx: usize, v: i32, n: i32): PackedColumns | null {
  if (v >= 0x10000) return null;
  const ptr = allocZeroed(<usize>(n + 1) << 2);
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const x = scoreKey<T>(w, e);
      if (x != 0) {
        if (x < 0 || x >= (<i64>1 << 47)) return null;
        const j = getI32(w.col, e) + 1;
        setI32(ptr, j, getI32(ptr, j) + 1);
      }
    }
  }
  for (let j = 0; j < n; j++) setI32(ptr, j + 1, getI32(ptr, j + 1) + getI32(ptr, j) + 1);
  const fill = allocRaw(<usize>n << 2);
  memory.copy(fill, ptr, <usize>n << 2);
  const keys = allocRaw(<usize>getI32(ptr, n) << 3);
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const x = scoreKey<T>(w, e);
      if (x != 0) {
        const j = getI32(w.col, e);
        const at = getI32(fill, j);
        setI32(fill, j, at + 1);
        setI64(keys, at, (x << 16) | <i64>k);
      }
    }
  }
  return new PackedColumns(ptr, fill, keys);
}

/**
 * For each column: the smallest score whose cumulative stake exceeds `minority`, or the largest score (see
 * median.ts). `stake` holds the v validators' stakes (i64); writes the selected scores (I32F32 bits) to out.
 */
export function medianOfPacked(cols: PackedColumns, stake: usize, v: i32, stakeSum: i64, minority: i64, n: i32, out: usize): void {
  const stakeOf = stakeTable(stake, v);
  medianColumns(cols, stakeOf, allocRaw(<usize>(v + 1) << 3), v, stakeSum, minority, 0, n, out);
}

/** A copy of the v stakes with one more slot, where medianColumns puts each column's zero item. */
export function stakeTable(stake: usize, v: i32): usize {
  const stakeOf = allocRaw(<usize>(v + 1) << 3);
  memory.copy(stakeOf, stake, <usize>v << 3);
  return stakeOf;
}

/**
 * medianOfPacked on the columns j0..j1, with a stake table from stakeTable and a buffer of v + 1 keys, both the
 * caller's own (two threads may run disjoint column ranges at once).
 */
export function medianColumns(cols: PackedColumns, stakeOf: usize, buf: usize, v: i32, stakeSum: i64, minority: i64, j0: i32, j1: i32, out: usize): void {
  const keys = cols.keys;
  for (let j = j0; j < j1; j++) {
    const a = getI32(cols.ptr, j), b = getI32(cols.fill, j);
    let len = b - a;
    if (len < v) {
      let nz: i64 = 0;
      for (let e = a; e < b; e++) nz += getI64(stakeOf, <i32>(getI64(keys, e) & 0xffff));
      setI64(stakeOf, v, stakeSum - nz);
      setI64(keys, b, <i64>v);
      len++;
    }
    setI64(out, j, selectPacked(keys + (<usize>a << 3), len, stakeOf, minority, buf));
  }
}

/**
 * The weighted selection on packed keys, without data-dependent branches in the inner loop: each pass copies every
 * key to both ends of the other buffer and advances the end it belongs to. Returns the selected score.
 */
function selectPacked(keys: usize, len: i32, stakeOf: usize, minority: i64, other: usize): i64 {
  let src = keys, dst = other;
  let lo = 0, hi = len;
  let below: i64 = 0;
  while (true) {
    // Median of three scores as the pivot (any pivot gives the same answer; this one halves well).
    const x0 = getI64(src, lo) >> 16, x1 = getI64(src, lo + ((hi - lo) >> 1)) >> 16, x2 = getI64(src, hi - 1) >> 16;
    const p = max(min(x0, x1), min(max(x0, x1), x2));
    let f = lo, r = hi - 1;
    let sLess: i64 = 0, sEq: i64 = 0;
    for (let t = lo; t < hi; t++) {
      const key = getI64(src, t);
      const x = key >> 16;
      const st = getI64(stakeOf, <i32>(key & 0xffff));
      const less = x < p, greater = x > p;
      sLess += select<i64>(st, 0, less);
      sEq += select<i64>(0, st, less | greater);
      setI64(dst, f, key);
      setI64(dst, r, key);
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
    const t = src;
    src = dst;
    dst = t;
  }
  return 0;
}

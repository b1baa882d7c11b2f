// The fast weighted-median path shared by the exact and the float engines: each column's non-zero scores as packed
// keys (score << 16 | validator index) plus one aggregated zero item, and a branch-free weighted selection.
// Stakes are i64 (I32F32 bits). The exact engine packs its I32F32 weights here (packColumns); the float engine packs
// its scores rounded to 32 fraction bits (fillColumns in weights-f64.ts; far below its tolerance) and shares the
// selection (medianColumns).
import { allocRaw, allocZeroed, getI32, getI64, setI32, setI64 } from './mem';
import { runParts } from './parallel';
import { Csr } from './sparse';

/** Columns of packed keys: column j holds keys ptr[j]..fill[j], with one spare slot for the zero item. */
export class PackedColumns {
  constructor(public ptr: usize, public fill: usize, public keys: usize) {}
}

/**
 * Packs the non-zero scores (I32F32 bits) of the rows vidx[0..v) column by column, or returns null when a score does
 * not fit the key (negative, or 2^47 and above) or there are 2^16 validators or more. The rows run in two parts, the
 * second on the helper thread: each counts its columns, then writes its keys after part 0's in each column (the
 * selection's answer does not depend on the order of a column's keys, and the split does not depend on the helper).
 */
export function packColumns(w: Csr, vidx: usize, v: i32, n: i32): PackedColumns | null {
  if (v >= 0x10000) return null;
  const t = new PackTask();
  t.w = w;
  t.vidx = vidx;
  t.v = v;
  t.c0 = allocZeroed(<usize>(n + 1) << 2);
  t.c1 = allocZeroed(<usize>(n + 1) << 2);
  let total = 0;
  for (let k = 0; k < v; k++) total += w.end(getI32(vidx, k)) - w.start(getI32(vidx, k));
  let split = 0, seen = 0;
  while (split < v && seen * 2 < total) {
    const i = getI32(vidx, split++);
    seen += w.end(i) - w.start(i);
  }
  t.split = split;
  const parallel = total >= 1 << 16;
  runParts(countPart, changetype<usize>(t), parallel);
  if (t.bad) return null;
  // Column j: part 0's keys from ptr[j], part 1's after them, one spare slot at the end for the zero item.
  const ptr = allocZeroed(<usize>(n + 1) << 2);
  t.fill0 = allocRaw(<usize>n << 2);
  t.fill1 = allocRaw(<usize>n << 2);
  let at = 0;
  for (let j = 0; j < n; j++) {
    setI32(ptr, j, at);
    setI32(t.fill0, j, at);
    const c0 = getI32(t.c0, j);
    setI32(t.fill1, j, at + c0);
    at += c0 + getI32(t.c1, j) + 1;
  }
  setI32(ptr, n, at);
  t.keys = allocRaw(<usize>at << 3);
  runParts(keysPart, changetype<usize>(t), parallel);
  return new PackedColumns(ptr, t.fill1, t.keys);
}

/** What the two row parts of packColumns share: per part, its column counts and then its write positions. */
class PackTask {
  w!: Csr;
  vidx: usize = 0;
  v: i32 = 0;
  split: i32 = 0;
  c0: usize = 0;
  c1: usize = 0;
  bad: bool = false;
  fill0: usize = 0;
  fill1: usize = 0;
  keys: usize = 0;
}

function countPart(ctx: usize, part: i32): void {
  const t = changetype<PackTask>(ctx);
  const w = t.w, vidx = t.vidx, counts = part == 0 ? t.c0 : t.c1;
  let bad = false;
  for (let k = part == 0 ? 0 : t.split, k1 = part == 0 ? t.split : t.v; k < k1; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const x = getI64(w.val, e);
      if (x != 0) {
        bad = bad || x < 0 || x >= (<i64>1 << 47);
        const j = getI32(w.col, e);
        setI32(counts, j, getI32(counts, j) + 1);
      }
    }
  }
  // Either part may find a score that does not fit; the flag only ever turns true.
  if (bad) t.bad = true;
}

function keysPart(ctx: usize, part: i32): void {
  const t = changetype<PackTask>(ctx);
  const w = t.w, vidx = t.vidx, fill = part == 0 ? t.fill0 : t.fill1, keys = t.keys;
  for (let k = part == 0 ? 0 : t.split, k1 = part == 0 ? t.split : t.v; k < k1; k++) {
    const i = getI32(vidx, k);
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const x = getI64(w.val, e);
      if (x != 0) {
        const j = getI32(w.col, e);
        const at = getI32(fill, j);
        setI32(fill, j, at + 1);
        setI64(keys, at, (x << 16) | <i64>k);
      }
    }
  }
}

/**
 * For each column: the smallest score whose cumulative stake exceeds `minority`, or the largest score (see
 * median.ts). `stake` holds the v validators' stakes (i64); writes the selected scores (I32F32 bits) to out. The
 * columns run in two halves with about as many keys each, the second on the helper thread (each column's answer
 * depends on its own keys alone).
 */
export function medianOfPacked(cols: PackedColumns, stake: usize, v: i32, stakeSum: i64, minority: i64, n: i32, out: usize): void {
  const t = new PackedTask();
  t.cols = cols;
  t.v = v;
  t.stakeSum = stakeSum;
  t.minority = minority;
  t.n = n;
  t.out = out;
  const keys = getI32(cols.ptr, n);
  let split = 0;
  while (split < n && getI32(cols.ptr, split) * 2 < keys) split++;
  t.split = split;
  t.stakeOf0 = stakeTable(stake, v);
  t.stakeOf1 = stakeTable(stake, v);
  t.buf0 = allocRaw(<usize>(v + 1) << 3);
  t.buf1 = allocRaw(<usize>(v + 1) << 3);
  runParts(packedPart, changetype<usize>(t), keys >= 1 << 16);
}

/** What the two column halves of medianOfPacked share; each has its own stake table and buffer. */
class PackedTask {
  cols!: PackedColumns;
  v: i32 = 0;
  stakeSum: i64 = 0;
  minority: i64 = 0;
  n: i32 = 0;
  out: usize = 0;
  split: i32 = 0;
  stakeOf0: usize = 0;
  stakeOf1: usize = 0;
  buf0: usize = 0;
  buf1: usize = 0;
}

function packedPart(ctx: usize, part: i32): void {
  const t = changetype<PackedTask>(ctx);
  const j0 = part == 0 ? 0 : t.split, j1 = part == 0 ? t.split : t.n;
  medianColumns(t.cols, part == 0 ? t.stakeOf0 : t.stakeOf1, part == 0 ? t.buf0 : t.buf1, t.v, t.stakeSum, t.minority, j0, j1, t.out);
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

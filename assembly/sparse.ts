// CSR sparse matrices of I32F32 values and the vector/matrix primitives of the chain's epoch (math.rs).
// Rows keep the chain's entry order: a stored row is not sorted, and several primitives depend on that order.
import { addSat, mulSat, safeDiv, subSat } from './fixed';
import { allocRaw, allocZeroed, getI32, getI64, setI32, setI64 } from './mem';
import { runParts } from './parallel';
import { isAscendingI32, sortI32 } from './sort';

/** A CSR matrix: row i holds entries ptr[i]..ptr[i+1] of (col i32, val i64). */
export class Csr {
  constructor(public rows: i32, public ptr: usize, public col: usize, public val: usize) {}

  // @ts-ignore: decorator
  @inline start(i: i32): i32 {
    return getI32(this.ptr, i);
  }

  // @ts-ignore: decorator
  @inline end(i: i32): i32 {
    return getI32(this.ptr, i + 1);
  }

  // @ts-ignore: decorator
  @inline nnz(): i32 {
    return getI32(this.ptr, this.rows);
  }
}

/** A CSR matrix with room for `cap` entries; row pointers are filled in by the builder. */
export function csrAlloc(rows: i32, cap: i32): Csr {
  return new Csr(rows, allocZeroed(<usize>(rows + 1) << 2), allocRaw(<usize>cap << 2), allocRaw(<usize>cap << 3));
}

/**
 * Joins the two row parts of a CSR built in two parts: part 0 wrote rows before `split` from 0 to `end0`, part 1 the
 * rest from `base` to `end1` (row pointers as if there were no gap). Part 1's entries move down to follow part 0's.
 */
export function joinParts(out: Csr, split: i32, end0: i32, base: i32, end1: i32): void {
  const gap = base - end0;
  if (gap == 0) return;
  memory.copy(out.col + (<usize>end0 << 2), out.col + (<usize>base << 2), <usize>(end1 - base) << 2);
  memory.copy(out.val + (<usize>end0 << 3), out.val + (<usize>base << 3), <usize>(end1 - base) << 3);
  for (let i = split + 1; i <= out.rows; i++) setI32(out.ptr, i, getI32(out.ptr, i) - gap);
}

/** Per-call scratch space, n wide: a dense accumulator, a row stamp and two column lists. */
export class Scratch {
  acc: usize;
  acc2: usize;
  stamp: usize;
  stamp2: usize;
  list: usize;
  tmp: usize;
  constructor(public n: i32) {
    this.acc = allocZeroed(<usize>n << 3);
    this.acc2 = allocZeroed(<usize>n << 3);
    // Stamps start at -1 so that row 0 is never taken as already seen.
    this.stamp = allocRaw(<usize>n << 2);
    memory.fill(this.stamp, 0xff, <usize>n << 2);
    this.stamp2 = allocRaw(<usize>n << 2);
    memory.fill(this.stamp2, 0xff, <usize>n << 2);
    this.list = allocRaw(<usize>n << 2);
    this.tmp = allocRaw(<usize>n << 2);
  }
}

/** Plain (wrapping) sum of a vector, as `Iterator::sum` on fixed types in a release build. */
export function sumVec(p: usize, n: i32): i64 {
  let s: i64 = 0;
  for (let i = 0; i < n; i++) s += getI64(p, i);
  return s;
}

/** `inplace_normalize`: divide by the wrapping sum unless it is 0. */
export function normalizeVec(p: usize, n: i32): void {
  const s = sumVec(p, n);
  if (s == 0) return;
  for (let i = 0; i < n; i++) setI64(p, i, safeDiv(getI64(p, i), s));
}

/**
 * `interpolate_sparse` for 0 < ratio < 1: per row, x_j = w_j + ratio·(c_j − w_j) (saturating) over all columns, keeping
 * x > 0 in ascending column order. Only columns of w's row can be non-zero, since c's row is a subset of w's.
 */
export function interpolateSparse(w: Csr, c: Csr, ratio: i64, sc: Scratch): Csr {
  const out = csrAlloc(w.rows, w.nnz());
  const cv = sc.acc, stamp = sc.stamp, list = sc.list;
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    for (let k = c.start(i), e = c.end(i); k < e; k++) {
      const j = getI32(c.col, k);
      setI64(cv, j, getI64(c.val, k));
      setI32(stamp, j, i);
    }
    const s = w.start(i), len = w.end(i) - s;
    memory.copy(list, w.col + (<usize>s << 2), <usize>len << 2);
    const wv = sc.acc2;
    for (let k = 0; k < len; k++) setI64(wv, getI32(w.col, s + k), getI64(w.val, s + k));
    sortI32(list, len, sc.tmp);
    for (let k = 0; k < len; k++) {
      const j = getI32(list, k);
      const v1 = getI64(wv, j);
      const v2 = getI32(stamp, j) == i ? getI64(cv, j) : 0;
      const x = addSat(v1, mulSat(ratio, subSat(v2, v1)));
      if (x > 0) {
        setI32(out.col, o, j);
        setI64(out.val, o++, x);
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  // Stamps are row numbers; clear them so the next user starts from a clean slate.
  memory.fill(stamp, 0xff, <usize>sc.n << 2);
  return out;
}

/** Saturating column sums (n wide), for column normalisation on the fly. */
export class ColumnSums {
  sum: usize;
  constructor(n: i32) {
    this.sum = allocZeroed(<usize>n << 3);
  }

  /** Adds v to column j's sum (saturating, as `inplace_col_normalize_sparse`). */
  add(j: i32, v: i64): void {
    setI64(this.sum, j, addSat(getI64(this.sum, j), v));
  }

  /** v divided by its column's sum (safe_div), or v unchanged when the sum is 0. */
  // @ts-ignore: decorator
  @inline normalize(j: i32, v: i64): i64 {
    const d = getI64(this.sum, j);
    return d == 0 ? v : safeDiv(v, d);
  }
}

/** v divided by column j's sum in `sums` (safe_div), unchanged when the sum is 0 or there are no sums (0). */
// @ts-ignore: decorator
@inline function scaled(sums: usize, j: i32, v: i64): i64 {
  if (sums == 0) return v;
  const d = getI64(sums, j);
  return d == 0 ? v : safeDiv(v, d);
}

/**
 * `mat_ema_sparse`: per row, alpha·new + (1 − alpha)·old (saturating, new first), keeping entries > 0 in ascending
 * column order. When column sums are given, each input is column-normalised on the fly first (the original bonds
 * normalise both inputs just before their EMA); `outSums` accumulates the output's column sums. The rows run in two
 * parts, the second on the helper thread: each writes its own range of the output (from its first row's room) and its
 * own column sums, which are added afterwards (their terms are all positive, so the saturating sums regroup freely).
 */
export function matEmaSparse(
  nw: Csr, nwSums: ColumnSums | null, old: Csr, oldSums: ColumnSums | null, alpha: i64, sc: Scratch, outSums: ColumnSums | null = null,
): Csr {
  const t = new EmaTask();
  t.nw = nw;
  t.old = old;
  t.nSum = nwSums == null ? 0 : nwSums.sum;
  t.oSum = oldSums == null ? 0 : oldSums.sum;
  t.eSum0 = outSums == null ? 0 : outSums.sum;
  t.eSum1 = outSums == null ? 0 : allocZeroed(<usize>sc.n << 3);
  t.alpha = alpha;
  t.out = csrAlloc(nw.rows, nw.nnz() + old.nnz());
  const rows = nw.rows;
  const total = nw.nnz() + old.nnz();
  let split = 0;
  while (split < rows && (nw.start(split) + old.start(split)) * 2 < total) split++;
  t.split = split;
  t.sc0 = sc;
  const parallel = total >= 1 << 16;
  t.sc1 = parallel ? new Scratch(sc.n) : sc;
  runParts(emaPart, changetype<usize>(t), parallel);
  if (t.eSum0 != 0) for (let j = 0; j < sc.n; j++) setI64(t.eSum0, j, addSat(getI64(t.eSum0, j), getI64(t.eSum1, j)));
  joinParts(t.out, split, t.end0, nw.start(split) + old.start(split), t.end1);
  return t.out;
}

/** What the two row parts of matEmaSparse share. */
class EmaTask {
  nw!: Csr;
  old!: Csr;
  nSum: usize = 0;
  oSum: usize = 0;
  eSum0: usize = 0;
  eSum1: usize = 0;
  alpha: i64 = 0;
  out!: Csr;
  split: i32 = 0;
  end0: i32 = 0;
  end1: i32 = 0;
  sc0!: Scratch;
  sc1!: Scratch;
}

function emaPart(ctx: usize, part: i32): void {
  const t = changetype<EmaTask>(ctx);
  const nw = t.nw, old = t.old, alpha = t.alpha, out = t.out;
  const sc = part == 0 ? t.sc0 : t.sc1;
  const oneMinus = subSat(<i64>1 << 32, alpha);
  const acc = sc.acc, stamp = sc.stamp, list = sc.list;
  // Raw pointers in locals: the hot loop then reads no object fields (stores to memory could alias them).
  const nCol = nw.col, nVal = nw.val, oCol = old.col, oVal = old.val, outCol = out.col, outVal = out.val;
  const nSum = t.nSum, oSum = t.oSum;
  const eSum = part == 0 ? t.eSum0 : t.eSum1;
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : nw.rows;
  let o = part == 0 ? 0 : nw.start(t.split) + old.start(t.split);
  for (let i = i0; i < i1; i++) {
    const ns = nw.start(i), ne = nw.end(i), os = old.start(i), oe = old.end(i);
    if (isAscendingI32(nCol + (<usize>ns << 2), ne - ns) && isAscendingI32(oCol + (<usize>os << 2), oe - os)) {
      // Both rows sorted (the usual case): merge them, with no scratch and no sort.
      let a = ns, b = os;
      while (a < ne || b < oe) {
        const ja = a < ne ? getI32(nCol, a) : 0x7fffffff;
        const jb = b < oe ? getI32(oCol, b) : 0x7fffffff;
        let v: i64;
        let j: i32;
        if (ja < jb) {
          j = ja;
          v = mulSat(alpha, scaled(nSum, j, getI64(nVal, a++)));
        } else if (jb < ja) {
          j = jb;
          v = mulSat(oneMinus, scaled(oSum, j, getI64(oVal, b++)));
        } else {
          j = ja;
          v = addSat(mulSat(alpha, scaled(nSum, j, getI64(nVal, a++))), mulSat(oneMinus, scaled(oSum, j, getI64(oVal, b++))));
        }
        if (v > 0) {
          setI32(outCol, o, j);
          setI64(outVal, o++, v);
          if (eSum != 0) setI64(eSum, j, addSat(getI64(eSum, j), v));
        }
      }
      setI32(out.ptr, i + 1, o);
      continue;
    }
    // Unsorted rows: accumulate in a dense row, then emit the touched columns in ascending order.
    let len = 0;
    for (let pass = 0; pass < 2; pass++) {
      const m = pass == 0 ? nw : old;
      const sums = pass == 0 ? nSum : oSum;
      const f = pass == 0 ? alpha : oneMinus;
      for (let k = m.start(i), e = m.end(i); k < e; k++) {
        const j = getI32(m.col, k);
        const add = mulSat(f, scaled(sums, j, getI64(m.val, k)));
        if (getI32(stamp, j) != i) {
          setI32(stamp, j, i);
          setI64(acc, j, add);
          setI32(list, len++, j);
        } else {
          setI64(acc, j, addSat(getI64(acc, j), add));
        }
      }
    }
    sortI32(list, len, sc.tmp);
    for (let k = 0; k < len; k++) {
      const j = getI32(list, k);
      const v = getI64(acc, j);
      if (v > 0) {
        setI32(out.col, o, j);
        setI64(out.val, o++, v);
        if (eSum != 0) setI64(eSum, j, addSat(getI64(eSum, j), v));
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(stamp, 0xff, <usize>sc.n << 2);
  if (part == 0) t.end0 = o;
  else t.end1 = o;
}

// The float engine's weights, read straight from the stored input. A row-normalised f64 copy of a dense subnet is
// 12 MB at n = 4096; each later step instead re-reads the 4-byte stored entries, applies the masks on the fly and
// scales by the row's reciprocal sum. The masks are those of maskedWeights (masks.ts).
import * as L from './layout';
import { param, paramPtr } from './masks';
import { allocRaw, allocZeroed, getF64, getI32, getU16, getU64, getU8, minNonNeg, setF64, setI32, setI64, setU64, setU8 } from './mem';
import { PackedColumns } from './median-packed';
import { PARALLEL_ENTRIES, runParts, splitRows } from './parallel';

const F32: f64 = 4294967296.0;

/**
 * Whether a stored weight of row i to uid j is masked, with the row's values hoisted: `diag` is i (or -1 for the
 * owner's row, which keeps its self-weight), and `check`, `lim` are the row's registration check and limit.
 */
// @ts-ignore: decorator
@inline export function maskedW(j: i32, diag: i32, check: bool, reg: usize, lim: u64): bool {
  return j == diag || (check && getU64(reg, j) >= lim);
}

/** The stored weights with, per row, the mask limit, the reciprocal of the masked sum and whether columns ascend. */
export class WeightRows {
  ptr: usize;
  col: usize;
  val: usize;
  reg: usize;
  owner: i32;
  /** u64 per row: an entry to a uid registered at or after this block is masked. */
  limit: usize;
  /** u8 per row: some uid is registered at or after the row's limit, so entries need the registration check. */
  check: usize;
  /** u8 per row: the row is kept (the uid had a permit). */
  live: usize;
  /** f64 per row: 1 / (sum of the unmasked values), or 1 when that sum is 0 (the values then are all 0). */
  inv: usize;
  /** u8 per row: the unmasked columns are strictly ascending. */
  sorted: usize;
  /** u8 per row: the stored columns, masked ones included, are strictly ascending (rows with a permit only). */
  sortedRaw: usize;
  /** i32 per column, from index 1: the non-zero unmasked entries of the rows with stake (the median's rows). */
  counts: usize;
  /** The first row of the second part when passes over the rows run in two parts (parallel.ts). */
  split: i32 = 0;

  constructor(params: usize, public n: i32, permits: usize, stake: usize) {
    this.ptr = paramPtr(params, L.P_W_PTR);
    this.col = paramPtr(params, L.P_W_COL);
    this.val = paramPtr(params, L.P_W_VAL);
    this.reg = paramPtr(params, L.P_REGISTRATION);
    this.owner = <i32>param(params, L.P_OWNER);
    this.limit = allocRaw(<usize>n << 3);
    this.check = allocRaw(<usize>n);
    this.live = permits;
    this.inv = allocRaw(<usize>n << 3);
    this.sorted = allocRaw(<usize>n);
    this.sortedRaw = allocRaw(<usize>n);
    this.counts = allocZeroed(<usize>(n + 1) << 2);
    const lastUpdate = paramPtr(params, L.P_LAST_UPDATE), commit = paramPtr(params, L.P_COMMIT_BLOCK);
    const commitReveal = param(params, L.P_COMMIT_REVEAL) != 0;
    let maxReg: u64 = 0;
    for (let j = 0; j < n; j++) maxReg = max(maxReg, getU64(this.reg, j));
    for (let i = 0; i < n; i++) {
      // Masked when last_update <= reg, or (commit-reveal) when the earliest live commit < reg, i.e. reg >= commit + 1.
      let lim = getU64(lastUpdate, i);
      const cb = getU64(commit, i);
      if (commitReveal && cb != <u64>-1) lim = min(lim, cb + 1);
      setU64(this.limit, i, lim);
      setU8(this.check, i, maxReg >= lim);
    }
    this.split = splitRows(this.ptr, n);
    const t = new RowsTask();
    t.w = this;
    t.stake = stake;
    t.counts1 = allocZeroed(<usize>(n + 1) << 2);
    runParts(rowSumsPart, changetype<usize>(t), getI32(this.ptr, n) >= PARALLEL_ENTRIES);
    for (let j = 1; j <= n; j++) setI32(this.counts, j, getI32(this.counts, j) + getI32(t.counts1, j));
  }

  // @ts-ignore: decorator
  @inline start(i: i32): i32 {
    return getI32(this.ptr, i);
  }

  // @ts-ignore: decorator
  @inline end(i: i32): i32 {
    return getI32(this.ptr, i + 1);
  }
}

/** What the two row parts of the row sums and of clipping share; part 1 accumulates columns in its own arrays. */
class RowsTask {
  w!: WeightRows;
  stake: usize = 0;
  counts1: usize = 0;
  consensus: usize = 0;
  ratio: f64 = 0;
  trust: usize = 0;
  incentive: usize = 0;
  incentive1: usize = 0;
  deltaSums: usize = 0;
  deltaSums1: usize = 0;
  weighted: bool = true;
}

/** Row sums (their reciprocals), ascending flags, and the median rows' column counts, for one part's rows. */
function rowSumsPart(ctx: usize, part: i32): void {
  const t = changetype<RowsTask>(ctx);
  const w = t.w, stake = t.stake;
  const col = w.col, val = w.val, reg = w.reg;
  const counts = (part == 0 ? w.counts : t.counts1) + 4;
  for (let i = part == 0 ? 0 : w.split, i1 = part == 0 ? w.split : w.n; i < i1; i++) {
    if (!getU8(w.live, i)) continue;
    const check = getU8(w.check, i), lim = getU64(w.limit, i);
    const diag = i != w.owner ? i : -1;
    const counted = getF64(stake, i) > 0;
    let sum: u64 = 0;
    let prev = -1, prevRaw = -1;
    let asc = true, ascRaw = true;
    for (let k = w.start(i), e = w.end(i); k < e; k++) {
      const j = getU16(col, k);
      ascRaw = ascRaw && j > prevRaw;
      prevRaw = j;
      if (maskedW(j, diag, check, reg, lim)) continue;
      const v = getU16(val, k);
      sum += <u64>v;
      asc = asc && j > prev;
      prev = j;
      if (counted) setI32(counts, j, getI32(counts, j) + <i32>(v != 0));
    }
    setF64(w.inv, i, sum > 0 ? 1.0 / <f64>sum : 1.0);
    setU8(w.sorted, i, asc);
    setU8(w.sortedRaw, i, ascRaw);
  }
}

/**
 * The median's packed columns (median-packed.ts) for the rows with stake: their offsets from the counts of the row
 * sums' pass, with one spare slot per column for the aggregated zero item. fillColumns writes the keys.
 */
export function packedColumnsFor(w: WeightRows): PackedColumns {
  const n = w.n;
  const ptr = w.counts;
  for (let j = 0; j < n; j++) setI32(ptr, j + 1, getI32(ptr, j + 1) + getI32(ptr, j) + 1);
  const fill = allocRaw(<usize>n << 2);
  memory.copy(fill, ptr, <usize>n << 2);
  return new PackedColumns(ptr, fill, allocRaw(<usize>getI32(ptr, n) << 3));
}

/**
 * Writes the keys of columns j0..j1 for the rows vidx[0..v): the row-normalised scores rounded to 32 fraction bits
 * (at least 1 for a non-zero weight), packed with the row's index in vidx.
 */
export function fillColumns(w: WeightRows, vidx: usize, v: i32, cols: PackedColumns, j0: i32, j1: i32): void {
  const col = w.col, val = w.val, reg = w.reg, fill = cols.fill, keys = cols.keys;
  for (let k = 0; k < v; k++) {
    const i = getI32(vidx, k);
    const check = getU8(w.check, i), lim = getU64(w.limit, i);
    const diag = i != w.owner ? i : -1;
    const scale = getF64(w.inv, i) * F32;
    let e = w.start(i), end = w.end(i);
    if (getU8(w.sortedRaw, i)) {
      // A stored row in column order: only the entries of columns j0..j1, found by bisection.
      e = lowerBoundU16(col, e, end, j0);
      end = lowerBoundU16(col, e, end, j1);
    }
    for (; e < end; e++) {
      const raw = getU16(val, e);
      const j = getU16(col, e);
      if (j < j0 || j >= j1 || raw == 0 || maskedW(j, diag, check, reg, lim)) continue;
      const x = max<i64>(1, <i64>(<f64>raw * scale + 0.5));
      const at = getI32(fill, j);
      setI32(fill, j, at + 1);
      setI64(keys, at, (x << 16) | <i64>k);
    }
  }
}

/** The first index in lo..hi whose u16 at `p` is at least x, for ascending values. */
function lowerBoundU16(p: usize, lo: i32, hi: i32, x: i32): i32 {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (getU16(p, m) < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * Clipping without storing the clipped matrix: validator trust (row sums of min(w, consensus)), the incentive's
 * column sums of stake × clipped, and, when `deltaSums` is non-zero, the column sums of the weights for bonds, which
 * are w + ratio·(clipped − w) (ratio = bonds penalty; 1 gives the clipped weights), times stake when `weighted` (the
 * original bonds' delta) or not (Yuma3).
 */
export function clipStats(
  w: WeightRows, stake: usize, consensus: usize, ratio: f64, trust: usize, incentive: usize, deltaSums: usize, weighted: bool = true,
): void {
  const n = w.n;
  const t = new RowsTask();
  t.w = w;
  t.stake = stake;
  t.consensus = consensus;
  t.ratio = ratio;
  t.trust = trust;
  t.incentive = incentive;
  t.incentive1 = allocZeroed(<usize>n << 3);
  t.deltaSums = deltaSums;
  t.weighted = weighted;
  t.deltaSums1 = deltaSums != 0 ? allocZeroed(<usize>n << 3) : 0;
  // Both parts always run (here or on the helper) and their sums are added in one order, so the result does not
  // depend on whether there is a helper.
  runParts(clipPart, changetype<usize>(t), getI32(w.ptr, n) >= PARALLEL_ENTRIES);
  for (let j = 0; j < n; j++) setF64(incentive, j, getF64(incentive, j) + getF64(t.incentive1, j));
  if (deltaSums != 0) for (let j = 0; j < n; j++) setF64(deltaSums, j, getF64(deltaSums, j) + getF64(t.deltaSums1, j));
}

function clipPart(ctx: usize, part: i32): void {
  const t = changetype<RowsTask>(ctx);
  const w = t.w, stake = t.stake, consensus = t.consensus, ratio = t.ratio, trust = t.trust;
  const incentive = part == 0 ? t.incentive : t.incentive1, deltaSums = part == 0 ? t.deltaSums : t.deltaSums1;
  const col = w.col, val = w.val, reg = w.reg;
  for (let i = part == 0 ? 0 : w.split, i1 = part == 0 ? w.split : w.n; i < i1; i++) {
    if (!getU8(w.live, i)) continue;
    const check = getU8(w.check, i), lim = getU64(w.limit, i);
    const diag = i != w.owner ? i : -1;
    const inv = getF64(w.inv, i), s = getF64(stake, i);
    const sd = t.weighted ? s : 1.0;
    let tr = 0.0;
    for (let e = w.start(i), end = w.end(i); e < end; e++) {
      const j = getU16(col, e);
      if (maskedW(j, diag, check, reg, lim)) continue;
      const x = <f64>getU16(val, e) * inv;
      const c = minNonNeg(x, getF64(consensus, j));
      tr += c;
      setF64(incentive, j, getF64(incentive, j) + s * c);
      if (deltaSums != 0) setF64(deltaSums, j, getF64(deltaSums, j) + sd * (x + ratio * (c - x)));
    }
    setF64(trust, i, tr);
  }
}

/** A proportion as the u16 the f64 engine writes: floor(x · 65535), clamped to 0..65535. */
// @ts-ignore: decorator
@inline export function toU16(x: f64): i32 {
  const v = Math.floor(x * 65535.0);
  return v <= 0 ? 0 : v >= 65535 ? 65535 : <i32>v;
}

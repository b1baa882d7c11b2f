// Yuma3's liquid-alpha bonds in f64, read straight from the stored weights and bonds (no weights, clipped or bonds
// matrix): one pass forms each row's EMA with its per-entry alpha (liquid-alpha.ts gives the rules reproduced from
// the chain's merge walk) and the EMA's column sums; a second reads the dividends from the column-normalised EMA and
// floors the kept rows to u16. Both run in two row parts, the second on the helper thread (parallel.ts).
//
// The weights for bonds are, per bonds penalty: 0, the masked weights in storage order (zero values included);
// 1, the clipped weights in storage order (an entry above a zero consensus dropped); between, the interpolation's
// entries above 0 in ascending column order. Only their order and which entries exist matter to the walk.
import * as L from './layout';
import { lastTempo, param, paramPtr } from './masks';
import { allocRaw, allocZeroed, getF64, getI32, getU16, getU64, getU8, minNonNeg, setF64, setI32 } from './mem';
import { PARALLEL_ENTRIES, runParts } from './parallel';
import { sortI32 } from './sort';
import { Scratch } from './sparse';
import { maskedW, toU16, WeightRows } from './weights-f64';

/** `cond ? a : b` through an integer select (a conditional move, not a branch). */
// @ts-ignore: decorator
@inline function pick(a: f64, b: f64, cond: bool): f64 {
  return reinterpret<f64>(select<i64>(reinterpret<i64>(a), reinterpret<i64>(b), cond));
}

/** What the two row parts share; each part has its own scratch, value buffer and column sums. */
class AlphaTask {
  w!: WeightRows;
  bPtr: usize = 0;
  bCol: usize = 0;
  bVal: usize = 0;
  last: u64 = 0;
  consensus: usize = 0;
  stake: usize = 0;
  newPermits: usize = 0;
  dividends: usize = 0;
  /** 0: the masked weights; 1: the clipped weights; else the interpolation with this ratio. */
  ratio: f64 = 0;
  bp: i64 = 0;
  lo: f64 = 0;
  hi: f64 = 0;
  slope: f64 = 0;
  split: i32 = 0;
  /** Where part 1 starts writing: its rows' first stored weight (a row's EMA has at most that many entries). */
  base1: i32 = 0;
  end0: i32 = 0;
  end1: i32 = 0;
  out: usize = 0;
  vals: usize = 0;
  outPtr: usize = 0;
  sums0: usize = 0;
  sums1: usize = 0;
  /** Per column: incentive / (the EMA's column sum), for the dividends. */
  divF: usize = 0;
  rowVals0: usize = 0;
  rowVals1: usize = 0;
  sc0!: Scratch;
  sc1!: Scratch;
}

/**
 * Liquid-alpha bonds: dividends (unnormalised) into `dividends`, and the stored bonds of the rows with a new permit
 * in the result's packed form; returns [bondsPtr, bonds] as two consecutive usize slots.
 */
export function liquidAlphaBondsF64(
  params: usize, w: WeightRows, stake: usize, consensus: usize, incentive: usize, newPermits: usize, dividends: usize,
  sc: Scratch,
): usize {
  const n = w.n;
  const t = new AlphaTask();
  t.w = w;
  t.bPtr = paramPtr(params, L.P_B_PTR);
  t.bCol = paramPtr(params, L.P_B_COL);
  t.bVal = paramPtr(params, L.P_B_VAL);
  t.last = lastTempo(params);
  t.consensus = consensus;
  t.stake = stake;
  t.newPermits = newPermits;
  t.dividends = dividends;
  t.bp = param(params, L.P_BONDS_PENALTY);
  t.ratio = <f64>t.bp / 65535.0;
  t.lo = <f64>param(params, L.P_ALPHA_LOW) / 65535.0;
  t.hi = <f64>param(params, L.P_ALPHA_HIGH) / 65535.0;
  t.slope = <f64>param(params, L.P_ALPHA_STEEPNESS) / -100.0;
  // Rows split where weights and bonds together reach half.
  let total: i64 = 0;
  for (let i = 0; i < n; i++) total += <i64>(w.end(i) - w.start(i) + getI32(t.bPtr, i + 1) - getI32(t.bPtr, i));
  let split = 0, seen: i64 = 0;
  for (let i = 0; i < n; i++) {
    if (seen * 2 < total) split = i + 1;
    seen += <i64>(w.end(i) - w.start(i) + getI32(t.bPtr, i + 1) - getI32(t.bPtr, i));
  }
  t.split = split;
  t.base1 = w.start(split);
  const nnz = getI32(w.ptr, n);
  t.out = allocRaw(<usize>(nnz + 1) << 2);
  t.vals = allocRaw(<usize>(nnz + 1) << 3);
  t.outPtr = allocZeroed(<usize>(n + 1) << 2);
  t.sums0 = allocZeroed(<usize>n << 3);
  t.sums1 = allocZeroed(<usize>n << 3);
  t.rowVals0 = allocRaw(<usize>n << 3);
  t.rowVals1 = allocRaw(<usize>n << 3);
  t.sc0 = sc;
  t.sc1 = new Scratch(n);
  const parallel = total >= <i64>PARALLEL_ENTRIES;
  runParts(emaPart, changetype<usize>(t), parallel);
  t.divF = allocRaw(<usize>n << 3);
  for (let j = 0; j < n; j++) {
    const sum = getF64(t.sums0, j) + getF64(t.sums1, j);
    setF64(t.divF, j, getF64(incentive, j) * (sum != 0 ? 1.0 / sum : 1.0));
  }
  runParts(dividendsPart, changetype<usize>(t), parallel);
  // Part 1's kept entries move down to follow part 0's.
  const out = t.out, outPtr = t.outPtr, gap = t.base1 - t.end0;
  memory.copy(out + (<usize>t.end0 << 2), out + (<usize>t.base1 << 2), <usize>(t.end1 - t.base1) << 2);
  for (let i = split + 1; i <= n; i++) setI32(outPtr, i, getI32(outPtr, i) - gap);
  const pair = allocRaw(16);
  store<usize>(pair, outPtr);
  store<usize>(pair + sizeof<usize>(), out);
  return pair;
}

/** The liquid-alpha EMA of one part's rows: packed columns (uid << 16) and values, row ends, column sums. */
function emaPart(ctx: usize, part: i32): void {
  const t = changetype<AlphaTask>(ctx);
  const w = t.w, n = w.n;
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : n;
  const sc = part == 0 ? t.sc0 : t.sc1, sums = part == 0 ? t.sums0 : t.sums1, rowVals = part == 0 ? t.rowVals0 : t.rowVals1;
  const bPtr = t.bPtr, bCol = t.bCol, bVal = t.bVal, last = t.last, consensus = t.consensus;
  const reg = w.reg, wCol = w.col, wVal = w.val, owner = w.owner;
  const out = t.out, vals = t.vals, outPtr = t.outPtr;
  const lo = t.lo, hi = t.hi, slope = t.slope, ratio = t.ratio, bp = t.bp;
  const acc = sc.acc, stamp = sc.stamp, acc2 = sc.acc2, stamp2 = sc.stamp2, list = sc.list;
  let o = part == 0 ? 0 : t.base1;
  for (let i = i0; i < i1; i++) {
    let p = w.start(i);
    const we = w.end(i);
    if (!getU8(w.live, i) || p == we) {
      setI32(outPtr, i + 1, o);
      continue;
    }
    // The row's unmasked bonds: every value (for the decay) and those the chain's walk reads (ascending prefix maxima).
    let maxCol = -1;
    for (let q = getI32(bPtr, i), be = getI32(bPtr, i + 1); q < be; q++) {
      const j = getU16(bCol, q);
      if (last <= getU64(reg, j)) continue;
      const v = <f64>getU16(bVal, q) * (1.0 / 65535.0);
      setF64(acc, j, v);
      setI32(stamp, j, i);
      if (j > maxCol) {
        maxCol = j;
        setF64(acc2, j, v);
        setI32(stamp2, j, i);
      }
    }
    const check = getU8(w.check, i), lim = getU64(w.limit, i);
    const diag = i != owner ? i : -1;
    const inv = getF64(w.inv, i);
    // The row's weights for bonds, as (column, value) in the order the chain's walk sees them.
    let len = 0;
    const interpolated = bp != 0 && bp != 65535;
    const sorted = !interpolated || getU8(w.sorted, i);
    for (; p < we; p++) {
      const j = getU16(wCol, p);
      if (maskedW(j, diag, check, reg, lim)) continue;
      const x = <f64>getU16(wVal, p) * inv;
      let nv = x;
      if (bp != 0) {
        const c = getF64(consensus, j);
        if (bp == 65535) {
          if (!(c > 0) && c < x) continue;
          nv = minNonNeg(c, x);
        } else {
          nv = x + ratio * (minNonNeg(c, x) - x);
          if (!(nv > 0)) continue;
        }
      }
      setI32(list, len, j);
      setF64(rowVals, sorted ? len : j, nv);
      len++;
    }
    // An interpolated row out of column order: the values sit by column, and the columns are sorted.
    if (!sorted) sortI32(list, len, sc.tmp);
    maxCol = -1;
    for (let k = 0; k < len; k++) {
      const j = getI32(list, k);
      const nv = getF64(rowVals, sorted ? k : j);
      const wv = j > maxCol ? nv : 0.0;
      if (j > maxCol) maxCol = j;
      const bv = getI32(stamp2, j) == i ? getF64(acc2, j) : 0.0;
      const c = getF64(consensus, j);
      // Selects on the bit patterns: the comparison is random, and V8 branches on float selects.
      const d = pick(wv - c, bv - wv, wv >= bv);
      const combined = pick(0.0, pick(1.0, d, d > 1), d < 0);
      const x = min(20.0, max(-20.0, slope * (combined - 0.5)));
      const a = min(hi, max(lo, lo + (hi - lo) / (1.0 + Math.exp(x))));
      const decayed = getI32(stamp, j) == i ? (1.0 - a) * getF64(acc, j) : 0.0;
      const val = min(1.0, decayed + max(0.0, a * nv));
      if (val > 0) {
        setI32(out, o, j << 16);
        setF64(vals, o++, val);
        setF64(sums, j, getF64(sums, j) + val);
      }
    }
    setI32(outPtr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>n << 2);
  memory.fill(sc.stamp2, 0xff, <usize>n << 2);
  if (part == 0) t.end0 = o;
  else t.end1 = o;
}

/** One part's dividends from the column-normalised EMA, and its kept rows floored to u16, compacted in place. */
function dividendsPart(ctx: usize, part: i32): void {
  const t = changetype<AlphaTask>(ctx);
  const n = t.w.n;
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : n;
  const out = t.out, vals = t.vals, outPtr = t.outPtr, divF = t.divF, stake = t.stake, newPermits = t.newPermits;
  const dividends = t.dividends;
  let from = part == 0 ? 0 : t.base1;
  let o = from;
  for (let i = i0; i < i1; i++) {
    const end = getI32(outPtr, i + 1);
    const keep = getU8(newPermits, i);
    let div = 0.0;
    for (let k = from; k < end; k++) {
      const packed = getI32(out, k), v = getF64(vals, k);
      div += v * getF64(divF, packed >>> 16);
      // o <= k: the kept entries move down within the part's own range.
      setI32(out, o, packed | toU16(v));
      o += <i32>keep;
    }
    setF64(dividends, i, div * getF64(stake, i));
    setI32(outPtr, i + 1, o);
    from = end;
  }
  if (part == 0) t.end0 = o;
  else t.end1 = o;
}

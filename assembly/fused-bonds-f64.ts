// The float engine's bonds without liquid alpha, fused into one pass over the stored weights and bonds (plus a short
// one that floors the kept entries to u16), for both bond kinds:
//   original: delta = column-normalised (stake × weights for bonds), bonds = column-normalised stored bonds,
//             ema = column-normalised (alpha·delta + (1 − alpha)·bonds), dividends = ema · incentive,
//             stored bonds = ema max-upscaled per column;
//   Yuma3:    ema = alpha·(weights for bonds) + (1 − alpha)·(stored bonds as u16 proportions), dividends_i =
//             active stake_i · Σ_j ema_ij·incentive_j / (column sum j of ema), stored bonds = ema itself.
// The EMA's column sums are known before the EMA exists, so neither needs a pass of its own. Original: each column of
// alpha·delta + (1 − alpha)·bonds sums to alpha·[delta column non-zero] + (1 − alpha)·[bonds column non-zero].
// Yuma3: every term is non-negative, so column j sums to alpha·Σ_i (weight for bonds)_ij + (1 − alpha)·Σ_i bond_ij,
// and clipping sums the first on its way (clipStats).
import * as L from './layout';
import { lastTempo, param, paramPtr } from './masks';
import { allocRaw, allocZeroed, getF64, getI32, getU16, getU64, getU8, maxNonNeg, minNonNeg, setF64, setI32, setU8 } from './mem';
import { sortI32 } from './sort';
import { PARALLEL_ENTRIES, runParts, splitRows } from './parallel';
import { Scratch } from './sparse';
import { maskedW, toU16, WeightRows } from './weights-f64';


function reciprocal(x: f64): f64 {
  return x != 0 ? 1.0 / x : 1.0;
}

/**
 * Dividends (unnormalised) into `dividends`, and the stored bonds of the rows with a new permit into the result's
 * packed form; returns [bondsPtr, bonds] as two consecutive usize slots. `deltaSums` holds the column sums of the
 * weights for bonds, stake-weighted for the original bonds and unweighted for Yuma3 (`yuma3`).
 */
export function fusedBondsF64(
  params: usize, w: WeightRows, stake: usize, consensus: usize, ratio: f64, deltaSums: usize, incentive: usize,
  newPermits: usize, dividends: usize, sc: Scratch, yuma3: bool,
): usize {
  const n = w.n;
  const bPtr = paramPtr(params, L.P_B_PTR), bCol = paramPtr(params, L.P_B_COL), bVal = paramPtr(params, L.P_B_VAL);
  const reg = w.reg;
  const last = lastTempo(params);
  const alpha = 1.0 - <f64>param(params, L.P_BONDS_MOVING_AVERAGE) / 1e6;
  const beta = 1.0 - alpha;

  // Column sums of the unmasked stored bonds (in two row parts, added in one order), and which rows ascend.
  const t = new BondsTask();
  t.w = w; t.bPtr = bPtr; t.bCol = bCol; t.bVal = bVal; t.last = last;
  t.split = splitRows(bPtr, n);
  t.bSorted = allocRaw(<usize>n);
  t.colMax0 = allocZeroed(<usize>n << 3);
  t.colMax1 = allocZeroed(<usize>n << 3);
  runParts(bondSumsPart, changetype<usize>(t), getI32(bPtr, n) >= <i32>PARALLEL_ENTRIES);
  const bondSums = t.colMax0, bSorted = t.bSorted;
  for (let j = 0; j < n; j++) setF64(bondSums, j, getF64(bondSums, j) + getF64(t.colMax1, j));
  // Per column: an entry of the (original: normalised) EMA is [stake·](weight for bonds)·dF[j] + (stored u16)·bF[j],
  // and a row's dividend is Σ_j entry·divF[j] [· active stake].
  const dF = allocRaw(<usize>n << 3), bF = allocRaw(<usize>n << 3);
  let divF = incentive;
  if (yuma3) {
    divF = allocRaw(<usize>n << 3);
    for (let j = 0; j < n; j++) {
      setF64(dF, j, alpha);
      setF64(bF, j, beta * (1.0 / 65535.0));
      const sum = alpha * getF64(deltaSums, j) + beta * (getF64(bondSums, j) * (1.0 / 65535.0));
      setF64(divF, j, getF64(incentive, j) * reciprocal(sum));
    }
  } else {
    for (let j = 0; j < n; j++) {
      const d = getF64(deltaSums, j), b = getF64(bondSums, j);
      const invEma = reciprocal((d != 0 ? alpha : 0) + (b != 0 ? beta : 0));
      setF64(dF, j, alpha * reciprocal(d) * invEma);
      setF64(bF, j, beta * reciprocal(b) * invEma);
    }
  }

  // Row ranges of the two parts, balanced by entries; part 1 writes its kept entries from base1 on, after part 0's
  // room (plus the dense path's spare slot), and they are moved down once both parts are done.
  t.stake = stake; t.consensus = consensus; t.ratio = ratio; t.incentive = divF; t.newPermits = newPermits;
  t.yuma3 = yuma3;
  t.dividends = dividends; t.dF = dF; t.bF = bF;
  let total: i64 = 0;
  for (let i = 0; i < n; i++) total += <i64>(w.end(i) - w.start(i) + getI32(bPtr, i + 1) - getI32(bPtr, i));
  let split = 0, seen: i64 = 0, cap0 = 0, cap = 0;
  for (let i = 0; i < n; i++) {
    if (seen * 2 < total) split = i + 1;
    const len = w.end(i) - w.start(i) + getI32(bPtr, i + 1) - getI32(bPtr, i);
    seen += <i64>len;
    if (getU8(newPermits, i)) {
      cap += len;
      if (i < split) cap0 = cap;
    }
  }
  t.split = split;
  t.base1 = cap0 + 1;
  // Entries kept for the rows with a new permit: packed (uid << 16; the u16 is or-ed in once the column maxima are
  // known) and their values. One spare slot per part: the dense path stores every column's entry and advances only
  // past the kept ones.
  t.out = allocRaw(<usize>(cap + 2) << 2);
  t.vals = yuma3 ? 0 : allocRaw(<usize>(cap + 2) << 3);
  t.outPtr = allocZeroed(<usize>(n + 1) << 2);
  t.colMax0 = allocZeroed(<usize>n << 3);
  t.colMax1 = allocZeroed(<usize>n << 3);
  t.rowBuf0 = allocRaw(<usize>n << 3);
  t.rowBuf1 = allocRaw(<usize>n << 3);
  t.sc0 = sc;
  t.sc1 = new Scratch(n);
  runParts(bondsPart, changetype<usize>(t), total >= PARALLEL_ENTRIES);
  // Original bonds: the column maxima of both parts merge and each part upscales its own entries (Yuma3's are
  // final already); then part 1's packed entries move down to follow part 0's.
  const out = t.out, outPtr = t.outPtr;
  const o0 = getI32(outPtr, split), o1 = t.end1, gap = t.base1 - o0;
  t.end0 = o0;
  if (!yuma3) {
    const colMax = t.colMax0;
    for (let j = 0; j < n; j++) setF64(colMax, j, maxNonNeg(getF64(colMax, j), getF64(t.colMax1, j)));
    t.scale = allocRaw(<usize>n << 3);
    for (let j = 0; j < n; j++) {
      const m = getF64(colMax, j);
      setF64(t.scale, j, m > 0 ? 65535.0 / m : 0);
    }
    runParts(upscalePart, changetype<usize>(t), o1 - gap >= PARALLEL_ENTRIES);
  }
  memory.copy(out + (<usize>o0 << 2), out + (<usize>t.base1 << 2), <usize>(o1 - t.base1) << 2);
  for (let i = split + 1; i <= n; i++) setI32(outPtr, i, getI32(outPtr, i) - gap);
  const pair = allocRaw(16);
  store<usize>(pair, outPtr);
  store<usize>(pair + sizeof<usize>(), out);
  return pair;
}

/** What the two parts of the bonds pass share; each part touches only its rows and its own scratch. */
class BondsTask {
  w!: WeightRows;
  stake: usize = 0;
  consensus: usize = 0;
  ratio: f64 = 0;
  /** Yuma3: rows weigh without stake, and a row's dividend is multiplied by its active stake. */
  yuma3: bool = false;
  /** Per column, what an EMA entry adds to its row's dividend. */
  incentive: usize = 0;
  newPermits: usize = 0;
  dividends: usize = 0;
  dF: usize = 0;
  bF: usize = 0;
  bPtr: usize = 0;
  bCol: usize = 0;
  bVal: usize = 0;
  bSorted: usize = 0;
  last: u64 = 0;
  split: i32 = 0;
  base1: i32 = 0;
  end0: i32 = 0;
  end1: i32 = 0;
  /** Per column, 65535 / the column's maximum. */
  scale: usize = 0;
  out: usize = 0;
  vals: usize = 0;
  outPtr: usize = 0;
  colMax0: usize = 0;
  colMax1: usize = 0;
  rowBuf0: usize = 0;
  rowBuf1: usize = 0;
  sc0!: Scratch;
  sc1!: Scratch;
}

/** The EMA, dividends and kept entries of the rows of one part (rows before `split`, or from it). */
function bondsPart(ctx: usize, part: i32): void {
  const t = changetype<BondsTask>(ctx);
  const w = t.w, n = w.n;
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : n;
  const stake = t.stake, consensus = t.consensus, ratio = t.ratio, incentive = t.incentive, yuma3 = t.yuma3;
  const newPermits = t.newPermits, dividends = t.dividends, dF = t.dF, bF = t.bF;
  const bPtr = t.bPtr, bCol = t.bCol, bVal = t.bVal, bSorted = t.bSorted, last = t.last;
  const out = t.out, vals = t.vals, outPtr = t.outPtr;
  const colMax = part == 0 ? t.colMax0 : t.colMax1, rowBuf = part == 0 ? t.rowBuf0 : t.rowBuf1;
  const sc = part == 0 ? t.sc0 : t.sc1;
  const reg = w.reg, wCol = w.col, wVal = w.val, owner = w.owner;
  let o = part == 0 ? 0 : t.base1;
    for (let i = i0; i < i1; i++) {
      const stakeI = getF64(stake, i);
      // Original bonds: a row without active stake adds nothing to the delta, only its bonds decay. Yuma3 takes
      // every kept row's weights, without stake.
      const s = yuma3 ? 1.0 : stakeI;
      const hasW = getU8(w.live, i) && s > 0;
      const check = getU8(w.check, i), lim = getU64(w.limit, i);
      const diag = i != owner ? i : -1;
      const inv = getF64(w.inv, i);
      const keep = getU8(newPermits, i);
      let div = 0.0;
      let p = hasW ? w.start(i) : 0, we = hasW ? w.end(i) : 0;
      let q = getI32(bPtr, i);
      const be = getI32(bPtr, i + 1);
      if ((we - p) + (be - q) >= (n >> 2) && n >= 64) {
        // A dense row: the row in a dense buffer (no merge, no sort), then one walk over every column.
        memory.fill(rowBuf, 0, <usize>n << 3);
        for (; p < we; p++) {
          const j = getU16(wCol, p);
          if (maskedW(j, diag, check, reg, lim)) continue;
          const x = <f64>getU16(wVal, p) * inv;
          const c = minNonNeg(x, getF64(consensus, j));
          setF64(rowBuf, j, s * (x + ratio * (c - x)) * getF64(dF, j));
        }
        for (; q < be; q++) {
          const j = getU16(bCol, q);
          if (last <= getU64(reg, j)) continue;
          setF64(rowBuf, j, getF64(rowBuf, j) + <f64>getU16(bVal, q) * getF64(bF, j));
        }
        if (yuma3) {
          // Yuma3 stores the EMA itself: floored to u16 here, with no column maximum to wait for.
          for (let j = 0; j < n; j++) {
            const v = getF64(rowBuf, j);
            div += getF64(incentive, j) * v;
            setI32(out, o, (j << 16) | toU16(v));
            o += <i32>(keep && v > 0);
          }
        } else {
          for (let j = 0; j < n; j++) {
            const v = getF64(rowBuf, j);
            div += getF64(incentive, j) * v;
            setF64(colMax, j, maxNonNeg(getF64(colMax, j), v));
            setI32(out, o, j << 16);
            setF64(vals, o, v);
            o += <i32>(keep && v > 0);
          }
        }
      } else if ((!hasW || getU8(w.sorted, i)) && getU8(bSorted, i)) {
        while (p < we && maskedW(getU16(wCol, p), diag, check, reg, lim)) p++;
        while (q < be && last <= getU64(reg, getU16(bCol, q))) q++;
        while (p < we || q < be) {
          const ja = p < we ? getU16(wCol, p) : 0x10000, jb = q < be ? getU16(bCol, q) : 0x10000;
          const j = min(ja, jb);
          let v = 0.0;
          if (ja == j) {
            const x = <f64>getU16(wVal, p) * inv;
            const c = minNonNeg(x, getF64(consensus, j));
            v = s * (x + ratio * (c - x)) * getF64(dF, j);
            p++;
            while (p < we && maskedW(getU16(wCol, p), diag, check, reg, lim)) p++;
          }
          if (jb == j) {
            v += <f64>getU16(bVal, q) * getF64(bF, j);
            q++;
            while (q < be && last <= getU64(reg, getU16(bCol, q))) q++;
          }
          if (v > 0) {
            div += getF64(incentive, j) * v;
            if (yuma3) {
              if (keep) setI32(out, o++, (j << 16) | toU16(v));
            } else {
              setF64(colMax, j, maxNonNeg(getF64(colMax, j), v));
              if (keep) {
                setI32(out, o, j << 16);
                setF64(vals, o++, v);
              }
            }
          }
        }
      } else {
        // Unsorted rows: accumulate by column, then emit in ascending column order.
        let len = 0;
        for (; p < we; p++) {
          const j = getU16(wCol, p);
          if (maskedW(j, diag, check, reg, lim)) continue;
          const x = <f64>getU16(wVal, p) * inv;
          const c = minNonNeg(x, getF64(consensus, j));
          setF64(sc.acc, j, s * (x + ratio * (c - x)) * getF64(dF, j));
          setI32(sc.stamp, j, i);
          setI32(sc.list, len++, j);
        }
        for (; q < be; q++) {
          const j = getU16(bCol, q);
          if (last <= getU64(reg, j)) continue;
          const add = <f64>getU16(bVal, q) * getF64(bF, j);
          if (getI32(sc.stamp, j) == i) {
            setF64(sc.acc, j, getF64(sc.acc, j) + add);
          } else {
            setI32(sc.stamp, j, i);
            setF64(sc.acc, j, add);
            setI32(sc.list, len++, j);
          }
        }
        sortI32(sc.list, len, sc.tmp);
        for (let k = 0; k < len; k++) {
          const j = getI32(sc.list, k);
          const v = getF64(sc.acc, j);
          if (v > 0) {
            div += getF64(incentive, j) * v;
            if (yuma3) {
              if (keep) setI32(out, o++, (j << 16) | toU16(v));
            } else {
              setF64(colMax, j, maxNonNeg(getF64(colMax, j), v));
              if (keep) {
                setI32(out, o, j << 16);
                setF64(vals, o++, v);
              }
            }
          }
        }
      }
      setF64(dividends, i, yuma3 ? div * stakeI : div);
      setI32(outPtr, i + 1, o);
    }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  if (part == 1) t.end1 = o;
}

/** Column sums of one part's unmasked stored bonds (into colMax0 or colMax1, used here as plain sums). */
function bondSumsPart(ctx: usize, part: i32): void {
  const t = changetype<BondsTask>(ctx);
  const bPtr = t.bPtr, bCol = t.bCol, bVal = t.bVal, reg = t.w.reg, last = t.last, bSorted = t.bSorted;
  const sums = part == 0 ? t.colMax0 : t.colMax1;
  for (let i = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : t.w.n; i < i1; i++) {
    let prev = -1;
    let asc = true;
    for (let k = getI32(bPtr, i), e = getI32(bPtr, i + 1); k < e; k++) {
      const j = getU16(bCol, k);
      if (last <= getU64(reg, j)) continue;
      setF64(sums, j, getF64(sums, j) + <f64>getU16(bVal, k));
      asc = asc && j > prev;
      prev = j;
    }
    setU8(bSorted, i, asc);
  }
}

/** Max-upscales the kept entries of one part per column and floors them to u16. */
function upscalePart(ctx: usize, part: i32): void {
  const t = changetype<BondsTask>(ctx);
  const out = t.out, vals = t.vals, colMax = t.colMax0, scale = t.scale;
  for (let k = part == 0 ? 0 : t.base1, e = part == 0 ? t.end0 : t.end1; k < e; k++) {
    const packed = getI32(out, k);
    const j = packed >>> 16;
    const v = getF64(vals, k);
    // One multiplication instead of a division; the column's maximum itself maps to 65535 whatever the rounding.
    const u = v >= getF64(colMax, j) ? 65535.0 : Math.floor(v * getF64(scale, j));
    setI32(out, k, packed | (u <= 0 ? 0 : u >= 65535 ? 65535 : <i32>u));
  }
}

// Yuma3 bonds with liquid alpha: a per-(validator, miner) EMA rate from the chain's `alpha_sigmoid`, and
// `mat_ema_alpha_sparse`.
//
// The chain evaluates alpha for every (row, column) of an n×n matrix, with a merge walk per row that assumes sorted
// columns; that walk is what makes its liquid-alpha path quadratic. Only the entries of each weights row are ever
// used, so this computes alpha for those alone, reproducing what the walk would have found: in a row that is not
// sorted, an entry counts only if its column is larger than every column before it in the row (the walk skips the
// others and reads 0 for them).
//
// Alpha depends on (consensus, weight, bond) only through the clamped difference `combined` in [0, 1], so results are
// memoised by that value: many cells share it (0 whenever the weight sits between the bond and the consensus). The
// differences not seen before go through the exp series in batches, four side by side (exp.ts).
import { expSafeBatch } from './exp';
import { addSat, divSat, HALF, mulSat, ONE, subSat } from './fixed';
import { allocRaw, getI32, getI64, setI32, setI64 } from './mem';
import { runParts } from './parallel';
import { Csr, csrAlloc, Scratch } from './sparse';

const CACHE_BITS: i32 = 14;
const CACHE_SIZE: i32 = 1 << CACHE_BITS;

/** The constants of one epoch's alpha sigmoid. */
export class AlphaParams {
  /** steepness / -100 (saturating division), the sigmoid's slope. */
  slope: i64;
  cacheKeys: usize;
  cacheVals: usize;
  constructor(public low: i64, public high: i64, steepness: i64) {
    this.slope = divSat(steepness << 32, (<i64>-100) << 32);
    this.cacheKeys = allocRaw(<usize>CACHE_SIZE << 3);
    this.cacheVals = allocRaw(<usize>CACHE_SIZE << 3);
    // combined is never negative, so -1 marks an empty slot.
    memory.fill(this.cacheKeys, 0xff, <usize>CACHE_SIZE << 3);
  }
}

/** alpha from exp(slope·(combined − ½)): low + sigmoid·(high − low), clamped into [low, high]. */
// @ts-ignore: decorator
@inline function alphaFromExp(p: AlphaParams, e: i64): i64 {
  const sigmoid = divSat(ONE, addSat(ONE, e));
  const raw = addSat(p.low, mulSat(sigmoid, subSat(p.high, p.low)));
  // clamp_value: min with high first, then max with low.
  const capped = raw < p.high ? raw : p.high;
  return capped > p.low ? capped : p.low;
}

/** The queued differences of one epoch, run through the sigmoid in two halves. */
class SigmoidTask {
  p!: AlphaParams;
  queued: usize = 0;
  xs: usize = 0;
  es: usize = 0;
  pending: i32 = 0;
}

function sigmoidPart(ctx: usize, part: i32): void {
  const t = changetype<SigmoidTask>(ctx);
  const p = t.p, queued = t.queued, half = t.pending >> 1;
  const u0 = part == 0 ? 0 : half, u1 = part == 0 ? half : t.pending;
  const xs = t.xs + (<usize>u0 << 3), es = t.es + (<usize>u0 << 3);
  for (let u = u0; u < u1; u++) setI64(t.xs, u, mulSat(p.slope, subSat(getI64(queued, u), HALF)));
  expSafeBatch(xs, es, u1 - u0);
  for (let u = u0; u < u1; u++) {
    const alpha = alphaFromExp(p, getI64(t.es, u));
    setI64(t.es, u, alpha);
    const combined = getI64(queued, u), slot = slotOf(combined);
    if (getI64(p.cacheKeys, slot) == combined) setI64(p.cacheVals, slot, alpha);
  }
}

/** The slot of a combined difference in the memo. */
// @ts-ignore: decorator
@inline function slotOf(combined: i64): i32 {
  return <i32>((<u64>combined * 0x9e3779b97f4a7c15) >> (64 - CACHE_BITS));
}

/** The clamped difference the chain's `alpha_sigmoid(consensus, weight, bond, ..)` feeds to its sigmoid. */
// @ts-ignore: decorator
@inline function combinedDiff(c: i64, w: i64, b: i64): i64 {
  const d = w >= b ? subSat(w, c) : subSat(b, w);
  return d < 0 ? 0 : d > ONE ? ONE : d;
}

/**
 * `compute_bonds_sparse` on its liquid-alpha branch: `mat_ema_alpha_sparse(weights, bonds, alphas)` with the alphas
 * of `compute_liquid_alpha_values_sparse`. Output rows follow the weights row's order.
 *
 * Three phases: (1) per weights entry, what the chain's merge walk reads, and its alpha from the memo or, for a
 * difference not seen yet, a place in a queue; (2) the queued differences through the sigmoid, with the exp series
 * of four at a time side by side; (3) the EMA.
 */
export function matEmaLiquidAlpha(w: Csr, bonds: Csr, consensus: usize, p: AlphaParams, sc: Scratch): Csr {
  const nz = w.nnz();
  // Per entry: its alpha (≥ 0), or -(u + 1) while it waits for queued difference u.
  const alphaOf = allocRaw(<usize>nz << 3);
  const queued = allocRaw(<usize>nz << 3);
  let pending = 0;
  const walkVal = sc.acc2, walkStamp = sc.stamp2;
  for (let i = 0; i < w.rows; i++) {
    const ws = w.start(i), we = w.end(i);
    if (ws == we) continue;
    let maxCol = -1;
    for (let k = bonds.start(i), e = bonds.end(i); k < e; k++) {
      const j = getI32(bonds.col, k);
      if (j > maxCol) {
        maxCol = j;
        setI64(walkVal, j, getI64(bonds.val, k));
        setI32(walkStamp, j, i);
      }
    }
    maxCol = -1;
    for (let k = ws; k < we; k++) {
      const j = getI32(w.col, k);
      const wSeen: i64 = j > maxCol ? getI64(w.val, k) : 0;
      if (j > maxCol) maxCol = j;
      const bSeen: i64 = getI32(walkStamp, j) == i ? getI64(walkVal, j) : 0;
      const combined = combinedDiff(getI64(consensus, j), wSeen, bSeen);
      const slot = slotOf(combined);
      if (getI64(p.cacheKeys, slot) == combined) {
        setI64(alphaOf, k, getI64(p.cacheVals, slot));
      } else {
        const marker = -(<i64>pending + 1);
        setI64(p.cacheKeys, slot, combined);
        setI64(p.cacheVals, slot, marker);
        setI64(queued, pending++, combined);
        setI64(alphaOf, k, marker);
      }
    }
  }
  memory.fill(walkStamp, 0xff, <usize>sc.n << 2);

  // (2) The queued differences: exp inputs, the exp series in batches, then alpha; the memo learns the results. The
  // queue splits in two halves (the second on the helper thread): each difference is queued once, and only the half
  // holding the difference a memo slot is keyed by writes that slot.
  const t = new SigmoidTask();
  t.p = p;
  t.queued = queued;
  t.xs = allocRaw(<usize>pending << 3);
  t.es = allocRaw(<usize>pending << 3);
  t.pending = pending;
  runParts(sigmoidPart, changetype<usize>(t), pending >= 4096);
  const es = t.es;

  // (3) The EMA: decay the row's old bonds by (1 − alpha), add alpha·weight, cap at 1.
  const out = csrAlloc(w.rows, nz);
  const oldVal = sc.acc, oldStamp = sc.stamp;
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    const ws = w.start(i), we = w.end(i);
    if (ws != we) {
      for (let k = bonds.start(i), e = bonds.end(i); k < e; k++) {
        const j = getI32(bonds.col, k);
        setI64(oldVal, j, getI64(bonds.val, k));
        setI32(oldStamp, j, i);
      }
      for (let k = ws; k < we; k++) {
        const j = getI32(w.col, k);
        const nv = getI64(w.val, k);
        let a = getI64(alphaOf, k);
        if (a < 0) a = getI64(es, <i32>(-a - 1));
        const decayed: i64 = getI32(oldStamp, j) == i ? mulSat(subSat(ONE, a), getI64(oldVal, j)) : 0;
        let inc = mulSat(a, nv);
        if (inc < 0) inc = 0;
        let val = addSat(decayed, inc);
        if (val > ONE) val = ONE;
        if (val > 0) {
          setI32(out.col, o, j);
          setI64(out.val, o++, val);
        }
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(oldStamp, 0xff, <usize>sc.n << 2);
  return out;
}

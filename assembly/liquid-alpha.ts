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
// memoised by that value: many cells share it (0 whenever the weight sits between the bond and the consensus).
import { addSat, divSat, expSafe, HALF, mulSat, ONE, subSat } from './fixed';
import { allocRaw, getI32, getI64, setI32, setI64 } from './mem';
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

/** alpha from the clamped difference: low + sigmoid·(high − low), clamped into [low, high]. */
function alphaOfCombined(p: AlphaParams, combined: i64): i64 {
  const slot = <i32>((<u64>combined * 0x9e3779b97f4a7c15) >> (64 - CACHE_BITS));
  if (getI64(p.cacheKeys, slot) == combined) return getI64(p.cacheVals, slot);
  const e = expSafe(mulSat(p.slope, subSat(combined, HALF)));
  const sigmoid = divSat(ONE, addSat(ONE, e));
  const raw = addSat(p.low, mulSat(sigmoid, subSat(p.high, p.low)));
  // clamp_value: min with high first, then max with low.
  const capped = raw < p.high ? raw : p.high;
  const alpha = capped > p.low ? capped : p.low;
  setI64(p.cacheKeys, slot, combined);
  setI64(p.cacheVals, slot, alpha);
  return alpha;
}

/** The chain's `alpha_sigmoid(consensus, weight, bond, low, high, steepness)`. */
export function alphaSigmoid(p: AlphaParams, c: i64, w: i64, b: i64): i64 {
  let combined: i64;
  if (w >= b) {
    const d = subSat(w, c);
    combined = d < 0 ? 0 : d > ONE ? ONE : d;
  } else {
    const d = subSat(b, w);
    combined = d < 0 ? 0 : d > ONE ? ONE : d;
  }
  return alphaOfCombined(p, combined);
}

/**
 * `compute_bonds_sparse` on its liquid-alpha branch: `mat_ema_alpha_sparse(weights, bonds, alphas)` with the alphas
 * of `compute_liquid_alpha_values_sparse`. Output rows follow the weights row's order.
 */
export function matEmaLiquidAlpha(w: Csr, bonds: Csr, consensus: usize, p: AlphaParams, sc: Scratch): Csr {
  const out = csrAlloc(w.rows, w.nnz());
  const oldVal = sc.acc, oldStamp = sc.stamp, walkVal = sc.acc2, walkStamp = sc.stamp2;
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    const ws = w.start(i), we = w.end(i);
    if (ws == we) {
      setI32(out.ptr, i + 1, o);
      continue;
    }
    let maxCol = -1;
    for (let k = bonds.start(i), e = bonds.end(i); k < e; k++) {
      const j = getI32(bonds.col, k);
      const v = getI64(bonds.val, k);
      setI64(oldVal, j, v);
      setI32(oldStamp, j, i);
      if (j > maxCol) {
        maxCol = j;
        setI64(walkVal, j, v);
        setI32(walkStamp, j, i);
      }
    }
    maxCol = -1;
    for (let k = ws; k < we; k++) {
      const j = getI32(w.col, k);
      const nv = getI64(w.val, k);
      const wSeen: i64 = j > maxCol ? nv : 0;
      if (j > maxCol) maxCol = j;
      const bSeen: i64 = getI32(walkStamp, j) == i ? getI64(walkVal, j) : 0;
      const a = alphaSigmoid(p, getI64(consensus, j), wSeen, bSeen);
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
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(oldStamp, 0xff, <usize>sc.n << 2);
  memory.fill(walkStamp, 0xff, <usize>sc.n << 2);
  return out;
}

// The same epoch in f64, for simulation and tuning speed. It follows the exact engine step by step (masks, entry
// orders, fallbacks) with floats instead of I32F32, so its outputs track the chain's to within float rounding.
// The weights are never materialised: each step re-reads the stored u16 entries (weights-f64.ts), and the original
// bonds are fused into two passes (original-bonds-f64.ts). Yuma3 builds its matrices as the exact engine does.
import { addColSums, emaF64, liquidAlphaF64, reciprocals } from './bonds-f64';
import * as L from './layout';
import { activity, maskedBonds, maskedWeights, NORMALIZED_F64, param, paramPtr, previousPermits } from './masks';
import { consensusF64 } from './median-f64';
import { originalBondsF64 } from './original-bonds-f64';
import { allocRaw, allocZeroed, getF64, getI32, getI64, getU64, getU8, minNonNeg, setF64, setI32, setU16, setU64, setU8 } from './mem';
import { argsortStableI64, sortI32 } from './sort';
import { clipStats, WeightRows } from './weights-f64';
import { winnerTakesAllF64 } from './winner-takes-all';
import { allocEmissions, allocU16s, allocVectors, resultBlock, vectorAt } from './result';
import { Csr, csrAlloc, Scratch } from './sparse';

/** Runs one float epoch on the parameter block; returns the result block with f64 values in the vector slots. */
export function epochF64(params: usize): usize {
  const n = <i32>param(params, L.P_N);
  const sc = new Scratch(n);
  const owner = <i32>param(params, L.P_OWNER);

  const active = activity(params, n);
  const vectors = allocVectors(n);
  const stake = vectorAt(vectors, n, L.V_STAKE);
  const rawStake = paramPtr(params, L.P_STAKE);
  const threshold = <u64>param(params, L.P_STAKE_THRESHOLD);
  for (let i = 0; i < n; i++) {
    const s = getU64(rawStake, i);
    // As the exact engine: the threshold compares the stake floored through I64F64, which saturates at 2^63 - 1.
    const whole: u64 = s >= (<u64>1 << 63) ? (<u64>1 << 63) - 1 : s;
    setF64(stake, i, i != owner && whole < threshold ? 0 : <f64>s);
  }
  normalize(stake, n);

  const permits = previousPermits(params, n);
  const newPermits = allocRaw(<usize>n);
  for (let i = 0; i < n; i++) setU8(newPermits, i, getF64(stake, i) != 0);
  const k = <i32>param(params, L.P_MAX_VALIDATORS);
  if (n >= k) {
    // Non-negative doubles order like their bit patterns, so the integer argsort gives the same stable order.
    const order = allocRaw(<usize>n << 2), tmp = allocRaw(<usize>n << 2);
    argsortStableI64(stake, n, order, tmp);
    for (let r = 0; r < n - k; r++) setU8(newPermits, getI32(order, r), false);
  }
  if (owner >= 0 && owner < n) setU8(newPermits, owner, true);

  const activeStake = vectorAt(vectors, n, L.V_ACTIVE_STAKE);
  for (let i = 0; i < n; i++) setF64(activeStake, i, getU8(active, i) && getU8(permits, i) ? getF64(stake, i) : 0);
  normalize(activeStake, n);

  const w = new WeightRows(params, n, permits, activeStake);
  const consensus = vectorAt(vectors, n, L.V_CONSENSUS);
  consensusF64(w, activeStake, <f64>param(params, L.P_KAPPA) / 65535.0, consensus);

  const bpRaw = param(params, L.P_BONDS_PENALTY);
  const ratio = <f64>bpRaw / 65535.0;
  const yuma3 = param(params, L.P_YUMA3) != 0;
  const trust = vectorAt(vectors, n, L.V_TRUST);
  const incentive = vectorAt(vectors, n, L.V_INCENTIVE);
  // The original bonds need the column sums of stake × weights for bonds; clipping computes them on its way.
  const deltaSums: usize = yuma3 ? 0 : allocZeroed(<usize>n << 3);
  clipStats(w, activeStake, consensus, ratio, trust, incentive, deltaSums);
  normalize(incentive, n);
  if (param(params, L.P_WINNER_TAKES_ALL) != 0) winnerTakesAllF64(incentive, n);

  const dividends = vectorAt(vectors, n, L.V_DIVIDENDS);
  let bPtr: usize, bonds: usize;
  if (yuma3) {
    const pair = yuma3BondsF64(params, n, permits, newPermits, activeStake, consensus, incentive, dividends, sc);
    bPtr = load<usize>(pair);
    bonds = load<usize>(pair + sizeof<usize>());
  } else {
    const pair = originalBondsF64(params, w, activeStake, consensus, ratio, deltaSums, incentive, newPermits, dividends, sc);
    bPtr = load<usize>(pair);
    bonds = load<usize>(pair + sizeof<usize>());
  }
  normalize(dividends, n);
  return writeResultF64(n, active, newPermits, vectors, bPtr, bonds, <u64>param(params, L.P_RAO_EMISSION));
}

/**
 * Yuma3 bonds in f64 over materialised matrices (the weights for bonds and the stored bonds as u16 proportions):
 * the EMA with a fixed alpha or liquid alpha, dividends from the column-normalised EMA. Returns [bondsPtr, bonds].
 */
function yuma3BondsF64(params: usize, n: i32, permits: usize, newPermits: usize, activeStake: usize, consensus: usize, incentive: usize, dividends: usize, sc: Scratch): usize {
  const w = maskedWeights(params, n, permits, NORMALIZED_F64);
  const bpRaw = param(params, L.P_BONDS_PENALTY);
  let forBonds = w;
  if (bpRaw != 0) {
    const clipped = csrAlloc(n, w.nnz());
    let o = 0;
    for (let i = 0; i < n; i++) {
      for (let e = w.start(i); e < w.end(i); e++) {
        const j = getI32(w.col, e), v = getF64(w.val, e), c = getF64(consensus, j);
        if (!(c > 0) && c < v) continue;
        setI32(clipped.col, o, j);
        setF64(clipped.val, o++, minNonNeg(c, v));
      }
      setI32(clipped.ptr, i + 1, o);
    }
    forBonds = bpRaw == 65535 ? clipped : interpolateF64(w, clipped, <f64>bpRaw / 65535.0, sc);
  }
  const bonds = maskedBonds(params, n);
  for (let e = 0, nz = bonds.nnz(); e < nz; e++) setF64(bonds.val, e, <f64>getI64(bonds.val, e) * (1.0 / 65535.0));
  const emaSums = allocZeroed(<usize>n << 3);
  let ema: Csr;
  let anyC = false;
  for (let j = 0; j < n; j++) if (getF64(consensus, j) != 0) anyC = true;
  if (param(params, L.P_LIQUID_ALPHA) != 0 && anyC) {
    ema = liquidAlphaF64(forBonds, bonds, consensus, params, sc);
    addColSums(ema, emaSums);
  } else {
    const alpha = 1.0 - <f64>param(params, L.P_BONDS_MOVING_AVERAGE) / 1e6;
    ema = emaF64(forBonds, 0, bonds, 0, alpha, sc, emaSums);
  }
  const inv = reciprocals(emaSums, n);
  for (let i = 0; i < n; i++) {
    let t = 0.0;
    for (let e = ema.start(i); e < ema.end(i); e++) {
      const j = getI32(ema.col, e);
      t += getF64(ema.val, e) * getF64(inv, j) * getF64(incentive, j);
    }
    setF64(dividends, i, t * getF64(activeStake, i));
  }
  // Yuma3 stores the EMA itself (no upscaling), for the rows with a new permit.
  return packBonds(n, ema, newPermits);
}

function normalize(p: usize, n: i32): void {
  let s = 0.0;
  for (let i = 0; i < n; i++) s += getF64(p, i);
  if (s == 0) return;
  const inv = 1.0 / s;
  for (let i = 0; i < n; i++) setF64(p, i, getF64(p, i) * inv);
}

function interpolateF64(w: Csr, c: Csr, ratio: f64, sc: Scratch): Csr {
  const out = csrAlloc(w.rows, w.nnz());
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    for (let e = c.start(i); e < c.end(i); e++) {
      setF64(sc.acc, getI32(c.col, e), getF64(c.val, e));
      setI32(sc.stamp, getI32(c.col, e), i);
    }
    const s = w.start(i), len = w.end(i) - s;
    memory.copy(sc.list, w.col + (<usize>s << 2), <usize>len << 2);
    for (let e = s; e < s + len; e++) setF64(sc.acc2, getI32(w.col, e), getF64(w.val, e));
    sortI32(sc.list, len, sc.tmp);
    for (let q = 0; q < len; q++) {
      const j = getI32(sc.list, q), v1 = getF64(sc.acc2, j);
      const v2 = getI32(sc.stamp, j) == i ? getF64(sc.acc, j) : 0.0;
      const x = v1 + ratio * (v2 - v1);
      if (x > 0) {
        setI32(out.col, o, j);
        setF64(out.val, o++, x);
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  return out;
}

// @ts-ignore: decorator
@inline function toU16(x: f64): i32 {
  const v = Math.floor(x * 65535.0);
  return v <= 0 ? 0 : v >= 65535 ? 65535 : <i32>v;
}

// @ts-ignore: decorator
@inline function toRao(x: f64, rao: f64): u64 {
  const v = Math.floor(x * rao);
  return v <= 0 ? 0 : v >= 18446744073709551615.0 ? <u64>-1 : <u64>v;
}

function writeResultF64(n: i32, active: usize, newPermits: usize, vectors: usize, bPtr: usize, bonds: usize, raoU: u64): usize {
  const stake = vectorAt(vectors, n, L.V_STAKE), activeStake = vectorAt(vectors, n, L.V_ACTIVE_STAKE);
  const incentive = vectorAt(vectors, n, L.V_INCENTIVE), dividends = vectorAt(vectors, n, L.V_DIVIDENDS);
  const rao = <f64>raoU;
  let sum = 0.0;
  for (let i = 0; i < n; i++) sum += getF64(incentive, i) + getF64(dividends, i);
  let activeSum = 0.0;
  for (let i = 0; i < n; i++) activeSum += getF64(activeStake, i);
  const fallback = activeSum == 0 ? stake : activeStake;
  const emissions = allocEmissions(n);
  for (let i = 0; i < n; i++) {
    const inc = getF64(incentive, i), div = getF64(dividends, i);
    setU64(emissions, i, sum != 0 ? toRao(inc / sum, rao) : toRao(inc, rao));
    setU64(emissions, n + i, toRao(sum != 0 ? div / sum : getF64(fallback, i), rao));
    setU64(emissions, 2 * n + i, toRao(sum != 0 ? (inc + div) / sum : getF64(fallback, i), rao));
  }
  const u16s = allocU16s(n);
  const order: StaticArray<i32> = [L.V_STAKE, L.V_CONSENSUS, L.V_INCENTIVE, L.V_DIVIDENDS, L.V_TRUST];
  for (let f = 0; f < 5; f++) {
    const v = vectorAt(vectors, n, unchecked(order[f]));
    for (let i = 0; i < n; i++) setU16(u16s, f * n + i, toU16(getF64(v, i)));
  }
  return resultBlock(active, newPermits, vectors, u16s, emissions, bPtr, bonds);
}

/** The rows of `ema` with a new permit in the result's packed form ((uid << 16) | u16); returns [bondsPtr, bonds]. */
function packBonds(n: i32, ema: Csr, newPermits: usize): usize {
  const bPtr = allocZeroed(<usize>(n + 1) << 2);
  const bonds = allocRaw(<usize>ema.nnz() << 2);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (getU8(newPermits, i)) {
      for (let e = ema.start(i); e < ema.end(i); e++) setI32(bonds, o++, (getI32(ema.col, e) << 16) | toU16(getF64(ema.val, e)));
    }
    setI32(bPtr, i + 1, o);
  }
  const pair = allocRaw(16);
  store<usize>(pair, bPtr);
  store<usize>(pair + sizeof<usize>(), bonds);
  return pair;
}

// The same epoch in f64, for simulation and tuning speed. It follows the exact engine step by step (masks, entry
// orders, fallbacks) with floats instead of I32F32, so its outputs track the chain's to within float rounding.
// Neither the weights nor any matrix derived from them is materialised: each step re-reads the stored u16 entries
// (weights-f64.ts); the bonds without liquid alpha, original or Yuma3, are one fused pass (fused-bonds-f64.ts), and
// Yuma3's liquid alpha two (liquid-alpha-f64.ts).
import { fusedBondsF64 } from './fused-bonds-f64';
import * as L from './layout';
import { liquidAlphaBondsF64 } from './liquid-alpha-f64';
import { activity, param, paramPtr, previousPermits } from './masks';
import { consensusF64 } from './median-f64';
import { allocRaw, allocZeroed, getF64, getI32, getU64, getU8, setF64, setU16, setU64, setU8 } from './mem';
import { argsortStableI64 } from './sort';
import { clipStats, toU16, WeightRows } from './weights-f64';
import { winnerTakesAllF64 } from './winner-takes-all';
import { allocEmissions, allocU16s, allocVectors, resultBlock, vectorAt } from './result';
import { Scratch } from './sparse';

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
  // Liquid alpha applies when some consensus is non-zero (as the exact engine).
  let anyC = false;
  for (let j = 0; j < n; j++) if (getF64(consensus, j) != 0) anyC = true;
  const liquid = yuma3 && param(params, L.P_LIQUID_ALPHA) != 0 && anyC;
  // The fused bonds need the column sums of the weights for bonds (times stake for the original bonds); clipping
  // computes them on its way.
  const deltaSums: usize = liquid ? 0 : allocZeroed(<usize>n << 3);
  clipStats(w, activeStake, consensus, ratio, trust, incentive, deltaSums, !yuma3);
  normalize(incentive, n);
  if (param(params, L.P_WINNER_TAKES_ALL) != 0) winnerTakesAllF64(incentive, n);

  const dividends = vectorAt(vectors, n, L.V_DIVIDENDS);
  const pair = liquid
    ? liquidAlphaBondsF64(params, w, activeStake, consensus, incentive, newPermits, dividends, sc)
    : fusedBondsF64(params, w, activeStake, consensus, ratio, deltaSums, incentive, newPermits, dividends, sc, yuma3);
  const bPtr = load<usize>(pair), bonds = load<usize>(pair + sizeof<usize>());
  normalize(dividends, n);
  return writeResultF64(n, active, newPermits, vectors, bPtr, bonds, <u64>param(params, L.P_RAO_EMISSION));
}

function normalize(p: usize, n: i32): void {
  let s = 0.0;
  for (let i = 0; i < n; i++) s += getF64(p, i);
  if (s == 0) return;
  const inv = 1.0 / s;
  for (let i = 0; i < n; i++) setF64(p, i, getF64(p, i) * inv);
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

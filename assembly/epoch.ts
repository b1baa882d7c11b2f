// The chain's production epoch (`epoch_mechanism`, sparse path) in exact I32F32 arithmetic, bit for bit.
// Section numbers refer to shared/reference/yuma-epoch-spec.md §4.
import {
  addSat, emissionRao, mulCheckedOrZero, mulSat, proportionToU16, safeDiv, subSat, u16ProportionToFixed, ONE,
} from './fixed';
import { originalBonds, yuma3Dividends } from './bonds';
import { clipTrustRanks } from './clip';
import * as L from './layout';
import { AlphaParams, matEmaLiquidAlpha } from './liquid-alpha';
import { activity, BONDS_PROPORTION, maskedBonds, maskedWeights, NORMALIZED_EXACT, param, paramPtr, previousPermits } from './masks';
import { weightedMedianColSparse } from './median';
import { allocRaw, allocZeroed, getI32, getI64, getU8, setI32, setI64, setU16, setU64, setU8 } from './mem';
import { argsortStableI64 } from './sort';
import { ColumnSums, Csr, csrAlloc, interpolateSparse, matEmaSparse, normalizeVec, Scratch, sumVec } from './sparse';
import { normalizeStake } from './stake';
import { winnerTakesAllI64 } from './winner-takes-all';
import { allocEmissions, allocU16s, allocVectors, resultBlock, vectorAt } from './result';

/** Runs one exact epoch on the parameter block; returns the result block (layout.ts). */
export function epochExact(params: usize): usize {
  const n = <i32>param(params, L.P_N);
  const sc = new Scratch(n);
  const owner = <i32>param(params, L.P_OWNER);

  // 4.1 activity; 4.2 stake.
  const active = activity(params, n);
  const vectors = allocVectors(n);
  const stake = vectorAt(vectors, n, L.V_STAKE);
  normalizeStake(paramPtr(params, L.P_STAKE), n, <u64>param(params, L.P_STAKE_THRESHOLD), owner, stake);

  // 4.3 permits: the previous ones mask this epoch's weights; the new ones are the top-k non-zero stakes.
  const permits = previousPermits(params, n);
  const newPermits = topkNonzero(stake, n, <i32>param(params, L.P_MAX_VALIDATORS));
  if (owner >= 0 && owner < n) setU8(newPermits, owner, true);

  // 4.4 active stake.
  const activeStake = vectorAt(vectors, n, L.V_ACTIVE_STAKE);
  for (let i = 0; i < n; i++) setI64(activeStake, i, getU8(active, i) && getU8(permits, i) ? getI64(stake, i) : 0);
  normalizeVec(activeStake, n);

  // 4.5 weights, row-normalised.
  const w = maskedWeights(params, n, permits, NORMALIZED_EXACT);

  // 4.6 consensus; 4.7 clipping and validator trust; 4.8 incentive.
  const kappa = safeDiv(param(params, L.P_KAPPA) << 32, (<i64>65535) << 32);
  const consensus = vectorAt(vectors, n, L.V_CONSENSUS);
  weightedMedianColSparse(activeStake, w, n, kappa, consensus);
  const trust = vectorAt(vectors, n, L.V_TRUST);
  const incentive = vectorAt(vectors, n, L.V_INCENTIVE);
  const bp = safeDiv(param(params, L.P_BONDS_PENALTY) << 32, (<i64>65535) << 32);
  const yuma3 = param(params, L.P_YUMA3) != 0;
  // With the original bonds and a bonds penalty of 1, the clipped weights are only read again as the bonds delta
  // (clipped · active stake), so the clipping pass writes the delta directly.
  const deltaSums: ColumnSums | null = !yuma3 && bp == ONE ? new ColumnSums(n) : null;
  const clipped = clipTrustRanks(w, consensus, activeStake, trust, incentive, n, deltaSums);
  normalizeVec(incentive, n);
  if (param(params, L.P_WINNER_TAKES_ALL) != 0) winnerTakesAllI64(incentive, n);

  // 4.9 bonds penalty.
  const forBonds: Csr = bp == 0 ? w : bp == ONE ? clipped : interpolateSparse(w, clipped, bp, sc);

  // 4.10 bonds and dividends.
  const dividends = vectorAt(vectors, n, L.V_DIVIDENDS);
  const alpha = emaAlpha(param(params, L.P_BONDS_MOVING_AVERAGE));
  let ema: Csr;
  // Original Yuma stores column max-upscaled bonds: the maxima of the normalised EMA (0 = none, for Yuma3).
  let colMax: usize = 0;
  if (yuma3) {
    const bonds = maskedBonds(params, n, BONDS_PROPORTION);
    const sums = new ColumnSums(n);
    if (param(params, L.P_LIQUID_ALPHA) != 0 && n > 0 && anyNonzero(consensus, n)) {
      const p = new AlphaParams(
        u16ProportionToFixed(<i32>param(params, L.P_ALPHA_LOW)),
        u16ProportionToFixed(<i32>param(params, L.P_ALPHA_HIGH)),
        param(params, L.P_ALPHA_STEEPNESS),
      );
      ema = matEmaLiquidAlpha(forBonds, bonds, consensus, p, sc);
      for (let k = 0, nz = ema.nnz(); k < nz; k++) sums.add(getI32(ema.col, k), getI64(ema.val, k));
    } else {
      ema = matEmaSparse(forBonds, null, bonds, null, alpha, sc, sums);
    }
    // Dividends read the column-normalised EMA; the stored bonds stay unnormalised, so normalise on the fly.
    yuma3Dividends(ema, sums, incentive, activeStake, dividends);
  } else {
    colMax = allocRaw(<usize>n << 3);
    ema = originalBonds(params, n, forBonds, forBonds == clipped ? deltaSums : null, activeStake, incentive, alpha, sc,
      dividends, colMax);
  }
  normalizeVec(dividends, n);

  return writeResult(n, active, newPermits, vectors, ema, colMax, <u64>param(params, L.P_RAO_EMISSION));
}

/** 1 − I32F32(I64F64(bma) / 10^6): the EMA rate for a moving average in parts per million. */
function emaAlpha(bma: i64): i64 {
  // (bma << 64) / (10^6 << 64) truncated, then floored to 32 fraction bits, is floor(bma·2^32 / 10^6).
  const kept = <i64>((<u64>bma << 32) / 1_000_000);
  return subSat(ONE, kept);
}

function anyNonzero(v: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (getI64(v, i) != 0) return true;
  return false;
}

/** `is_topk_nonzero`: true for non-zero stakes among the k largest; ties go to the higher uid (stable ascending sort). */
function topkNonzero(stake: usize, n: i32, k: i32): usize {
  const out = allocRaw(<usize>n);
  for (let i = 0; i < n; i++) setU8(out, i, getI64(stake, i) != 0);
  if (n < k) return out;
  const order = allocRaw(<usize>n << 2), tmp = allocRaw(<usize>n << 2);
  argsortStableI64(stake, n, order, tmp);
  for (let r = 0; r < n - k; r++) setU8(out, getI32(order, r), false);
  return out;
}

/** §4.11 emission and §4.12 outputs into the result block. */
function writeResult(n: i32, active: usize, newPermits: usize, vectors: usize, ema: Csr, colMax: usize, rao: u64): usize {
  const stake = vectorAt(vectors, n, L.V_STAKE), activeStake = vectorAt(vectors, n, L.V_ACTIVE_STAKE);
  const incentive = vectorAt(vectors, n, L.V_INCENTIVE), dividends = vectorAt(vectors, n, L.V_DIVIDENDS);
  const combined = allocRaw(<usize>n << 3);
  for (let i = 0; i < n; i++) setI64(combined, i, addSat(getI64(incentive, i), getI64(dividends, i)));
  const emissionSum = sumVec(combined, n);
  let serverShare = incentive, validatorShare = dividends, combinedShare = combined;
  if (emissionSum != 0) {
    serverShare = allocRaw(<usize>n << 3);
    validatorShare = allocRaw(<usize>n << 3);
    for (let i = 0; i < n; i++) {
      setI64(serverShare, i, safeDiv(getI64(incentive, i), emissionSum));
      setI64(validatorShare, i, safeDiv(getI64(dividends, i), emissionSum));
      setI64(combined, i, safeDiv(getI64(combined, i), emissionSum));
    }
  } else {
    // Nobody earned anything: validators are paid by stake (active stake if any, else all stake).
    validatorShare = sumVec(activeStake, n) == 0 ? stake : activeStake;
    combinedShare = validatorShare;
  }
  const emissions = allocEmissions(n);
  for (let i = 0; i < n; i++) {
    setU64(emissions, i, emissionRao(getI64(serverShare, i), rao));
    setU64(emissions, n + i, emissionRao(getI64(validatorShare, i), rao));
    setU64(emissions, 2 * n + i, emissionRao(getI64(combinedShare, i), rao));
  }
  // stakeWeight, consensus, incentive, dividends, validatorTrust as `fixed_proportion_to_u16`.
  const u16s = allocU16s(n);
  const order: StaticArray<i32> = [L.V_STAKE, L.V_CONSENSUS, L.V_INCENTIVE, L.V_DIVIDENDS, L.V_TRUST];
  for (let f = 0; f < 5; f++) {
    const v = vectorAt(vectors, n, unchecked(order[f]));
    for (let i = 0; i < n; i++) setU16(u16s, f * n + i, proportionToU16(getI64(v, i)));
  }
  // Bonds are stored for uids with a new permit; every other row becomes empty.
  const bPtr = allocZeroed(<usize>(n + 1) << 2);
  const bonds = allocRaw(<usize>ema.nnz() << 2);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (getU8(newPermits, i)) {
      for (let k = ema.start(i), e = ema.end(i); k < e; k++) {
        const j = getI32(ema.col, k);
        let v = getI64(ema.val, k);
        // `inplace_col_max_upscale_sparse`, applied as the row is written out.
        if (colMax != 0) {
          const m = getI64(colMax, j);
          if (m != 0) v = safeDiv(v, m);
        }
        setI32(bonds, o++, (j << 16) | proportionToU16(v));
      }
    }
    setI32(bPtr, i + 1, o);
  }
  return resultBlock(active, newPermits, vectors, u16s, emissions, bPtr, bonds);
}

// The chain's production epoch (`epoch_mechanism`, sparse path) in exact I32F32 arithmetic, bit for bit.
// Section numbers refer to shared/reference/yuma-epoch-spec.md §4.
import {
  addSat, divByRecip, emissionRao, mulCheckedOrZero, mulSat, proportionToU16, safeDiv, subSat, u16ProportionToFixed, ONE,
} from './fixed';
import * as L from './layout';
import { AlphaParams, matEmaLiquidAlpha } from './liquid-alpha';
import { activity, maskedBonds, maskedWeights, param, paramPtr, previousPermits } from './masks';
import { weightedMedianColSparse } from './median';
import { allocRaw, allocZeroed, getI32, getI64, getU8, setI32, setI64, setU16, setU64, setU8 } from './mem';
import { argsortStableI64 } from './sort';
import {
  colClipSparse, colMaxUpscale, colNormalize, colSumsSat, Csr, interpolateSparse, matEmaSparse, matmulSparse,
  matmulTransposeSparse, normalizeVec, rowHadamardInPlace, rowSums, Scratch, sumVec,
} from './sparse';
import { normalizeStake } from './stake';

/** Runs one exact epoch on the parameter block; returns the result block (layout.ts). */
export function epochExact(params: usize): usize {
  const n = <i32>param(params, L.P_N);
  const sc = new Scratch(n);
  const owner = <i32>param(params, L.P_OWNER);

  // 4.1 activity; 4.2 stake.
  const active = activity(params, n);
  const stake = allocRaw(<usize>n << 3);
  normalizeStake(paramPtr(params, L.P_STAKE), n, <u64>param(params, L.P_STAKE_THRESHOLD), owner, stake);

  // 4.3 permits: the previous ones mask this epoch's weights; the new ones are the top-k non-zero stakes.
  const permits = previousPermits(params, n);
  const newPermits = topkNonzero(stake, n, <i32>param(params, L.P_MAX_VALIDATORS));
  if (owner >= 0 && owner < n) setU8(newPermits, owner, true);

  // 4.4 active stake.
  const activeStake = allocRaw(<usize>n << 3);
  for (let i = 0; i < n; i++) setI64(activeStake, i, getU8(active, i) && getU8(permits, i) ? getI64(stake, i) : 0);
  normalizeVec(activeStake, n);

  // 4.5 weights, row-normalised.
  const w = maskedWeights(params, n, permits);
  rowNormalizeIntegers(w);

  // 4.6 consensus; 4.7 clipping and validator trust; 4.8 incentive.
  const kappa = safeDiv(param(params, L.P_KAPPA) << 32, (<i64>65535) << 32);
  const consensus = allocRaw(<usize>n << 3);
  weightedMedianColSparse(activeStake, w, n, kappa, consensus);
  const clipped = colClipSparse(w, consensus);
  const trust = allocRaw(<usize>n << 3);
  rowSums(clipped, trust);
  const incentive = allocRaw(<usize>n << 3);
  matmulSparse(clipped, activeStake, incentive, n);
  normalizeVec(incentive, n);

  // 4.9 bonds penalty.
  const bp = safeDiv(param(params, L.P_BONDS_PENALTY) << 32, (<i64>65535) << 32);
  const forBonds: Csr = bp == 0 ? w : bp == ONE ? clipped : interpolateSparse(w, clipped, bp, sc);

  // 4.10 bonds and dividends.
  const dividends = allocRaw(<usize>n << 3);
  const bonds = maskedBonds(params, n);
  const alpha = emaAlpha(param(params, L.P_BONDS_MOVING_AVERAGE));
  let ema: Csr;
  if (param(params, L.P_YUMA3) != 0) {
    for (let k = 0, nz = bonds.nnz(); k < nz; k++) setI64(bonds.val, k, u16ProportionToFixed(<i32>getI64(bonds.val, k)));
    if (param(params, L.P_LIQUID_ALPHA) != 0 && n > 0 && anyNonzero(consensus, n)) {
      const p = new AlphaParams(
        u16ProportionToFixed(<i32>param(params, L.P_ALPHA_LOW)),
        u16ProportionToFixed(<i32>param(params, L.P_ALPHA_HIGH)),
        param(params, L.P_ALPHA_STEEPNESS),
      );
      ema = matEmaLiquidAlpha(forBonds, bonds, consensus, p, sc);
    } else {
      ema = matEmaSparse(forBonds, bonds, alpha, sc);
    }
    // Dividends read the column-normalised EMA; the stored bonds stay unnormalised, so normalise on the fly.
    colSumsSat(ema, sc.acc2, n);
    const sums = sc.acc2;
    for (let i = 0; i < n; i++) {
      let t: i64 = 0;
      for (let k = ema.start(i), e = ema.end(i); k < e; k++) {
        const j = getI32(ema.col, k);
        const d = getI64(sums, j);
        const v = getI64(ema.val, k);
        t += mulSat(d != 0 ? safeDiv(v, d) : v, getI64(incentive, j));
      }
      setI64(dividends, i, mulCheckedOrZero(t, getI64(activeStake, i)));
    }
    normalizeVec(dividends, n);
  } else {
    // Stored bonds are column max-upscaled u16; the chain reads them back as integers and re-normalises.
    for (let k = 0, nz = bonds.nnz(); k < nz; k++) setI64(bonds.val, k, getI64(bonds.val, k) << 32);
    colNormalize(bonds, sc);
    // W and the clipped weights are not read again, so the bonds delta can overwrite whichever one it starts from.
    const delta = forBonds;
    rowHadamardInPlace(delta, activeStake);
    colNormalize(delta, sc);
    ema = matEmaSparse(delta, bonds, alpha, sc);
    colNormalize(ema, sc);
    matmulTransposeSparse(ema, incentive, dividends);
    normalizeVec(dividends, n);
    colMaxUpscale(ema, sc);
  }

  return writeResult(n, active, newPermits, stake, activeStake, consensus, incentive, dividends, trust, ema,
    <u64>param(params, L.P_RAO_EMISSION));
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

/**
 * `inplace_row_normalize_sparse` on integer-valued weights (u16 read as I32F32): the row sum is an integer S whose
 * wrapping I32F32 form is positive when S mod 2^32 lies in 1..2^31−1; each v becomes trunc(v·2^32 / (S mod 2^32)).
 */
function rowNormalizeIntegers(w: Csr): void {
  for (let i = 0; i < w.rows; i++) {
    const s = w.start(i), e = w.end(i);
    let sum: u64 = 0;
    for (let k = s; k < e; k++) sum += <u64>getI64(w.val, k);
    const wrapped = sum & 0xffffffff;
    if (wrapped == 0 || wrapped >= 0x80000000) {
      for (let k = s; k < e; k++) setI64(w.val, k, getI64(w.val, k) << 32);
      continue;
    }
    const inv = 1.0 / <f64>wrapped;
    for (let k = s; k < e; k++) setI64(w.val, k, <i64>divByRecip(<u64>getI64(w.val, k) << 32, wrapped, inv));
  }
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
function writeResult(
  n: i32, active: usize, newPermits: usize, stake: usize, activeStake: usize, consensus: usize, incentive: usize,
  dividends: usize, trust: usize, ema: Csr, rao: u64,
): usize {
  const res = allocZeroed(<usize>L.RESULT_SLOTS << 3);
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
  const se = allocRaw(<usize>n << 3), ve = allocRaw(<usize>n << 3), ce = allocRaw(<usize>n << 3);
  for (let i = 0; i < n; i++) {
    setU64(se, i, emissionRao(getI64(serverShare, i), rao));
    setU64(ve, i, emissionRao(getI64(validatorShare, i), rao));
    setU64(ce, i, emissionRao(getI64(combinedShare, i), rao));
  }
  const u16s = allocRaw(<usize>(5 * n) << 1);
  for (let i = 0; i < n; i++) {
    setU16(u16s, i, proportionToU16(getI64(stake, i)));
    setU16(u16s, n + i, proportionToU16(getI64(consensus, i)));
    setU16(u16s, 2 * n + i, proportionToU16(getI64(incentive, i)));
    setU16(u16s, 3 * n + i, proportionToU16(getI64(dividends, i)));
    setU16(u16s, 4 * n + i, proportionToU16(getI64(trust, i)));
  }
  // Bonds are stored for uids with a new permit; every other row becomes empty.
  const bPtr = allocZeroed(<usize>(n + 1) << 2);
  const bCol = allocRaw(<usize>ema.nnz() << 1), bVal = allocRaw(<usize>ema.nnz() << 1);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (getU8(newPermits, i)) {
      for (let k = ema.start(i), e = ema.end(i); k < e; k++) {
        setU16(bCol, o, getI32(ema.col, k));
        setU16(bVal, o++, proportionToU16(getI64(ema.val, k)));
      }
    }
    setI32(bPtr, i + 1, o);
  }
  setI64(res, L.R_ACTIVE, <i64>active);
  setI64(res, L.R_PERMIT, <i64>newPermits);
  setI64(res, L.R_STAKE, <i64>stake);
  setI64(res, L.R_ACTIVE_STAKE, <i64>activeStake);
  setI64(res, L.R_CONSENSUS, <i64>consensus);
  setI64(res, L.R_INCENTIVE, <i64>incentive);
  setI64(res, L.R_DIVIDENDS, <i64>dividends);
  setI64(res, L.R_TRUST, <i64>trust);
  setI64(res, L.R_U16, <i64>u16s);
  setI64(res, L.R_SERVER_EMISSION, <i64>se);
  setI64(res, L.R_VALIDATOR_EMISSION, <i64>ve);
  setI64(res, L.R_EMISSION, <i64>ce);
  setI64(res, L.R_BONDS_PTR, <i64>bPtr);
  setI64(res, L.R_BONDS_COL, <i64>bCol);
  setI64(res, L.R_BONDS_VAL, <i64>bVal);
  return res;
}

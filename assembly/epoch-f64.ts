// The same epoch in f64, for simulation and tuning speed. It follows the exact engine step by step (masks, entry
// orders, fallbacks) with floats instead of I32F32, so its outputs track the chain's to within float rounding.
import * as L from './layout';
import { activity, maskedBonds, maskedWeights, param, paramPtr, previousPermits } from './masks';
import { allocRaw, allocZeroed, getF64, getI32, getI64, getU64, getU8, setF64, setI32, setI64, setU16, setU64, setU8 } from './mem';
import { argsortStableI64, sortI32 } from './sort';
import { Csr, csrAlloc, csrClone, Scratch } from './sparse';

/** Runs one float epoch on the parameter block; returns the result block with f64 values in the vector slots. */
export function epochF64(params: usize): usize {
  const n = <i32>param(params, L.P_N);
  const sc = new Scratch(n);
  const owner = <i32>param(params, L.P_OWNER);

  const active = activity(params, n);
  const stake = allocRaw(<usize>n << 3);
  const rawStake = paramPtr(params, L.P_STAKE);
  const threshold = <u64>param(params, L.P_STAKE_THRESHOLD);
  for (let i = 0; i < n; i++) {
    const s = getU64(rawStake, i);
    setF64(stake, i, i != owner && s < threshold ? 0 : <f64>s);
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

  const activeStake = allocRaw(<usize>n << 3);
  for (let i = 0; i < n; i++) setF64(activeStake, i, getU8(active, i) && getU8(permits, i) ? getF64(stake, i) : 0);
  normalize(activeStake, n);

  const w = maskedWeights(params, n, permits);
  for (let i = 0; i < n; i++) {
    let sum = 0.0;
    for (let e = w.start(i); e < w.end(i); e++) sum += <f64>getI64(w.val, e);
    for (let e = w.start(i); e < w.end(i); e++) setF64(w.val, e, sum > 0 ? <f64>getI64(w.val, e) / sum : <f64>getI64(w.val, e));
  }

  const kappa = <f64>param(params, L.P_KAPPA) / 65535.0;
  const consensus = allocZeroed(<usize>n << 3);
  medianF64(activeStake, w, n, kappa, consensus);

  const clipped = csrAlloc(n, w.nnz());
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let e = w.start(i); e < w.end(i); e++) {
      const j = getI32(w.col, e), v = getF64(w.val, e), c = getF64(consensus, j);
      if (c < v && !(c > 0)) continue;
      setI32(clipped.col, o, j);
      setF64(clipped.val, o++, c < v ? c : v);
    }
    setI32(clipped.ptr, i + 1, o);
  }
  const trust = allocZeroed(<usize>n << 3);
  const incentive = allocZeroed(<usize>n << 3);
  for (let i = 0; i < n; i++) {
    let t = 0.0;
    const s = getF64(activeStake, i);
    for (let e = clipped.start(i); e < clipped.end(i); e++) {
      const j = getI32(clipped.col, e), v = getF64(clipped.val, e);
      t += v;
      setF64(incentive, j, getF64(incentive, j) + s * v);
    }
    setF64(trust, i, t);
  }
  normalize(incentive, n);

  const bpRaw = param(params, L.P_BONDS_PENALTY);
  const forBonds: Csr = bpRaw == 0 ? w : bpRaw == 65535 ? clipped : interpolateF64(w, clipped, <f64>bpRaw / 65535.0, sc);

  const dividends = allocZeroed(<usize>n << 3);
  const bonds = maskedBonds(params, n);
  const alpha = 1.0 - <f64>param(params, L.P_BONDS_MOVING_AVERAGE) / 1e6;
  const yuma3 = param(params, L.P_YUMA3) != 0;
  for (let e = 0, nz = bonds.nnz(); e < nz; e++) {
    const v = <f64>getI64(bonds.val, e);
    setF64(bonds.val, e, yuma3 ? v / 65535.0 : v);
  }
  let ema: Csr;
  if (yuma3) {
    let anyC = false;
    for (let j = 0; j < n; j++) if (getF64(consensus, j) != 0) anyC = true;
    if (param(params, L.P_LIQUID_ALPHA) != 0 && anyC) {
      ema = liquidAlphaF64(forBonds, bonds, consensus, params, sc);
    } else {
      ema = emaF64(forBonds, bonds, alpha, sc);
    }
    const norm = csrClone(ema);
    colScale(norm, sc, false);
    for (let i = 0; i < n; i++) {
      let t = 0.0;
      for (let e = norm.start(i); e < norm.end(i); e++) t += getF64(norm.val, e) * getF64(incentive, getI32(norm.col, e));
      setF64(dividends, i, t * getF64(activeStake, i));
    }
  } else {
    colScale(bonds, sc, false);
    const delta = forBonds == w || forBonds == clipped ? csrClone(forBonds) : forBonds;
    for (let i = 0; i < n; i++) {
      const s = getF64(activeStake, i);
      for (let e = delta.start(i); e < delta.end(i); e++) setF64(delta.val, e, getF64(delta.val, e) * s);
    }
    colScale(delta, sc, false);
    ema = emaF64(delta, bonds, alpha, sc);
    colScale(ema, sc, false);
    for (let i = 0; i < n; i++) {
      let t = 0.0;
      for (let e = ema.start(i); e < ema.end(i); e++) t += getF64(incentive, getI32(ema.col, e)) * getF64(ema.val, e);
      setF64(dividends, i, t);
    }
    colScale(ema, sc, true);
  }
  normalize(dividends, n);
  return writeResultF64(n, active, newPermits, stake, activeStake, consensus, incentive, dividends, trust, ema,
    <u64>param(params, L.P_RAO_EMISSION));
}

function normalize(p: usize, n: i32): void {
  let s = 0.0;
  for (let i = 0; i < n; i++) s += getF64(p, i);
  if (s == 0) return;
  for (let i = 0; i < n; i++) setF64(p, i, getF64(p, i) / s);
}

/** Column normalisation (sum to 1) or, with `byMax`, column max-upscaling. */
function colScale(m: Csr, sc: Scratch, byMax: bool): void {
  const d = sc.acc2;
  memory.fill(d, 0, <usize>sc.n << 3);
  const nz = m.nnz();
  for (let e = 0; e < nz; e++) {
    const j = getI32(m.col, e), v = getF64(m.val, e);
    setF64(d, j, byMax ? max(getF64(d, j), v) : getF64(d, j) + v);
  }
  for (let e = 0; e < nz; e++) {
    const x = getF64(d, getI32(m.col, e));
    if (x != 0) setF64(m.val, e, getF64(m.val, e) / x);
  }
}

/** Smallest score with stake at or below it above sum − kappa, else the largest (the exact engine's rule). */
function medianF64(stake: usize, w: Csr, n: i32, kappa: f64, out: usize): void {
  let total = 0.0;
  let v = 0;
  for (let i = 0; i < n; i++) if (getF64(stake, i) > 0) { total += getF64(stake, i); v++; }
  if (v == 0) return;
  const minority = 1.0 - kappa;
  const colPtr = allocZeroed(<usize>(n + 1) << 2);
  for (let i = 0; i < n; i++) {
    if (!(getF64(stake, i) > 0)) continue;
    for (let e = w.start(i); e < w.end(i); e++) {
      if (getF64(w.val, e) != 0) { const j = getI32(w.col, e) + 1; setI32(colPtr, j, getI32(colPtr, j) + 1); }
    }
  }
  for (let j = 0; j < n; j++) setI32(colPtr, j + 1, getI32(colPtr, j + 1) + getI32(colPtr, j));
  const fill = allocRaw(<usize>n << 2);
  memory.copy(fill, colPtr, <usize>n << 2);
  const total_ = getI32(colPtr, n);
  const cScore = allocRaw(<usize>total_ << 3), cStake = allocRaw(<usize>total_ << 3);
  for (let i = 0; i < n; i++) {
    const s = getF64(stake, i) / total;
    if (!(s > 0)) continue;
    for (let e = w.start(i); e < w.end(i); e++) {
      const x = getF64(w.val, e);
      if (x != 0) {
        const j = getI32(w.col, e), at = getI32(fill, j);
        setI32(fill, j, at + 1);
        setF64(cScore, at, x);
        setF64(cStake, at, s);
      }
    }
  }
  const sScore = allocRaw(<usize>(v + 1) << 3), sStake = allocRaw(<usize>(v + 1) << 3);
  for (let j = 0; j < n; j++) {
    const a = getI32(colPtr, j), b = getI32(colPtr, j + 1);
    let len = 0;
    let nzStake = 0.0;
    for (let e = a; e < b; e++) {
      setF64(sScore, len, getF64(cScore, e));
      setF64(sStake, len++, getF64(cStake, e));
      nzStake += getF64(cStake, e);
    }
    if (b - a < v) { setF64(sScore, len, 0); setF64(sStake, len++, 1.0 - nzStake); }
    setF64(out, j, selectF64(sScore, sStake, len, minority));
  }
}

function selectF64(score: usize, stake: usize, len: i32, minority: f64): f64 {
  let lo = 0, hi = len;
  let below = 0.0;
  while (true) {
    const p = getF64(score, lo + ((hi - lo) >> 1));
    let lt = lo, i = lo, gt = hi - 1;
    let sLess = 0.0, sEq = 0.0;
    while (i <= gt) {
      const x = getF64(score, i);
      if (x < p) { sLess += getF64(stake, i); swapF(score, stake, lt++, i++); }
      else if (x > p) swapF(score, stake, i, gt--);
      else { sEq += getF64(stake, i); i++; }
    }
    if (lt > lo && below + sLess > minority) { hi = lt; continue; }
    if (below + sLess + sEq > minority) return p;
    if (gt + 1 < hi) { below += sLess + sEq; lo = gt + 1; continue; }
    return p;
  }
  return 0;
}

// @ts-ignore: decorator
@inline function swapF(a: usize, b: usize, i: i32, j: i32): void {
  const x = getF64(a, i), y = getF64(b, i);
  setF64(a, i, getF64(a, j)); setF64(b, i, getF64(b, j));
  setF64(a, j, x); setF64(b, j, y);
}

function interpolateF64(w: Csr, c: Csr, ratio: f64, sc: Scratch): Csr {
  const out = csrAlloc(w.rows, w.nnz());
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    for (let e = c.start(i); e < c.end(i); e++) { setF64(sc.acc, getI32(c.col, e), getF64(c.val, e)); setI32(sc.stamp, getI32(c.col, e), i); }
    const s = w.start(i), len = w.end(i) - s;
    memory.copy(sc.list, w.col + (<usize>s << 2), <usize>len << 2);
    for (let e = s; e < s + len; e++) setF64(sc.acc2, getI32(w.col, e), getF64(w.val, e));
    sortI32(sc.list, len, sc.tmp);
    for (let q = 0; q < len; q++) {
      const j = getI32(sc.list, q), v1 = getF64(sc.acc2, j);
      const v2 = getI32(sc.stamp, j) == i ? getF64(sc.acc, j) : 0.0;
      const x = v1 + ratio * (v2 - v1);
      if (x > 0) { setI32(out.col, o, j); setF64(out.val, o++, x); }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  return out;
}

function emaF64(nw: Csr, old: Csr, alpha: f64, sc: Scratch): Csr {
  const out = csrAlloc(nw.rows, nw.nnz() + old.nnz());
  let o = 0;
  for (let i = 0; i < nw.rows; i++) {
    let len = 0;
    for (let pass = 0; pass < 2; pass++) {
      const m = pass == 0 ? nw : old;
      const a = pass == 0 ? alpha : 1.0 - alpha;
      for (let e = m.start(i); e < m.end(i); e++) {
        const j = getI32(m.col, e), add = a * getF64(m.val, e);
        if (getI32(sc.stamp, j) != i) { setI32(sc.stamp, j, i); setF64(sc.acc, j, add); setI32(sc.list, len++, j); }
        else setF64(sc.acc, j, getF64(sc.acc, j) + add);
      }
    }
    sortI32(sc.list, len, sc.tmp);
    for (let q = 0; q < len; q++) {
      const j = getI32(sc.list, q), v = getF64(sc.acc, j);
      if (v > 0) { setI32(out.col, o, j); setF64(out.val, o++, v); }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  return out;
}

function liquidAlphaF64(w: Csr, bonds: Csr, consensus: usize, params: usize, sc: Scratch): Csr {
  const lo = <f64>param(params, L.P_ALPHA_LOW) / 65535.0, hi = <f64>param(params, L.P_ALPHA_HIGH) / 65535.0;
  const slope = <f64>param(params, L.P_ALPHA_STEEPNESS) / -100.0;
  const out = csrAlloc(w.rows, w.nnz());
  let o = 0;
  for (let i = 0; i < w.rows; i++) {
    let maxCol = -1;
    for (let e = bonds.start(i); e < bonds.end(i); e++) {
      const j = getI32(bonds.col, e), v = getF64(bonds.val, e);
      setF64(sc.acc, j, v); setI32(sc.stamp, j, i);
      if (j > maxCol) { maxCol = j; setF64(sc.acc2, j, v); setI32(sc.stamp2, j, i); }
    }
    maxCol = -1;
    for (let e = w.start(i); e < w.end(i); e++) {
      const j = getI32(w.col, e), nv = getF64(w.val, e);
      const wv = j > maxCol ? nv : 0.0;
      if (j > maxCol) maxCol = j;
      const bv = getI32(sc.stamp2, j) == i ? getF64(sc.acc2, j) : 0.0;
      const c = getF64(consensus, j);
      const d = wv >= bv ? wv - c : bv - wv;
      const combined = d < 0 ? 0 : d > 1 ? 1 : d;
      const x = min(20.0, max(-20.0, slope * (combined - 0.5)));
      const a = min(hi, max(lo, lo + (hi - lo) / (1.0 + Math.exp(x))));
      const decayed = getI32(sc.stamp, j) == i ? (1.0 - a) * getF64(sc.acc, j) : 0.0;
      const val = min(1.0, decayed + max(0.0, a * nv));
      if (val > 0) { setI32(out.col, o, j); setF64(out.val, o++, val); }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  memory.fill(sc.stamp2, 0xff, <usize>sc.n << 2);
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

function writeResultF64(
  n: i32, active: usize, newPermits: usize, stake: usize, activeStake: usize, consensus: usize, incentive: usize,
  dividends: usize, trust: usize, ema: Csr, raoU: u64,
): usize {
  const res = allocZeroed(<usize>L.RESULT_SLOTS << 3);
  const rao = <f64>raoU;
  let sum = 0.0;
  for (let i = 0; i < n; i++) sum += getF64(incentive, i) + getF64(dividends, i);
  let activeSum = 0.0;
  for (let i = 0; i < n; i++) activeSum += getF64(activeStake, i);
  const fallback = activeSum == 0 ? stake : activeStake;
  const se = allocRaw(<usize>n << 3), ve = allocRaw(<usize>n << 3), ce = allocRaw(<usize>n << 3);
  for (let i = 0; i < n; i++) {
    const inc = getF64(incentive, i), div = getF64(dividends, i);
    setU64(se, i, sum != 0 ? toRao(inc / sum, rao) : toRao(inc, rao));
    setU64(ve, i, toRao(sum != 0 ? div / sum : getF64(fallback, i), rao));
    setU64(ce, i, toRao(sum != 0 ? (inc + div) / sum : getF64(fallback, i), rao));
  }
  const u16s = allocRaw(<usize>(5 * n) << 1);
  for (let i = 0; i < n; i++) {
    setU16(u16s, i, toU16(getF64(stake, i)));
    setU16(u16s, n + i, toU16(getF64(consensus, i)));
    setU16(u16s, 2 * n + i, toU16(getF64(incentive, i)));
    setU16(u16s, 3 * n + i, toU16(getF64(dividends, i)));
    setU16(u16s, 4 * n + i, toU16(getF64(trust, i)));
  }
  const bPtr = allocZeroed(<usize>(n + 1) << 2);
  const bCol = allocRaw(<usize>ema.nnz() << 1), bVal = allocRaw(<usize>ema.nnz() << 1);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (getU8(newPermits, i)) {
      for (let e = ema.start(i); e < ema.end(i); e++) {
        setU16(bCol, o, getI32(ema.col, e));
        setU16(bVal, o++, toU16(getF64(ema.val, e)));
      }
    }
    setI32(bPtr, i + 1, o);
  }
  const slots: StaticArray<usize> = [active, newPermits, stake, activeStake, consensus, incentive, dividends, trust,
    u16s, se, ve, ce, bPtr, bCol, bVal];
  for (let s = 0; s < L.RESULT_SLOTS; s++) setI64(res, s, <i64>unchecked(slots[s]));
  return res;
}

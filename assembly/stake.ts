// Stake as the epoch sees it: threshold filter, `inplace_normalize_64` in I64F64, then `vec_fixed64_to_fixed32`.
//
// Stakes are u64 rao turned into I64F64 (saturating at 2^63 − 2^-64). When no stake reaches 2^63 and their sum fits
// below 2^63, the chain's (s·2^64 << 64) / (S·2^64), truncated, then floored to 32 fraction bits, is exactly
// floor(s·2^32 / S): one 128-by-64 division per uid. Anything larger takes the literal 128-bit path, where the sum
// wraps (a release build's `Iterator::sum`) and an overflowing quotient becomes 0 (`safe_div`).
import { divlu, I64_MAX, I64_MIN } from './fixed';
import { allocRaw, getU64, setI64, setU64 } from './mem';

const TOP: u64 = <u64>1 << 63;

/**
 * Writes the normalised I32F32 stake of each uid to `out`. A uid other than the owner whose stake (floored, as u64)
 * is below `threshold` counts as 0.
 */
export function normalizeStake(stake: usize, n: i32, threshold: u64, owner: i32, out: usize): void {
  const filtered = allocRaw(<usize>n << 3);
  let sum: u64 = 0;
  let fast = true;
  for (let i = 0; i < n; i++) {
    const s = getU64(stake, i);
    // fixed64_to_u64 of a saturated I64F64 is 2^63 - 1.
    const whole = s >= TOP ? TOP - 1 : s;
    const f: u64 = i != owner && whole < threshold ? 0 : s;
    setU64(filtered, i, f);
    if (f >= TOP) fast = false;
    sum += f;
    if (sum >= TOP) fast = false;
  }
  if (fast) {
    for (let i = 0; i < n; i++) {
      const s = getU64(filtered, i);
      // sum == 0 means every stake is 0: the chain leaves the zeros as they are.
      setI64(out, i, sum == 0 ? 0 : <i64>divlu(s >> 32, s << 32, sum));
    }
    return;
  }
  normalizeStakeWide(filtered, n, out);
}

/** The literal I64F64 path, for stakes or sums at or above 2^63 rao. */
function normalizeStakeWide(filtered: usize, n: i32, out: usize): void {
  // Each stake as I64F64 bits (hi:lo), and their wrapping 128-bit sum.
  const hi = allocRaw(<usize>n << 3), lo = allocRaw(<usize>n << 3);
  let sHi: u64 = 0, sLo: u64 = 0;
  for (let i = 0; i < n; i++) {
    const s = getU64(filtered, i);
    const h: u64 = s >= TOP ? TOP - 1 : s;
    const l: u64 = s >= TOP ? <u64>-1 : 0;
    setU64(hi, i, h);
    setU64(lo, i, l);
    const nl = sLo + l;
    sHi += h + (nl < sLo ? 1 : 0);
    sLo = nl;
  }
  if (sHi == 0 && sLo == 0) {
    // No-op normalisation; the I64F64 → I32F32 conversion drops 32 fraction bits and saturates.
    for (let i = 0; i < n; i++) {
      const h = getU64(hi, i);
      setI64(out, i, h >= (<u64>1 << 31) ? I64_MAX : <i64>((h << 32) | (getU64(lo, i) >> 32)));
    }
    return;
  }
  const negSum = (sHi >> 63) != 0;
  let dHi = sHi, dLo = sLo;
  if (negSum) {
    dLo = ~sLo + 1;
    dHi = ~sHi + (dLo == 0 ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    const h = getU64(hi, i), l = getU64(lo, i);
    if (h == 0 && l == 0) {
      setI64(out, i, 0);
      continue;
    }
    // Quotient of the 192-bit (h:l:0) by the 128-bit divisor.
    divWide192(h, l, 0, dHi, dLo);
    const q2 = qLimb2, q1 = qLimb1, q0 = qLimb0;
    // The I64F64 quotient must fit i128: at most 2^127 - 1, or 2^127 in magnitude when negative.
    const tooBig = q2 != 0 || (negSum ? q1 > TOP || (q1 == TOP && q0 != 0) : q1 >= TOP);
    if (tooBig) {
      setI64(out, i, 0);
      continue;
    }
    // floor(q / 2^32) for q ≥ 0; -ceil(q / 2^32) for a negative quotient; then saturate into i64.
    let mHi = q1 >> 32;
    let mLo = (q1 << 32) | (q0 >> 32);
    if (negSum && (q0 & 0xffffffff) != 0) {
      mLo += 1;
      if (mLo == 0) mHi += 1;
    }
    if (!negSum) {
      setI64(out, i, mHi != 0 || mLo >= TOP ? I64_MAX : <i64>mLo);
    } else {
      setI64(out, i, mHi != 0 || mLo > TOP ? I64_MIN : <i64>(<u64>0 - mLo));
    }
  }
}

let qLimb2: u64 = 0, qLimb1: u64 = 0, qLimb0: u64 = 0;

/** Bitwise long division of the 192-bit (n2:n1:n0) by the 128-bit (d1:d0) > 0; the quotient goes to qLimb2..0. */
function divWide192(n2: u64, n1: u64, n0: u64, d1: u64, d0: u64): void {
  let r2: u64 = 0, r1: u64 = 0, r0: u64 = 0;
  let q2: u64 = 0, q1: u64 = 0, q0: u64 = 0;
  for (let bit = 191; bit >= 0; bit--) {
    const word = bit >= 128 ? n2 : bit >= 64 ? n1 : n0;
    const b = (word >> <u64>(bit & 63)) & 1;
    r2 = (r2 << 1) | (r1 >> 63);
    r1 = (r1 << 1) | (r0 >> 63);
    r0 = (r0 << 1) | b;
    const ge = r2 != 0 || r1 > d1 || (r1 == d1 && r0 >= d0);
    if (ge) {
      const borrow: u64 = r0 < d0 ? 1 : 0;
      r0 -= d0;
      const nr1 = r1 - d1 - borrow;
      if (r1 < d1 + borrow || (d1 == <u64>-1 && borrow == 1)) r2 -= 1;
      r1 = nr1;
      if (bit >= 128) q2 |= <u64>1 << <u64>(bit - 128);
      else if (bit >= 64) q1 |= <u64>1 << <u64>(bit - 64);
      else q0 |= <u64>1 << <u64>bit;
    }
  }
  qLimb2 = q2;
  qLimb1 = q1;
  qLimb0 = q0;
}

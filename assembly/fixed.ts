// Fixed-point arithmetic of substrate-fixed v0.6.0 on raw i64 bits, as the chain's epoch uses it.
//
// I32F32 values are i64 bits with 32 fraction bits. The chain multiplies in double width and shifts right
// arithmetically (floor toward -inf); it divides `(a << 32) / b` in double width, truncating toward zero.
// WebAssembly has no 128-bit integers, so products and quotients are assembled from 64-bit halves here.
// Every function has a fast path for the common case of non-negative values below 2^32 (proportions),
// where one native 64-bit operation gives the exact answer. (Native 64-bit division is fast on the reference
// machine, an AMD Zen 5: a float-reciprocal scheme measured slower there, so plain division it is.)

export const I64_MAX: i64 = 0x7fffffffffffffff;
export const I64_MIN: i64 = -0x7fffffffffffffff - 1;
export const ONE: i64 = 1 << 32;
export const HALF: i64 = 1 << 31;
/** I32F32 bits of 65535. */
export const U16_MAX_FIXED: i64 = (<i64>65535) << 32;
const LOW32: u64 = 0xffffffff;

/** High word of the last wide product or the remainder of the last division (a second return value). */
export let wideHi: u64 = 0;
/** Set by checked operations that overflowed; callers clear it first. */
export let overflowed: bool = false;

/** The high 64 bits of the unsigned 128-bit product a·b; the low 64 bits are a·b (wrapping). */
// @ts-ignore: decorator
@inline export function umulhi(a: u64, b: u64): u64 {
  const a0 = a & LOW32, a1 = a >> 32, b0 = b & LOW32, b1 = b >> 32;
  const p0 = a0 * b0, p1 = a0 * b1, p2 = a1 * b0, p3 = a1 * b1;
  const mid = (p0 >> 32) + (p1 & LOW32) + (p2 & LOW32);
  return p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

/** The signed high 64 bits of the 128-bit product a·b. */
// @ts-ignore: decorator
@inline export function smulhi(a: i64, b: i64): i64 {
  let hi = <i64>umulhi(<u64>a, <u64>b);
  if (a < 0) hi -= b;
  if (b < 0) hi -= a;
  return hi;
}

/**
 * Unsigned (hi:lo) / v for hi < v, so the quotient fits 64 bits. The remainder is left in `wideHi`.
 * Knuth's algorithm D on 32-bit digits, as in Hacker's Delight `divlu`.
 */
export function divlu(hi: u64, lo: u64, v: u64): u64 {
  const s = <u64>clz<u64>(v);
  v <<= s;
  const un32 = s == 0 ? hi : (hi << s) | (lo >> (64 - s));
  const un10 = lo << s;
  const vn1 = v >> 32, vn0 = v & LOW32;
  const un1 = un10 >> 32, un0 = un10 & LOW32;
  let q1 = un32 / vn1;
  let rhat = un32 - q1 * vn1;
  while (q1 > LOW32 || q1 * vn0 > ((rhat << 32) | un1)) {
    q1 -= 1;
    rhat += vn1;
    if (rhat > LOW32) break;
  }
  const un21 = ((un32 << 32) | un1) - q1 * v;
  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 > LOW32 || q0 * vn0 > ((rhat << 32) | un0)) {
    q0 -= 1;
    rhat += vn1;
    if (rhat > LOW32) break;
  }
  wideHi = (((un21 << 32) | un0) - q0 * v) >> s;
  return (q1 << 32) | q0;
}

/** I32F32 multiplication, floor, saturating at the type's bounds (`saturating_mul`). */
// @ts-ignore: decorator
@inline export function mulSat(a: i64, b: i64): i64 {
  if (((<u64>a | <u64>b) >> 32) == 0) return <i64>((<u64>a * <u64>b) >> 32);
  // Proportions of exactly 1.0 are common (a column with a single bond, a max-upscaled entry).
  if (a == ONE) return b;
  if (b == ONE) return a;
  return mulSatWide(a, b);
}

/** The general case of mulSat: any signs and magnitudes. */
export function mulSatWide(a: i64, b: i64): i64 {
  const hi = smulhi(a, b);
  const lo = <u64>(a * b);
  // The result is (hi:lo) >> 32, a 96-bit value; it fits i64 exactly when hi fits i32.
  if (hi > <i64>0x7fffffff) return I64_MAX;
  if (hi < -<i64>0x80000000) return I64_MIN;
  return (hi << 32) | <i64>(lo >> 32);
}

/** I32F32 multiplication, floor; sets `overflowed` instead of saturating (`checked_mul`). */
export function mulChecked(a: i64, b: i64): i64 {
  if (((<u64>a | <u64>b) >> 32) == 0) return <i64>((<u64>a * <u64>b) >> 32);
  const hi = smulhi(a, b);
  const lo = <u64>(a * b);
  if (hi > <i64>0x7fffffff || hi < -<i64>0x80000000) {
    overflowed = true;
    return 0;
  }
  return (hi << 32) | <i64>(lo >> 32);
}

/** `checked_mul(..).unwrap_or_default()`: the product, or 0 when it overflows (`vec_mul`). */
export function mulCheckedOrZero(a: i64, b: i64): i64 {
  overflowed = false;
  const r = mulChecked(a, b);
  if (overflowed) {
    overflowed = false;
    return 0;
  }
  return r;
}

/**
 * I32F32 division `(a << 32) / b` truncated toward zero. Sets `overflowed` when b is 0 or the quotient does not fit.
 */
export function divChecked(a: i64, b: i64): i64 {
  if (b == 0) {
    overflowed = true;
    return 0;
  }
  if (b > 0 && (<u64>a >> 32) == 0) {
    const q = (<u64>a << 32) / <u64>b;
    if ((q >> 63) != 0) {
      overflowed = true;
      return 0;
    }
    return <i64>q;
  }
  const neg = (a < 0) != (b < 0);
  const ua: u64 = a < 0 ? <u64>0 - <u64>a : <u64>a;
  const ub: u64 = b < 0 ? <u64>0 - <u64>b : <u64>b;
  const nhi = ua >> 32;
  const nlo = ua << 32;
  if (nhi >= ub) {
    overflowed = true;
    return 0;
  }
  const q = divlu(nhi, nlo, ub);
  if (neg) {
    if (q > (<u64>1 << 63)) {
      overflowed = true;
      return 0;
    }
    return <i64>(<u64>0 - q);
  }
  if ((q >> 63) != 0) {
    overflowed = true;
    return 0;
  }
  return <i64>q;
}

/** `safe_div`: the checked quotient, or 0 on a zero divisor or an overflow. */
// @ts-ignore: decorator
@inline export function safeDiv(a: i64, b: i64): i64 {
  if (b > 0 && (<u64>a >> 32) == 0) {
    const q = (<u64>a << 32) / <u64>b;
    return (q >> 63) != 0 ? 0 : <i64>q;
  }
  // Integer-valued operands (u16 weights and bonds read as integers): (A·2^32 << 32) / (B·2^32) = A·2^32 / B.
  if (((a | b) & <i64>LOW32) == 0 && a >= 0 && b > 0) return a / (b >> 32);
  return safeDivWide(a, b);
}

/** The general case of safeDiv. */
export function safeDivWide(a: i64, b: i64): i64 {
  overflowed = false;
  const q = divChecked(a, b);
  if (overflowed) {
    overflowed = false;
    return 0;
  }
  return q;
}

/** `saturating_div`: the quotient clamped to the type's bounds by the sign of the true result (b != 0). */
export function divSat(a: i64, b: i64): i64 {
  overflowed = false;
  const q = divChecked(a, b);
  if (overflowed) {
    overflowed = false;
    return (a < 0) != (b < 0) ? I64_MIN : I64_MAX;
  }
  return q;
}

/** `saturating_add`. */
// @ts-ignore: decorator
@inline export function addSat(a: i64, b: i64): i64 {
  const s = a + b;
  // Overflow happened when both operands have the same sign and the sum's sign differs.
  if (((a ^ s) & (b ^ s)) < 0) return a < 0 ? I64_MIN : I64_MAX;
  return s;
}

/** `saturating_sub`. */
// @ts-ignore: decorator
@inline export function subSat(a: i64, b: i64): i64 {
  const s = a - b;
  if (((a ^ b) & (a ^ s)) < 0) return a < 0 ? I64_MIN : I64_MAX;
  return s;
}

/** `fixed_proportion_to_u16`: floor(x·65535) clamped to 0..65535. */
// @ts-ignore: decorator
@inline export function proportionToU16(x: i64): i32 {
  if (x <= 0) return 0;
  // From 2^47 up the product saturates (or exceeds 65535 anyway); below it, x·65535 fits i64 exactly.
  if (x >= (<i64>1 << 47)) return 65535;
  const v = <i32>((x * 65535) >> 32);
  return v > 65535 ? 65535 : v;
}

/** `u16_proportion_to_fixed` / `fixed_to_fixed_u16_proportion` of a u16: trunc(v·2^32/65535). */
// @ts-ignore: decorator
@inline export function u16ProportionToFixed(v: i32): i64 {
  return <i64>((<u64>v << 32) / 65535);
}

/**
 * `I96F32(x) * I96F32(rao)` then `saturating_to_num::<u64>()`: floor(x_bits·rao / 2^32), clamped to 0..2^64-1.
 * The product of an i64 and a u64 fits the 128-bit I96F32, so it never saturates there.
 */
export function emissionRao(x: i64, rao: u64): u64 {
  if (x <= 0) return 0;
  const hi = umulhi(<u64>x, rao);
  const lo = <u64>x * rao;
  if ((hi >> 32) != 0) return <u64>-1;
  return (hi << 32) | (lo >> 32);
}

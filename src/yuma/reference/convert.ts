import { I32F32, I64F64, i64f64ToI32F32 } from './fixed.js';

/*
 * The conversion helpers at the top of the chain's math.rs, between integers, u16 proportions and fixed types.
 */

const U16_MAX_FIXED = I32F32.fromInt(65535);

/** `fixed_to_u16`: floor of an I32F32, clamped to 0..65535. */
export function fixedToU16(x: bigint): number {
  return I32F32.toU16(x);
}

/** `fixed_to_u64`: floor of an I32F32, clamped to 0..2^64-1. */
export function fixedToU64(x: bigint): bigint {
  return I32F32.toU64(x);
}

/** `fixed64_to_u64`: floor of an I64F64, clamped to 0..2^64-1. */
export function fixed64ToU64(x: bigint): bigint {
  return I64F64.toU64(x);
}

/** `fixed64_to_fixed32`: I64F64 to I32F32, low bits dropped (floor) then saturated. */
export function fixed64ToFixed32(x: bigint): bigint {
  return i64f64ToI32F32(x);
}

/** `vec_fixed64_to_fixed32`: fixed64ToFixed32 on every element. */
export function vecFixed64ToFixed32(xs: readonly bigint[]): bigint[] {
  return xs.map(fixed64ToFixed32);
}

/** `u16_to_fixed`: a u16 as an integer-valued I32F32 (not divided by 65535). */
export function u16ToFixed(x: number): bigint {
  return I32F32.fromInt(x);
}

/** `u16_proportion_to_fixed`: `x / 65535` with the division truncated. */
export function u16ProportionToFixed(x: number): bigint {
  return I32F32.safeDiv(I32F32.fromInt(x), U16_MAX_FIXED);
}

/** `fixed_to_fixed_u16_proportion`: an I32F32 divided by 65535 (truncated), 0 on overflow. */
export function fixedToFixedU16Proportion(x: bigint): bigint {
  return I32F32.safeDiv(x, U16_MAX_FIXED);
}

/** `fixed_proportion_to_u16`: floor(x·65535) with a saturating product, clamped to 0..65535. */
export function fixedProportionToU16(x: bigint): number {
  return fixedToU16(I32F32.saturatingMul(x, U16_MAX_FIXED));
}

/** `vec_fixed_proportions_to_u16`: fixedProportionToU16 on every element. */
export function vecFixedProportionsToU16(xs: readonly bigint[]): number[] {
  return xs.map(fixedProportionToU16);
}

/** `clamp_value(v, low, high)`: `v.min(high).max(low)` (low wins if the bounds cross). */
export function clampValue(value: bigint, low: bigint, high: bigint): bigint {
  const capped = value < high ? value : high;
  return capped > low ? capped : low;
}

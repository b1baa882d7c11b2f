/*
 * Signed fixed-point arithmetic on raw bits, with the exact semantics of substrate-fixed v0.6.0 as the subtensor
 * runtime uses it. A fixed value is represented by its raw two's-complement bits as a bigint, so an I32F32 holding
 * 0.5 is the bigint 2^31. BigInt keeps every intermediate exact (double-width products, wide shifted dividends), which
 * is what makes this module usable as the oracle for the WASM engine.
 */

/** Operations on one signed fixed-point format, all on raw bits. */
export interface FixedOps {
  /** The format's name, e.g. `I32F32`. */
  readonly name: string;
  /** Width of the raw bits. */
  readonly totalBits: bigint;
  /** Number of fractional bits. */
  readonly fracBits: bigint;
  /** Smallest representable raw value. */
  readonly MIN: bigint;
  /** Largest representable raw value. */
  readonly MAX: bigint;
  /** Raw bits of 1.0. */
  readonly ONE: bigint;
  /** Clamps raw bits into the type's range. */
  saturate(bits: bigint): bigint;
  /** Wraps raw bits to the type's width in two's complement (a release-build `+` overflow). */
  wrap(bits: bigint): bigint;
  /** Whether raw bits lie in the type's range. */
  inRange(bits: bigint): boolean;
  /** `saturating_from_num` of an integer: exact when it fits, else clamped. */
  fromInt(value: bigint | number): bigint;
  /** `saturating_from_num` of an f64 (pass `Math.fround(x)` for an f32): nearest, ties to even, clamped. */
  fromFloat(value: number): bigint;
  /** `checked_mul`: floor of the full product shifted right by the fraction bits, null when out of range. */
  checkedMul(a: bigint, b: bigint): bigint | null;
  /** `saturating_mul`: as checkedMul, clamped by the sign of the product on overflow. */
  saturatingMul(a: bigint, b: bigint): bigint;
  /** `checked_div`: `(a << frac) / b` truncated toward zero, null on a zero divisor or overflow. */
  checkedDiv(a: bigint, b: bigint): bigint | null;
  /** `saturating_div`: as checkedDiv, clamped by the signs on overflow; a zero divisor panics (throws). */
  saturatingDiv(a: bigint, b: bigint): bigint;
  /** safe-math `safe_div`: checkedDiv, or 0 on a zero divisor or overflow. */
  safeDiv(a: bigint, b: bigint): bigint;
  /** `checked_add`: null on overflow. */
  checkedAdd(a: bigint, b: bigint): bigint | null;
  /** `saturating_add`. */
  saturatingAdd(a: bigint, b: bigint): bigint;
  /** `saturating_sub`. */
  saturatingSub(a: bigint, b: bigint): bigint;
  /** Plain `+` in a release build: wrapping two's-complement addition. */
  wrappingAdd(a: bigint, b: bigint): bigint;
  /** `Iterator::sum`: a fold of plain (wrapping) `+` starting at 0. */
  sum(values: readonly bigint[]): bigint;
  /** `checked_neg`: null for MIN. */
  checkedNeg(a: bigint): bigint | null;
  /** `saturating_to_num::<u64>()`: floor, clamped to 0..2^64-1. */
  toU64(a: bigint): bigint;
  /** `saturating_to_num::<u16>()`: floor, clamped to 0..65535. */
  toU16(a: bigint): number;
  /** The value as an f64, for messages and approximate test comparisons only. */
  toFloat(a: bigint): number;
}

const U64_MAX = (1n << 64n) - 1n;

/** Floor division by 2^shift (BigInt `>>` is an arithmetic shift, i.e. floor toward −∞). */
function floorShift(value: bigint, shift: bigint): bigint {
  return value >> shift;
}

/** Exact value of a finite f64 as `mantissa * 2^exponent` with an integer mantissa. */
function decomposeFloat(value: number): { mantissa: bigint; exponent: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: bigint;
  if (biased === 0) {
    exponent = -1074n; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = BigInt(biased) - 1075n;
  }
  return { mantissa: negative ? -mantissa : mantissa, exponent };
}

/** Rounds `m / 2^shift` to the nearest integer, ties to even (shift > 0). */
function roundShiftTiesEven(m: bigint, shift: bigint): bigint {
  const negative = m < 0n;
  const abs = negative ? -m : m;
  let q = abs >> shift;
  const rem = abs - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  return negative ? -q : q;
}

/** Builds the operations of a signed fixed-point type with `totalBits` raw bits and `fracBits` fraction bits. */
export function fixedOps(name: string, totalBits: number, fracBits: number): FixedOps {
  const total = BigInt(totalBits);
  const frac = BigInt(fracBits);
  const MIN = -(1n << (total - 1n));
  const MAX = (1n << (total - 1n)) - 1n;
  const ONE = 1n << frac;
  const inRange = (bits: bigint): boolean => bits >= MIN && bits <= MAX;
  const saturate = (bits: bigint): bigint => (bits < MIN ? MIN : bits > MAX ? MAX : bits);
  const wrap = (bits: bigint): bigint => BigInt.asIntN(totalBits, bits);

  const checkedMul = (a: bigint, b: bigint): bigint | null => {
    const bits = floorShift(a * b, frac);
    return inRange(bits) ? bits : null;
  };
  const checkedDiv = (a: bigint, b: bigint): bigint | null => {
    if (b === 0n) return null;
    const bits = (a << frac) / b;
    return inRange(bits) ? bits : null;
  };
  const wrappingAdd = (a: bigint, b: bigint): bigint => wrap(a + b);

  return {
    name,
    totalBits: total,
    fracBits: frac,
    MIN,
    MAX,
    ONE,
    saturate,
    wrap,
    inRange,
    fromInt: (value) => saturate(BigInt(value) << frac),
    fromFloat: (value) => {
      if (Number.isNaN(value)) throw new RangeError(`${name}: cannot convert NaN`);
      if (value === Infinity) return MAX;
      if (value === -Infinity) return MIN;
      const { mantissa, exponent } = decomposeFloat(value);
      const shift = exponent + frac;
      const bits = shift >= 0n ? mantissa << shift : roundShiftTiesEven(mantissa, -shift);
      return saturate(bits);
    },
    checkedMul,
    saturatingMul: (a, b) => {
      const bits = checkedMul(a, b);
      if (bits !== null) return bits;
      return a < 0n !== b < 0n ? MIN : MAX;
    },
    checkedDiv,
    saturatingDiv: (a, b) => {
      if (b === 0n) throw new RangeError(`${name}::saturating_div: division by zero`);
      const bits = checkedDiv(a, b);
      if (bits !== null) return bits;
      return a < 0n !== b < 0n ? MIN : MAX;
    },
    safeDiv: (a, b) => checkedDiv(a, b) ?? 0n,
    checkedAdd: (a, b) => (inRange(a + b) ? a + b : null),
    saturatingAdd: (a, b) => saturate(a + b),
    saturatingSub: (a, b) => saturate(a - b),
    wrappingAdd,
    sum: (values) => values.reduce(wrappingAdd, 0n),
    checkedNeg: (a) => (inRange(-a) ? -a : null),
    toU64: (a) => {
      const int = floorShift(a, frac);
      return int < 0n ? 0n : int > U64_MAX ? U64_MAX : int;
    },
    toU16: (a) => {
      const int = floorShift(a, frac);
      return int < 0n ? 0 : int > 65535n ? 65535 : Number(int);
    },
    toFloat: (a) => Number(a) / 2 ** fracBits,
  };
}

/** I32F32: i64 bits, 32 fraction bits. Almost the whole epoch runs in this type. */
export const I32F32 = fixedOps('I32F32', 64, 32);
/** I64F64: i128 bits, 64 fraction bits. Stake normalisation and the bonds moving average. */
export const I64F64 = fixedOps('I64F64', 128, 64);
/** I96F32: i128 bits, 32 fraction bits. The rao emission products. */
export const I96F32 = fixedOps('I96F32', 128, 32);

/** `I32F32::saturating_from_num(I64F64)`: drops the 32 extra fraction bits (floor), then saturates. */
export function i64f64ToI32F32(bits: bigint): bigint {
  return I32F32.saturate(bits >> 32n);
}

/** `I64F64::saturating_from_num(I32F32)`: exact. */
export function i32f32ToI64F64(bits: bigint): bigint {
  return bits << 32n;
}

/** `I96F32::saturating_from_num(I32F32)`: exact (same fraction bits, wider integer part). */
export function i32f32ToI96F32(bits: bigint): bigint {
  return bits;
}

/** substrate_fixed::transcendental::E as I9F23 bits (floor(e·2^23)), the value `exp` returns for exactly 1.0. */
export const EXP_E_I9F23_BITS = 22802600n;

/**
 * `substrate_fixed::transcendental::exp::<I32F32, I32F32>`: a 31-term Taylor series with checked arithmetic.
 * Returns null where the library returns `Err(())` (any overflow on the way).
 */
export function expI32F32(x: bigint): bigint | null {
  const F = I32F32;
  if (x === 0n) return F.ONE;
  // The library compares against its I9F23 constant ONE and answers with its low-precision constant E.
  if (x === F.ONE) return EXP_E_I9F23_BITS << 9n;
  const negative = x < 0n;
  const operand = negative ? F.checkedNeg(x) : x;
  if (operand === null) return null;
  let result = F.checkedAdd(operand, F.ONE);
  if (result === null) return null;
  let term: bigint | null = operand;
  // `for i in 2..D::frac_nbits()`: i = 2..=31 for 32 fraction bits.
  for (let i = 2; i < 32; i++) {
    term = F.checkedMul(term, operand);
    if (term === null) return null;
    term = F.checkedDiv(term, F.fromInt(i));
    if (term === null) return null;
    result = F.checkedAdd(result, term);
    if (result === null) return null;
  }
  return negative ? F.checkedDiv(F.ONE, result) : result;
}

/** The chain's `exp_safe`: input clamped to [−20, 20]; an `exp` error gives 0 (input ≤ 0) or I32F32::MAX. */
export function expSafe(input: bigint): bigint {
  const minInput = I32F32.fromInt(-20);
  const maxInput = I32F32.fromInt(20);
  const safeInput = input < minInput ? minInput : input > maxInput ? maxInput : input;
  const out = expI32F32(safeInput);
  if (out !== null) return out;
  return safeInput <= 0n ? 0n : I32F32.MAX;
}

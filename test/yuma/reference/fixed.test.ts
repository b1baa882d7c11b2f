import { describe, expect, it } from 'vitest';
import {
  EXP_E_I9F23_BITS,
  expI32F32,
  expSafe,
  I32F32,
  I64F64,
  I96F32,
  i64f64ToI32F32,
} from '../../../src/yuma/reference/fixed.js';
import {
  fixed64ToFixed32,
  fixed64ToU64,
  fixedProportionToU16,
  fixedToU16,
  fixedToU64,
  u16ProportionToFixed,
  u16ToFixed,
  vecFixed64ToFixed32,
} from '../../../src/yuma/reference/convert.js';
import { bondsMovingAverageAlpha } from '../../../src/yuma/reference/ema.js';
import { f32, fx, fx64 } from './helpers.js';

const U64_MAX = (1n << 64n) - 1n;
const ULP = 1n;

describe('from_num rounding (nearest, ties to even)', () => {
  it('rounds half-ulp ties to the even neighbour', () => {
    expect(fx(2 ** -33)).toBe(0n); // 0.5 ulp
    expect(fx(3 * 2 ** -33)).toBe(2n); // 1.5 ulp
    expect(fx(5 * 2 ** -33)).toBe(2n); // 2.5 ulp
    expect(fx(-(3 * 2 ** -33))).toBe(-2n);
    expect(fx(0.75 * 2 ** -32)).toBe(1n);
  });

  it('distinguishes f32 and f64 literals', () => {
    // 0.1f64 * 2^32 = 429496729.6 -> 429496730; 0.1f32 = 13421773 * 2^-27 -> exactly 429496736.
    expect(fx(0.1)).toBe(429496730n);
    expect(f32(0.1)).toBe(429496736n);
  });

  it('saturates out-of-range values', () => {
    expect(I32F32.fromFloat(1e30)).toBe(I32F32.MAX);
    expect(I32F32.fromFloat(-1e30)).toBe(I32F32.MIN);
    expect(I32F32.fromInt(2n ** 40n)).toBe(I32F32.MAX);
    expect(I64F64.fromInt(2n ** 63n)).toBe(I64F64.MAX);
    expect(I64F64.fromInt(2n ** 63n - 1n)).toBe((2n ** 63n - 1n) << 64n);
  });
});

describe('multiplication floors, division truncates toward zero', () => {
  it('mul of a negative product rounds toward −∞', () => {
    expect(I32F32.checkedMul(-ULP, fx(0.5))).toBe(-1n);
    expect(I32F32.checkedMul(ULP, fx(0.5))).toBe(0n);
    expect(I32F32.checkedMul(fx(-1.5), fx(1.5))).toBe(fx(-2.25));
  });

  it('div rounds toward zero for both signs', () => {
    expect(I32F32.checkedDiv(-ULP, fx(2))).toBe(0n);
    expect(I32F32.checkedDiv(ULP, fx(2))).toBe(0n);
    expect(I32F32.checkedDiv(fx(-1), fx(3))).toBe(-(2n ** 32n / 3n));
  });

  it('vecdiv cases of tests/math.rs: fixed(1)/fixed(3) is trunc(2^32/3)', () => {
    expect(I32F32.safeDiv(f32(1), f32(3))).toBe(1431655765n);
    expect(I32F32.safeDiv(f32(10), f32(2))).toBe(f32(5));
    expect(I32F32.safeDiv(f32(1), f32(0))).toBe(0n);
  });

  it('checked ops return null on overflow, saturating ops clamp by sign', () => {
    expect(I32F32.checkedMul(I32F32.MAX, fx(2))).toBeNull();
    expect(I32F32.saturatingMul(I32F32.MAX, fx(2))).toBe(I32F32.MAX);
    expect(I32F32.saturatingMul(I32F32.MAX, fx(-2))).toBe(I32F32.MIN);
    expect(I32F32.saturatingMul(I32F32.MIN, fx(-2))).toBe(I32F32.MAX);
    expect(I32F32.checkedDiv(fx(1), 0n)).toBeNull();
    expect(I32F32.checkedDiv(I32F32.MAX, ULP)).toBeNull();
    expect(I32F32.saturatingDiv(fx(-5), ULP)).toBe(I32F32.MIN);
    expect(() => I32F32.saturatingDiv(fx(1), 0n)).toThrow(RangeError);
    expect(I32F32.checkedAdd(I32F32.MAX, ULP)).toBeNull();
    expect(I32F32.saturatingAdd(I32F32.MAX, ULP)).toBe(I32F32.MAX);
    expect(I32F32.saturatingSub(I32F32.MIN, ULP)).toBe(I32F32.MIN);
  });

  it('safe_div gives 0 on a zero divisor and on overflow', () => {
    expect(I32F32.safeDiv(fx(7), 0n)).toBe(0n);
    expect(I32F32.safeDiv(fx(1), ULP)).toBe(0n);
    expect(I64F64.safeDiv(I64F64.MAX, 1n)).toBe(0n);
    expect(I64F64.safeDiv(fx64(0.5), 0n)).toBe(0n);
  });

  it('plain + and sum wrap in two\'s complement', () => {
    expect(I32F32.wrappingAdd(I32F32.MAX, ULP)).toBe(I32F32.MIN);
    expect(I32F32.sum([I32F32.MAX, ULP, ULP])).toBe(I32F32.MIN + 1n);
    expect(I64F64.sum([I64F64.MAX, I64F64.MAX])).toBe(-2n);
  });

  it('I96F32 products of rao amounts floor and convert to u64', () => {
    const rao = I96F32.fromInt(1_000_000_000n);
    // 1/10 as normalised I32F32 stake (429496729 bits) -> floor(429496729e9 / 2^32) = 99999999.
    expect(I96F32.toU64(I96F32.saturatingMul(429496729n, rao))).toBe(99999999n);
    expect(I96F32.toU64(I96F32.fromInt(U64_MAX))).toBe(U64_MAX);
    expect(I96F32.toU64(fx(-1))).toBe(0n);
  });
});

describe('tests/math.rs conversions', () => {
  it('test_math_fixed_overflow: 1 − 900000/1e6 is I32F32::from_num(0.1); max/max gives alpha 0', () => {
    const bma = I64F64.checkedDiv(I64F64.fromInt(900_000), I64F64.fromInt(1_000_000)) as bigint;
    expect(I32F32.ONE - i64f64ToI32F32(bma)).toBe(fx(0.1));
    expect(bondsMovingAverageAlpha(900_000)).toBe(fx(0.1));
    const maxRatio = I64F64.checkedDiv(i32ToI64(I32F32.MAX), i32ToI64(I32F32.MAX)) as bigint;
    expect(I32F32.ONE - i64f64ToI32F32(maxRatio)).toBe(0n);
  });

  it('test_math_u64_normalization', () => {
    const maxSum = I64F64.fromInt(21_000_000_000_000_000n);
    const minFrac = I64F64.checkedDiv(I64F64.fromInt(1), maxSum) as bigint;
    expect(minFrac).toBe(fx64(0.0000000000000000476));
    expect(i64f64ToI32F32(minFrac)).toBe(0n);
    const min32Frac = I64F64.checkedDiv(I64F64.fromInt(4_889_444), maxSum) as bigint;
    expect(min32Frac).toBe(fx64(0.00000000023283066664));
    expect(i64f64ToI32F32(min32Frac)).toBe(fx(0.0000000002));
    const half = I64F64.checkedDiv(I64F64.fromInt(10_500_000_000_000_000n), maxSum) as bigint;
    expect(half).toBe(fx64(0.5));
    expect(i64f64ToI32F32(half)).toBe(fx(0.5));
    expect(I64F64.checkedDiv(maxSum, maxSum)).toBe(I64F64.ONE);
    expect(i64f64ToI32F32(I64F64.ONE)).toBe(I32F32.ONE);
  });

  it('test_math_to_num', () => {
    expect(I32F32.toU16(I32F32.fromInt(65535))).toBe(65535);
    expect(I32F32.toU64(I32F32.MAX)).toBe(2n ** 31n - 1n);
    expect(I32F32.toU64(0n)).toBe(0n);
    expect(I96F32.toU64(I96F32.fromInt(U64_MAX))).toBe(U64_MAX);
  });

  it('fixed_to_u16 / fixed_to_u64 / fixed64_to_u64 and their saturation', () => {
    expect(fixedToU16(I32F32.fromInt(0))).toBe(0);
    expect(fixedToU16(I32F32.fromInt(32767))).toBe(32767);
    expect(fixedToU16(I32F32.fromInt(65535))).toBe(65535);
    expect(fixedToU64(fx(-1))).toBe(0n);
    expect(fixed64ToU64(I64F64.fromInt(0))).toBe(0n);
    expect(fixed64ToU64(I64F64.fromInt(2n ** 62n - 1n))).toBe(2n ** 62n - 1n);
    expect(fixed64ToU64(I64F64.fromInt(2n ** 63n - 1n))).toBe(2n ** 63n - 1n);
    expect(fixed64ToU64(I64F64.fromInt(-1))).toBe(0n);
  });

  it('fixed64_to_fixed32 and vec_fixed64_to_fixed32, with saturation', () => {
    expect(fixed64ToFixed32(I64F64.fromInt(0))).toBe(0n);
    expect(fixed64ToFixed32(I64F64.fromInt(2147483647))).toBe(I32F32.fromInt(2147483647));
    expect(fixed64ToFixed32(I64F64.fromInt(4294967295))).toBe(I32F32.MAX);
    expect(vecFixed64ToFixed32([I64F64.fromInt(-(2 ** 31))])).toEqual([I32F32.fromInt(-(2 ** 31))]);
    expect(vecFixed64ToFixed32([I64F64.fromInt(2 ** 31 - 1)])).toEqual([I32F32.fromInt(2 ** 31 - 1)]);
    expect(vecFixed64ToFixed32([I64F64.fromInt(2n ** 63n - 1n)])).toEqual([I32F32.MAX]);
    // The dropped low bits are floored: −1 ulp of I64F64 becomes −1 ulp of I32F32.
    expect(fixed64ToFixed32(-1n)).toBe(-1n);
    // 1/10 truncated in I64F64, then floored: 429496729, not 429496730 (spec pitfall 2).
    expect(fixed64ToFixed32(I64F64.safeDiv(I64F64.fromInt(1), I64F64.fromInt(10)))).toBe(429496729n);
  });

  it('u16 proportions', () => {
    expect(u16ToFixed(0)).toBe(fx(0));
    expect(u16ToFixed(32767)).toBe(fx(32767));
    expect(u16ToFixed(65535)).toBe(fx(65535));
    expect(u16ProportionToFixed(0)).toBe(0n);
    expect(u16ProportionToFixed(65535)).toBe(I32F32.ONE);
    // Kappa 32767/65535 (spec §4.6).
    expect(u16ProportionToFixed(32767)).toBe(2147450879n);
    expect(fixedProportionToU16(0n)).toBe(0);
    expect(fixedProportionToU16(fx(65535))).toBe(65535);
    expect(fixedProportionToU16(I32F32.ONE)).toBe(65535);
    expect(fixedProportionToU16(429496729n)).toBe(6553);
    expect(fixedProportionToU16(fx(-0.5))).toBe(0);
  });
});

describe('exp and exp_safe', () => {
  /** Σ_{i=0..31} x^i / i! as an exact fraction: the series the library truncates. */
  function truncatedSeries(x: bigint): { num: bigint; den: bigint } {
    let den = 1n;
    for (let i = 1n; i <= 31n; i++) den *= i;
    let num = 0n;
    let power = 1n;
    let factorialRatio = den;
    for (let i = 0n; i <= 31n; i++) {
      if (i > 0n) {
        power *= x;
        factorialRatio /= i;
      }
      num += power * factorialRatio;
    }
    return { num, den };
  }

  it('exp(0) is 1 and exp(1) is the library\'s low-precision constant E', () => {
    expect(expI32F32(0n)).toBe(I32F32.ONE);
    // substrate_fixed::consts::E (U2F126) shifted right by 103 gives the I9F23 constant.
    const eU2F126 = 0xadf8_5458_a2bb_4a9a_afdc_5620_273d_3cf1n;
    expect(EXP_E_I9F23_BITS).toBe(eU2F126 >> 103n);
    expect(expI32F32(I32F32.ONE)).toBe((eU2F126 >> 103n) << 9n);
    expect(expSafe(fx(1))).toBe((eU2F126 >> 103n) << 9n);
  });

  it('follows the truncated 31-term series for integer inputs', () => {
    for (const x of [2n, 5n, 20n]) {
      const { num, den } = truncatedSeries(x);
      const exact = (num << 32n) / den;
      const got = expI32F32(I32F32.fromInt(x)) as bigint;
      const err = got > exact ? got - exact : exact - got;
      expect(err <= exact / 1_000_000_000n + 64n, `exp(${x}) = ${got}, series ${exact}`).toBe(true);
      const inv = expI32F32(I32F32.fromInt(-x)) as bigint;
      expect(inv).toBe((1n << 64n) / got);
    }
  });

  it('returns an error (null) on overflow', () => {
    expect(expI32F32(I32F32.fromInt(22))).toBeNull();
    expect(expI32F32(I32F32.MIN)).toBeNull();
  });

  it('test_math_exp_safe: inputs are clamped to [−20, 20]', () => {
    const one = fx(1);
    const min = fx(-20);
    const max = fx(20);
    expect(expSafe(0n)).toBe(expI32F32(0n));
    const atMin = expI32F32(min);
    expect(atMin).not.toBeNull();
    expect(expSafe(min)).toBe(atMin);
    expect(expSafe(min - one)).toBe(atMin);
    expect(expSafe(I32F32.MIN)).toBe(atMin);
    const atMax = expI32F32(max);
    expect(atMax).not.toBeNull();
    expect(expSafe(max)).toBe(atMax);
    expect(expSafe(max + one)).toBe(atMax);
    expect(expSafe(I32F32.MAX)).toBe(atMax);
  });
});

function i32ToI64(bits: bigint): bigint {
  return bits << 32n;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getEngine } from '../../src/wasm/engine.js';
import { expSafe, fixedProportionToU16, I32F32, I96F32 } from '../../src/yuma/index.js';

/*
 * Each fixed-point primitive the wasm module exports against the BigInt reference (src/yuma/reference/fixed.ts),
 * on random i64 bit patterns. The AssemblyScript versions build 128-bit products and quotients from 64-bit halves and
 * have fast paths (operands in [0, 2^32), integer-valued operands, exactly 1.0), so the generator aims at the edges
 * of those paths as well as at the whole i64 range. All runs are seeded.
 */

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;
const ONE = 1n << 32n;
const RUNS = 20_000;

const near = (center: bigint, radius: bigint): fc.Arbitrary<bigint> =>
  fc.bigInt(center - radius, center + radius).map((x) => BigInt.asIntN(64, x));

/** Raw I32F32 bits: the whole range, log-uniform magnitudes of both signs, and the boundaries of the fast paths. */
const i64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt(I64_MIN, I64_MAX),
  fc.integer({ min: 0, max: 63 }).chain((w) => fc.bigInt(-(1n << BigInt(w)), 1n << BigInt(w))),
  near(0n, 1n << 20n),
  near(ONE, 1n << 16n),
  near(-ONE, 1n << 16n),
  fc.bigInt(I64_MAX - (1n << 16n), I64_MAX),
  fc.bigInt(I64_MIN, I64_MIN + (1n << 16n)),
  fc.bigInt(0n, ONE), // proportions, the mulSat/safeDiv fast path
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((k) => BigInt(k) << 32n), // integer-valued (u16 weights)
  fc.constantFrom(0n, 1n, -1n, ONE, -ONE, ONE - 1n, ONE + 1n, ONE / 2n, 65535n << 32n, I64_MAX, I64_MIN, I64_MIN + 1n),
);

/** The special values above, paired exhaustively in the cross-product tests. */
const SPECIALS = [
  0n, 1n, -1n, 2n, ONE - 1n, ONE, ONE + 1n, -ONE, -ONE - 1n, ONE / 2n, 65535n << 32n, 1n << 47n, (1n << 47n) - 1n,
  1n << 62n, -(1n << 62n), I64_MAX, I64_MAX - 1n, I64_MIN, I64_MIN + 1n, 0xffff_ffffn, 0x1_0000_0001n, 3n << 32n,
];

const e = getEngine();
const signed = (x: bigint): bigint => BigInt.asIntN(64, x);

/** Checks a binary primitive on the exhaustive special pairs, then on random pairs. */
function binary(
  name: string,
  wasm: (a: bigint, b: bigint) => bigint,
  reference: (a: bigint, b: bigint) => bigint,
  seed: number,
  skip: (a: bigint, b: bigint) => boolean = () => false,
): void {
  it(`${name}: every pair of special values`, () => {
    for (const a of SPECIALS) {
      for (const b of SPECIALS) {
        if (!skip(a, b)) expect(wasm(a, b), `${name}(${a}, ${b})`).toBe(reference(a, b));
      }
    }
  });
  it(`${name}: ${RUNS} random pairs`, () => {
    fc.assert(
      fc.property(i64Arb, i64Arb, (a, b) => {
        fc.pre(!skip(a, b));
        return wasm(a, b) === reference(a, b);
      }),
      { seed, numRuns: RUNS },
    );
  });
}

describe('wasm fixed-point primitives equal the BigInt reference', () => {
  it('takes and returns i64 bit patterns as signed bigints', () => {
    expect(e.fxMulSat(ONE, I64_MIN)).toBe(I64_MIN);
    expect(e.fxMulSat(ONE, I64_MAX)).toBe(I64_MAX);
  });

  binary('mulSat vs I32F32.saturatingMul', e.fxMulSat, I32F32.saturatingMul, 0xf1_0001);
  binary('mulCheckedOrZero vs checkedMul ?? 0', e.fxMulCheckedOrZero, (a, b) => I32F32.checkedMul(a, b) ?? 0n, 0xf1_0002);
  binary('safeDiv vs I32F32.safeDiv (0 on a zero divisor or overflow)', e.fxSafeDiv, I32F32.safeDiv, 0xf1_0003);
  // saturating_div panics on a zero divisor, so the divisor is non-zero.
  binary('divSat vs I32F32.saturatingDiv', e.fxDivSat, I32F32.saturatingDiv, 0xf1_0004, (_a, b) => b === 0n);

  it('safeDiv by zero is 0 for every dividend', () => {
    for (const a of SPECIALS) expect(e.fxSafeDiv(a, 0n)).toBe(0n);
  });

  it('expSafe: 0, exactly 1.0 (the I9F23 constant E), the ±20 clamp and its neighbours', () => {
    const lim = 20n * ONE;
    const xs = [0n, ONE, -ONE, ONE - 1n, ONE + 1n, lim, lim - 1n, lim + 1n, -lim, -lim - 1n, -lim + 1n, I64_MAX, I64_MIN, 1n, -1n];
    for (const x of xs) expect(e.fxExpSafe(x), `expSafe(${x})`).toBe(expSafe(x));
    // Independent anchors: exp(0) = 1 and exp(1.0) is floor(e·2^23) << 9, not the Taylor sum.
    expect(e.fxExpSafe(0n)).toBe(ONE);
    expect(e.fxExpSafe(ONE)).toBe(22802600n << 9n);
  });

  it('expSafe on random inputs in and beyond [-20, 20]', () => {
    const inRange = fc.bigInt(-25n * ONE, 25n * ONE);
    const small = fc.bigInt(-4n * ONE, 4n * ONE);
    fc.assert(
      fc.property(fc.oneof(inRange, small, i64Arb), (x) => e.fxExpSafe(x) === expSafe(x)),
      { seed: 0xf1_0005, numRuns: 5000 },
    );
  });

  it('expSafe is within 1e-6 relative of Math.exp on [-10, 10] (the reference is not just self-consistent)', () => {
    fc.assert(
      fc.property(fc.bigInt(-10n * ONE, 10n * ONE), (x) => {
        fc.pre(x !== ONE); // exactly 1.0 answers the low-precision constant E
        const got = Number(e.fxExpSafe(x)) / 2 ** 32;
        const want = Math.exp(Number(x) / 2 ** 32);
        return Math.abs(got - want) <= 1e-6 * want + 2 ** -31;
      }),
      { seed: 0xf1_0006, numRuns: 2000 },
    );
  });

  /** floor(x·rao / 2^32) clamped to u64, and 0 for x ≤ 0: the I96F32 product then saturating_to_num::<u64>. */
  const emissionMath = (x: bigint, rao: bigint): bigint => {
    if (x <= 0n) return 0n;
    const q = (x * rao) >> 32n;
    return q > U64_MAX ? U64_MAX : q;
  };
  const emissionReference = (x: bigint, rao: bigint): bigint => I96F32.toU64(I96F32.saturatingMul(x, I96F32.fromInt(rao)));
  const raoArb = fc.oneof(
    fc.bigInt(0n, U64_MAX),
    fc.constantFrom(0n, 1n, 1_000_000_000n, U64_MAX, U64_MAX - 1n, 1n << 63n, (1n << 32n) - 1n, 1n << 32n),
    fc.integer({ min: 0, max: 64 }).chain((w) => fc.bigInt(0n, (1n << BigInt(w)) - 1n)),
  );

  it('emissionRao: special values', () => {
    for (const x of SPECIALS) {
      for (const rao of [0n, 1n, 1_000_000_000n, (1n << 32n) - 1n, 1n << 32n, 1n << 63n, U64_MAX]) {
        const got = BigInt.asUintN(64, e.fxEmissionRao(x, signed(rao)));
        expect(got, `emissionRao(${x}, ${rao})`).toBe(emissionMath(x, rao));
        expect(got).toBe(emissionReference(x, rao));
      }
    }
  });

  it('emissionRao: random x (both signs) and rao up to 2^64-1 against the math and the I96F32 reference', () => {
    fc.assert(
      fc.property(i64Arb, raoArb, (x, rao) => {
        const got = BigInt.asUintN(64, e.fxEmissionRao(x, signed(rao)));
        return got === emissionMath(x, rao) && got === emissionReference(x, rao);
      }),
      { seed: 0xf1_0007, numRuns: RUNS },
    );
  });

  it('proportionToU16 vs fixedProportionToU16 and floor(x·65535/2^32) clamped to 0..65535', () => {
    const math = (x: bigint): number => {
      const v = (x * 65535n) >> 32n;
      return v < 0n ? 0 : v > 65535n ? 65535 : Number(v);
    };
    for (const x of SPECIALS) expect(e.fxProportionToU16(x), `proportionToU16(${x})`).toBe(fixedProportionToU16(x));
    fc.assert(
      fc.property(fc.oneof(i64Arb, near(1n << 47n, 1n << 16n)), (x) => {
        const got = e.fxProportionToU16(x);
        return got === fixedProportionToU16(x) && got === math(x);
      }),
      { seed: 0xf1_0008, numRuns: RUNS },
    );
  });
});

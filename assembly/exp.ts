// The chain's `exp_safe` (math.rs) over substrate-fixed's `exp` series, specialised to its clamped domain.
//
// exp_safe clamps its input to [-20, 20]. There, with a = |x| ≤ 20 and the series term a^i/i! peaking near
// 20^20/20! ≈ 4.3e7 (< 2^26, so its bits are < 2^58) and the sum staying below e^20 ≈ 4.9e8 (bits < 2^61), no
// checked operation of the series can overflow: the Err branches are unreachable, so the checks are left out. Each
// step is floor(term·a / 2^32) then trunc(term / i), as substrate-fixed computes them, with the product split into
// 32-bit halves so that it needs three 64-bit multiplications and no 128-bit arithmetic:
//   floor(t·a / 2^32) = t·a_hi + t_hi·a_lo + floor(t_lo·a_lo / 2^32)   for t, a ≥ 0.
// The series is a chain of dependent divisions, so `expSafeBatch` runs four inputs side by side to overlap them.
import { ONE } from './fixed';
import { getI64, setI64 } from './mem';

const LIMIT: i64 = (<i64>20) << 32;
const LOW32: i64 = 0xffffffff;
/** E as the chain's I9F23 constant (floor(e·2^23)), widened to 32 fraction bits: `exp` returns it for x == 1. */
const E_AT_ONE: i64 = (<i64>22802600) << 9;

// @ts-ignore: decorator
@inline function clamp(x: i64): i64 {
  return x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x;
}

// @ts-ignore: decorator
@inline function step(term: i64, ah: i64, al: i64, i: i64): i64 {
  return (term * ah + (term >> 32) * al + (((term & LOW32) * al) >>> 32)) / i;
}

/** The series' sum for a clamped input, then the special cases and the reciprocal for negative inputs. */
// @ts-ignore: decorator
@inline function finish(x: i64, sum: i64): i64 {
  if (x == 0) return ONE;
  if (x == ONE) return E_AT_ONE;
  if (x >= 0) return sum;
  // 1 / sum = floor(2^64 / sum_bits), sum ≥ 1.0: from (2^64 − 1) / sum, plus one when sum divides 2^64 exactly
  // (then the remainder of 2^64 − 1 is sum − 1).
  const s = <u64>sum;
  const q = <u64>-1 / s;
  return <i64>(<u64>-1 - q * s == s - 1 ? q + 1 : q);
}

/** `exp_safe(x)` for any I32F32 input. */
export function expSafe(input: i64): i64 {
  const x = clamp(input);
  const a = x < 0 ? -x : x;
  const ah = a >> 32, al = a & LOW32;
  let sum = a + ONE;
  let term = a;
  for (let i: i64 = 2; i < 32; i++) {
    term = step(term, ah, al, i);
    if (term == 0) break;
    sum += term;
  }
  return finish(x, sum);
}

/** `exp_safe` of `count` inputs at `xs`, written to `out` (both i64 arrays); four at a time. */
export function expSafeBatch(xs: usize, out: usize, count: i32): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const x0 = clamp(getI64(xs, k)), x1 = clamp(getI64(xs, k + 1)), x2 = clamp(getI64(xs, k + 2)), x3 = clamp(getI64(xs, k + 3));
    const a0 = x0 < 0 ? -x0 : x0, a1 = x1 < 0 ? -x1 : x1, a2 = x2 < 0 ? -x2 : x2, a3 = x3 < 0 ? -x3 : x3;
    const h0 = a0 >> 32, l0 = a0 & LOW32, h1 = a1 >> 32, l1 = a1 & LOW32;
    const h2 = a2 >> 32, l2 = a2 & LOW32, h3 = a3 >> 32, l3 = a3 & LOW32;
    let t0 = a0, t1 = a1, t2 = a2, t3 = a3;
    let s0 = a0 + ONE, s1 = a1 + ONE, s2 = a2 + ONE, s3 = a3 + ONE;
    // A lane whose term reached 0 keeps adding 0, exactly as stopping there would.
    for (let i: i64 = 2; i < 32; i++) {
      t0 = step(t0, h0, l0, i);
      t1 = step(t1, h1, l1, i);
      t2 = step(t2, h2, l2, i);
      t3 = step(t3, h3, l3, i);
      s0 += t0;
      s1 += t1;
      s2 += t2;
      s3 += t3;
      if ((t0 | t1 | t2 | t3) == 0) break;
    }
    setI64(out, k, finish(x0, s0));
    setI64(out, k + 1, finish(x1, s1));
    setI64(out, k + 2, finish(x2, s2));
    setI64(out, k + 3, finish(x3, s3));
  }
  for (; k < count; k++) setI64(out, k, expSafe(getI64(xs, k)));
}

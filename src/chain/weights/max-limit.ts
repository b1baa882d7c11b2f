/*
 * The chain's `check_vec_max_limited` (spec 233): the max-upscaled values are normalized to sum 1 in I32F32 (a
 * wrapping i64 sum; a quotient that overflows i64 becomes 0, as safe_div does), and the largest must be at most
 * limit / 65535, also as I32F32. BigInt keeps every step exact.
 */

/** True when the largest normalized value is within MaxWeightsLimit (a u16 proportion). */
export function vecMaxLimited(values: readonly number[], limit: number): boolean {
  if (values.length === 0) return true;
  const limitBits = (BigInt(limit) << 32n) / 65535n;
  const bits = values.map((v) => BigInt(v) << 32n);
  const sum = BigInt.asIntN(64, bits.reduce((a, b) => a + b, 0n));
  const normalized = sum === 0n ? bits : bits.map((b) => {
    const q = (b << 32n) / sum;
    return q > (1n << 63n) - 1n || q < -(1n << 63n) ? 0n : q;
  });
  return normalized.reduce((a, b) => (b > a ? b : a)) <= limitBits;
}

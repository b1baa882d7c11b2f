/**
 * `vec_u16_max_upscale_to_u16`, the chain's storage form of a weights row (yuma-epoch-spec §5, §6): the largest value
 * becomes 65535, the others scale with I32F32 arithmetic and round half away from zero. Exact integer arithmetic; a
 * row already stored this way comes back unchanged.
 */
export function maxUpscaleU16(values: readonly number[]): number[] {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max === 0) return values.map(() => 0);
  const HALF = 1n << 31n;
  if (max > 32768) {
    // round(e · (65535 / max)), the quotient truncated to 32 fraction bits first.
    const q = (65535n << 32n) / BigInt(max);
    return values.map((e) => Math.min(65535, Number((BigInt(e) * q + HALF) >> 32n)));
  }
  // round((e · 65535) / max), the quotient truncated to 32 fraction bits.
  return values.map((e) => Math.min(65535, Number((((BigInt(e) * 65535n) << 32n) / BigInt(max) + HALF) >> 32n)));
}

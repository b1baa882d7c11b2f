const TWO32 = 4294967296;

/**
 * `vec_u16_max_upscale_to_u16`, the chain's storage form of a weights row (yuma-epoch-spec §5, §6): the largest value
 * becomes 65535, the others scale with I32F32 arithmetic and round half away from zero. Every step below is an exact
 * integer in a double (under 2^53); a row already stored this way comes back unchanged. Its one home in src: the
 * weight pipeline, the service, the audit and the devnet import it.
 */
export function maxUpscaleU16(values: readonly number[]): number[] {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max === 0) return values.map(() => 0);
  if (max > 32768) {
    // round(e · q) with q = 65535 / max truncated to 32 fraction bits: q's bits are floor(65535·2^32 / max) < 2^33.
    const num = 65535 * TWO32;
    let q = Math.floor(num / max);
    while (q * max > num) q--;
    while ((q + 1) * max <= num) q++;
    return values.map((e) => Math.min(65535, Math.floor((e * q + TWO32 / 2) / TWO32)));
  }
  // round(e·65535 / max) with the quotient truncated to 32 fraction bits: whole part a, fraction bits f.
  return values.map((e) => {
    const num = e * 65535;
    const a = Math.floor(num / max);
    const f = Math.floor(((num - a * max) * TWO32) / max);
    return Math.min(65535, a + (f >= TWO32 / 2 ? 1 : 0));
  });
}

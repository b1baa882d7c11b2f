/*
 * The redundancy step of the redundancy-aware model (docs/scoring.md), float64 reference: from the 2022 values v and
 * the per-query losses, each miner's copy count c_k = Σ_j κ_c(D_kj) (itself included), its multiplicity
 * m_k = 1 + c_k · Σ_{j≠k} κ(D_kj) · (v_j / v_k)⁴ / c_j, and its value v_k / m_k. Written for clarity: every pair's
 * distance is summed query by query, in both directions, and the two sums are taken apart.
 */

/** How a neighbour counts: its value ratio to this power (docs/scoring.md). */
export const NEIGHBOUR_POWER = 4;

/** The kernel κ(D) = (1 − (D/τ)²)² for D < τ, else 0: 1 for identical answers, smooth, and exactly 0 beyond τ. */
export function redundancyKernel(distance: number, tolerance: number): number {
  const x = distance / tolerance;
  if (!(x < 1)) return 0;
  const y = 1 - x * x;
  return y * y;
}

/**
 * The copy kernel κ_c(D): 1 up to D = τ_c / 2 (float32 rounding and the noise a copier adds for free), then the
 * smoothstep 1 − u²(3 − 2u) with u = 2D/τ_c − 1 down to exactly 0 at τ_c, and 0 beyond.
 */
export function copyKernel(distance: number, copyTolerance: number): number {
  const x = distance / copyTolerance;
  if (!(x < 1)) return 0;
  if (x <= 0.5) return 1;
  const u = 2 * x - 1;
  return 1 - u * u * (3 - 2 * u);
}

/**
 * The RMS over the B queries of the difference of two miners' losses (lossPerQuery rows i and j): the distance the
 * kernels read, in nats.
 */
export function lossDistance(lossPerQuery: Float64Array, B: number, i: number, j: number): number {
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const d = (lossPerQuery[i * B + b] as number) - (lossPerQuery[j * B + b] as number);
    sum += d * d;
  }
  return Math.sqrt(sum / B);
}

/**
 * The copy count, multiplicity and redundancy-aware value of every miner. Unresponsive miners (responsive false) are in
 * no pair, nor is a pair of two miners of value 0; a miner of value 0 has multiplicity 1 and value 0.
 */
export function redundancyReference(
  lossPerQuery: Float64Array, B: number, responsive: readonly boolean[], value: Float64Array, tolerance: number, copyTolerance: number,
): { copies: Float64Array; multiplicity: Float64Array; shapley: Float64Array } {
  const K = responsive.length;
  const inPair = (k: number, j: number): boolean => j !== k && responsive[k] === true && responsive[j] === true && ((value[k] as number) > 0 || (value[j] as number) > 0);
  const copies = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let c = 1;
    for (let j = 0; j < K; j++) if (inPair(k, j)) c += copyKernel(lossDistance(lossPerQuery, B, k, j), copyTolerance);
    copies[k] = c;
  }
  const multiplicity = new Float64Array(K).fill(1);
  const shapley = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const vk = value[k] as number;
    if (!responsive[k] || !(vk > 0)) continue;
    let neighbours = 0;
    for (let j = 0; j < K; j++) {
      if (!inPair(k, j)) continue;
      const weight = ((value[j] as number) / vk) ** NEIGHBOUR_POWER;
      neighbours += redundancyKernel(lossDistance(lossPerQuery, B, k, j), tolerance) * weight / (copies[j] as number);
    }
    const m = 1 + (copies[k] as number) * neighbours;
    multiplicity[k] = m;
    shapley[k] = vk / m;
  }
  return { copies, multiplicity, shapley };
}

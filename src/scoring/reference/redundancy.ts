/*
 * The redundancy step of the redundancy-aware model (docs/scoring.md), float64 reference: from the 2022 values v and
 * the per-query losses, each miner's multiplicity m_k = 1 + Σ_{j≠k} κ(D_kj) · (v_j / v_k)⁴ and its value
 * v_k / m_k. Written for clarity: every pair's distance is summed query by query, in both directions.
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
 * The RMS over the B queries of the difference of two miners' losses (lossPerQuery rows i and j): the distance the
 * kernel reads, in nats.
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
 * The multiplicity and the redundancy-aware value of every miner. Unresponsive miners (responsive false) are in no
 * pair; a miner of value 0 has multiplicity 1 and value 0.
 */
export function redundancyReference(
  lossPerQuery: Float64Array, B: number, responsive: readonly boolean[], value: Float64Array, tolerance: number,
): { multiplicity: Float64Array; shapley: Float64Array } {
  const K = responsive.length;
  const multiplicity = new Float64Array(K).fill(1);
  const shapley = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const vk = value[k] as number;
    if (!responsive[k] || !(vk > 0)) continue;
    let m = 1;
    for (let j = 0; j < K; j++) {
      if (j === k || !responsive[j]) continue;
      const vj = value[j] as number;
      const weight = (vj / vk) ** NEIGHBOUR_POWER;
      m += redundancyKernel(lossDistance(lossPerQuery, B, k, j), tolerance) * weight;
    }
    multiplicity[k] = m;
    shapley[k] = vk / m;
  }
  return { multiplicity, shapley };
}

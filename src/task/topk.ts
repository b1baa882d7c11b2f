import type { TopkAnswer } from './types.js';

/*
 * Dense distribution → the scorer's top-k format: the k most probable tokens (ties to the smaller token, so answers are
 * deterministic) and a floor that spreads the rest of the mass evenly over the tokens not listed, as the 2022 servers
 * did (validator-sdk-spec.md §6.1: floor = (1 − Σ topk) / (vocab − k)). When the tail of the distribution is flat, as in
 * the oracle models, this loses nothing.
 */

/** The top-k answer of a dense distribution (which should sum to 1); k is clamped to 1..vocab. */
export function topkOf(dense: ArrayLike<number>, k: number): TopkAnswer {
  const vocab = dense.length;
  const kk = Math.max(1, Math.min(vocab, Math.floor(k)));
  const order = Array.from({ length: vocab }, (_, i) => i);
  order.sort((a, b) => (dense[b] as number) - (dense[a] as number) || a - b);
  const topk: Array<[number, number]> = [];
  let listed = 0;
  for (let i = 0; i < kk; i++) {
    const t = order[i] as number;
    topk.push([t, dense[t] as number]);
    listed += dense[t] as number;
  }
  const floor = kk < vocab ? Math.max(0, 1 - listed) / (vocab - kk) : 0;
  return { topk, floor };
}

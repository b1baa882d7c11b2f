import { InvalidInputError } from '../errors/index.js';
import type { ScoreBatch } from './types.js';

/**
 * The largest vocabulary and batch the engine accepts. Its heap is 2 GiB and allocates at most 1 GiB at once, which
 * bounds the K×K synergy matrix (8 bytes a pair) to 11 585 miners.
 */
export const BATCH_LIMITS = Object.freeze({ vocab: 1 << 20, queries: 1 << 16, miners: 11_585 });

/**
 * Checks the shape of a batch (not its content: hostile probabilities are the engine's business, row by row).
 * Errors name the place, e.g. `responses[3].ptr[2]`.
 */
export function checkBatchShape(batch: ScoreBatch): void {
  const V = batch.vocab, B = batch.targets.length, K = batch.responses.length;
  if (!Number.isInteger(V) || V < 2 || V > BATCH_LIMITS.vocab) throw new InvalidInputError('vocab', `expected an integer in 2..${BATCH_LIMITS.vocab}, got ${V}`);
  if (B < 1 || B > BATCH_LIMITS.queries) throw new InvalidInputError('targets', `expected 1..${BATCH_LIMITS.queries} queries, got ${B}`);
  if (K > BATCH_LIMITS.miners) throw new InvalidInputError('responses', `expected at most ${BATCH_LIMITS.miners} miners per batch (their ${K}×${K} synergy matrix must fit one 1 GiB allocation), got ${K}`);
  if (batch.uids.length !== K) throw new InvalidInputError('uids', `expected one uid per response (${K}), got ${batch.uids.length}`);
  batch.targets.forEach((t, b) => {
    if (!(t >= 0 && t < V)) throw new InvalidInputError(`targets[${b}]`, `expected an outcome in 0..${V - 1}, got ${t}`);
  });
  const seen = new Set<number>();
  batch.uids.forEach((u, k) => {
    if (!Number.isInteger(u) || u < 0) throw new InvalidInputError(`uids[${k}]`, `expected an integer uid ≥ 0, got ${u}`);
    if (seen.has(u)) throw new InvalidInputError(`uids[${k}]`, `uid ${u} is given twice`);
    seen.add(u);
  });
  batch.responses.forEach((r, k) => {
    const at = `responses[${k}]`;
    if (r.kind === 'none') return;
    if (r.kind === 'dense') {
      if (r.probs.length !== B * V) throw new InvalidInputError(`${at}.probs`, `expected ${B}·${V} = ${B * V} floats, got ${r.probs.length}`);
      return;
    }
    if (r.kind !== 'topk') throw new InvalidInputError(`${at}.kind`, `expected "none", "dense" or "topk", got ${JSON.stringify((r as { kind: unknown }).kind)}`);
    if (r.ptr.length !== B + 1) throw new InvalidInputError(`${at}.ptr`, `expected ${B + 1} offsets, got ${r.ptr.length}`);
    if (r.floor.length !== B) throw new InvalidInputError(`${at}.floor`, `expected ${B} floors, got ${r.floor.length}`);
    if (r.ids.length !== r.probs.length) throw new InvalidInputError(`${at}.probs`, `expected one probability per id (${r.ids.length}), got ${r.probs.length}`);
    if (r.ptr[0] !== 0) throw new InvalidInputError(`${at}.ptr[0]`, `expected 0, got ${r.ptr[0]}`);
    for (let b = 0; b < B; b++) {
      const a = r.ptr[b] as number, z = r.ptr[b + 1] as number;
      if (z < a || z > r.ids.length) throw new InvalidInputError(`${at}.ptr[${b + 1}]`, `expected an offset in ${a}..${r.ids.length}, got ${z}`);
    }
    if (r.ptr[B] !== r.ids.length) throw new InvalidInputError(`${at}.ptr[${B}]`, `expected ${r.ids.length} (every pair), got ${r.ptr[B]}`);
  });
}

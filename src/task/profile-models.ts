import { Prng } from '../random/index.js';
import type { MarkovSource } from './markov-source.js';
import { mixNamedSeed, mixSeed } from './seed.js';
import { topkOf } from './topk.js';
import type { TopkAnswer } from './types.js';

/*
 * The answer models of the profiles that answer (docs/task.md). Each is a pure function of the source, the miner's seed
 * and the query, so a miner answers the same query the same way every time and a copier can reproduce another miner's
 * answer exactly.
 */

/** A 32-bit digest of a context: the per-query part of a miner's random streams. */
export function contextSeed(context: readonly number[]): number {
  return mixSeed(...context);
}

/**
 * An oracle of fidelity f: the mixture q = f·P(·|state) + (1 − f)·uniform, as top-k. f = 1 knows the source exactly,
 * f = 0 is uniform. Its expected loss on a query is E_{t∼P}[−ln q_t], which grows as f falls (docs/task.md).
 */
export function oracleAnswer(source: MarkovSource, state: number, fidelity: number, k: number): TopkAnswer {
  const p = source.dense(state);
  const u = (1 - fidelity) / source.vocab;
  for (let t = 0; t < p.length; t++) p[t] = fidelity * (p[t] as number) + u;
  return topkOf(p, k);
}

/**
 * Noise: a Dirichlet(1) distribution over the vocabulary (normalised standard exponentials), drawn per (seed, context),
 * as top-k. It knows nothing of the source: its expected loss is ψ(V) − ψ(1) (4.73 nats at V = 64) before the top-k
 * cut, and 4.41 measured after it (the floor flattens the tail; uniform would be ln 64 = 4.16).
 */
export function noiseAnswer(vocab: number, seed: number, context: readonly number[], k: number): TopkAnswer {
  const prng = new Prng(mixNamedSeed('noise', seed, contextSeed(context)));
  const w = new Float64Array(vocab);
  let sum = 0;
  for (let t = 0; t < vocab; t++) {
    w[t] = -Math.log(1 - prng.next());
    sum += w[t] as number;
  }
  for (let t = 0; t < vocab; t++) w[t] = (w[t] as number) / sum;
  return topkOf(w, k);
}

/**
 * A sybil member: the base answer with every probability and the floor multiplied by exp(spread·z), z standard normal
 * drawn per (seed, member, context), then renormalised to total mass 1. Members of one group are near-duplicates of the
 * base and of each other; different members differ.
 */
export function perturbAnswer(base: TopkAnswer, vocab: number, seed: number, member: number, context: readonly number[], spread: number): TopkAnswer {
  const prng = new Prng(mixNamedSeed('sybil', seed, member, contextSeed(context)));
  const floor = base.floor * Math.exp(spread * prng.normal());
  const pairs = base.topk.map(([t, p]) => [t, p * Math.exp(spread * prng.normal())] as [number, number]);
  const total = pairs.reduce((a, [, p]) => a + p, 0) + floor * (vocab - pairs.length);
  return { topk: pairs.map(([t, p]) => [t, p / total] as [number, number]), floor: floor / total };
}

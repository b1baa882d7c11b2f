// Sybil and copier scenarios on the built-in task (issue 23): batches of miner-profile answers, scored under both
// models. Shared by bench/scoring/sybil.bench.ts (many seeds) and test/scoring/redundancy-task.test.ts (a few).
import { Prng } from '../../src/random/index.js';
import { parseScoreBatch } from '../../src/scoring/parse-batch.js';
import { responseRow } from '../../src/scoring/reference/index.js';
import type { ScoreBatch } from '../../src/scoring/types.js';
import { createNextTokenTask, mixNamedSeed, profileHandler, toScoreBatch, topkOf, type MinerReply, type NextTokenTask, type ProfileOptions } from '../../src/task/index.js';

/** B queries a batch (the service's default step size is of this order). */
export const QUERIES = 64;

/** One miner of a scenario: a profile with its options, or a custom answer function. */
export type MinerSpec =
  | { name: string; profile: string; options?: ProfileOptions; answerShare?: number; fallback?: string }
  | { name: string; answer: (context: readonly number[], k: number) => { topk: Array<[number, number]>; floor: number } };

/**
 * The answers of a "learner": an honest model of its own that estimated each row of the source from `samples` draws of
 * it (add-½ smoothing), drawn from its own seed. Learners with the same `samples` are of equal quality and their errors
 * are independent; more samples is a better model.
 */
export function learner(task: NextTokenTask, seed: number, samples: number): (context: readonly number[], k: number) => { topk: Array<[number, number]>; floor: number } {
  const V = task.vocab;
  return (context, k) => {
    const state = task.source.stateOf(context);
    const p = task.source.dense(state);
    const prng = new Prng(mixNamedSeed('learner', seed, state));
    const counts = new Float64Array(V).fill(0.5);
    for (let s = 0; s < samples; s++) {
      let u = prng.next(), v = 0;
      while (v < V - 1 && (u -= p[v] as number) > 0) v++;
      counts[v] = (counts[v] as number) + 1;
    }
    const total = samples + 0.5 * V;
    const a = topkOf(counts.map((c) => c / total), k);
    return { topk: a.topk.map(([t, q]) => [t, q] as [number, number]), floor: a.floor };
  };
}

/**
 * Scores input of one step: each miner answers the B queries of (seed, step). A profile miner with `answerShare` < 1
 * answers only that share of the queries (drawn per miner and query); on the others it fails, or answers as the
 * profile `fallback` when one is given.
 */
export function scenarioBatch(task: NextTokenTask, miners: readonly MinerSpec[], seed: number, step = 1): { batch: ScoreBatch; names: string[] } {
  const queries = task.makeQueries(seed, step, QUERIES);
  const replies = new Map<number, MinerReply[]>();
  miners.forEach((m, uid) => {
    if ('answer' in m) {
      replies.set(uid, queries.map((q) => ({ fields: m.answer(q.fields.context, q.fields.k) })));
      return;
    }
    const handler = profileHandler(m.profile, { ...m.options, task: {} });
    const fallback = m.fallback === undefined ? null : profileHandler(m.fallback, { task: {} });
    const share = m.answerShare ?? 1;
    const pick = new Prng(mixNamedSeed('share', seed, step, uid));
    replies.set(uid, queries.map((q) => {
      const own = pick.next() < share;
      const h = own ? handler : fallback;
      if (h === null) return { error: 'no answer' };
      const action = h(q.fields);
      return action.kind === 'fields' ? { fields: action.fields } : { error: action.kind };
    }));
  });
  const batch = parseScoreBatch(toScoreBatch(task, queries, replies, seed));
  return { batch, names: miners.map((m) => m.name) };
}

/** The background of every sybil scenario: honest miners of other qualities. */
export const BACKGROUND: readonly MinerSpec[] = [
  { name: 'oracle-0.6', profile: 'oracle-0.6' },
  { name: 'oracle-0.3', profile: 'oracle-0.3' },
  { name: 'noise', profile: 'noise' },
];

/** The group of a scenario: the original oracle-0.9 and n duplicates of the given kind. */
export type GroupKind = 'exact' | 'noisy' | 'half-silent' | 'half-own';

/** The n duplicates of an oracle-0.9 miner of one kind (σ is the noisy copies' spread). */
export function duplicates(kind: GroupKind, n: number, sigma = 0.3): MinerSpec[] {
  return Array.from({ length: n }, (_, i): MinerSpec => {
    const name = `dup-${i}`;
    switch (kind) {
      case 'exact':
        return { name, profile: 'copier', options: { copyOf: 'oracle-0.9', seed: 100 + i } };
      case 'noisy':
        return { name, profile: 'sybil', options: { sybilBase: 'oracle-0.9', sybilSpread: sigma, member: i, seed: 7 } };
      case 'half-silent':
        return { name, profile: 'copier', options: { copyOf: 'oracle-0.9', seed: 100 + i }, answerShare: 0.5 };
      case 'half-own':
        return { name, profile: 'copier', options: { copyOf: 'oracle-0.9', seed: 100 + i }, answerShare: 0.5, fallback: 'oracle-0.6' };
    }
  });
}

/** The built-in task with its defaults (V = 64, top-16). */
export function defaultTask(): NextTokenTask {
  return createNextTokenTask();
}

/**
 * True quality: each miner's expected loss under the source, E_{t∼P}[−ln q_t] averaged over the batch's queries (no
 * sampling of targets), from its answers as scored (a garbage row or an unresponsive miner counts worstLoss).
 */
export function expectedLosses(task: NextTokenTask, batch: ScoreBatch, seed: number, step = 1, worstLoss = 20): number[] {
  const queries = task.makeQueries(seed, step, batch.targets.length);
  return batch.responses.map((r) => {
    let sum = 0;
    queries.forEach((q, b) => {
      const row = responseRow(r, b, batch.vocab);
      if (row === null) { sum += worstLoss; return; }
      const p = task.source.dense(task.source.stateOf(q.fields.context));
      let e = 0;
      for (let v = 0; v < batch.vocab; v++) if ((p[v] as number) > 0) e += (p[v] as number) * Math.min(-Math.log(row[v] as number), worstLoss);
      sum += e;
    });
    return sum / queries.length;
  });
}

/** Spearman's rank correlation (average ranks for ties). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rank = (x: ArrayLike<number>): number[] => {
    const idx = Array.from(x, (_, i) => i).sort((i, j) => (x[i] as number) - (x[j] as number));
    const r = new Array<number>(x.length);
    for (let s = 0; s < idx.length;) {
      let e = s;
      while (e + 1 < idx.length && x[idx[e + 1] as number] === x[idx[s] as number]) e++;
      for (let t = s; t <= e; t++) r[idx[t] as number] = (s + e) / 2;
      s = e + 1;
    }
    return r;
  };
  const ra = rank(a), rb = rank(b), n = ra.length, mean = (n - 1) / 2;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) {
    const x = (ra[i] as number) - mean, y = (rb[i] as number) - mean;
    num += x * y; da += x * x; db += y * y;
  }
  return num / Math.sqrt(da * db);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { lossDistance, redundancyKernel, scoreReference } from '../../src/scoring/reference/index.js';
import { scoreBatch } from '../../src/scoring/score.js';
import type { MinerResponse, ScoreBatch, ScoringParams } from '../../src/scoring/types.js';
import { BACKGROUND, defaultTask, duplicates, expectedLosses, learner, scenarioBatch, spearman, type MinerSpec } from '../../bench/scoring/sybil-scenarios.js';

/*
 * The redundancy-aware model (docs/scoring.md): its bound on a group of copies, the evasions of issue 23 on the built-in
 * task (exact, noisy, shuffled and partial copies), honest miners apart from each other, and the honest ranking.
 * bench/scoring/sybil.bench.ts runs the same scenarios on 20 seeds.
 */

const AWARE: ScoringParams = { ...SCORING_DEFAULTS, model: 'redundancy-aware' };
const task = defaultTask();
const ORIGINAL: MinerSpec = { name: 'oracle-0.9', profile: 'oracle-0.9' };

/** The group's total (the original at 0, the duplicates after the background) over the original's score alone. */
function ratio(seed: number, dups: MinerSpec[], params: ScoringParams, transform: (b: ScoreBatch) => ScoreBatch = (b) => b): number {
  const lone = scoreBatch(scenarioBatch(task, [ORIGINAL, ...BACKGROUND], seed).batch, params).shapley[0] as number;
  const v = scoreBatch(transform(scenarioBatch(task, [ORIGINAL, ...BACKGROUND, ...dups], seed).batch), params).shapley;
  let total = 0;
  for (const k of [0, ...dups.map((_, i) => 1 + BACKGROUND.length + i)]) total += v[k] as number;
  return total / lone;
}

/** The batch with every top-k row of the miners from index `from` on listed in reverse order (same answer). */
function reversePairs(from: number): (b: ScoreBatch) => ScoreBatch {
  return (batch) => ({
    ...batch,
    responses: batch.responses.map((r, k): MinerResponse => {
      if (k < from || r.kind !== 'topk') return r;
      const ids = r.ids.slice(), probs = r.probs.slice();
      for (let b = 0; b + 1 < r.ptr.length; b++) {
        const a = r.ptr[b] as number, z = r.ptr[b + 1] as number;
        for (let i = 0; i < z - a; i++) { ids[a + i] = r.ids[z - 1 - i] as number; probs[a + i] = r.probs[z - 1 - i] as number; }
      }
      return { ...r, ids, probs };
    }),
  });
}

describe('the redundancy kernel', () => {
  it('is 1 at distance 0, smooth, and exactly 0 from the tolerance on', () => {
    expect(redundancyKernel(0, 3)).toBe(1);
    expect(redundancyKernel(1.5, 3)).toBeCloseTo(0.5625, 15);
    expect(redundancyKernel(3, 3)).toBe(0);
    expect(redundancyKernel(30, 3)).toBe(0);
    expect(redundancyKernel(3 * (1 - 1e-6), 3)).toBeLessThan(1e-11);
  });
});

describe('a group of identical answers earns at most its best member, whatever else is in the batch (both engines)', () => {
  const V = 8, B = 6;
  const row = fc.array(fc.float({ min: Math.fround(0.01), max: 1, noNaN: true }), { minLength: V, maxLength: V });
  const answer = fc.array(row, { minLength: B, maxLength: B }).map((rows): MinerResponse => ({ kind: 'dense', probs: new Float32Array(rows.flat()) }));
  it('n copies of one answer beside any others: the copies together earn at most one copy\'s 2022 value', () => {
    fc.assert(
      fc.property(answer, fc.array(answer, { maxLength: 5 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: B, maxLength: B }), fc.constantFrom(0.3, 3, 30), (copied, others, n, targets, tau) => {
        const responses = [...Array.from({ length: n + 1 }, () => copied), ...others];
        const batch: ScoreBatch = { vocab: V, targets: Int32Array.from(targets), uids: responses.map((_, k) => k), responses };
        const params = { ...AWARE, redundancyTolerance: tau, lossFloor: 0.3 };
        for (const r of [scoreBatch(batch, params), scoreReference(batch, params)]) {
          const old = scoreReference(batch, { ...params, model: 'shapley-2022' }).shapley;
          let group = 0;
          for (let k = 0; k <= n; k++) group += r.shapley[k] as number;
          expect(group).toBeLessThanOrEqual((old[0] as number) * (1 + 1e-12));
          // And each copy shares with at least the n others.
          for (let k = 0; k <= n; k++) expect(r.multiplicity[k]).toBeGreaterThanOrEqual(n + 1 - 1e-9);
        }
      }),
      { numRuns: 200, seed: 23 },
    );
  });
});

describe('evasion on the built-in task (oracle-0.9 beside oracle-0.6, oracle-0.3 and noise; 3 seeds)', () => {
  const seeds = [1, 2, 3];
  const cases: Array<[string, MinerSpec[], ((b: ScoreBatch) => ScoreBatch)?]> = [
    ['8 exact copies', duplicates('exact', 8)],
    ['8 copies with their top-k order reversed', duplicates('exact', 8), reversePairs(1 + BACKGROUND.length)],
    ['8 copies with a little noise (σ = 0.05, the sybil profile\'s)', duplicates('noisy', 8, 0.05)],
    ['8 copies with the noise that paid best at smaller tolerances (σ = 0.5)', duplicates('noisy', 8, 0.5)],
    ['8 copies with heavy noise (σ = 1.5)', duplicates('noisy', 8, 1.5)],
    ['8 copies answering a random half of the queries', duplicates('half-silent', 8)],
    ['8 copies answering half, and the other half with oracle-0.6', duplicates('half-own', 8)],
  ];
  it.each(cases)('%s: the group earns at most 1.1× the lone miner (the 2022 model pays it more)', (_, dups, transform) => {
    for (const seed of seeds) {
      expect(ratio(seed, dups, AWARE, transform)).toBeLessThanOrEqual(1.1);
    }
  });
  it('the 2022 model pays n exact copies n + 1 times the lone miner, and a reversed order changes nothing', () => {
    expect(ratio(1, duplicates('exact', 4), SCORING_DEFAULTS)).toBeCloseTo(5, 6);
    expect(ratio(1, duplicates('exact', 4), AWARE, reversePairs(1 + BACKGROUND.length))).toBeCloseTo(ratio(1, duplicates('exact', 4), AWARE), 12);
  });
});

describe('honest miners', () => {
  it('two honest experts of equal quality on different halves of the queries are not merged (nearly all of their 2022 value at the default τ, all of it below their distance)', () => {
    // Each knows the source on its own half of the queries and answers uniformly on the other: equal quality, errors
    // independent of each other.
    const expert = (half: number) => (context: readonly number[], k: number): { topk: Array<[number, number]>; floor: number } => {
      const state = task.source.stateOf(context);
      const sum = context.reduce((a, t) => a + t, 0);
      if (sum % 2 === half) {
        const p = task.source.dense(state);
        const pairs = Array.from(p, (x, t) => [t, x] as [number, number]).sort((a, b) => b[1] - a[1]).slice(0, k);
        const listed = pairs.reduce((a, [, x]) => a + x, 0);
        return { topk: pairs, floor: (1 - listed) / (task.vocab - k) };
      }
      return { topk: [], floor: 1 / task.vocab };
    };
    for (const seed of [1, 2, 3]) {
      // The pair alone: beside a more valuable miner within τ (oracle-0.6 here), each would also share with it (the
      // sharpening of docs/scoring.md), which is not what this test is about.
      const { batch } = scenarioBatch(task, [{ name: 'a', answer: expert(0) }, { name: 'b', answer: expert(1) }], seed);
      const old = scoreBatch(batch, SCORING_DEFAULTS), aware = scoreBatch(batch, AWARE), ref = scoreReference(batch, AWARE);
      // About 2.5 nats apart: κ ≈ 0.1 at τ = 3 (docs/scoring.md, the tolerance), exactly 0 at a τ below that.
      const d = lossDistance(ref.lossPerQuery, batch.targets.length, 0, 1);
      expect(d).toBeGreaterThan(2);
      const below = scoreBatch(batch, { ...AWARE, redundancyTolerance: d * 0.99 });
      expect(redundancyKernel(d, AWARE.redundancyTolerance)).toBeLessThan(0.15);
      for (const k of [0, 1]) {
        // Merged into one cluster, an equal pair would have multiplicity 2 and keep half. The batch's values of the two
        // differ by up to a third (which half a query falls in is drawn), which the power 4 weighs.
        expect(aware.multiplicity[k]).toBeLessThan(1.4);
        expect(aware.shapley[k]).toBeGreaterThan(0.7 * (old.shapley[k] as number));
        expect(below.multiplicity[k]).toBe(1);
        expect(below.shapley[k]).toBe(old.shapley[k]);
      }
    }
  });

  it('two equal learners closer than the tolerance share (the documented limit), and are not merged below their distance', () => {
    const { batch } = scenarioBatch(task, [{ name: 'a', answer: learner(task, 11, 200) }, { name: 'b', answer: learner(task, 12, 200) }], 1);
    const d = lossDistance(scoreReference(batch, AWARE).lossPerQuery, batch.targets.length, 0, 1);
    expect(d).toBeGreaterThan(0.1);
    expect(d).toBeLessThan(AWARE.redundancyTolerance);
    expect(scoreBatch(batch, AWARE).multiplicity[0]).toBeGreaterThan(1.5);
    expect(Array.from(scoreBatch(batch, { ...AWARE, redundancyTolerance: d * 0.99 }).multiplicity)).toEqual([1, 1]);
  });

  it('two honest learners of equal quality and independent errors are two answers, not one copy cluster (6 seeds)', () => {
    // 200 and 640 samples: 0.2–0.3 and 0.1–0.2 nats apart (docs/scoring.md), above the copy tolerance's plateau.
    for (const samples of [200, 640]) {
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const pair: MinerSpec[] = [{ name: 'a', answer: learner(task, 40 + seed, samples) }, { name: 'b', answer: learner(task, 60 + seed, samples) }];
        const { batch } = scenarioBatch(task, [...pair, ...BACKGROUND], seed);
        const r = scoreBatch(batch, AWARE);
        const d = lossDistance(r.lossPerQuery, batch.targets.length, 0, 1);
        expect(d, `${samples} samples, seed ${seed}`).toBeGreaterThan(AWARE.copyTolerance / 2);
        // A copy count of 2 would be one cluster; on the kernel's slope (D < τ_c) it is partly one.
        expect(r.copies[0], `${samples} samples, seed ${seed}: D = ${d}`).toBeLessThan(samples === 200 ? 1 + 1e-12 : 1.2);
        expect(r.copies[1]).toBe(r.copies[0]);
      }
    }
    // Copies are one cluster: exact ones and the sybil profile's (σ = 0.05).
    const { batch } = scenarioBatch(task, [ORIGINAL, ...duplicates('exact', 2), ...duplicates('noisy', 2, 0.05)], 1);
    for (const c of scoreBatch(batch, AWARE).copies) expect(c).toBeGreaterThan(4.5);
  });

  it('a group of copies weighs on its neighbours as one answer does: a neighbour of equal quality keeps its value beside 1 or 4 (4 seeds)', () => {
    // learner-640 is about as good as oracle-0.9 and within τ of it (the end-to-end case of bench/scoring/sybil-yuma).
    const neighbour: MinerSpec = { name: 'learner-640', answer: learner(task, 32, 640) };
    for (const dups of [duplicates('exact', 3), duplicates('noisy', 3, 0.05)]) {
      for (const seed of [1, 2, 3, 4]) {
        const lone = scoreBatch(scenarioBatch(task, [neighbour, ORIGINAL, ...BACKGROUND], seed).batch, AWARE).shapley;
        const group = scoreBatch(scenarioBatch(task, [neighbour, ORIGINAL, ...BACKGROUND, ...dups], seed).batch, AWARE).shapley;
        // Counted once per hotkey (before the copy count), the neighbour kept 0.4–0.6 of its value here.
        expect((group[0] as number) / (lone[0] as number), `seed ${seed}`).toBeGreaterThan(0.9);
        expect((group[0] as number) / (lone[0] as number), `seed ${seed}`).toBeLessThan(1.1);
        let total = group[1] as number;
        for (let i = 0; i < dups.length; i++) total += group[2 + BACKGROUND.length + i] as number;
        expect(total / (lone[1] as number), `seed ${seed}`).toBeLessThan(1.1);
      }
    }
  });

  it('with no duplicates, the rank correlation with true quality is the 2022 model\'s, within 0.02', () => {
    const honest: MinerSpec[] = [
      { name: 'oracle-0.9', profile: 'oracle-0.9' }, { name: 'oracle-0.6', profile: 'oracle-0.6' }, { name: 'oracle-0.3', profile: 'oracle-0.3' }, { name: 'noise', profile: 'noise' },
      ...[10, 40, 160, 640].map((n, i): MinerSpec => ({ name: `learner-${n}`, answer: learner(task, 1000 + i, n) })),
    ];
    for (const seed of [1, 2, 3]) {
      const { batch } = scenarioBatch(task, honest, seed);
      const quality = expectedLosses(task, batch, seed).map((l) => -l);
      const old = spearman(scoreBatch(batch, SCORING_DEFAULTS).shapley, quality);
      expect(spearman(scoreBatch(batch, AWARE).shapley, quality)).toBeGreaterThanOrEqual(old - 0.02);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/random/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { scoreReference } from '../../src/scoring/reference/index.js';
import { scoreBatch } from '../../src/scoring/score.js';
import type { MinerResponse, ScoreBatch, ScoreResult } from '../../src/scoring/types.js';

/*
 * Behaviour on a synthetic task whose truth is known: a hidden next-outcome distribution per query, targets drawn
 * from it, and miners that know it to different degrees, copy each other, return noise or garbage.
 */

const V = 256, B = 32;

function task(seed: number): { truth: Float64Array[]; targets: Int32Array } {
  const rng = new Prng(seed);
  const truth = Array.from({ length: B }, () => {
    const w = Float64Array.from({ length: V }, () => Math.exp(2 * rng.normal()));
    const s = w.reduce((a, x) => a + x, 0);
    return w.map((x) => x / s);
  });
  const targets = Int32Array.from(truth, (p) => {
    let u = rng.next(), v = 0;
    while (v < V - 1 && (u -= p[v] as number) > 0) v++;
    return v;
  });
  return { truth, targets };
}

const dense = (rows: ArrayLike<number>[]): MinerResponse => ({ kind: 'dense', probs: Float32Array.from(rows.flatMap((r) => Array.from(r))) });
/** Knows the truth with fidelity f: f·P + (1 − f)·uniform. */
const oracle = (truth: Float64Array[], f: number): MinerResponse => dense(truth.map((p) => p.map((x) => f * x + (1 - f) / V)));
/** Knows the truth on one half of the queries (b % 2 === half) and nothing on the other. */
const halfExpert = (truth: Float64Array[], half: number): MinerResponse => dense(truth.map((p, b) => (b % 2 === half ? p : new Float64Array(V).fill(1 / V))));

function run(engine: 'wasm' | 'reference'): { result: ScoreResult; at: Record<string, number> } {
  const { truth, targets } = task(42);
  const rng = new Prng(7);
  const best = oracle(truth, 0.9) as Extract<MinerResponse, { kind: 'dense' }>;
  const miners: Array<[string, MinerResponse]> = [
    ['oracle-0.9', best],
    ['oracle-0.6', oracle(truth, 0.6)],
    ['oracle-0.3', oracle(truth, 0.3)],
    ['copy', { kind: 'dense', probs: best.probs.slice() }],
    ['sybil', { kind: 'dense', probs: best.probs.map((x) => x * (1 + 1e-4 * rng.normal())) }],
    ['half-a', halfExpert(truth, 0)],
    ['half-b', halfExpert(truth, 1)],
    ['noise', dense(truth.map(() => Float64Array.from({ length: V }, () => rng.next())))],
    ['nan', dense(truth.map(() => new Float64Array(V).fill(Number.NaN)))],
    ['negative', dense(truth.map((p) => p.map((x, v) => (v === 0 ? -x : x))))],
    ['zeros', dense(truth.map(() => new Float64Array(V)))],
    ['silent', { kind: 'none' }],
  ];
  const batch: ScoreBatch = { vocab: V, targets, uids: miners.map((_, k) => k), responses: miners.map(([, r]) => r) };
  const result = engine === 'wasm' ? scoreBatch(batch, SCORING_DEFAULTS) : scoreReference(batch, SCORING_DEFAULTS);
  return { result, at: Object.fromEntries(miners.map(([name], k) => [name, k])) };
}

describe.each(['wasm', 'reference'] as const)('informational value on a task with a known truth (%s)', (engine) => {
  const { result: r, at } = run(engine);
  const K = r.uids.length;
  const shapley = (name: string): number => r.shapley[at[name] as number] as number;
  const synergy = (a: string, b: string): number => r.synergy[(at[a] as number) * K + (at[b] as number)] as number;

  it('the losses are above the scaling law\'s floor, so synergy is measurable', () => {
    expect(r.loss[at['oracle-0.9'] as number]).toBeGreaterThan(SCORING_DEFAULTS.lossFloor);
  });

  it('a miner closer to the truth gets a higher Shapley value', () => {
    expect(shapley('oracle-0.9')).toBeGreaterThan(shapley('oracle-0.6'));
    expect(shapley('oracle-0.6')).toBeGreaterThan(shapley('oracle-0.3'));
    expect(shapley('oracle-0.3')).toBeGreaterThan(shapley('noise'));
  });

  it('two miners who know different halves share a real synergy; a copy and a sybil share next to none with their twin', () => {
    const complementary = synergy('half-a', 'half-b');
    expect(complementary).toBeGreaterThan(0.01 * (r.baseParams[at['half-a'] as number] as number));
    expect(synergy('copy', 'oracle-0.9')).toBeLessThanOrEqual(1e-9 * (r.baseParams[at['oracle-0.9'] as number] as number));
    expect(synergy('sybil', 'oracle-0.9')).toBeLessThan(1e-3 * complementary);
    // Symmetric, half to each.
    expect(synergy('half-b', 'half-a')).toBe(complementary);
  });

  it('uniform noise ranks last among the miners that answered with distributions', () => {
    for (const name of ['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'copy', 'sybil', 'half-a', 'half-b']) {
      expect(shapley(name), name).toBeGreaterThan(shapley('noise'));
    }
  });

  it('NaN, negative and all-zero answers rank at or below noise, score the worst loss, and do not throw', () => {
    for (const name of ['nan', 'negative', 'zeros']) {
      expect(shapley(name), name).toBeLessThanOrEqual(shapley('noise'));
      expect(r.loss[at[name] as number], name).toBe(SCORING_DEFAULTS.worstLoss);
      expect(r.divergence[at[name] as number], name).toBe(1);
    }
    expect(r.responsive[at.silent as number]).toBe(false);
    expect(r.shapley[at.silent as number]).toBe(0);
    expect(r.loss[at.silent as number]).toBeNaN();
  });
});

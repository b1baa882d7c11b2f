import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors/index.js';
import { Prng } from '../../src/random/index.js';
import { createNextTokenTask, MarkovSource } from '../../src/task/index.js';

/*
 * The source's statistics: empirical next-token frequencies match the transition rows within a Bernstein bound.
 * For n draws of a cell of probability p, P(|f̂ − p| ≥ t) ≤ 2·exp(−n t² / (2p(1 − p) + 2t/3)); setting the right side to
 * δ/m (a union bound over the m cells checked) gives t = (L/3 + √(L²/9 + 2 n p(1 − p) L)) / n with L = ln(2m/δ). For
 * transitions read inside generated sequences the draws form a martingale, for which Freedman's inequality gives the same
 * bound. δ = 1e−9: a correct source fails one of these checks with probability below one in a billion (and the seeds are
 * fixed, so a pass is reproducible).
 */

const DELTA = 1e-9;

function tolerance(n: number, p: number, cells: number): number {
  const L = Math.log((2 * cells) / DELTA);
  return (L / 3 + Math.sqrt((L * L) / 9 + 2 * n * p * (1 - p) * L)) / n;
}

/** The cells (token t after state s) whose frequency is outside the bound: empty when the counts fit the rows. */
function misfits(source: MarkovSource, counts: Map<number, number[]>, cells: number): string[] {
  const out: string[] = [];
  for (const [state, row] of counts) {
    const n = row.reduce((a, b) => a + b, 0);
    const p = source.dense(state);
    row.forEach((c, t) => {
      const pt = p[t] as number;
      if (Math.abs(c / n - pt) > tolerance(n, pt, cells)) out.push(`state ${state} token ${t}: ${c}/${n} vs ${pt.toFixed(4)}`);
    });
  }
  return out;
}

function tally(counts: Map<number, number[]>, vocab: number, state: number, token: number): void {
  let row = counts.get(state);
  if (row === undefined) counts.set(state, (row = new Array<number>(vocab).fill(0)));
  row[token] = (row[token] as number) + 1;
}

describe('MarkovSource', () => {
  it('has rows that are distributions: support tokens distinct, every token at least leak / vocab, sum 1', () => {
    const s = new MarkovSource({ vocab: 64, order: 2, support: 8, leak: 0.05, seed: 3 });
    for (const state of [0, 1, 100, 4095]) {
      const row = s.row(state);
      expect(new Set(row.tokens).size).toBe(8);
      const dense = s.dense(state);
      expect(dense.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Math.min(...dense)).toBeCloseTo(0.05 / 64, 15);
      // Sparse-ish: the support holds 1 − leak of the mass plus its share of the leak.
      const support = Array.from(row.tokens, (t) => dense[t] as number).reduce((a, b) => a + b, 0);
      expect(support).toBeCloseTo(0.95 + (8 * 0.05) / 64, 12);
      row.tokens.forEach((t) => expect(s.prob(state, t)).toBe(dense[t]));
    }
  });

  it('samples each state with its row’s frequencies (Bernstein bound), and the check has power', () => {
    const s = new MarkovSource({ seed: 21 });
    const states = [0, 17, 999, 2048, 4095];
    const n = 20_000;
    const counts = new Map<number, number[]>();
    const prng = new Prng(77);
    for (const state of states) for (let i = 0; i < n; i++) tally(counts, s.vocab, state, s.sample(state, prng));
    const cells = states.length * s.vocab;
    expect(misfits(s, counts, cells)).toEqual([]);
    // The same counts read as if they came from other rows fail: the bound is tight enough to tell rows apart.
    const shifted = new Map([...counts].map(([state, row]) => [(state + 1) % s.states, row]));
    expect(misfits(s, shifted, cells).length).toBeGreaterThan(10);
  });

  it('emits truths with the row of the query’s last token (order 1) and last two tokens (order 2)', () => {
    for (const source of [{ vocab: 4, order: 1, support: 2, leak: 0.1, seed: 5 }, { vocab: 3, order: 2, support: 2, leak: 0.2, seed: 6 }]) {
      const task = createNextTokenTask({ source, contextLength: 3, k: 2 });
      const queries = task.makeQueries(123, 4, 30_000);
      const counts = new Map<number, number[]>();
      for (const q of queries) tally(counts, task.vocab, task.source.stateOf(q.fields.context), task.truth(123, q));
      expect(counts.size).toBe(task.source.states);
      expect(misfits(task.source, counts, task.source.states * task.vocab)).toEqual([]);
    }
  });

  it('draws contexts from the source: the transitions inside them follow the rows', () => {
    const task = createNextTokenTask({ source: { vocab: 5, order: 1, support: 2, leak: 0.1, seed: 8 }, contextLength: 12, k: 2 });
    const counts = new Map<number, number[]>();
    for (const q of task.makeQueries(9, 9, 4000)) {
      const c = q.fields.context;
      for (let i = 1; i < c.length; i++) tally(counts, task.vocab, c[i - 1] as number, c[i] as number);
    }
    expect(misfits(task.source, counts, task.source.states * task.vocab)).toEqual([]);
  });

  it('gives the empty state −1 for contexts too short or holding non-tokens', () => {
    const s = new MarkovSource({ vocab: 4, order: 2 });
    expect(s.support).toBe(4);
    expect(s.stateOf([1])).toBe(-1);
    expect(s.stateOf([1, 4])).toBe(-1);
    expect(s.stateOf([1, 1.5])).toBe(-1);
    expect(s.stateOf([1, '2'])).toBe(-1);
    expect(s.stateOf([9, 9, 2, 3])).toBe(2 * 4 + 3);
  });

  it('refuses bad options by name', () => {
    expect(() => new MarkovSource({ vocab: 1 })).toThrow(InvalidOptionError);
    expect(() => new MarkovSource({ order: 3 })).toThrow(/order/);
    expect(() => new MarkovSource({ vocab: 4, support: 5 })).toThrow(/support/);
    expect(() => new MarkovSource({ leak: 1 })).toThrow(/leak/);
    expect(() => createNextTokenTask({ contextLength: 1 })).toThrow(/contextLength/);
    expect(() => createNextTokenTask({ k: 65 })).toThrow(/k/);
    // A misspelt key is refused, not ignored: validator and miners must build the same source.
    expect(() => new MarkovSource({ sed: 4 } as never)).toThrow(/option source\.sed: is not a source option \(expected one of vocab, order, support, leak, seed; did you mean seed\?\)/);
    expect(() => createNextTokenTask({ sourceSeed: 4 } as never)).toThrow(/option sourceSeed: is not a task option/);
    expect(() => createNextTokenTask({ source: 'x' } as never)).toThrow(/option source: expected an object/);
  });
});

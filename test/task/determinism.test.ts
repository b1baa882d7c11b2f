import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors/index.js';
import { createNextTokenTask, MarkovSource, mixNamedSeed, mixSeed } from '../../src/task/index.js';

// Same seeds, same queries and truths, in any process and any order; different seeds, different ones.

const task = createNextTokenTask();
const truths = (seed: number, step: number, count: number): number[] => task.makeQueries(seed, step, count).map((q) => task.truth(seed, q));

describe('the built-in task is a pure function of its seeds', () => {
  it('gives the same queries and truths for the same (seed, step), from a fresh task too', () => {
    const again = createNextTokenTask();
    expect(again.makeQueries(11, 5, 50)).toEqual(task.makeQueries(11, 5, 50));
    expect(again.makeQueries(11, 5, 50).map((q) => again.truth(11, q))).toEqual(truths(11, 5, 50));
  });

  it('draws each query from its own stream: query i does not depend on the count asked for', () => {
    const few = task.makeQueries(3, 9, 4), many = task.makeQueries(3, 9, 40);
    expect(many.slice(0, 4)).toEqual(few);
    expect(many.slice(0, 4).map((q) => task.truth(3, q))).toEqual(few.map((q) => task.truth(3, q)));
  });

  it('changes with the seed and with the step', () => {
    const ctx = (seed: number, step: number): number[][] => task.makeQueries(seed, step, 50).map((q) => [...q.fields.context]);
    const base = ctx(1, 1);
    for (const other of [ctx(2, 1), ctx(1, 2), ctx(2 ** 40, 1), ctx(1, 2 ** 33 + 1)]) {
      const same = other.filter((c, i) => JSON.stringify(c) === JSON.stringify(base[i])).length;
      expect(same).toBeLessThan(3);
    }
    // Truths of other seeds on the same queries: agreement near the collision rate Σ p², far from all 50.
    const qs = task.makeQueries(1, 1, 200);
    const agree = qs.filter((q) => task.truth(1, q) === task.truth(2, q)).length;
    expect(agree).toBeLessThan(150);
    expect(agree).toBeGreaterThan(0);
  });

  it('keeps the truth out of what miners see: the same context with another (seed, step, index) has its own truth', () => {
    const q = task.makeQueries(5, 5, 1)[0]!;
    const draws = new Set(Array.from({ length: 40 }, (_, i) => task.truth(5, { ...q, index: 1000 + i })));
    expect(draws.size).toBeGreaterThan(2);
  });

  it('builds the same source from the same source seed, and another from another', () => {
    const a = new MarkovSource({ seed: 9 }), b = new MarkovSource({ seed: 9 }), c = new MarkovSource({ seed: 10 });
    for (const s of [0, 1, 77, 4095]) expect(b.dense(s)).toEqual(a.dense(s));
    const differ = [0, 1, 77, 4095].filter((s) => JSON.stringify(Array.from(a.row(s).tokens)) !== JSON.stringify(Array.from(c.row(s).tokens)));
    expect(differ.length).toBeGreaterThan(2);
  });

  it('mixes seeds so that nearby inputs differ and the parts of a large integer all count', () => {
    const seen = new Set<number>();
    for (let a = 0; a < 50; a++) for (let b = 0; b < 50; b++) seen.add(mixSeed(a, b));
    expect(seen.size).toBe(2500);
    expect(mixSeed(2 ** 32)).not.toBe(mixSeed(0));
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixNamedSeed('truth', 1)).not.toBe(mixNamedSeed('context', 1));
  });

  it('refuses non-integer seeds, steps and counts by name', () => {
    expect(() => task.makeQueries(1.5, 0, 1)).toThrow(InvalidOptionError);
    expect(() => task.makeQueries(1, Number.NaN, 1)).toThrow(/step/);
    expect(() => task.makeQueries(1, 0, -1)).toThrow(/count/);
    expect(() => task.truth(1, { step: 0, index: 0, fields: { context: [1], k: 16, vocab: 64 } })).toThrow(/context/);
  });

  it('declares the synapse with the inputs as hash fields', () => {
    expect(task.synapse.name).toBe('NextToken');
    expect(task.synapse.requiredHashFields).toEqual(['context', 'k', 'vocab']);
    expect(task.synapse.fields.context).toEqual({ type: 'list', required: true });
    expect(task.synapse.fields.topk).toMatchObject({ required: false, default: null });
    const q = task.makeQueries(1, 1, 1)[0]!;
    expect(Object.keys(q.fields).sort()).toEqual(['context', 'k', 'vocab']);
    expect(q.fields.context).toHaveLength(task.contextLength);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScoreBatch, scoreBatch, SCORING_DEFAULTS } from '../../src/scoring/index.js';
import { createNextTokenTask, parseTopkFields } from '../../src/task/index.js';

/*
 * The response schema against hostile input: it never throws, what it accepts is a well-formed answer, and (with no
 * pair limit) it calls a row garbage exactly when the scorer does. The scorer's verdict is read from the engine itself:
 * with one miner and one query, a row's divergence from the mean is 1 when the row is garbage and 0 otherwise.
 */

const V = 8;
const limits = { vocab: V, maxPairs: 4 };

function scorerSaysGarbage(fields: Record<string, unknown>): boolean {
  const r = scoreBatch(parseScoreBatch({ vocab: V, targets: [0], responses: [{ uid: 0, topk: [fields.topk], floor: [fields.floor] }] }), SCORING_DEFAULTS);
  return r.divergence[0] === 1;
}

const hostileNumber = fc.oneof(
  fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1e-46, 3.5e38, 1e300, -1e-300),
  fc.integer({ min: -3, max: V + 2 }), fc.constant(null), fc.string({ maxLength: 3 }), fc.boolean(),
);
const pair = fc.oneof(
  { weight: 40, arbitrary: fc.tuple(fc.integer({ min: 0, max: V - 1 }), fc.double({ min: 0, max: 1, noNaN: true })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -1, max: V }), fc.double({ min: 0, max: 1, noNaN: true })) },
  { weight: 1, arbitrary: fc.tuple(hostileNumber, hostileNumber) },
  { weight: 1, arbitrary: fc.array(hostileNumber, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.anything() },
);
const nearValid = fc.record({
  topk: fc.oneof({ weight: 12, arbitrary: fc.array(pair, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.anything() }),
  floor: fc.oneof({ weight: 10, arbitrary: fc.double({ min: 0, max: 0.2, noNaN: true }) }, { weight: 2, arbitrary: hostileNumber }, { weight: 1, arbitrary: fc.anything() }),
}, { requiredKeys: [] });

describe('parseTopkFields', () => {
  it('accepts a well-formed answer as it is, unnormalised', () => {
    const r = parseTopkFields({ topk: [[3, 0.5], [1, 0.25]], floor: 0.5, extra: 'ignored' }, limits);
    expect(r).toEqual({ ok: true, answer: { topk: [[3, 0.5], [1, 0.25]], floor: 0.5 } });
    expect(parseTopkFields({ topk: [], floor: 0.125 }, limits).ok).toBe(true);
  });

  it('names what is wrong with each kind of garbage', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /not an object/], [[1, 2], /not an object/], ['{"topk":[]}', /not an object/],
      [{}, /missing or null/], [{ topk: null, floor: 0.1 }, /missing or null/],
      [{ topk: { 3: 0.5 }, floor: 0.1 }, /topk is an object/], [{ topk: 'x', floor: 0.1 }, /topk is a string/],
      [{ topk: [[1, 0.1], [2, 0.1], [3, 0.1], [4, 0.1], [5, 0.1]], floor: 0.1 }, /5 pairs, more than k = 4/],
      [{ topk: [[1, 0.1, 2]], floor: 0.1 }, /topk\[0\] is a list, not a \[token, probability\] pair/],
      [{ topk: [1, 0.1], floor: 0.1 }, /topk\[0\] is 1, not a/],
      [{ topk: [[8, 0.1]], floor: 0.1 }, /topk\[0\]\[0\] is 8, not a token in 0..7/],
      [{ topk: [[-1, 0.1]], floor: 0.1 }, /not a token/], [{ topk: [[1.5, 0.1]], floor: 0.1 }, /not a token/],
      [{ topk: [['1', 0.1]], floor: 0.1 }, /is a string, not a token/],
      [{ topk: [[1, 0.1], [1, 0.2]], floor: 0.1 }, /lists token 1 twice/],
      [{ topk: [[1, null]], floor: 0.1 }, /topk\[0\]\[1\] is null, not a number/],
      [{ topk: [[1, Number.NaN]], floor: 0.1 }, /is NaN/], [{ topk: [[1, -0.1]], floor: 0.1 }, /negative/],
      [{ topk: [[1, '0.1']], floor: 0.1 }, /is a string/], [{ topk: [[1, 1e39]], floor: 0.1 }, /overflows float32/],
      [{ topk: [[1, 0.1]] }, /floor is missing/], [{ topk: [[1, 0.1]], floor: null }, /floor is null/],
      [{ topk: [[1, 0.1]], floor: [0.1] }, /floor is a list/],
      [{ topk: [[1, 0], [2, 0]], floor: 0 }, /no mass/], [{ topk: [[1, 1e-46]], floor: 0 }, /no mass/],
    ];
    for (const [fields, reason] of cases) {
      const r = parseTopkFields(fields, limits);
      expect(r.ok, JSON.stringify(fields)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it('never throws on anything, and what it accepts is a well-formed answer within the limits', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), nearValid), (fields) => {
      const r = parseTopkFields(fields, limits);
      if (!r.ok) return typeof r.reason === 'string' && r.reason.length > 0;
      const { topk, floor } = r.answer;
      const tokens = topk.map(([t]) => t);
      expect(topk.length).toBeLessThanOrEqual(limits.maxPairs);
      expect(new Set(tokens).size).toBe(tokens.length);
      for (const [t, p] of topk) {
        expect(Number.isInteger(t) && t >= 0 && t < V).toBe(true);
        expect(Number.isFinite(p) && p >= 0).toBe(true);
      }
      expect(Number.isFinite(floor) && floor >= 0).toBe(true);
      expect(topk.reduce((a, [, p]) => a + Math.fround(p), 0) + Math.fround(floor) * (V - topk.length)).toBeGreaterThan(0);
      return true;
    }), { numRuns: 2000, seed: 20261125 });
  });

  it('calls a row garbage exactly when the scorer does (no pair limit)', () => {
    let accepted = 0, refused = 0;
    fc.assert(fc.property(nearValid, (fields) => {
      const ours = parseTopkFields(fields, { vocab: V, maxPairs: Number.MAX_SAFE_INTEGER }).ok;
      if (ours) accepted++;
      else refused++;
      expect(!ours).toBe(scorerSaysGarbage(fields));
    }), { numRuns: 400, seed: 7 });
    // Both verdicts are well represented, so the agreement says something.
    expect(Math.min(accepted, refused)).toBeGreaterThan(40);
  });

  it('is the task’s schema, limited by the k the query asked for', () => {
    const task = createNextTokenTask({ k: 2 });
    const q = task.makeQueries(1, 1, 1)[0]!;
    expect(task.responseSchema.outputFields).toEqual(['topk', 'floor']);
    expect(task.responseSchema.parse({ topk: [[1, 0.5], [2, 0.4]], floor: 0.001 }, q).ok).toBe(true);
    expect(task.responseSchema.parse({ topk: [[1, 0.5], [2, 0.4], [3, 0.1]], floor: 0 }, q).ok).toBe(false);
    expect(task.responseSchema.parse({ topk: [[1, 0.5], [2, 0.4], [3, 0.1]], floor: 0 }, { ...q, fields: { ...q.fields, k: 3 } }).ok).toBe(true);
    expect(task.responseSchema.parse({ topk: [[64, 0.5]], floor: 0 }, q).ok).toBe(false);
  });
});

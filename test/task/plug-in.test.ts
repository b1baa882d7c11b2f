import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/random/index.js';
import { parseScoreBatch, scoreBatch, SCORING_DEFAULTS } from '../../src/scoring/index.js';
import { mixNamedSeed, parseTopkFields, toScoreBatch, type MinerReply, type Task } from '../../src/task/index.js';

// The minimal plug-in task of docs/task.md, through the same path as the built-in one.

/** A loaded die: face 0 comes up half the time. Queries carry nothing but the number of faces. */
const LOAD = [0.5, 0.1, 0.1, 0.1, 0.1, 0.1];
const dice: Task = {
  name: 'loaded-die',
  synapse: {
    name: 'Die',
    fields: {
      faces: { type: 'int', required: true },
      topk: { type: 'list', required: false, default: null },
      floor: { type: 'float', required: false, default: null },
    },
    requiredHashFields: ['faces'],
  },
  vocab: 6,
  makeQueries: (_seed, step, count) => Array.from({ length: count }, (_, index) => ({ step, index, fields: { faces: 6 } })),
  truth: (seed, q) => {
    const u = new Prng(mixNamedSeed('die', seed, q.step, q.index)).next();
    let acc = 0;
    return LOAD.findIndex((p) => (acc += p) > u);
  },
  responseSchema: { outputFields: ['topk', 'floor'], parse: (fields) => parseTopkFields(fields, { vocab: 6, maxPairs: 6 }) },
};

describe('a plug-in task', () => {
  it('goes through toScoreBatch and scoreBatch: the miner that knows the load beats the one that guesses uniform', () => {
    const queries = dice.makeQueries(5, 1, 400);
    const knows: MinerReply = { fields: { topk: [[0, 0.5]], floor: 0.1 } };
    const uniform: MinerReply = { fields: { topk: [], floor: 1 / 6 } };
    const answers = new Map<number, MinerReply[]>([[0, queries.map(() => knows)], [1, queries.map(() => uniform)]]);
    const batch = toScoreBatch(dice, queries, answers, 5);
    const faces = new Set(batch.targets);
    expect(faces.size).toBe(6);
    const r = scoreBatch(parseScoreBatch(batch), SCORING_DEFAULTS);
    // Independent expectations: the uniform miner's loss is ln 6 on every query; the other's is ln 2 or ln 10.
    expect(r.loss[1]).toBeCloseTo(Math.log(6), 5);
    const zeros = batch.targets.filter((t) => t === 0).length;
    expect(r.loss[0]).toBeCloseTo((zeros * Math.log(2) + (400 - zeros) * Math.log(10)) / 400, 5);
    expect(r.loss[0]).toBeLessThan(r.loss[1]!);
    expect(r.shapley[0]).toBeGreaterThan(r.shapley[1]!);
  });
});

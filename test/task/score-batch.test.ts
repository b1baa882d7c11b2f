import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { parseScoreBatch, scoreBatch, SCORING_DEFAULTS } from '../../src/scoring/index.js';
import { createNextTokenTask, profileHandler, toScoreBatch, type MinerReply, type ProfileOptions } from '../../src/task/index.js';
import { replyOf } from './simulate-replies.js';

// A step's replies → the scorer's batch → scoreBatch, end to end with every profile.

const LIMITS = { deadlineMs: 12_000, maxBytes: 16 * 1024 * 1024 };
const task = createNextTokenTask();

/** The miners of a demo subnet: uid = index. */
const MINERS: Array<[string, ProfileOptions]> = [
  ['oracle-0.9', {}], ['oracle-0.6', {}], ['oracle-0.3', {}], ['noise', { seed: 3 }], ['copier', { copyOf: 'oracle-0.9' }],
  ['sybil', { member: 0 }], ['sybil', { member: 1 }], ['sybil', { member: 2 }],
  ['slow', {}], ['error500', {}], ['malformed', {}], ['nan', {}], ['nan', { nanMode: 'null' }], ['oversized', {}], ['wrong-shape', {}],
];
const uidOf = (name: string, member = 0): number => MINERS.findIndex(([n, o]) => n === name && (o.member ?? 0) === member && o.nanMode === undefined);

function step(seed: number, stepNo: number, count: number) {
  const queries = task.makeQueries(seed, stepNo, count);
  const answers = new Map<number, MinerReply[]>();
  MINERS.forEach(([name, options], uid) => {
    const handler = profileHandler(name, options);
    answers.set(uid, queries.map((q) => replyOf(task.synapse, q.fields, handler(q.fields), LIMITS)));
  });
  const json = toScoreBatch(task, queries, answers, seed);
  return { queries, json, result: scoreBatch(parseScoreBatch(JSON.parse(JSON.stringify(json))), SCORING_DEFAULTS) };
}

describe('toScoreBatch', () => {
  const queries = task.makeQueries(1, 1, 3);
  const good = { fields: { topk: [[1, 0.5]], floor: 0.01 } };

  it('writes targets from the truth, answers as sent, garbage and failed rows as garbage, all-failed miners as errors', () => {
    const answers = new Map<number, MinerReply[]>([
      [7, [good, good, good]],
      [3, [good, { fields: { topk: 'x' } }, { error: '408 timeout' }]],
      [5, [{ error: '500 Internal Server Error' }, { error: '408' }, null]],
      [9, []],
      [4, [{ fields: { topk: 'x' } }, { fields: { topk: [[1, Number.NaN]] } }, { error: '408' }]],
    ]);
    const json = toScoreBatch(task, queries, answers, 1);
    expect(json.vocab).toBe(64);
    expect(json.targets).toEqual(queries.map((q) => task.truth(1, q)));
    expect(json.responses).toEqual([
      { uid: 7, topk: [[[1, 0.5]], [[1, 0.5]], [[1, 0.5]]], floor: [0.01, 0.01, 0.01] },
      { uid: 3, topk: [[[1, 0.5]], [], []], floor: [0.01, null, null] },
      { uid: 5, error: '500 Internal Server Error (every one of 3 queries failed)' },
      { uid: 9, error: 'not queried (every one of 3 queries failed)' },
      { uid: 4, error: expect.stringContaining('(no usable answer to any of 3 queries failed)') as unknown as string },
    ]);
    const r = scoreBatch(parseScoreBatch(json), SCORING_DEFAULTS);
    expect(r.responsive).toEqual([true, true, false, false, false]);
    expect(r.shapley[4]).toBe(0);
    expect(r.lossPerQuery[1 * 3 + 1]).toBe(SCORING_DEFAULTS.worstLoss);
    expect(r.lossPerQuery[1 * 3 + 2]).toBe(SCORING_DEFAULTS.worstLoss);
  });

  it('refuses the caller’s mistakes, not the miners’', () => {
    expect(() => toScoreBatch(task, [], new Map(), 1)).toThrow(InvalidInputError);
    expect(() => toScoreBatch(task, queries, new Map([[70_000, [good]]]), 1)).toThrow(/uids/);
    expect(() => toScoreBatch(task, queries, new Map([[1, [{ fields: Symbol('x') }, { fields: { topk: [[{}, []]] } }]]]), 1)).not.toThrow();
  });
});

describe('a step of every profile, scored', () => {
  const { queries, json, result } = step(2026, 17, 256);
  const at = (name: string, member = 0): number => uidOf(name, member);

  it('ranks the oracles by fidelity, above noise', () => {
    const s = result.shapley;
    expect(s[at('oracle-0.9')]).toBeGreaterThan(s[at('oracle-0.6')]!);
    expect(s[at('oracle-0.6')]).toBeGreaterThan(s[at('oracle-0.3')]!);
    expect(s[at('oracle-0.3')]).toBeGreaterThan(s[at('noise')]!);
    expect(s[at('noise')]).toBeGreaterThan(0);
  });

  it('ranks them so on other seeds and steps too', () => {
    for (const [seed, stepNo] of [[1, 1], [7, 300], [123456, 2]] as const) {
      const s = step(seed, stepNo, 128).result.shapley;
      const order = ['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise'].map((n) => s[at(n)]!);
      expect(order).toEqual([...order].sort((a, b) => b - a));
    }
  });

  it('gives the copier no more than the miner it copies', () => {
    const copier = at('copier'), target = at('oracle-0.9');
    expect(result.loss[copier]).toBe(result.loss[target]);
    expect(result.shapley[copier]).toBeLessThanOrEqual(result.shapley[target]! * (1 + 1e-12));
    expect(result.synergy[copier * result.uids.length + target]).toBe(0);
  });

  it('scores each sybil within 0.05 nats of the oracle its group perturbs', () => {
    const base = result.loss[at('oracle-0.6')]!;
    for (const m of [0, 1, 2]) expect(Math.abs(result.loss[at('sybil', m)]! - base)).toBeLessThan(0.05);
  });

  it('gives every failure profile a zero score input: a miner with no usable answer is unresponsive', () => {
    // NaN is read as Python's json.loads reads it (a NaN float): garbage rows, as nulls are. wrong-shape's replies are
    // either refused by the synapse's validation (422: a dict or a list where a list or a float is declared) or garbage.
    // Only garbage, or only failures: the miner answered nothing usable, so it is unresponsive (Shapley exactly 0).
    const garbage = [at('wrong-shape'), at('nan'), MINERS.findIndex(([n, o]) => n === 'nan' && o.nanMode === 'null')];
    for (const k of garbage) {
      expect(json.responses[k]).toHaveProperty('error');
      expect(result.responsive[k]).toBe(false);
      expect(result.shapley[k]).toBe(0);
    }
    for (const name of ['slow', 'error500', 'malformed', 'oversized']) {
      const k = at(name);
      expect(json.responses[k]).toHaveProperty('error');
      expect(result.responsive[k]).toBe(false);
      expect(result.loss[k]).toBeNaN();
      expect(result.shapley[k]).toBe(0);
    }
  });

  it('measures the oracles’ losses as the mixture model predicts (Bernstein bound over the queries)', () => {
    // Expected loss of oracle-f on query b: E_{t∼P}[−ln q_t] with q = f·P + (1 − f)/V; each loss lies in [0, M] with
    // M = −ln(min q). The measured mean is within t of the mean expectation with probability ≥ 1 − 1e−9.
    for (const f of [0.9, 0.6, 0.3]) {
      let mean = 0, variance = 0, M = 0;
      for (const q of queries) {
        const p = task.source.dense(task.source.stateOf(q.fields.context));
        let e = 0, e2 = 0;
        for (const x of p) {
          const l = -Math.log(f * x + (1 - f) / task.vocab);
          e += x * l;
          e2 += x * l * l;
          M = Math.max(M, l);
        }
        mean += e;
        variance += e2 - e * e;
      }
      const B = queries.length, L = Math.log(2 / 1e-9);
      const t = ((M * L) / 3 + Math.sqrt(((M * L) ** 2) / 9 + 2 * variance * L)) / B;
      expect(Math.abs(result.loss[at(`oracle-${f}`)]! - mean / B)).toBeLessThan(t);
    }
  });
});

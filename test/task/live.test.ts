import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDendrite, type Dendrite, type QueryAxon, type QueryResult } from '../../src/dendrite/index.js';
import { loadKey } from '../../src/keys/index.js';
import { startAxon, type AxonHandle } from '../../src/miner/index.js';
import { parseScoreBatch, scoreBatch, SCORING_DEFAULTS } from '../../src/scoring/index.js';
import { createNextTokenTask, profileHandler, toScoreBatch, type MinerReply, type ProfileOptions } from '../../src/task/index.js';
import { replyOf } from './simulate-replies.js';

/*
 * A step over the real stack on loopback: every profile behind its own reference axon (src/miner), queried by the
 * real dendrite (src/dendrite: signed requests, a total deadline, a 1 MiB size cap, the SDK's status mapping). The
 * statuses must be the SDK's, and the score input must be the one the offline tests score (score-batch.test.ts, through
 * simulate-replies.ts): the same rows, number for number, and the same unresponsive miners.
 *
 * Each query goes to every axon once and the queries go one after another: the slow axon costs one deadline per query,
 * so the step is kept short (2 queries; the deadline, 5 s, is generous for a loaded machine).
 */

const task = createNextTokenTask();
const DEADLINE_S = 5;
const MINERS: Array<[string, ProfileOptions]> = [
  ['oracle-0.9', {}], ['oracle-0.6', {}], ['oracle-0.3', {}], ['noise', { seed: 3 }], ['copier', {}], ['sybil', { member: 0 }],
  ['slow', { delayMs: 4 * DEADLINE_S * 1000 }], ['error500', {}], ['malformed', {}], ['nan', {}], ['nan', { nanMode: 'null' }],
  ['oversized', {}], ['wrong-shape', {}],
];
const uid = (name: string, nanMode?: string): number => MINERS.findIndex(([n, o]) => n === name && o.nanMode === nanMode);

let dendrite: Dendrite;
const axons: AxonHandle[] = [];
let targets: QueryAxon[];

beforeAll(async () => {
  const key = await loadKey({ uri: '//Bob' }, { dev: true });
  for (const [name, options] of MINERS) {
    const handler = profileHandler(name, options);
    axons.push(await startAxon({ key, port: 0, synapses: [{ spec: task.synapse, handler: (req) => handler(req.fields) }], log: () => {} }));
  }
  targets = axons.map((a, i) => ({ ip: '127.0.0.1', port: a.port, hotkey: a.hotkey, uid: i }));
  // Breakers off in effect: the slow and failing axons are asked every time.
  dendrite = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 1, allowPrivate: true, timeout: DEADLINE_S, breakerThreshold: 10_000 });
});

afterAll(async () => {
  await dendrite?.close();
  for (const a of axons) await a.close();
});

const asReply = (r: QueryResult): MinerReply => (r.status === 200 && r.fields !== null ? { fields: r.fields } : { error: `${r.status} ${r.message ?? ''}` });

describe('a live step of every profile', () => {
  it('gets the SDK statuses, and the same score input as the offline step', async () => {
    const seed = 77;
    const queries = task.makeQueries(seed, 1, 2);
    const results: QueryResult[][] = [];
    for (const q of queries) results.push(await dendrite.query(targets, task.synapse, q.fields));
    const statuses = (k: number): number[] => [...new Set(results.map((r) => r[k]!.status))];

    for (const name of ['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'copier', 'sybil', 'nan']) expect(statuses(uid(name)), name).toEqual([200]);
    expect(statuses(uid('nan', 'null'))).toEqual([200]);
    expect(statuses(uid('slow'))).toEqual([408]);
    expect(statuses(uid('error500'))).toEqual([500]);
    expect(statuses(uid('malformed'))).toEqual([422]);
    // Over the 1 MiB cap: the SDK's payload error (400), or the deadline if the machine is too loaded to stream 1 MiB.
    expect(statuses(uid('oversized')).every((s) => s === 400 || s === 408)).toBe(true);
    expect(statuses(uid('wrong-shape')).every((s) => s === 200 || s === 422)).toBe(true);

    const live = toScoreBatch(task, queries, new Map(MINERS.map((_, k) => [k, results.map((r) => asReply(r[k]!))])), seed);
    const offline = toScoreBatch(task, queries, new Map(MINERS.map(([name, options], k) => {
      const handler = profileHandler(name, options);
      return [k, queries.map((q) => replyOf(task.synapse, q.fields, handler(q.fields), { deadlineMs: DEADLINE_S * 1000, maxBytes: 1 << 20 }))];
    })), seed);
    expect(live.targets).toEqual(offline.targets);
    live.responses.forEach((r, k) => {
      const o = offline.responses[k]!;
      if ('error' in o) expect(r, MINERS[k]![0]).toHaveProperty('error');
      else expect(r, MINERS[k]![0]).toEqual(o);
    });

    const s = scoreBatch(parseScoreBatch(live), SCORING_DEFAULTS);
    for (const name of ['slow', 'error500', 'malformed', 'oversized']) expect(s.shapley[uid(name)], name).toBe(0);
    for (const k of [uid('nan'), uid('nan', 'null'), uid('wrong-shape')]) expect([s.responsive[k], s.shapley[k]]).toEqual([false, 0]);
    expect(s.shapley[uid('copier')]).toBeLessThanOrEqual(s.shapley[uid('oracle-0.9')]! * (1 + 1e-12));
  });
});

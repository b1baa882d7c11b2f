import { describe, expect, it } from 'vitest';
import type { Metagraph } from '../../src/chain/index.js';
import type { Dendrite, QueryAxon, QueryResult } from '../../src/dendrite/index.js';
import { SCORING_DEFAULTS, ScoreBook } from '../../src/scoring/index.js';
import { availableUids, runStep, sampleUids } from '../../src/service/index.js';
import { createNextTokenTask, profileHandler, type Task } from '../../src/task/index.js';

/*
 * A step without a network: the SDK's sampling rules on a synthetic metagraph, and runStep with a stand-in dendrite
 * that answers each axon by a miner profile (the real dendrite and axons are in devnet-e2e.test.ts).
 */

const task = createNextTokenTask() as unknown as Task;
const TAO = 1_000_000_000n;

function metagraph(profiles: Array<string | null>, over: Partial<Metagraph> = {}): Metagraph {
  const n = profiles.length;
  return {
    netuid: 1, block: 100, blockHash: '0x00', n,
    hotkeys: profiles.map((_, uid) => `hk${uid}`), coldkeys: profiles.map(() => 'ck'), stake: profiles.map(() => 0n),
    axons: profiles.map((p, uid) => (p === null ? null : { ip: '127.0.0.1', ipType: 4, port: 9000 + uid, version: 1, protocol: 4, block: 1 })),
    validatorPermit: profiles.map(() => false), lastUpdate: profiles.map(() => 0), blockAtRegistration: profiles.map(() => 0),
    active: profiles.map(() => true), weights: profiles.map(() => []), bonds: profiles.map(() => []), consensus: profiles.map(() => 0),
    incentive: profiles.map(() => 0), dividends: profiles.map(() => 0), validatorTrust: profiles.map(() => 0), emission: profiles.map(() => 0n),
    hyperparams: { tempo: 10 } as Metagraph['hyperparams'], stakeSource: 'TotalHotkeyAlpha', stakeThreshold: 0n, ownerHotkey: null, ownerUid: null,
    lastMechanismStepBlock: 0, commitBlocks: profiles.map(() => []),
    ...over,
  };
}

/** A dendrite that answers each axon with its profile's action, as a 200 with fields or the action's status. */
function standIn(profileOf: (port: number) => string): Dendrite & { calls: number } {
  const d = {
    hotkey: 'validator',
    calls: 0,
    async query(axons: readonly QueryAxon[], _spec: unknown, input: unknown): Promise<QueryResult[]> {
      d.calls++;
      return axons.map((a) => {
        const action = profileHandler(profileOf(a.port))(input);
        // Axon on port 9000 + i answers in (i + 1) × 10 ms.
        const base = { processTime: (a.port - 8999) * 0.01, axonProcessTime: 0.01, failure: null, uid: a.uid };
        if (action.kind === 'fields') return { ...base, status: 200, message: 'Success', fields: { ...(input as object), ...action.fields } };
        return { ...base, status: action.kind === 'status' ? action.status : 500, message: 'failed', fields: null };
      });
    },
    breakerState: () => 'closed' as const,
    close: async () => {},
  };
  return d;
}

describe('sampling (the SDK template\'s get_random_uids rules)', () => {
  it('offers serving axons only, never the validator itself, and no permit holder above the stake limit', () => {
    const m = metagraph(['v', 'a', null, 'b', 'c', 'd'], {
      validatorPermit: [true, false, false, true, true, false],
      stake: [9000n * TAO, 0n, 0n, 5000n * TAO, 4096n * TAO, 9000n * TAO],
    });
    m.axons[5] = { ...(m.axons[5] as NonNullable<Metagraph['axons'][number]>), ip: '0.0.0.0' };
    // uid 0 is us; 2 has no axon; 3 is a validator above 4096 TAO; 4 holds exactly the limit; 5 serves 0.0.0.0.
    expect(availableUids(m, 0, 4096n * TAO)).toEqual([1, 4]);
    expect(availableUids(m, null, 10_000n * TAO)).toEqual([0, 1, 3, 4]);
  });

  it('draws k distinct uids, the same for the same seed and step', () => {
    const available = Array.from({ length: 40 }, (_, i) => i * 2);
    const a = sampleUids(available, 10, 99, 5);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    for (const u of a) expect(available).toContain(u);
    expect(sampleUids(available, 10, 99, 5)).toEqual(a);
    expect(sampleUids(available, 10, 99, 6)).not.toEqual(a);
    expect(sampleUids(available, 50, 99, 5)).toEqual(available);
  });
});

describe('runStep', () => {
  const profiles = ['oracle-0.9', 'noise', 'error500', 'oracle-0.3'];
  const m = metagraph(profiles);
  const base = { seed: 7, metagraph: m, task, queriesPerStep: 24, concurrency: 4, timeoutSeconds: 5, scoring: SCORING_DEFAULTS };

  it('scores the sampled miners: one entry per uid, the failures unresponsive, the oracle above the noise', async () => {
    const d = standIn((port) => profiles[port - 9000] as string);
    const out = await runStep({ ...base, step: 3, uids: [0, 1, 2], dendrite: d });
    expect(out.complete).toBe(true);
    expect(d.calls).toBe(24);
    expect(out.entries.map((e) => [e.uid, e.queried, e.responsive])).toEqual([[0, true, true], [1, true, true], [2, true, false], [3, false, false]]);
    expect(out.shapley.get(0)).toBeGreaterThan(out.shapley.get(1) as number);
    expect(out.shapley.get(2)).toBe(0);
    expect(out.statuses.get(200)).toBe(48);
    expect(out.statuses.get(500)).toBe(24);
    // The slowest answer of the queried uids 0..2 (ports 9000..9002): 30 ms, the step's overhead is measured past it.
    expect(out.slowestAnswerMs).toBeCloseTo(30, 9);
  });

  it('asks the same questions when a step is redone (same seed and step), other ones at another step', async () => {
    const seen: unknown[][] = [[], [], []];
    for (const [i, step] of [[0, 3], [1, 3], [2, 4]] as const) {
      const d = standIn(() => 'oracle-0.9');
      const q = d.query.bind(d);
      d.query = async (axons, spec, input) => { seen[i]!.push(input); return q(axons, spec, input); };
      await runStep({ ...base, step, uids: [0], dendrite: d });
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).not.toEqual(seen[0]);
  });

  it('reports a stopped step as incomplete, with nothing to apply', async () => {
    const ac = new AbortController();
    ac.abort();
    const out = await runStep({ ...base, step: 1, uids: [0, 1], dendrite: standIn(() => 'oracle-0.9'), signal: ac.signal });
    expect(out.complete).toBe(false);
    expect(out.responsive).toBe(0);
  });

  it('restarts a uid whose hotkey changed from 0, and keeps the others', async () => {
    const d = standIn((port) => profiles[port - 9000] as string);
    const book = new ScoreBook();
    book.update((await runStep({ ...base, step: 1, uids: [0, 1, 3], dendrite: d })).entries);
    expect(book.get(0)).toBeGreaterThan(0);
    expect(book.get(3)).toBeGreaterThan(0);
    const swapped = metagraph(profiles, { hotkeys: ['hk0', 'hk1', 'hk2', 'new-hk3'] });
    // uid 3 is not queried this step: its new hotkey starts from exactly 0; uid 0 keeps its score (not queried either).
    const before0 = book.get(0);
    book.update((await runStep({ ...base, metagraph: swapped, step: 2, uids: [1], dendrite: d })).entries);
    expect(book.get(3)).toBe(0);
    expect(book.hotkey(3)).toBe('new-hk3');
    expect(book.get(0)).toBe(before0);
  });
});

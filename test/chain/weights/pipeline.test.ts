import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrevalidationError, weightsCommitHash } from '../../../src/chain/weights/index.js';
import { commitHash } from '../../../src/devnet/index.js';
import { u8aToHex } from '@polkadot/util';
import { startHarness, type Harness } from './helpers.js';

/* The pipeline's happy paths against devnet: set_weights, commit then reveal in its window, the commit hash. */

const SN = 1; // commit-reveal off
const CR = 2; // commit-reveal on
const config = {
  subnets: [
    {
      netuid: SN, tempo: 6, weightsSetRateLimit: 3, minAllowedWeights: 2, weightsVersionKey: 5,
      neurons: [
        { hotkey: '//Alice', stake: '1000000000000', permit: true },
        { hotkey: '//Bob', stake: '1000', permit: false },
        { hotkey: '//Charlie', stake: 0 },
        { hotkey: '//Dave', stake: '500000000000', permit: true },
      ],
    },
    {
      netuid: CR, tempo: 4, commitRevealEnabled: true, revealPeriodEpochs: 1, weightsSetRateLimit: 0, minAllowedWeights: 1,
      neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob', stake: 0 }],
    },
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

type Q = Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>;
const query = (): Q => (h.conn.api.query as unknown as Record<string, Q>)['subtensorModule'] as Q;

describe('weight pipeline on devnet', () => {
  it('computes the commit hash as the chain does', () => {
    const who = u8aToHex(h.keys.alice.publicKey);
    for (const [uids, values, salt, vk] of [[[0, 1], [65535, 1000], [7, 8, 9], 0n], [[], [], [], 2n ** 63n], [[3], [1], [65535], 17n]] as const) {
      expect(weightsCommitHash(h.keys.alice.address, CR, uids, values, salt, vk)).toBe(commitHash(who as never, CR, uids, values, salt, vk));
    }
  });

  it('processes float scores with the chain\'s n and MinAllowedWeights, whatever the caller thinks they are', async () => {
    const p = h.pipeline(h.keys.alice);
    const state = await p.readState(SN);
    expect([state.n, state.minAllowedWeights, state.weightsVersionKey, state.uid]).toEqual([4, 2, 5n, 0]);
    expect(p.process(state, [0, 1, 2, 3], [0.5, 0.25, 0, 0.25])).toEqual({ uids: [0, 1, 3], values: [65535, 32768, 32768] });
  });

  it('sets weights: signed, stored, included, finalized; the stored row is what was sent', async () => {
    const p = h.pipeline(h.keys.alice);
    const r = await p.setWeights({ netuid: SN, uids: [0, 3], values: [65535, 32768] });
    expect(r.intent.state).toBe('finalized');
    expect(r.intent.versionKey).toBe(5n);
    expect(r.intent.attempts).toBe(1);
    expect(r.intent.blockNumber).toBe(await h.head());
    expect(r.intent.extrinsicHex).toMatch(/^0x/);
    expect((await query()['weights']!(SN, 0)).toJSON()).toEqual([[0, 65535], [3, 32768]]);
    expect(h.store.intents.get(r.intent.id).state).toBe('finalized');
  });

  it('refuses locally with the chain\'s error name and records the intent as failed, sending nothing', async () => {
    const p = h.pipeline(h.keys.bob);
    const before = await h.head();
    const err = await p.setWeights({ netuid: SN, uids: [0, 3], values: [1, 1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrevalidationError);
    expect((err as PrevalidationError).chainError).toBe('NeuronNoValidatorPermit');
    expect(await h.head()).toBe(before);
    const last = h.store.intents.listAll().at(-1)!;
    expect([last.state, last.error, last.failureKind, last.extrinsicHex]).toEqual(['failed', 'NeuronNoValidatorPermit', 'refused', null]);
  });

  it('commits with a stored salt, then reveals in the reveal epoch (waiting for it)', async () => {
    const p = h.pipeline(h.keys.alice);
    const c = await p.submit({ netuid: CR, uids: [0, 1], values: [65535, 1000] });
    expect(c.intent.kind).toBe('commit_weights');
    expect(c.intent.state).toBe('finalized');
    const pending = h.store.reveals.get(c.intent.id);
    expect(pending.salt).toHaveLength(8);
    expect(pending.commitBlock).toBe(c.intent.blockNumber);
    const commits = (await query()['weightCommits']!(CR, h.keys.alice.address)).toJSON() as Array<[string]>;
    expect(commits.map(([x]) => x)).toContain(c.intent.commitHash);
    const w = c.revealWindow!;
    expect(w.last - w.first).toBe(4);
    // The reveal waits for its window: produce blocks in the background, one at a time.
    let stop = false;
    const ticker = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 30));
        if ((await h.head()) < w.first - 1) await h.advanceTo((await h.head()) + 1);
      }
    })();
    const out = await p.revealPending();
    stop = true;
    await ticker;
    expect(out).toHaveLength(1);
    expect(out[0]!.status).toBe('revealed');
    const rb = out[0]!.reveal!.blockNumber!;
    expect(rb).toBeGreaterThanOrEqual(w.first);
    expect(rb).toBeLessThanOrEqual(w.last);
    expect((await query()['weights']!(CR, 0)).toJSON()).toEqual([[0, 65535], [1, 1000]]);
    expect(h.store.reveals.listPending()).toEqual([]);
  });
});

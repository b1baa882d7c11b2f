import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

/*
 * A set_weights that passes pre-validation and still meets the rate limit in its block: another process with the same
 * hotkey had a set_weights in the pool, included just before ours in the same block. The spent intent is recorded as
 * failed (a dispatch error, the chain's name), and a new intent is planned once, rescheduled to the first allowed block.
 */

const RATE = 3;
const config = { subnets: [{ netuid: 1, tempo: 360, weightsSetRateLimit: RATE, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config, 400);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

type Tx = Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>;

describe('a race with another setter of the same hotkey', () => {
  it('records the lost extrinsic and lands a new one at LastUpdate + WeightsSetRateLimit', async () => {
    // Just after a block, so that both extrinsics wait in the pool for the same next block.
    const start = await h.head();
    while ((await h.head()) === start) await new Promise((r) => setTimeout(r, 5));
    const other = (h.conn.api.tx as unknown as Record<string, Tx>)['subtensorModule']!['setWeights']!(1, [0, 1], [1, 65535], 0);
    let otherBlock = -1;
    const otherDone = new Promise<void>((resolve, reject) => {
      other.signAndSend(h.keys.alice, (r) => {
        if (r.status.isInBlock) {
          void h.conn.api.rpc.chain.getHeader(r.status.asInBlock).then((hd) => { otherBlock = hd.number.toNumber(); resolve(); });
        }
      }).catch(reject);
    });
    await new Promise((r) => setTimeout(r, 20));
    const lines: string[] = [];
    const p = h.pipeline(h.keys.alice, { log: (l) => lines.push(l) });
    const r = await p.setWeights({ netuid: 1, uids: [0, 1], values: [65535, 1] });
    await otherDone;
    const all = h.store.intents.listAll();
    const lost = all.find((i) => i.state === 'failed');
    expect(lost, `intents: ${JSON.stringify(all.map((i) => [i.state, i.blockNumber, i.error]))}`).toBeDefined();
    expect([lost!.error, lost!.failureKind, lost!.blockNumber]).toEqual(['SettingWeightsTooFast', 'dispatch', otherBlock]);
    expect(r.intent.state).toBe('finalized');
    expect(r.intent.blockNumber).toBe(otherBlock + RATE);
    expect(lines.some((l) => /planning it again/.test(l))).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection, ChainTimeoutError } from '../../../src/chain/index.js';
import { WeightsPipeline, WeightsUnconfirmedError } from '../../../src/chain/weights/index.js';
import { startHarness, type Harness } from './helpers.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/*
 * Done means 2: a devnet that stops answering (a proxy that stops forwarding, the socket left open): calls fail at
 * their deadline with a clear error and nothing hangs; once it answers again, the intent is finished from the store
 * and exactly one extrinsic lands.
 */

const config = { subnets: [{ netuid: 1, tempo: 360, weightsSetRateLimit: 0, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] };

let h: Harness;
let proxy: TcpProxy;
let conn: ChainConnection;
beforeAll(async () => {
  h = await startHarness(config);
  proxy = await startTcpProxy(h.server.port);
  conn = await ChainConnection.open({ url: proxy.url, callTimeoutMs: 400, log: () => {} });
}, 30_000);
afterAll(async () => {
  await conn?.close();
  await proxy?.close();
  await h?.close();
});

describe('a devnet that stops answering', () => {
  it('fails a read at its deadline with ChainTimeoutError', async () => {
    proxy.pause();
    const t0 = Date.now();
    const err = await conn.call('read the head', (api) => api.rpc.chain.getHeader(), 300).catch((e: unknown) => e);
    const took = Date.now() - t0;
    proxy.resume();
    expect(err).toBeInstanceOf(ChainTimeoutError);
    expect((err as Error).message).toBe('read the head: no answer from the chain within 300 ms');
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
  });

  it('gives up on a submission at its deadlines (no hang), keeps the intent, and a resume lands it exactly once', async () => {
    const p = new WeightsPipeline(conn, h.store, h.keys.alice, { log: () => {}, inclusionTimeoutMs: 300, maxRetries: 2, backoffMs: 50, pollMs: 20 });
    const mark = h.store.intents.markSubmitted.bind(h.store.intents);
    let paused = false;
    h.store.intents.markSubmitted = (id: number) => {
      const r = mark(id);
      if (!paused) {
        paused = true;
        proxy.pause();
      }
      return r;
    };
    const t0 = Date.now();
    const err = await p.setWeights({ netuid: 1, uids: [0, 1], values: [65535, 5] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeightsUnconfirmedError);
    expect((err as Error).message).toMatch(/no answer from the chain within \d+ ms.*stays in the store/);
    expect(Date.now() - t0).toBeLessThan(5_000);
    const [open] = h.store.intents.listOpen();
    expect(open?.state).toBe('submitted');
    const hash = open!.extrinsicHash!;

    proxy.resume();
    const done = await p.resume();
    expect(done.intents.map((o) => [o.intent.id, o.intent.state])).toEqual([[open!.id, 'finalized']]);
    const head = await h.head();
    let found = 0;
    for (let b = 1; b <= head; b++) {
      const block = await h.conn.api.rpc.chain.getBlock(await h.conn.api.rpc.chain.getBlockHash(b));
      found += block.block.extrinsics.filter((x) => x.isSigned && x.signer.toString() === h.keys.alice.address).length;
      if (block.block.extrinsics.some((x) => x.hash.toHex() === hash)) expect(done.intents[0]!.intent.blockNumber).toBe(b);
    }
    expect(found).toBe(1);
  });
});

import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRpcServer } from '../../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../../src/devnet/rpc/index.js';
import { RawClient, makeFakeNode } from './helpers.js';
import type { FakeNode } from './helpers.js';

// Many clients at once, limits per client, clean-up when clients go, and a clean shutdown.

let node: FakeNode;
let server: RpcServer;

beforeAll(async () => {
  node = makeFakeNode();
  server = await startRpcServer(node, { maxSubscriptionsPerConnection: 8 });
});

afterAll(async () => {
  await server?.close();
});

describe('robustness', () => {
  it('serves 50 concurrent clients, each with head subscriptions and requests, while blocks are produced', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(server.url)));
    expect(server.connectionCount()).toBe(50);
    const subs = await Promise.all(clients.map((c) => c.call('chain_subscribeNewHeads')));
    const start = node.chain.head.number;
    const rounds = 10;
    const work = clients.map(async (c, i) => {
      for (let r = 0; r < rounds; r++) {
        const [chainName, hash, keys] = await Promise.all([
          c.call('system_chain'),
          c.call('chain_getBlockHash', [0]),
          c.call('state_getKeysPaged', ['0x', 5, null]),
        ]);
        expect(chainName).toBe('Yumaval Devnet');
        expect(hash).toBe(node.chain.genesisHash);
        expect(keys).toHaveLength(4);
        if (i % 7 === 0) expect((await c.request('no_such')).error).toMatchObject({ code: -32601 });
      }
    });
    for (let b = 0; b < 5; b++) {
      node.produce();
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(work);
    await Promise.all(clients.map((c, i) => c.until(() => c.of(subs[i]).length === 6)));
    for (const [i, c] of clients.entries()) {
      const numbers = c.of(subs[i]).map((h) => Number((h as { number: string }).number));
      expect(numbers).toEqual([start, start + 1, start + 2, start + 3, start + 4, start + 5]);
    }
    expect(server.subscriptionCount()).toBe(50);
    await Promise.all(clients.map((c) => c.close()));
    await until(() => server.connectionCount() === 0);
    expect(server.subscriptionCount()).toBe(0);
    expect(node.chain.listenerCount('block')).toBe(1);
  });

  it('caps subscriptions per connection with −32006, without touching other connections', async () => {
    const a = await RawClient.connect(server.url);
    const b = await RawClient.connect(server.url);
    for (let i = 0; i < 8; i++) await a.call('state_subscribeRuntimeVersion');
    expect((await a.request('chain_subscribeNewHeads')).error).toEqual({ code: -32006, message: 'Too many subscriptions on the connection', data: 'Exceeded max limit of 8' });
    expect(typeof (await b.call('chain_subscribeNewHeads'))).toBe('string');
    await a.close();
    await b.close();
  });

  it('ends a client\'s subscriptions when it disconnects, even abruptly', async () => {
    const c = await RawClient.connect(server.url);
    await c.call('chain_subscribeNewHeads');
    await c.call('state_subscribeStorage', [['0x01']]);
    await c.call('author_submitAndWatchExtrinsic', ['0x0501']);
    expect(server.subscriptionCount()).toBe(3);
    c.ws.terminate();
    await until(() => server.connectionCount() === 0);
    expect(server.subscriptionCount()).toBe(0);
    node.produce(); // the watch's statuses now go nowhere, harmlessly
    const d = await RawClient.connect(server.url);
    expect(await d.call('system_chain')).toBe('Yumaval Devnet');
    await d.close();
  });

  it('survives a flood of garbage frames from one client while another is served', async () => {
    const bad = await RawClient.connect(server.url);
    const good = await RawClient.connect(server.url);
    const garbage = ['', '{', 'null', '[1,2,3]', '{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":[{"x":1}]}', '\u0000\u0001', '[[]]', '{"id":[]}'];
    for (let i = 0; i < 400; i++) bad.ws.send(garbage[i % garbage.length]!);
    expect(await good.call('system_chain')).toBe('Yumaval Devnet');
    await bad.until(() => bad.frames.length >= 400);
    expect(bad.frames.every((f) => typeof f === 'object' && f !== null)).toBe(true);
    expect(await bad.call('system_chain')).toBe('Yumaval Devnet');
    await bad.close();
    await good.close();
  });

  it('drops a client that stops reading once its queue passes maxBufferedBytes; the others go on', async () => {
    const logs: string[] = [];
    const own = await startRpcServer(node, { maxBufferedBytes: 1024 * 1024, maxReplyBytes: 1024 * 1024, log: (l) => logs.push(l) });
    const slow = await RawClient.connect(own.url);
    const other = await RawClient.connect(own.url);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const closed = new Promise<void>((resolve) => slow.ws.once('close', () => resolve()));
    // Each answer is the whole metadata (hundreds of KiB): the kernel's buffers fill, then the server's queue.
    for (let i = 0; i < 200; i++) slow.ws.send(`{"jsonrpc":"2.0","id":${i},"method":"state_getMetadata"}`);
    await until(() => logs.some((l) => l.includes('does not read its replies')), 10_000);
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    await closed;
    expect(await other.call('system_chain')).toBe('Yumaval Devnet');
    await other.close();
    await own.close();
  });

  it('closes every connection with 1001 on shutdown and stops following the chain', async () => {
    const own = await startRpcServer(node);
    const c = await RawClient.connect(own.url);
    await c.call('chain_subscribeNewHeads');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    const listeners = node.chain.listenerCount('block');
    await own.close();
    expect(await closed).toBe(1001);
    expect(node.chain.listenerCount('block')).toBe(listeners - 1);
    await own.close(); // idempotent
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRpcServerOptions, startRpcServer } from '../../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../../src/devnet/rpc/index.js';
import { hostName, isLoopbackName, refuseBrowser } from '../../../src/devnet/rpc/request-guard.js';
import { RawClient, makeFakeNode } from './helpers.js';
import type { FakeNode } from './helpers.js';

// The server's limits one by one, in process (the attacks themselves run against a real devnet in hardening-*.test.ts).

let node: FakeNode;
let server: RpcServer;

beforeAll(async () => {
  node = makeFakeNode();
  server = await startRpcServer(node, { maxBatchRequests: 5, maxReplyBytes: 4096, maxBufferedBytes: 8192, maxTotalBufferedBytes: 16_384 });
});

afterAll(async () => {
  await server?.close();
});

const req = (id: number, method: string, params: unknown[] = []): string => JSON.stringify({ jsonrpc: '2.0', id, method, params });

describe('options', () => {
  it('has the documented defaults and refuses limits that do not fit one another', () => {
    const o = resolveRpcServerOptions({});
    expect([o.maxReplyBytes, o.maxBatchRequests, o.maxBufferedBytes, o.maxTotalBufferedBytes, o.requestTimeoutMs, o.maxConnections])
      .toEqual([15 * 2 ** 20, 1000, 32 * 2 ** 20, 64 * 2 ** 20, 10_000, 100]);
    expect([o.allowedOrigins, o.allowedHosts]).toEqual([[], []]);
    expect(() => resolveRpcServerOptions({ maxBufferedBytes: 1024 })).toThrow(/option maxBufferedBytes: must be at least maxReplyBytes \(15728640\), got 1024/);
    expect(() => resolveRpcServerOptions({ maxTotalBufferedBytes: 2 ** 20 })).toThrow(/option maxTotalBufferedBytes: must be at least maxBufferedBytes/);
    expect(() => resolveRpcServerOptions({ allowedOrigins: 'http://a' })).toThrow(/option allowedOrigins: expected an array/);
    expect(() => resolveRpcServerOptions({ allowedHosts: ['a b'] })).toThrow(/option allowedHosts/);
    expect(() => resolveRpcServerOptions({ maxBatchRequests: 0 })).toThrow(/option maxBatchRequests/);
  });
});

describe('reply and batch caps', () => {
  it('refuses a batch longer than maxBatchRequests with −32010, running none of it', async () => {
    const c = await RawClient.connect(server.url);
    const head = node.chain.head.number;
    const batch = `[${Array.from({ length: 6 }, (_, i) => req(i, 'devnet_newBlock')).join(',')}]`;
    expect(await c.sendRaw(batch)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32010, message: 'The batch request was too large', data: 'Exceeded max limit of 5' } });
    expect(node.chain.head.number).toBe(head);
    expect(await c.sendRaw(`[${[0, 1, 2, 3, 4].map((i) => req(i, 'system_chain')).join(',')}]`)).toHaveLength(5);
    // The batch is counted before it is parsed: commas and brackets inside strings and objects do not count.
    const tricky = `[${[0, 1, 2, 3, 4].map((i) => req(i, 'system_chain', [{ a: 'x,y],[{"\\', b: [1, 2, 3] }])).join(',')}]`;
    expect(await c.sendRaw(tricky)).toHaveLength(5);
    expect(await c.sendRaw(` \n[${[0, 1, 2, 3, 4, 5].map((i) => req(i, 'system_chain')).join(' , ')}]`)).toMatchObject({ error: { code: -32010 } });
    await c.close();
  });

  it('answers one reply over maxReplyBytes with −32008 and the request\'s id', async () => {
    const c = await RawClient.connect(server.url);
    // The metadata is hundreds of KiB.
    expect(await c.request('state_getMetadata')).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32008, message: 'Response is too big', data: 'Exceeded max limit of 4096' } });
    expect(await c.call('system_chain')).toBe('Yumaval Devnet');
    await c.close();
  });

  it('stops a batch as soon as its replies pass maxReplyBytes (−32011) and ends the subscriptions it opened', async () => {
    const own = await startRpcServer(node, { maxReplyBytes: 4096, maxBufferedBytes: 8192, maxTotalBufferedBytes: 16_384 });
    const c = await RawClient.connect(own.url);
    // A runtime version is over 500 bytes: ten of them pass the 4096-byte cap, after the subscription was opened.
    const batch = `[${[req(1, 'chain_subscribeNewHeads'), ...Array.from({ length: 10 }, (_, i) => req(i + 2, 'state_getRuntimeVersion'))].join(',')}]`;
    const single = (await c.sendRaw(`[${req(99, 'state_getRuntimeVersion')}]`)) as unknown[];
    expect(JSON.stringify(single[0]).length * 10).toBeGreaterThan(4096);
    expect(await c.sendRaw(batch)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32011, message: 'The batch response was too large', data: 'Exceeded max limit of 4096' } });
    // The subscription's id was never answered: it is gone, and no notification follows.
    expect(own.subscriptionCount()).toBe(0);
    node.produce();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.notifications).toEqual([]);
    await c.close();
    await own.close();
  });
});

describe('state_queryStorage', () => {
  it('refuses more than 1 000 000 reads (keys × blocks) before making them', async () => {
    const own = await startRpcServer(node);
    const c = await RawClient.connect(own.url);
    const from = node.chain.head;
    for (let i = 0; i < 9; i++) node.produce();
    const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `0x${i.toString(16).padStart(6, '0')}`);
    expect(await c.call('state_queryStorage', [keys(1000), from.hash])).toHaveLength(1);
    const res = await c.request('state_queryStorage', [keys(100_001), from.hash]);
    expect(res.error).toEqual({ code: -32602, message: 'Invalid params', data: '100001 keys over 10 blocks are 1000010 reads, over the devnet\'s limit of 1000000: query fewer keys or a shorter range' });
    await c.close();
    await own.close();
  });
});

/** The start of a masked text frame declaring `declared` payload bytes, and `sent` of them. */
function partialFrame(declared: number, sent: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(declared), 2);
  // A zero mask: the payload goes as it is.
  return Buffer.concat([header, Buffer.alloc(sent, 0x20)]);
}

describe('a WebSocket frame still arriving', () => {
  it('must arrive within requestTimeoutMs, or the connection is closed; others are served meanwhile', async () => {
    const logs: string[] = [];
    const own = await startRpcServer(node, { requestTimeoutMs: 500, log: (l) => logs.push(l) });
    const slow = await RawClient.connect(own.url);
    const other = await RawClient.connect(own.url);
    const closed = new Promise<void>((resolve) => slow.ws.once('close', () => resolve()));
    (slow.ws as unknown as { _socket: Socket })._socket.write(partialFrame(1 << 20, 100_000));
    const t0 = performance.now();
    expect(await other.call('system_chain')).toBe('Yumaval Devnet');
    await closed;
    expect(performance.now() - t0).toBeGreaterThan(400);
    expect(logs.join('\n')).toMatch(/closed a client whose frame did not arrive in full within 500 ms/);
    // An idle connection that sent whole frames is not affected.
    await new Promise((r) => setTimeout(r, 700));
    expect(await other.call('system_chain')).toBe('Yumaval Devnet');
    await other.close();
    await own.close();
  });

  it('counts in the byte budget: frames half sent past it close their connections', async () => {
    const logs: string[] = [];
    const mib = 1 << 20;
    const own = await startRpcServer(node, { maxFrameBytes: 4 * mib, maxReplyBytes: mib, maxBufferedBytes: mib, maxTotalBufferedBytes: 2 * mib, log: (l) => logs.push(l) });
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.connect(own.url)));
    const closed = clients.map((c) => new Promise<void>((resolve) => c.ws.once('close', () => resolve())));
    for (const c of clients) (c.ws as unknown as { _socket: Socket })._socket.write(partialFrame(3 * mib, 900_000));
    await Promise.race(closed);
    expect(logs.join('\n')).toMatch(/closed a client sending a frame: the server holds \d+ bytes for its clients \(limit 2097152\)/);
    for (const c of clients) c.ws.terminate();
    await own.close();
  });
});

describe('connection cap', () => {
  it('counts HTTP connections too: the one over maxConnections gets 429 at once', async () => {
    const small = await startRpcServer(makeFakeNode(), { maxConnections: 2 });
    const open = (): Promise<{ close(): void; first: Promise<string> }> => new Promise((resolve) => {
      const s = connect(small.port, '127.0.0.1', () => resolve({ close: () => s.destroy(), first }));
      const first = new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString())));
      s.on('error', () => {});
    });
    const a = await open();
    const b = await open();
    const c = await open();
    expect(await c.first).toMatch(/^HTTP\/1\.1 429 Too Many Requests/);
    a.close();
    b.close();
    c.close();
    await small.close();
  });
});

describe('request guard', () => {
  it('reads host names from Host headers and knows loopback names', () => {
    expect(hostName('[::1]:9944')).toBe('::1');
    expect(hostName('LocalHost:9944')).toBe('localhost');
    expect(hostName('evil.example')).toBe('evil.example');
    for (const n of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1']) expect(isLoopbackName(n), n).toBe(true);
    for (const n of ['evil.example', '10.0.0.1', '0.0.0.0', 'localhost.evil.example', '::2', '128.0.0.1']) expect(isLoopbackName(n), n).toBe(false);
  });

  it('refuses any Origin and foreign Hosts unless allowed by name', () => {
    const none = { allowedOrigins: [], allowedHosts: [] };
    expect(refuseBrowser({ host: '127.0.0.1:9944' }, none)).toBeNull();
    expect(refuseBrowser({}, none)).toBeNull();
    expect(refuseBrowser({ host: '127.0.0.1:9944', origin: 'null' }, none)?.status).toBe(403);
    expect(refuseBrowser({ host: '127.0.0.1:9944', origin: 'http://localhost:3000' }, none)?.reason).toMatch(/Origin is not allowed/);
    expect(refuseBrowser({ host: 'rebind.evil.example:9944' }, none)?.reason).toMatch(/Host is not allowed/);
    const some = { allowedOrigins: ['http://localhost:3000/'], allowedHosts: ['devnet.lan'] };
    expect(refuseBrowser({ host: 'devnet.lan:9944', origin: 'HTTP://localhost:3000' }, some)).toBeNull();
    expect(refuseBrowser({ host: 'other.lan' }, some)?.status).toBe(403);
    expect(refuseBrowser({ host: 'any.where', origin: 'http://x' }, { allowedOrigins: ['*'], allowedHosts: ['*'] })).toBeNull();
  });
});

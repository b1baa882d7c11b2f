import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startRpcServer, resolveRpcServerOptions, RPC_SERVER_DEFAULTS } from '../../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../../src/devnet/rpc/index.js';
import { RawClient, makeFakeNode } from './helpers.js';

// JSON-RPC 2.0 framing as a Substrate node (jsonrpsee) answers it, and frames that must not hurt the server.

let server: RpcServer;
let client: RawClient;

beforeAll(async () => {
  server = await startRpcServer(makeFakeNode(), { maxFrameBytes: 4096 });
  client = await RawClient.connect(server.url);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

const alive = async (): Promise<void> => {
  expect(await client.call('system_chain')).toBe('Yumaval Devnet');
};

describe('framing', () => {
  it('listens on 127.0.0.1 with a real port when 0 is asked', () => {
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers a malformed frame with −32700 Parse error and id null, then keeps serving', async () => {
    expect(await client.sendRaw('{"jsonrpc":"2.0","id":1,"method":')).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    expect(await client.sendRaw(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ id: null, error: { code: -32700 } });
    await alive();
  });

  it('answers an unknown method with −32601 Method not found', async () => {
    expect(await client.request('nope_nothing')).toEqual({ jsonrpc: '2.0', id: expect.any(Number), error: { code: -32601, message: 'Method not found' } });
    expect((await client.request('devnet_noSuchAdmin')).error).toEqual({ code: -32601, message: 'Method not found' });
    await alive();
  });

  it('answers requests that are not JSON-RPC 2.0 with −32600 Invalid request', async () => {
    const invalid = { code: -32600, message: 'Invalid request' };
    expect(await client.sendRaw('42')).toEqual({ jsonrpc: '2.0', id: null, error: invalid });
    expect(await client.sendRaw('{"jsonrpc":"1.0","id":7,"method":"system_chain"}')).toEqual({ jsonrpc: '2.0', id: 7, error: invalid });
    expect(await client.sendRaw('{"jsonrpc":"2.0","id":8,"method":5}')).toEqual({ jsonrpc: '2.0', id: 8, error: invalid });
    expect(await client.sendRaw('{"jsonrpc":"2.0","id":{"a":1},"method":"system_chain"}')).toEqual({ jsonrpc: '2.0', id: null, error: invalid });
    expect(await client.sendRaw('[]')).toEqual({ jsonrpc: '2.0', id: null, error: invalid });
    await alive();
  });

  it('answers bad params with −32602 Invalid params naming the parameter', async () => {
    const res = await client.request('state_getStorage', ['not hex']);
    expect(res.error).toMatchObject({ code: -32602, message: 'Invalid params' });
    expect((res.error as { data: string }).data).toMatch(/^key: expected a 0x-prefixed hex string/);
    expect((await client.request('state_getStorage', [])).error).toMatchObject({ code: -32602 });
    expect((await client.request('state_getStorage', ['0x00', '0x1234'])).error).toMatchObject({ code: -32602, data: expect.stringMatching(/^hash: expected a 32-byte hash/) });
    expect((await client.request('state_getKeysPaged', ['0x', -1])).error).toMatchObject({ code: -32602, data: expect.stringMatching(/^count:/) });
    expect((await client.request('system_chain', 'text')).error).toMatchObject({ code: -32602 });
    await alive();
  });

  it('accepts named parameters by the node\'s Rust names, and ignores extra positional ones', async () => {
    const head = (await client.call('chain_getBlockHash', [])) as string;
    expect(await client.call('chain_getHeader', { hash: head })).toMatchObject({ number: expect.any(String) });
    expect(await client.call('state_getKeysPaged', { prefix: '0x', count: 2, start_key: null })).toHaveLength(2);
    expect(await client.call('system_chain', [1, 2, 3])).toBe('Yumaval Devnet');
  });

  it('answers a batch with an array of the answers, skipping notifications', async () => {
    const reply = await client.sendRaw(JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: 'system_name' },
      { jsonrpc: '2.0', method: 'system_chain' },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
      7,
      { jsonrpc: '2.0', id: 'c', method: 'system_chainType' },
    ]));
    expect(reply).toEqual([
      { jsonrpc: '2.0', id: 'a', result: 'yumaval-devnet' },
      { jsonrpc: '2.0', id: 'b', error: { code: -32601, message: 'Method not found' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid request' } },
      { jsonrpc: '2.0', id: 'c', result: 'Development' },
    ]);
  });

  it('does not answer notifications (no id)', async () => {
    const before = client.frames.length;
    client.ws.send('{"jsonrpc":"2.0","method":"system_chain"}');
    client.ws.send('[{"jsonrpc":"2.0","method":"system_chain"}]');
    await alive();
    // Only the reply to alive()'s own request arrived.
    expect(client.frames.length).toBe(before + 1);
  });

  it('answers a frame over the cap with −32007 and keeps the connection; far over it, closes with 1009 and serves others', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'author_submitExtrinsic', params: [`0x${'00'.repeat(3000)}`] });
    expect(await client.sendRaw(big)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32007, message: 'Request is too big', data: 'Exceeded max limit of 4096' } });
    await alive();
    const victim = await RawClient.connect(server.url);
    const closed = new Promise<number>((resolve) => victim.ws.once('close', (code) => resolve(code)));
    victim.ws.send('x'.repeat(9000));
    expect(await closed).toBe(1009);
    await alive();
  });
});

describe('options', () => {
  it('has frozen defaults and checks every key', () => {
    expect(Object.isFrozen(RPC_SERVER_DEFAULTS)).toBe(true);
    expect(resolveRpcServerOptions({ port: 9944 }).port).toBe(9944);
    expect(resolveRpcServerOptions({}).host).toBe('127.0.0.1');
    expect(() => resolveRpcServerOptions({ port: 70000 })).toThrow(/option port: expected an integer in \[0, 65535\], got 70000/);
    expect(() => resolveRpcServerOptions({ maxFrameBytes: 0 })).toThrow(/option maxFrameBytes/);
    expect(() => resolveRpcServerOptions({ colour: 'red' })).toThrow(/option colour: is not an RPC server option/);
    expect(() => resolveRpcServerOptions(null)).toThrow(/expected an object/);
  });

  it('reports a taken port', async () => {
    await expect(startRpcServer(makeFakeNode(), { port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('HTTP', () => {
  it('serves JSON-RPC over HTTP POST on the same port, and /health', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"system_chain"}' });
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: 'Yumaval Devnet' });
    const sub = await fetch(base, { method: 'POST', body: '{"jsonrpc":"2.0","id":2,"method":"chain_subscribeNewHeads"}' });
    expect(((await sub.json()) as { error: { code: number } }).error.code).toBe(-32601);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ peers: 0, isSyncing: false, shouldHavePeers: false });
    expect((await fetch(base)).status).toBe(405);
    const big = await fetch(base, { method: 'POST', body: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
  });

  it('refuses WebSocket connections over the limit with HTTP 429', async () => {
    const small = await startRpcServer(makeFakeNode(), { maxConnections: 1 });
    const first = await RawClient.connect(small.url);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(small.url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(429);
    expect(await first.call('system_chain')).toBe('Yumaval Devnet');
    await first.close();
    await small.close();
  });
});

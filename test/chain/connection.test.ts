import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnectError, ChainConnection, ChainTimeoutError } from '../../src/chain/index.js';
import { createDevnet, startRpcServer } from '../../src/devnet/index.js';
import type { RpcServer } from '../../src/devnet/index.js';

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;

beforeAll(async () => {
  node = await createDevnet({ config: { subnets: [{ netuid: 1, tempo: 10, neurons: [{ hotkey: '//Alice', stake: 1 }] }] }, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
});
afterAll(async () => {
  await server?.close();
  await node?.close();
});

describe('ChainConnection', () => {
  it('shares one client per URL and closes it when the last holder releases it, without reporting a disconnect', async () => {
    const lines: string[] = [];
    const a = await ChainConnection.open({ url: server.url, log: (l) => lines.push(l) });
    const b = await ChainConnection.open({ url: server.url, log: () => {} });
    expect(b.api).toBe(a.api);
    expect((await a.call('runtime version', (api) => api.rpc.state.getRuntimeVersion())).specVersion.toNumber()).toBe(233);
    await a.close();
    expect(b.api.isConnected).toBe(true);
    await b.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(b.api.isConnected).toBe(false);
    expect(lines).toEqual([]);
    // A new open after the last close makes a new client.
    const c = await ChainConnection.open({ url: server.url, log: () => {} });
    expect(c.api).not.toBe(a.api);
    await c.close();
  });

  it('fails a call at its deadline with a clear error instead of hanging', async () => {
    const c = await ChainConnection.open({ url: server.url, log: () => {} });
    const err = await c.call('a call that never answers', () => new Promise<never>(() => {}), 50).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainTimeoutError);
    expect((err as Error).message).toBe('a call that never answers: no answer from the chain within 50 ms');
    await c.close();
  });

  it('fails to connect to a socket that never speaks, at the connect deadline', async () => {
    // A TCP server that accepts and stays silent: the WebSocket handshake never completes.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const t0 = Date.now();
    const err = await ChainConnection.open({ url: `ws://127.0.0.1:${port}`, connectTimeoutMs: 300, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainConnectError);
    expect(Date.now() - t0).toBeLessThan(5000);
    silent.close();
  });

  it('refuses a URL that is not ws:// or wss://', async () => {
    await expect(ChainConnection.open({ url: 'http://127.0.0.1:1' })).rejects.toThrow(/option url/);
  });
});

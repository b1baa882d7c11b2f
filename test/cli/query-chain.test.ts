import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueryOptions, runQuery } from '../../src/cli/query-command.js';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { createDevnet, type RpcServer, startRpcServer } from '../../src/devnet/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { dummyHandler, startAxon, type AxonHandle } from '../../src/miner/index.js';

/*
 * `yumaval query --chain --netuid`: the axons come from the subnet's metagraph on devnet. Bob serves a reference axon,
 * Charlie's axon points at a port where nothing listens, Dave never served one.
 */

let bob: LoadedKey;
let charlie: LoadedKey;
let axon: AxonHandle;
let node: Awaited<ReturnType<typeof createDevnet>>;
let server: RpcServer;
let deadPort: number;

beforeAll(async () => {
  [bob, charlie] = (await Promise.all(['//Bob', '//Charlie'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey];
  axon = await startAxon({ key: bob, port: 0, log: () => {}, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }] });
  // A port that was free a moment ago: nothing listens there during the test.
  const probe = await startAxon({ key: charlie, port: 0, log: () => {}, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }] });
  deadPort = probe.port;
  await probe.close();
  node = await createDevnet({
    config: {
      subnets: [{
        netuid: 3, tempo: 100,
        neurons: [
          { hotkey: '//Alice', stake: '1000000000000', permit: true },
          { hotkey: '//Bob', axon: { ip: '127.0.0.1', port: axon.port } },
          { hotkey: '//Charlie', axon: { ip: '127.0.0.1', port: deadPort } },
          { hotkey: '//Dave' },
        ],
      }],
    },
    blockTimeMs: 0, log: () => {},
  });
  server = await startRpcServer(node);
}, 30_000);

afterAll(async () => {
  await server?.close();
  await node?.close();
  await axon?.close();
});

describe('yumaval query --chain', () => {
  it('queries every served axon of the subnet by uid and lists the uids that serve none', async () => {
    const out: string[] = [];
    const o = parseQueryOptions({ key: '//Alice', dev: true, chain: server.url, netuid: '3', allowPrivate: true, json: true, input: '5', workers: '1', timeout: '10' });
    await runQuery(o, { stdout: (t) => out.push(t), stderr: () => {} });
    const doc = JSON.parse(out.join('')) as { unserved: number[]; results: Array<{ uid: number; hotkey: string; status: number; message: string; fields: Record<string, unknown> | null }> };
    expect(doc.unserved).toEqual([0, 3]);
    expect(doc.results.map((r) => [r.uid, r.hotkey, r.status])).toEqual([[1, bob.address, 200], [2, charlie.address, 503]]);
    expect(doc.results[0]!.fields?.['dummy_output']).toBe(10);
    expect(doc.results[1]!.message).toMatch(/Service unavailable at 127\.0\.0\.1:\d+\/Dummy/);
  });
});

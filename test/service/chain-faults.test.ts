import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevnet, type RpcServer, startRpcServer } from '../../src/devnet/index.js';
import { loadKey } from '../../src/keys/index.js';
import { startAxon, type AxonHandle } from '../../src/miner/index.js';
import { createLogger, createValidator, type Validator } from '../../src/service/index.js';
import { createNextTokenTask, profileHandler } from '../../src/task/index.js';
import { startTcpProxy, type TcpProxy } from '../chain/weights/tcp-proxy.js';

/*
 * Chain faults while the service runs (issue 16, done-means 3), each ending in recovery or in the watchdog, never in
 * a hang:
 * - a node that stops answering while the socket stays open (a pausing TCP proxy), for less than stallSeconds: the
 *   service goes on and lands weights again; for longer: the watchdog ends it;
 * - the devnet killed and started again from its --db file on the same port: the connection comes back by itself and
 *   weights land again;
 * - the subnet growing: a miner registered mid-run is synced, queried and weighted;
 * - our uid given to another hotkey: the service stops (NotRegisteredError) instead of working for a uid not ours.
 */

const NETUID = 1;
const quiet = createLogger({ sink: { write: () => {} } });
let dir: string;
let node: Awaited<ReturnType<typeof createDevnet>>;
let server: RpcServer;
let proxy: TcpProxy;
const axons: AxonHandle[] = [];
let config: unknown;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yumaval-vfault-'));
  const task = createNextTokenTask();
  const neurons: Array<Record<string, unknown>> = [{ hotkey: '//Alice', stake: '1000000000000', permit: true }];
  for (const [i, name] of ['oracle-0.9', 'noise'].entries()) {
    const key = await loadKey({ uri: `//F${i}` }, { dev: true });
    const handler = profileHandler(name);
    const axon = await startAxon({ key, port: 0, log: () => {}, synapses: [{ spec: task.synapse, handler: (req) => handler(req.fields) }] });
    axons.push(axon);
    neurons.push({ hotkey: `//F${i}`, axon: { ip: '127.0.0.1', port: axon.port } });
  }
  config = { subnets: [{ netuid: NETUID, tempo: 5, weightsSetRateLimit: 1, minAllowedWeights: 1, neurons }] };
  node = await createDevnet({ config, blockTimeMs: 250, db: join(dir, 'chain.db'), log: () => {} });
  server = await startRpcServer(node);
  node.start();
  proxy = await startTcpProxy(server.port);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await server?.close();
  await node?.close();
  for (const a of axons) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

function validator(url: string, db: string, stallSeconds: number): Validator {
  return createValidator({
    chain: url, netuid: NETUID, key: { uri: '//Alice' }, dev: true, db: join(dir, db), allowPrivate: true, logger: quiet, processMetrics: false,
    callTimeoutMs: 1_000, pipeline: { pollMs: 50, inclusionTimeoutMs: 3_000, backoffMs: 100 },
    config: { queriesPerStep: 4, stepIntervalSeconds: 0.2, queryTimeoutSeconds: 2, dendriteWorkers: 1, minScoredBeforeWeights: 2, syncEveryBlocks: 4, stallSeconds },
  });
}

const nextLanding = (v: Validator, ms: number): Promise<number> => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`no landing within ${ms} ms`)), ms);
  const on = (e: { block: number }): void => {
    clearTimeout(t);
    v.off('landed', on);
    resolve(e.block);
  };
  v.on('landed', on);
});

describe('chain faults while the validator runs', () => {
  it('a node silent for less than stallSeconds (socket open): the service goes on and lands weights again', async () => {
    const v = validator(proxy.url, 'a.db', 8);
    await v.start();
    const first = await nextLanding(v, 30_000);
    proxy.pause();
    await new Promise((r) => setTimeout(r, 3_000));
    proxy.resume();
    expect(await nextLanding(v, 30_000)).toBeGreaterThan(first);
    expect(v.health().chain).toBe('connected');
    await v.stop();
    expect((await v.stopped).kind).toBe('stop');
  }, 90_000);

  it('a node silent for longer than stallSeconds: the watchdog ends the service (no hang)', async () => {
    const v = validator(proxy.url, 'b.db', 3);
    await v.start();
    await new Promise<void>((resolve) => v.on('step', () => resolve()));
    proxy.pause();
    const t0 = Date.now();
    try {
      const reason = await v.stopped;
      expect(reason.kind).toBe('watchdog');
      expect(Date.now() - t0).toBeLessThan(3_000 + 10_000);
    } finally {
      proxy.resume();
    }
  }, 60_000);

  it('the devnet killed and restarted from its --db on the same port: the connection comes back and weights land again', async () => {
    const v = validator(server.url, 'c.db', 30);
    await v.start();
    const first = await nextLanding(v, 30_000);
    const port = server.port;
    await server.close();
    await node.close();
    await new Promise((r) => setTimeout(r, 1_500));
    node = await createDevnet({ config, blockTimeMs: 250, db: join(dir, 'chain.db'), log: () => {} });
    server = await startRpcServer(node, { port });
    node.start();
    expect(await nextLanding(v, 40_000)).toBeGreaterThan(first);
    expect(v.health().chain).toBe('connected');
    expect(await v.metrics.registry.getSingleMetricAsString('yumaval_chain_reconnects_total')).toMatch(/yumaval_chain_reconnects_total\{netuid="1"\} [1-9]/);
    await v.stop();
    expect((await v.stopped).kind).toBe('stop');
  }, 90_000);

  it('the subnet grows: a miner registered mid-run is synced, queried and weighted', async () => {
    const task = createNextTokenTask();
    const key = await loadKey({ uri: '//Newcomer' }, { dev: true });
    const handler = profileHandler('oracle-0.6');
    const axon = await startAxon({ key, port: 0, log: () => {}, synapses: [{ spec: task.synapse, handler: (req) => handler(req.fields) }] });
    axons.push(axon);
    const v = validator(server.url, 'd.db', 30);
    const synced: number[] = [];
    v.on('sync', (e) => synced.push(e.n));
    await v.start();
    await nextLanding(v, 30_000);
    const before = synced.at(-1) as number;
    await node.admin('registerNeuron', [{ netuid: NETUID, hotkey: '//Newcomer', axon: { ip: '127.0.0.1', port: axon.port } }]);
    // The newcomer's uid is the old n; it must be in a later landing's weights.
    let weighted = false;
    for (let i = 0; i < 6 && !weighted; i++) {
      const uids = await new Promise<number[]>((resolve) => {
        const on = (e: { uids: number[] }): void => { v.off('landed', on); resolve(e.uids); };
        v.on('landed', on);
      });
      weighted = uids.includes(before);
    }
    expect(synced.at(-1)).toBe(before + 1);
    expect(weighted).toBe(true);
    await v.stop();
  }, 90_000);

  it('our uid taken by another hotkey: the service stops with NotRegisteredError instead of scoring for it', async () => {
    const v = validator(server.url, 'e.db', 30);
    await v.start();
    await new Promise<void>((resolve) => v.on('step', () => resolve()));
    // Keys(netuid, 0) := another account, written straight into storage (as a deregistration would leave it).
    const api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true });
    try {
      const keys = (api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>)['subtensorModule']!['keys']!;
      const other = (await loadKey({ uri: '//Usurper' }, { dev: true })).address;
      await node.admin('setStorage', [[keys.key(NETUID, 0), u8aToHex(decodeAddress(other))]]);
    } finally {
      await api.disconnect();
    }
    const reason = await v.stopped;
    expect(reason.kind).toBe('error');
    expect((reason as { error: { code: string } }).error.code).toBe('ERR_NOT_REGISTERED');
  }, 60_000);
});

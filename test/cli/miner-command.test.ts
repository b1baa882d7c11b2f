import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMinerOptions, runMiner, type MinerCliOptions } from '../../src/cli/miner-command.js';
import {
  DUMMY_SPEC, buildRequest, createNonceClock, parseResponse, signerFromPair, type BuiltRequest, type SynapseSpec,
} from '../../src/protocol/index.js';
import { createDevnet, type RpcServer, startRpcServer } from '../../src/devnet/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { createNextTokenTask } from '../../src/task/index.js';

/*
 * `yumaval miner` in this process (runMiner with a test io): the Dummy route and the task route with a profile, and
 * with --chain the blacklist from a devnet's metagraph (Alice registered, Eve not).
 */

const clock = createNonceClock();
let alice: LoadedKey;
let eve: LoadedKey;
let bob: LoadedKey;
let node: Awaited<ReturnType<typeof createDevnet>>;
let server: RpcServer;

beforeAll(async () => {
  [alice, eve, bob] = (await Promise.all(['//Alice', '//Eve', '//Bob'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey, LoadedKey];
  node = await createDevnet({
    config: { subnets: [{ netuid: 1, tempo: 100, neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob', stake: 5 }] }] },
    blockTimeMs: 0, log: () => {},
  });
  server = await startRpcServer(node);
}, 30_000);

afterAll(async () => {
  await server?.close();
  await node?.close();
});

interface Running { port: number; out: string[]; err: string[]; stop: () => void; done: Promise<void> }

async function start(args: Record<string, unknown>, over: Partial<MinerCliOptions> = {}): Promise<Running> {
  const o: MinerCliOptions = { ...parseMinerOptions({ key: '//Bob', dev: true, port: '0', ...args }), ...over };
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => { stop = r; });
  let listening!: (p: number) => void;
  const port = new Promise<number>((r) => { listening = r; });
  const done = runMiner(o, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stopped, onListening: listening });
  done.catch(() => listening(-1));
  return { port: await port, out, err, stop, done };
}

function request(spec: SynapseSpec, input: Record<string, unknown>, port: number, from: LoadedKey): BuiltRequest {
  return buildRequest(spec, input, { ip: '127.0.0.1', port, hotkey: bob.address },
    { signer: signerFromPair(from.pair), uuid: 'cli-test', nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
}

async function post(r: BuiltRequest, spec: SynapseSpec): Promise<ReturnType<typeof parseResponse>> {
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return parseResponse(spec, res.status, headers, await res.text());
}

describe('yumaval miner', () => {
  it('passes its limit flags to the axon under startAxon\'s names', () => {
    const o = parseMinerOptions({ key: 'k', profile: 'noise', maxConnections: '3000', maxConnectionsPerIp: '64', maxBufferedBytes: '8388608', maxBodyValues: '1000', maxTimeout: '30', headersTimeoutMs: '5000', requestTimeoutMs: '20000' });
    expect(o.limits).toEqual({ maxConnections: 3000, maxConnectionsPerIp: 64, maxBufferedBytes: 8_388_608, maxBodyValues: 1000, maxTimeoutSeconds: 30, headersTimeoutMs: 5000, requestTimeoutMs: 20_000 });
    expect(parseMinerOptions({ key: 'k', profile: 'noise' }).limits).toEqual({ maxConnections: null, maxConnectionsPerIp: null, maxBufferedBytes: null, maxBodyValues: null, maxTimeoutSeconds: null, headersTimeoutMs: null, requestTimeoutMs: null });
  });

  it('serves Dummy and the task synapse with the profile; prints the start line and final counters', async () => {
    const m = await start({ profile: 'oracle-0.9', json: true });
    try {
      expect(JSON.parse(m.out[0]!)).toMatchObject({ port: m.port, hotkey: bob.address, profile: 'oracle-0.9', synapses: ['Dummy', 'NextToken'] });
      expect(await post(request(DUMMY_SPEC, { dummy_input: 5 }, m.port, eve), DUMMY_SPEC)).toMatchObject({ status: 200, fields: { dummy_output: 10 } });
      const task = createNextTokenTask();
      const [q] = task.makeQueries(7, 0, 1);
      const r = await post(request(task.synapse, { ...q!.fields }, m.port, alice), task.synapse);
      expect(r.status).toBe(200);
      expect(task.responseSchema.parse(r.fields, q!).ok).toBe(true);
    } finally {
      m.stop();
      await m.done;
    }
    expect(JSON.parse(m.out[1]!)).toMatchObject({ stopped: true, requests: 2, byStatus: { 200: 2 } });
  });

  it('error500 profile: the task route answers 500 with its message', async () => {
    const m = await start({ profile: 'error500' });
    try {
      expect(m.out[0]).toBe(`miner listening on http://127.0.0.1:${m.port}\n`);
      const task = createNextTokenTask();
      const [q] = task.makeQueries(7, 0, 1);
      expect(await post(request(task.synapse, { ...q!.fields }, m.port, alice), task.synapse)).toMatchObject({ status: 500, message: 'Internal Server Error' });
    } finally {
      m.stop();
      await m.done;
    }
  });

  it('with --chain: hotkeys registered on the subnet may call, others get 403', async () => {
    const m = await start({ profile: 'noise', chain: server.url, netuid: '1' });
    try {
      expect(await post(request(DUMMY_SPEC, { dummy_input: 1 }, m.port, alice), DUMMY_SPEC)).toMatchObject({ status: 200 });
      expect(await post(request(DUMMY_SPEC, { dummy_input: 1 }, m.port, eve), DUMMY_SPEC)).toMatchObject({ status: 403, message: 'Forbidden. Key is blacklisted: Unrecognized hotkey.' });
    } finally {
      m.stop();
      await m.done;
    }
  }, 30_000);

  it('with --chain: the allowed set follows the metagraph (a newly registered hotkey gets through after a refresh)', async () => {
    // The CLI's --refresh is at least 5 s; the run function takes any interval, so the test does not wait that long.
    const m = await start({ profile: 'noise', chain: server.url, netuid: '1' }, { refreshSeconds: 0.2 });
    try {
      const charlie = await loadKey({ uri: '//Charlie' }, { dev: true });
      expect((await post(request(DUMMY_SPEC, { dummy_input: 1 }, m.port, charlie), DUMMY_SPEC)).status).toBe(403);
      node.admin('registerNeuron', [{ netuid: 1, hotkey: '//Charlie' }]);
      let status = 403;
      const deadline = Date.now() + 15_000;
      while (status === 403 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await post(request(DUMMY_SPEC, { dummy_input: 1 }, m.port, charlie), DUMMY_SPEC)).status;
      }
      expect(status).toBe(200);
    } finally {
      m.stop();
      await m.done;
    }
  }, 30_000);

  it.each([
    [{ key: '//Bob', profile: 'noise' }, /--key: the value is a dev URI/],
    [{ key: 'k', profile: 'nope' }, /--profile: expected one of oracle-0.9/],
    [{ key: 'k', profile: 'noise', chain: 'ws://x' }, /--netuid: is required with --chain/],
    [{ key: 'k', profile: 'noise', port: '70000' }, /--port: expected an integer from 0 to 65535/],
    [{ profile: 'noise' }, /--key: expected the miner hotkey file/],
    [{ key: 'k', profile: 'copier', copyOf: 'copier' }, /--copy-of/],
    [{ key: 'k', profile: 'noise', maxTimeout: '1e290' }, /--max-timeout: expected an integer from 0 to 3600, got "1e290"/],
    [{ key: 'k', profile: 'noise', maxConnections: '0' }, /--max-connections: expected an integer from 1 to 1000000/],
    [{ key: 'k', profile: 'noise', maxBufferedBytes: 'lots' }, /--max-buffered-bytes: expected an integer/],
    [{ key: 'k', profile: 'noise', maxBodyValues: '-1' }, /--max-body-values: expected an integer from 1/],
    [{ key: 'k', profile: 'noise', requestTimeoutMs: '50' }, /--request-timeout-ms: expected an integer from 100/],
  ])('refuses %j', (raw, re) => {
    expect(() => parseMinerOptions(raw)).toThrow(re);
  });
});

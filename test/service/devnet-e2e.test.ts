import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevnet } from '../../src/devnet/node.js';
import { startRpcServer, type RpcServer } from '../../src/devnet/rpc/index.js';
import { loadKey } from '../../src/keys/index.js';
import { startAxon, type AxonHandle } from '../../src/miner/index.js';
import { createLogger, createValidator, type StopReason } from '../../src/service/index.js';
import { createNextTokenTask, PROFILE_NAMES, profileHandler, type ProfileOptions } from '../../src/task/index.js';

/*
 * Done-means 1 of issue 16, end to end on devnet: an in-process devnet with fast blocks (250 ms, tempo 11), a reference
 * axon of each of the 12 profiles on loopback, registered with its axon, and the validator service (Alice, the only
 * validator) running until 3 weight submissions have landed. The weights the chain stored are then read with plain
 * @polkadot/api and must rank oracle-0.9 > oracle-0.6 > oracle-0.3 > noise, give every failure profile 0, and give the
 * copier no more than the oracle-0.9 it copies.
 */

const NETUID = 1;
/** The same miners on a subnet with commit-reveal. */
const CR_NETUID = 4;
// Generous for a loaded 2-core machine (the devnet, 12 axons and the validator share this process).
const QUERY_TIMEOUT_S = 4;
const PROFILE_OPTIONS: Partial<Record<string, ProfileOptions>> = {
  noise: { seed: 3 },
  // Past the query deadline, with margin.
  slow: { delayMs: 4 * QUERY_TIMEOUT_S * 1000 },
  // Over the dendrite's 1 MiB cap without streaming the default 64 MiB.
  oversized: { oversizedBytes: 2 * 1024 * 1024 },
};
const FAILURES = ['slow', 'error500', 'malformed', 'nan', 'oversized', 'wrong-shape'];

let node: Awaited<ReturnType<typeof createDevnet>>;
let server: RpcServer;
const axons: AxonHandle[] = [];
let dir: string;
const quiet = createLogger({ level: process.env.SHOW === '1' ? 'debug' : 'info', sink: { write: (l) => { if (process.env.SHOW === '1') process.stderr.write(l); } } });

beforeAll(async () => {
  const task = createNextTokenTask();
  const neurons: Array<Record<string, unknown>> = [{ hotkey: '//Alice', stake: '1000000000000', permit: true }];
  for (const [i, name] of PROFILE_NAMES.entries()) {
    const key = await loadKey({ uri: `//Miner${i}` }, { dev: true });
    const handler = profileHandler(name, PROFILE_OPTIONS[name] ?? {});
    const axon = await startAxon({ key, port: 0, log: () => {}, synapses: [{ spec: task.synapse, handler: (req) => handler(req.fields) }] });
    axons.push(axon);
    neurons.push({ hotkey: `//Miner${i}`, axon: { ip: '127.0.0.1', port: axon.port } });
  }
  node = await createDevnet({
    config: {
      subnets: [
        { netuid: NETUID, tempo: 11, weightsSetRateLimit: 2, minAllowedWeights: 1, neurons },
        { netuid: CR_NETUID, tempo: 15, weightsSetRateLimit: 2, minAllowedWeights: 1, commitRevealEnabled: true, revealPeriodEpochs: 1, neurons },
      ],
    },
    blockTimeMs: 250, log: () => {},
  });
  server = await startRpcServer(node);
  node.start();
  dir = mkdtempSync(join(tmpdir(), 'yumaval-service-'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await node?.close();
  for (const a of axons) await a.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('yumaval validator on devnet with the 12 reference miners', () => {
  it('lands 3 weight submissions whose stored weights rank the miners by quality', async () => {
    const v = createValidator({
      chain: server.url, netuid: NETUID, key: { uri: '//Alice' }, dev: true, db: join(dir, 'validator.db'), allowPrivate: true, epochs: 3,
      logger: quiet, processMetrics: false, pipeline: { pollMs: 50, inclusionTimeoutMs: 20_000, backoffMs: 100 },
      config: {
        queriesPerStep: 16, stepIntervalSeconds: 0.2, queryTimeoutSeconds: QUERY_TIMEOUT_S, dendriteWorkers: 1, syncEveryBlocks: 4,
        minScoredBeforeWeights: PROFILE_NAMES.length, stallSeconds: 60, maxBlocksWithoutWeights: 200,
      },
    });
    const landed: number[] = [];
    v.on('landed', (e) => landed.push(e.block));
    const checked: Array<{ diffVtrust: number; diffDividends: number; maxDiffIncentive: number }> = [];
    v.on('predictionChecked', (e) => checked.push(e));
    await v.start();
    const reason: StopReason = await v.stopped;
    expect(reason.kind).toBe('epochs');
    expect(landed).toHaveLength(3);
    // Nobody else sets weights here: the exact epoch predicted what the chain stored, bit for bit.
    expect(checked.length).toBeGreaterThanOrEqual(1);
    for (const c of checked) expect(c).toEqual({ epochBlock: expect.any(Number), diffVtrust: 0, diffDividends: 0, maxDiffIncentive: 0 });

    const api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true });
    const q = (api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown; toString(): string }>>>)['subtensorModule']!;
    try {
      const uidOf = async (uri: string): Promise<number> => {
        const { address } = await loadKey({ uri }, { dev: true });
        return Number((await q['uids']!(NETUID, address)).toString());
      };
      const alice = await uidOf('//Alice');
      const row = (await q['weights']!(NETUID, alice)).toJSON() as Array<[number, number]>;
      const lastUpdate = (await q['lastUpdate']!(NETUID)).toJSON() as number[];
      expect(lastUpdate[alice]).toBe(landed[2]);
      if (process.env.SHOW === "1") console.log(JSON.stringify(row));
      const weightOf = new Map(row.map(([u, w]) => [u, w]));
      const w: Record<string, number> = {};
      for (const [i, name] of PROFILE_NAMES.entries()) w[name] = weightOf.get(await uidOf(`//Miner${i}`)) ?? 0;
      expect(w['oracle-0.9']).toBeGreaterThan(w['oracle-0.6'] as number);
      expect(w['oracle-0.6']).toBeGreaterThan(w['oracle-0.3'] as number);
      expect(w['oracle-0.3']).toBeGreaterThan(w['noise'] as number);
      for (const f of FAILURES) expect(w[f], f).toBe(0);
      expect(w['copier']).toBeLessThanOrEqual(w['oracle-0.9'] as number);
    } finally {
      await api.disconnect();
    }
  }, 90_000);

  it('under commit-reveal, commits once per tempo and reveals in the next: a landing counts with its reveal', async () => {
    const v = createValidator({
      chain: server.url, netuid: CR_NETUID, key: { uri: '//Alice' }, dev: true, db: join(dir, 'cr.db'), allowPrivate: true, epochs: 1,
      logger: quiet, processMetrics: false, pipeline: { pollMs: 50, inclusionTimeoutMs: 20_000, backoffMs: 100 },
      config: {
        queriesPerStep: 8, stepIntervalSeconds: 0.2, queryTimeoutSeconds: QUERY_TIMEOUT_S, dendriteWorkers: 1, syncEveryBlocks: 4,
        minScoredBeforeWeights: PROFILE_NAMES.length, stallSeconds: 60, maxBlocksWithoutWeights: 200,
      },
    });
    const calls: string[] = [];
    v.on('submitted', (e) => calls.push(`${e.call}:${e.outcome}`));
    const landed: Array<{ call: string; uids: number[] }> = [];
    v.on('landed', (e) => landed.push({ call: e.call, uids: e.uids }));
    await v.start();
    expect((await v.stopped).kind).toBe('epochs');
    expect(calls[0]).toBe('commit_weights:included');
    expect(calls).toContain('reveal_weights:revealed');
    expect(landed.map((l) => l.call)).toEqual(['reveal_weights']);
    const api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true });
    try {
      const q = (api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>>)['subtensorModule']!;
      const row = (await q['weights']!(CR_NETUID, 0)).toJSON() as Array<[number, number]>;
      expect(row.map(([u]) => u)).toEqual(landed[0]!.uids);
    } finally {
      await api.disconnect();
    }
  }, 90_000);
});

import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectDevnetSpec } from '../../src/devnet/index.js';
import { LocalBeacon } from '../../src/devnet/index.js';
import { createLogger, createValidator } from '../../src/service/index.js';
import { encrypt } from '../../src/timelock/index.js';
import { maxUpscaleU16 } from '../../src/simulation/index.js';
import { startProfileAxon, startServiceDevnet, type ServiceDevnet } from './harness.js';
import type { AxonHandle } from '../../src/miner/index.js';

/*
 * Issue 21, done-means 2 for the service: devnet serving spec 343 (commit_timelocked_weights), a subnet with
 * commit-reveal on, three reference miners and the validator service. The service commits timelocked each tempo, to a
 * local beacon's key; the test plays the beacon: every round that appears in TimelockedWeightCommits gets its signed
 * pulse through devnet_storePulse, so the devnet reveals the commit at its reveal epoch. The service's first ciphertext
 * is deliberately corrupted: devnet drops it silently, as the chain does, and the service must count it
 * (yumaval_weights_submissions_total{call="commit_timelocked",outcome="dropped"}), log an alert and commit again. A
 * landing counts only once the revealed weights are on chain.
 */

selectDevnetSpec(343);
const NETUID = 3;
const PROFILES = ['oracle-0.9', 'oracle-0.3', 'noise'];
const beacon = new LocalBeacon({ seed: new TextEncoder().encode('service timelock test'), genesisMs: 0, periodMs: 3000 });

const axons: AxonHandle[] = [];
let devnet: ServiceDevnet | undefined;
let api: ApiPromise | undefined;
let feeder: NodeJS.Timeout | undefined;
const stored = new Set<string>();

beforeAll(async () => {
  const neurons: Array<Record<string, unknown>> = [{ hotkey: '//Alice', stake: '1000000000000', permit: true }];
  for (const [i, name] of PROFILES.entries()) {
    const { axon, neuron } = await startProfileAxon(`//TlMiner${i}`, name, name === 'noise' ? { seed: 5 } : {});
    axons.push(axon);
    neurons.push(neuron);
  }
  devnet = await startServiceDevnet([
    { netuid: NETUID, tempo: 10, weightsSetRateLimit: 2, minAllowedWeights: 1, commitRevealEnabled: true, revealPeriodEpochs: 1, neurons },
  ], axons, 'timelock');
  api = await ApiPromise.create({ provider: new WsProvider(devnet.server.url), noInitWarn: true });
  const provider = new WsProvider(devnet.server.url);
  await provider.isReady;
  // The beacon: each committed round's pulse, stored once.
  let busy = false;
  feeder = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const entries = (await api!.query.subtensorModule!.timelockedWeightCommits!.entries(NETUID)) as unknown as Array<[unknown, { toJSON(): unknown }]>;
      for (const [, v] of entries) {
        for (const [, , , round] of v.toJSON() as Array<[string, unknown, string, number | string]>) {
          const r = BigInt(round);
          if (stored.has(r.toString())) continue;
          stored.add(r.toString());
          await provider.send('devnet_storePulse', [{ round: r.toString(), signature: u8aToHex(beacon.pulse(r).signature) }]);
        }
      }
    })().catch(() => {}).finally(() => { busy = false; });
  }, 150);
}, 60_000);

afterAll(async () => {
  if (feeder !== undefined) clearInterval(feeder);
  await api?.disconnect();
  await devnet?.close();
});

describe('yumaval validator with timelocked commits (devnet spec 343)', () => {
  it('commits timelocked each tempo; a dropped commit is counted, alerted and committed again; landings are revealed weights', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: { write: (l) => { lines.push(l); if (process.env.SHOW === '1') process.stderr.write(l); } } });
    let corrupt = true;
    const v = createValidator({
      chain: devnet!.server.url, netuid: NETUID, key: { uri: '//Alice' }, dev: true, db: join(devnet!.dir, 'tl.db'), allowPrivate: true, epochs: 2,
      logger, processMetrics: false, pipeline: { pollMs: 50, inclusionTimeoutMs: 20_000, backoffMs: 100 },
      timelock: {
        beaconPublicKey: beacon.publicKey,
        encrypt: (p, r, pk) => {
          const ct = encrypt(p, r, pk);
          if (corrupt) ct[150] = (ct[150] as number) ^ 0x80; // one flipped bit: devnet (like the chain) cannot open it
          corrupt = false;
          return Promise.resolve(ct);
        },
      },
      config: {
        queriesPerStep: 8, stepIntervalSeconds: 0.2, queryTimeoutSeconds: 4, dendriteWorkers: 1, syncEveryBlocks: 4,
        minScoredBeforeWeights: PROFILES.length, stallSeconds: 60, maxBlocksWithoutWeights: 300,
      },
    });
    const calls: string[] = [];
    v.on('submitted', (e) => calls.push(`${e.call}:${e.outcome}`));
    const landed: Array<{ call: string; uids: number[]; values: number[] }> = [];
    v.on('landed', (e) => landed.push({ call: e.call, uids: e.uids, values: e.values }));
    await v.start();
    expect((await v.stopped).kind).toBe('epochs');

    expect(calls[0]).toBe('commit_timelocked_weights:included');
    expect(calls).toContain('commit_timelocked_weights:dropped');
    expect(calls.filter((c) => c.startsWith('commit_weights') || c.startsWith('reveal_weights'))).toEqual([]); // never v2 here
    const metric = (await v.metrics.submissions.get()).values.find((x) => x.labels['call'] === 'commit_timelocked' && x.labels['outcome'] === 'dropped');
    expect(metric?.value).toBe(1);
    expect(lines.some((l) => l.includes('"alert":"timelocked_commit_dropped"'))).toBe(true);
    expect(landed.length).toBe(2);
    expect(landed.every((l) => l.call === 'commit_timelocked')).toBe(true);
    const row = (await api!.query.subtensorModule!.weights!(NETUID, 0)).toJSON() as Array<[number, number]>;
    const last = landed.at(-1)!;
    const want = maxUpscaleU16(last.values);
    expect(row).toEqual(last.uids.map((u, i) => [u, want[i]]).filter(([, w]) => w !== 0));
  }, 120_000);
});

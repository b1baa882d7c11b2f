import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';
import { tsxArgs } from '../../support/tsx.js';

/*
 * Done means 2: 1,000 sequential weight commits on one connection keep the client's memory flat. The client runs in a
 * child process (so the devnet's own growth, 1,000 blocks, is not counted) and reports its RSS and heap after a full
 * GC every 100 sets. Flat: from the warmed-up sample (30% of the way) to the last one, RSS grows by less than 25 MB and
 * the heap by less than 10 MB. The client ages @polkadot/api's caches out after 2 s instead of 30 s: with the default,
 * decoded storage of every new block is kept for 30 s, so a short run ends before the caches reach their steady size
 * and measures them filling (about 14 MB over 1,000 sets, flat from about 2,500 on: measured over 4,000 sets).
 *
 * The file must stay under 60 s: the client stops after BUDGET_MS (45 s) even when it has not reached 1,000 (a loaded
 * machine does ~10 sets/s, an idle one ~30), and at least 300 sets are required. YUMAVAL_MEMORY_SETS and
 * YUMAVAL_MEMORY_BUDGET_MS change both (e.g. 1000 and 300000 for the full run, with a longer vitest timeout).
 */

const COUNT = Number(process.env['YUMAVAL_MEMORY_SETS'] ?? 1000);
const BUDGET_MS = Number(process.env['YUMAVAL_MEMORY_BUDGET_MS'] ?? 45_000);
const config = { subnets: [{ netuid: 1, tempo: 4000, activityCutoff: 5000, weightsSetRateLimit: 0, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] };
const client = new URL('./fixtures/sequential-client.ts', import.meta.url).pathname;

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('memory', () => {
  it(`stays flat over ${COUNT} sequential set_weights on one connection`, async () => {
    const t0 = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', ...tsxArgs(client), h.server.url, join(h.dir, 'seq.db'), String(COUNT), '1', String(BUDGET_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => { text += d.toString(); if (process.env['YUMAVAL_MEMORY_TRACE']) console.log(Date.now() - t0, d.toString().trim()); });
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`client exited with ${code}: ${err}`))));
    });
    const samples = out.trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number, number]);
    const done = samples.at(-1)![0];
    expect(done).toBeGreaterThanOrEqual(Math.min(COUNT, 300));
    const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
    const [, rssWarm, heapWarm] = samples[Math.max(0, Math.floor(samples.length * 0.3) - 1)]!;
    const [, rssEnd, heapEnd] = samples.at(-1)!;
    console.log(`${done} sets in ${Date.now() - t0} ms; rss ${samples.map((s) => mb(s[1])).join(' ')} MB; heap ${samples.map((s) => mb(s[2])).join(' ')} MB`);
    expect(rssEnd - rssWarm).toBeLessThan(25 * 2 ** 20);
    expect(heapEnd - heapWarm).toBeLessThan(10 * 2 ** 20);
    expect(h.store.intents.listAll()).toEqual([]); // the client used its own store file
  }, Math.max(58_000, BUDGET_MS + 13_000));
});

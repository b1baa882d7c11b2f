import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

/*
 * Done means 2: 1,000 sequential weight commits on one connection keep the client's memory flat. The client runs in a
 * child process (so the devnet's own growth, 1,000 blocks, is not counted) and reports its RSS and heap after a full
 * GC every 100 sets. Flat: from set 300 (warmed up) to set 1,000, RSS grows by less than 25 MB and the heap by less
 * than 10 MB.
 */

const COUNT = 1000;
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
      const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', client, h.server.url, join(h.dir, 'seq.db'), String(COUNT), '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`client exited with ${code}: ${err}`))));
    });
    const samples = out.trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number, number]);
    expect(samples).toHaveLength(COUNT / 100);
    const at = (i: number): [number, number, number] => samples.find((s) => s[0] === i)!;
    const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
    const [, rss300, heap300] = at(300);
    const [, rssEnd, heapEnd] = at(COUNT);
    console.log(`${COUNT} sets in ${Date.now() - t0} ms; rss ${samples.map((s) => mb(s[1])).join(' ')} MB; heap ${samples.map((s) => mb(s[2])).join(' ')} MB`);
    expect(rssEnd - rss300).toBeLessThan(25 * 2 ** 20);
    expect(heapEnd - heap300).toBeLessThan(10 * 2 ** 20);
    expect(h.store.intents.listAll()).toEqual([]); // the client used its own store file
  }, 60_000);
});

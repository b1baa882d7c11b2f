import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/index.js';
import { startHarness, type Harness } from './helpers.js';
import { tsxArgs } from '../../support/tsx.js';

/*
 * Done means 2: a validator process killed (SIGKILL) between its commit and its reveal; a new process on the same
 * store file reveals in the window.
 */

const CR = 3;
const TEMPO = 9;
const config = {
  subnets: [{ netuid: CR, tempo: TEMPO, commitRevealEnabled: true, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }],
};
const client = new URL('./fixtures/weights-client.ts', import.meta.url).pathname;

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

function start(args: string[]): { lines: Promise<string>; firstLine: Promise<string>; kill(): void; exited: Promise<number | null> } {
  const child = spawn(process.execPath, tsxArgs(client, ...args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let resolveFirst: (l: string) => void = () => {};
  const firstLine = new Promise<string>((r) => { resolveFirst = r; });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const nl = out.indexOf('\n');
    if (nl >= 0) resolveFirst(out.slice(0, nl));
  });
  child.stderr.on('data', () => {});
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { lines: exited.then(() => out), firstLine, kill: () => child.kill('SIGKILL'), exited };
}

describe('crash between commit and reveal', () => {
  it('a killed client\'s reveal is done by the next process in its window', async () => {
    const db = join(h.dir, 'validator.db');
    const first = start(['commit', h.server.url, db, String(CR)]);
    const line = await first.firstLine;
    const [, id, lo, hi] = line.split(' ').map(Number) as [number, number, number, number];
    expect(line).toMatch(/^committed \d+ \d+ \d+$/);
    first.kill();
    await first.exited;
    // The store holds the pending reveal with its salt.
    const s = Store.open(db);
    expect(s.reveals.listPending().map((p) => p.commitIntentId)).toEqual([id]);
    s.close();
    expect(await h.head()).toBeLessThan(lo);

    const second = start(['resume', h.server.url, db]);
    expect(await second.firstLine).toBe('resuming');
    // Blocks come one at a time while it waits for the window.
    let stop = false;
    const ticker = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 40));
        if ((await h.head()) < hi) await h.advanceTo((await h.head()) + 1);
      }
    })();
    const out = await second.lines;
    stop = true;
    await ticker;
    const reveals = JSON.parse(out.trim().split('\n').at(-1)!) as Array<{ status: string; block: number }>;
    expect(reveals).toHaveLength(1);
    expect(reveals[0]!.status).toBe('revealed');
    expect(reveals[0]!.block).toBeGreaterThanOrEqual(lo);
    expect(reveals[0]!.block).toBeLessThanOrEqual(hi);
    const q = (h.conn.api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>>)['subtensorModule']!;
    expect((await q['weights']!(CR, 0)).toJSON()).toEqual([[0, 65535], [1, 4242]]);
  });
});

import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../chain/weights/helpers.js';

/*
 * `yumaval weights set` against an in-process devnet, the CLI in a child process (through tsx, so no build is
 * needed). The devnet runs in this process, so the child is spawned asynchronously.
 */

const root = new URL('../../', import.meta.url).pathname;
// tsx's loader by absolute URL: a bare `--import tsx` is resolved from the child's cwd, a temporary folder here.
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const config = {
  subnets: [
    { netuid: 1, tempo: 360, weightsSetRateLimit: 0, minAllowedWeights: 2, weightsVersionKey: 3, neurons: [
      { hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob', stake: '1', permit: false }, { hotkey: '//Charlie' }, { hotkey: '//Dave' },
    ] },
    { netuid: 2, tempo: 360, commitRevealEnabled: true, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] },
  ],
};

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness(config);
  dir = mkdtempSync(join(tmpdir(), 'yumaval-wset-'));
}, 30_000);
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsxLoader, join(root, 'src/cli.ts'), 'weights', 'set', ...args], { cwd: dir, timeout: 50_000 }, (e, out, err) => {
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, out, err });
    });
  });
}

type Q = Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>;
const query = (): Q => (h.conn.api.query as unknown as Record<string, Q>)['subtensorModule'] as Q;

describe('yumaval weights set', () => {
  it('dry run: prints what it would send and the verdict, sends nothing; the chain\'s n and minAllowedWeights win', async () => {
    const key = file('alice.key', '//Alice\n');
    const weights = file('w.json', JSON.stringify({ uids: [0, 1, 2, 3], weights: [0.5, 0.25, 0, 0.25], n: 99, minAllowedWeights: 1 }));
    const before = await h.head();
    const r = await cli(['--chain', h.server.url, '--netuid', '1', '--key', key, '--dev', '--weights', weights, '--dry-run', '--db', join(dir, 's.db')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('n 99 is overridden by the chain\'s 4');
    expect(r.err).toContain('would send set_weights: uids [0,1,3] values [65535,32768,32768] version key 3');
    expect(r.err).toContain('pre-validation: ok');
    expect(r.err).not.toContain('//Alice');
    expect(JSON.parse(r.out)).toMatchObject({ call: 'set_weights', verdict: 'ok', outcome: 'dry-run', versionKey: '3' });
    expect(await h.head()).toBe(before);
  });

  it('sets the weights and exits 0 once they landed', async () => {
    const key = file('alice.key', '//Alice\n');
    const weights = file('w.json', JSON.stringify({ uids: [0, 1, 2, 3], weights: [0.5, 0.25, 0, 0.25] }));
    const r = await cli(['--chain', h.server.url, '--netuid', '1', '--key', key, '--dev', '--weights', weights, '--db', join(dir, 's.db')]);
    expect(r.err).not.toContain('//Alice');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { outcome: string; block: number };
    expect(out.outcome).toBe('set');
    expect((await query()['weights']!(1, 0)).toJSON()).toEqual([[0, 65535], [1, 32768], [3, 32768]]);
  });

  it('exits 1 with the chain\'s error name when pre-validation refuses', async () => {
    const key = file('bob.key', '//Bob\n');
    const weights = file('w.json', JSON.stringify({ uids: [0, 1, 2, 3], weights: [0.5, 0.25, 0, 0.25] }));
    const r = await cli(['--chain', h.server.url, '--netuid', '1', '--key', key, '--dev', '--weights', weights, '--version-key', '3', '--db', join(dir, 's.db')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('pre-validation: the chain would refuse with NeuronNoValidatorPermit');
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'NeuronNoValidatorPermit', outcome: 'failed', error: 'NeuronNoValidatorPermit' });
  });

  it('commits under commit-reveal and exits 0 once committed, printing the reveal window', async () => {
    const key = file('alice.key', '//Alice\n');
    const weights = file('w.json', JSON.stringify({ uids: [0, 1], weights: [1, 0.5] }));
    const r = await cli(['--chain', h.server.url, '--netuid', '2', '--key', key, '--dev', '--weights', weights, '--db', join(dir, 's.db')]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { outcome: string; call: string; revealWindow: { first: number; last: number } };
    expect([out.call, out.outcome]).toEqual(['commit_weights', 'committed']);
    expect(r.err).toContain(`reveal window: blocks ${out.revealWindow.first}..${out.revealWindow.last}`);
  });

  it('with --reveal, waits for the reveal window and reveals before exiting 0', async () => {
    const key = file('alice.key', '//Alice\n');
    const weights = file('w.json', JSON.stringify({ uids: [0, 1], weights: [0.5, 1] }));
    const run = cli(['--chain', h.server.url, '--netuid', '2', '--key', key, '--dev', '--weights', weights, '--db', join(dir, 'reveal.db'), '--reveal']);
    // Blocks in chunks until the command is done (the window is the next epoch, 361 blocks long).
    let done = false;
    const ticker = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 200));
        if (!done) await h.advanceTo((await h.head()) + 40);
      }
    })();
    const r = await run;
    done = true;
    await ticker;
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { outcome: string; revealWindow: { first: number; last: number }; reveal: { status: string; block: number } };
    expect([out.outcome, out.reveal.status]).toEqual(['committed', 'revealed']);
    expect(out.reveal.block).toBeGreaterThanOrEqual(out.revealWindow.first);
    expect(out.reveal.block).toBeLessThanOrEqual(out.revealWindow.last);
    expect((await query()['weights']!(2, 0)).toJSON()).toEqual([[0, 32768], [1, 65535]]);
  });

  it('refuses a dev URI without --dev and a key file others can read, never printing the key', async () => {
    const weights = file('w.json', JSON.stringify({ uids: [0, 1], weights: [1, 0.5] }));
    const r1 = await cli(['--chain', h.server.url, '--netuid', '1', '--key', file('a.key', '//Alice\n'), '--weights', weights, '--db', join(dir, 's.db')]);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/pass --dev/);
    expect(r1.err).not.toContain('//Alice');
    const r2 = await cli(['--chain', h.server.url, '--netuid', '1', '--key', file('b.key', '//Alice\n', 0o644), '--dev', '--weights', weights]);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/chmod 600/);
    const r3 = await cli(['--chain', 'http://x', '--netuid', '1', '--key', 'k', '--weights', weights]);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/--chain/);
  });
});

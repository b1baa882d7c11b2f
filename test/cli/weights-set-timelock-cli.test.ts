import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectDevnetSpec } from '../../src/devnet/index.js';
import { roundAt } from '../../src/timelock/index.js';
import { startHarness, type Harness } from '../chain/weights/helpers.js';
import { tsxArgs } from '../support/tsx.js';

/*
 * `yumaval weights set` on devnet serving spec 343 (commit_timelocked_weights): under commit-reveal it commits
 * timelocked, to a quicknet round in the future, no later than its reveal epoch (plus margin), and says the chain
 * reveals it.
 */

selectDevnetSpec(343);
const root = new URL('../../', import.meta.url).pathname;
const TEMPO = 20;
let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness({ subnets: [{ netuid: 2, tempo: TEMPO, commitRevealEnabled: true, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] });
  dir = mkdtempSync(join(tmpdir(), 'yumaval-wset-tl-'));
}, 30_000);
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, 0o600);
  return p;
}

describe('yumaval weights set on a runtime with timelocked commits', () => {
  it('commits timelocked to a future quicknet round and exits 0', async () => {
    const key = file('alice.key', '//Alice\n');
    const weights = file('w.json', JSON.stringify({ uids: [0, 1], weights: [0.25, 0.75] }));
    const before = Date.now() / 1000;
    const r = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, tsxArgs(join(root, 'src/cli.ts'), 'weights', 'set', '--chain', h.server.url, '--netuid', '2', '--key', key, '--dev', '--weights', weights, '--db', join(dir, 's.db')), { cwd: dir, timeout: 50_000 }, (e, out, err) => {
        resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, out, err });
      });
    });
    const after = Date.now() / 1000;
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as { outcome: string; call: string; revealWindow: { first: number; last: number } };
    expect([out.call, out.outcome]).toEqual(['commit_timelocked_weights', 'committed']);
    expect(r.err).toContain('timelocked: the chain reveals it in blocks');
    const entries = (await h.conn.api.query.subtensorModule!.timelockedWeightCommits!.entries(2)) as unknown as Array<[unknown, { toJSON(): unknown }]>;
    const commits = entries.flatMap(([, v]) => v.toJSON() as Array<[string, number, string, number]>);
    expect(commits).toHaveLength(1);
    const round = BigInt(commits[0]![3]);
    // In the future (at least the reveal's 3-block margin ahead), and at most two epochs of 12 s blocks ahead.
    expect(round > roundAt(before)).toBe(true);
    expect(round <= roundAt(after + 2 * (TEMPO + 1) * 12 + 3 * 12)).toBe(true);
  }, 60_000);
});

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measuredRun } from './measured-run.js';

/*
 * Issue 15, finding 10, key paths: a directory or an unreadable file gave "internal error: EISDIR/EACCES", a mode-755
 * directory was told to `chmod 600`, and a FIFO hung the command. Each now gets one clear line and ends at once. Run
 * through `yumaval miner`, the command that loads its key first; `weights set` and `query` share the loader.
 */

const dir = mkdtempSync(join(tmpdir(), 'yumaval-keypaths-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const miner = (key: string, options: { uid?: number; gid?: number } = {}): ReturnType<typeof measuredRun> =>
  measuredRun([], ['miner', '--key', key, '--profile', 'noise', '--port', '0'], 20_000, { cwd: dir, ...options });

function expectKeyError(r: Awaited<ReturnType<typeof measuredRun>>, pattern: RegExp): void {
  expect(r.signal).toBeNull();
  expect(r.code).toBe(1);
  expect(r.out.length).toBe(0);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/internal error/);
  expect(r.err).toMatch(pattern);
}

describe('key paths that are not key files (finding 10)', () => {
  it('a directory, whatever its mode, is named as a directory (not "EISDIR", not "chmod 600")', async () => {
    const d700 = join(dir, 'keys700');
    mkdirSync(d700, { mode: 0o700 });
    const d755 = join(dir, 'keys755');
    mkdirSync(d755, { mode: 0o755 });
    chmodSync(d755, 0o755);
    for (const d of [d700, d755]) {
      const r = await miner(d);
      expectKeyError(r, new RegExp(`key file ${d}: is a directory: give the key file inside it`));
      expect(r.err).not.toMatch(/chmod/);
    }
  }, 60_000);

  it('a FIFO is refused at once instead of hanging until a writer comes', async () => {
    const fifo = join(dir, 'key.fifo');
    const made = spawnSync('mkfifo', ['-m', '600', fifo]);
    expect(made.status).toBe(0);
    const r = await miner(fifo);
    expectKeyError(r, /key file .*key\.fifo: is not a regular file \(a FIFO, socket or device\)/);
    expect(r.ms).toBeLessThan(15_000);
  }, 30_000);

  it('a key file this user cannot read is named as such (not "internal error: EACCES")', async () => {
    const key = join(dir, 'other.key');
    writeFileSync(key, `0x${'11'.repeat(32)}\n`);
    chmodSync(key, 0o600);
    // Root reads any file: then the key belongs to root and the command runs as nobody, a real other user.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) chmodSync(key, 0o000);
    const r = await miner(key, asRoot ? { uid: 65534, gid: 65534 } : {});
    expectKeyError(r, /key file .*other\.key: cannot be read by this user \(EACCES\): check its owner and mode \(600\)/);
  }, 30_000);
});

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainConnection } from '../../src/chain/index.js';
import { Archive, chainSource, replay } from '../../src/replay/index.js';

/*
 * Robustness against a real dropped connection: the devnet runs as its own process (`yumaval devnet --db`, built by
 * `npm run build`); in the middle of a replay it is killed (SIGKILL) and started again on the same port from its
 * database. The chain client reconnects by itself, the replay retries the reads that failed meanwhile, and the range
 * completes with every epoch a match and each snapshot archived once.
 */

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } }).bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-reconnect-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `yumaval devnet` and resolves with its URL once it prints its first line. */
function startDevnet(port: number): Promise<{ child: ChildProcess; url: string }> {
  const config = join(dir, 'subnet.json');
  writeFileSync(config, JSON.stringify({
    subnets: [{ netuid: 1, tempo: 4, neurons: [
      { hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob', stake: '400000000000', permit: true }, { hotkey: '//Eve', stake: 0 },
    ] }],
  }));
  const child = spawn(process.execPath, [bin, 'devnet', '--port', String(port), '--block-time', '0', '--config', config, '--db', join(dir, 'chain.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /devnet listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`devnet exited (${code}) before listening: ${err}`)));
  });
}

describe('replay across a dropped connection', () => {
  it('resumes where it stopped when the node is killed and restarted mid-range, reading nothing twice', async () => {
    let devnet = await startDevnet(0);
    const port = Number(new URL(devnet.url).port);
    const conn = await ChainConnection.open({ url: devnet.url, log: () => {} });
    const archive = Archive.open(join(dir, 'archive.db'));
    try {
      const send = (conn.api as unknown as { _rpcCore: { provider: { send(m: string, p: unknown[]): Promise<unknown> } } })._rpcCore.provider;
      const head = (await send.send('devnet_newBlock', [60])) as number;
      let restarted: Promise<void> | null = null;
      const report = await replay({
        netuid: 1, from: 1, to: head, source: chainSource(conn), archive, retries: 60, retryDelayMs: 250,
        onProgress: (done) => {
          if (done !== 4 || restarted !== null) return;
          devnet.child.kill('SIGKILL');
          restarted = new Promise<void>((resolve) => devnet.child.once('exit', () => resolve()))
            .then(() => startDevnet(port))
            .then((d) => { devnet = d; });
        },
      });
      expect(restarted).not.toBeNull();
      await restarted;
      expect(report.summary).toEqual({ epochs: 12, matched: 12 });
      expect(report.epochs.map((e) => e.block)).toEqual(Array.from({ length: 12 }, (_, k) => 3 + 5 * k));
      const genesis = conn.api.genesisHash.toHex();
      expect(archive.blocks(genesis, 1)).toEqual(report.epochs.map((e) => e.block));
    } finally {
      archive.close();
      await conn.close();
      devnet.child.kill('SIGTERM');
    }
  }, 180_000);
});

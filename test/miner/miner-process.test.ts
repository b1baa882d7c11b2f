import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DUMMY_SPEC, buildRequest, createNonceClock, signerFromPair } from '../../src/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';

/*
 * `yumaval miner` as an operator runs it (`node <bin.yumaval>`, built by `npm run build`): the start line, an answer,
 * and a clean exit 0 with the counters on SIGINT.
 */

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } }).bin.yumaval);

describe('yumaval miner (child process)', () => {
  it('prints its start line, answers, and exits 0 with its counters on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'miner', '--key', '//Bob', '--dev', '--profile', 'oracle-0.6', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('close', () => reject(new Error(`exited early: ${err}`)));
    });
    const start = JSON.parse(first) as { port: number; hotkey: string };
    const alice = await loadKey({ uri: '//Alice' }, { dev: true });
    const r = buildRequest(DUMMY_SPEC, { dummy_input: 50 }, { ip: '127.0.0.1', port: start.port, hotkey: start.hotkey },
      { signer: signerFromPair(alice.pair), uuid: 'proc', nonce: createNonceClock().next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
    const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
    expect(((await res.json()) as { dummy_output: number }).dummy_output).toBe(100);
    child.kill('SIGINT');
    expect(await exited, err).toBe(0);
    const last = JSON.parse(out.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toEqual({ stopped: true, requests: 1, byStatus: { 200: 1 }, unanswered: 0 });
  }, 30_000);
});

import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../chain/weights/helpers.js';
import { measuredRun } from './measured-run.js';

/*
 * Issue 15, finding 9 and "Done means" 4: no command prints or logs a secret given by mistake where a file name, an
 * environment variable name or a URL belongs. Every such option of every command gets a mnemonic, a 0x seed and a
 * dev URI in turn, through the built CLI in a real process, and no piece of the secret may appear on stdout or stderr:
 * no two consecutive words of the mnemonic, no 16 hex digits of the seed, not the dev URI's name.
 */

let mnemonic: string;
const seed = `0x${randomBytes(32).toString('hex')}`;
const devUri = '//Yumaval7Probe//stash';
let dir: string;
let open: string;
let closedChain: string;
let h: Harness;

beforeAll(async () => {
  await cryptoWaitReady();
  mnemonic = mnemonicGenerate();
  dir = mkdtempSync(join(tmpdir(), 'yumaval-secrets-'));
  chmodSync(dir, 0o755);
  // Writable by the unprivileged runs below.
  open = mkdtempSync(join(tmpdir(), 'yumaval-secrets-open-'));
  chmodSync(open, 0o777);
  // A loopback port with nothing listening: bound to port 0, read back, closed.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  closedChain = `ws://127.0.0.1:${port}`;
  h = await startHarness({ subnets: [{ netuid: 1, tempo: 360, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] });
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(open, { recursive: true, force: true });
});

function file(name: string, content: string, mode = 0o644): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

/** A dev key file owned by the user the unprivileged probes run as. */
function nobodyKey(): string {
  const p = file('nobody.key', '//Alice\n', 0o600);
  if (process.getuid?.() === 0) chownSync(p, 65534, 65534);
  return p;
}

/** Every piece of a secret that must not be shown. */
function pieces(secret: string): string[] {
  if (secret === mnemonic) {
    const w = mnemonic.split(' ');
    return w.slice(1).map((x, i) => `${w[i]} ${x}`);
  }
  if (secret === seed) return Array.from({ length: 64 - 15 }, (_, i) => seed.slice(2 + i, 2 + i + 16));
  return ['Yumaval7Probe'];
}

/** One probe: a command line with the secret in one option, the options it needs around it, and how to run it. */
interface Probe {
  name: string;
  args: (secret: string) => string[];
  env?: (secret: string) => NodeJS.ProcessEnv;
  /** Run as nobody (uid 65534) in a world-writable folder: for options that would create files at the secret's path. */
  unprivileged?: boolean;
  /** Commands that serve until stopped are killed after this long (their start-up lines are what is checked). */
  timeoutMs?: number;
}

const secrets = (): Array<[string, string]> => [['mnemonic', mnemonic], ['0x seed', seed], ['dev URI', devUri]];

function probes(): Probe[] {
  const weights = file('w.json', JSON.stringify({ uids: [0, 1], weights: [0.5, 0.5] }));
  const scenario = file('sc.json', JSON.stringify({ n: 2, stake: [1, 1], epochs: [{}] }));
  const alice = file('alice.key', '//Alice\n', 0o600);
  const aliceNobody = nobodyKey();
  return [
    // weights set: every option that names a file, a variable or a URL
    { name: 'weights set --key', args: (s) => ['weights', 'set', '--chain', closedChain, '--netuid', '1', '--key', s, '--weights', weights] },
    { name: 'weights set --key --dev', args: (s) => ['weights', 'set', '--chain', closedChain, '--netuid', '1', '--key', s, '--dev', '--weights', weights] },
    { name: 'weights set --key-env', args: (s) => ['weights', 'set', '--chain', closedChain, '--netuid', '1', '--key-env', s, '--weights', weights] },
    { name: 'weights set --key-env (the secret in the variable, refused)', args: () => ['weights', 'set', '--chain', closedChain, '--netuid', '1', '--key-env', 'PROBE_KEY', '--weights', weights], env: (s) => ({ PROBE_KEY: `${s} x` }) },
    { name: 'weights set --chain', args: (s) => ['weights', 'set', '--chain', s, '--netuid', '1', '--key', alice, '--dev', '--weights', weights] },
    { name: 'weights set --weights', args: (s) => ['weights', 'set', '--chain', closedChain, '--netuid', '1', '--key', alice, '--dev', '--weights', s] },
    { name: 'weights set --db', args: (s) => ['weights', 'set', '--chain', h.server.url, '--netuid', '1', '--key', aliceNobody, '--dev', '--weights', weights, '--dry-run', '--db', s], unprivileged: true },
    // miner
    { name: 'miner --key', args: (s) => ['miner', '--key', s, '--profile', 'noise', '--port', '0'] },
    { name: 'miner --key --dev', args: (s) => ['miner', '--key', s, '--dev', '--profile', 'noise', '--port', '0', '--task', join(dir, 'no-such-task.json')] },
    { name: 'miner --key-env', args: (s) => ['miner', '--key-env', s, '--profile', 'noise', '--port', '0'] },
    { name: 'miner --chain', args: (s) => ['miner', '--key', alice, '--dev', '--profile', 'noise', '--port', '0', '--chain', s, '--netuid', '1'] },
    { name: 'miner --task', args: (s) => ['miner', '--key', alice, '--dev', '--profile', 'noise', '--port', '0', '--task', s] },
    // query
    { name: 'query --key', args: (s) => ['query', '--key', s, '--axon', `5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY@127.0.0.1:1`] },
    { name: 'query --key-env', args: (s) => ['query', '--key-env', s, '--axon', `5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY@127.0.0.1:1`] },
    { name: 'query --chain', args: (s) => ['query', '--key', alice, '--dev', '--chain', s, '--netuid', '1'] },
    { name: 'query --axon', args: (s) => ['query', '--key', alice, '--dev', '--axon', s] },
    // a misspelt key option: the argument parser repeats what it refuses
    { name: 'miner --kye=<value>', args: (s) => ['miner', `--kye=${s}`, '--profile', 'noise'] },
    { name: 'weights set --kye=<value>', args: (s) => ['weights', 'set', '--chain', closedChain, '--netuid', '1', '--weights', weights, `--kye=${s}`] },
    // the file-reading commands
    { name: 'epoch --input', args: (s) => ['epoch', '--input', s] },
    { name: 'simulate <scenario>', args: (s) => ['simulate', s] },
    { name: 'simulate <scenario>.json', args: (s) => ['simulate', `${s}.json`] },
    { name: 'simulate --out', args: (s) => ['simulate', scenario, '--out', s], unprivileged: true },
    { name: 'score --responses', args: (s) => ['score', '--responses', s] },
    { name: 'weights process --input', args: (s) => ['weights', 'process', '--input', s] },
    { name: 'devnet --config', args: (s) => ['devnet', '--port', '0', '--config', s], timeoutMs: 8_000 },
    { name: 'devnet --db', args: (s) => ['devnet', '--port', '0', '--db', s], unprivileged: true, timeoutMs: 8_000 },
    { name: 'metagraph --chain', args: (s) => ['metagraph', '--chain', s, '--netuid', '1'] },
    { name: 'hyperparams --chain', args: (s) => ['hyperparams', '--chain', s, '--netuid', '1'] },
  ];
}

describe('secrets given where a file, a variable or a URL belongs are never echoed (finding 9)', () => {
  it('every key, file, variable and URL option of every command, with a mnemonic, a 0x seed and a dev URI', async () => {
    const runs: Array<{ probe: string; kind: string; secret: string; text: string; code: number | null }> = [];
    const jobs = probes().flatMap((p) => secrets().map(([kind, secret]) => async () => {
      const asNobody = p.unprivileged === true && process.getuid?.() === 0;
      const r = await measuredRun([], p.args(secret), p.timeoutMs ?? 30_000, {
        cwd: p.unprivileged === true ? open : dir,
        env: { ...process.env, ...(p.env?.(secret) ?? {}) },
        ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
      });
      runs.push({ probe: p.name, kind, secret, text: `${r.out.toString('utf8')}\n${r.err}`, code: r.code });
    }));
    // Three at a time: the machine is shared.
    for (let i = 0; i < jobs.length; i += 3) await Promise.all(jobs.slice(i, i + 3).map((j) => j()));
    expect(runs).toHaveLength(probes().length * 3);
    const leaks = runs.flatMap((r) => pieces(r.secret).filter((p) => r.text.includes(p)).slice(0, 1).map((p) => `${r.probe} (${r.kind}): shows "${p}" in: ${r.text.trim().slice(0, 300)}`));
    expect(leaks).toEqual([]);
    // The probes reached the code that reads each option: every run said something about it.
    expect(runs.filter((r) => r.text.trim() === '').map((r) => `${r.probe} (${r.kind})`)).toEqual([]);
  }, 600_000);
});

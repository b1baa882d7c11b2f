import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WATCHDOG_EXIT_CODE } from '../../src/service/index.js';
import type { AxonHandle } from '../../src/miner/index.js';
import { startTcpProxy, type TcpProxy } from '../chain/weights/tcp-proxy.js';
import { startProfileAxon } from './harness.js';

/*
 * Chain faults (issue 16, done-means 3) with real processes: the devnet is `yumaval devnet --db FILE` and the service
 * is `yumaval validator`, each a child process of the built CLI (`npm run tsbuild`); the two reference miners run in
 * this process. Each case ends in recovery (a later submission lands, as the service's log shows) or in the watchdog's
 * exit code, within a deadline the test sets; never in a hang:
 * - the devnet SIGKILLed mid-run and started again on the same --db and port: weights land again;
 * - the devnet SIGKILLed for good: the service exits with the watchdog's code;
 * - a node that stops answering while the socket stays open (a pausing TCP proxy between the two processes): a short
 *   pause is ridden out and weights land again; a pause past stallSeconds ends the service with the watchdog's code;
 * - a refused connection at start-up: the service keeps trying, starts once the devnet is up, and lands weights.
 */

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } }).bin.yumaval);
const NETUID = 1;

let dir: string;
const axons: AxonHandle[] = [];
let devnetConfig: string;
const children = new Set<ChildProcess>();
let proxy: TcpProxy | null = null;

/** A child of the CLI whose stderr and stdout lines are kept and can be waited for. */
interface Proc {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitFor(re: RegExp, ms: number): Promise<string>;
}

function cli(args: string[]): Proc {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const onData = (): ((d: Buffer) => void) => {
    let partial = '';
    return (d) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) {
        lines.push(l);
        for (const w of waiters.filter((x) => x.re.test(l))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    };
  };
  child.stdout!.on('data', onData());
  child.stderr!.on('data', onData());
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
    children.delete(child);
    resolve(code);
  }));
  const waitFor = (re: RegExp, ms: number): Promise<string> => {
    const hit = lines.find((l) => re.test(l));
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line matching ${re} in ${ms} ms:\n${lines.slice(-30).join('\n')}`)), ms);
      waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
      void exited.then((code) => {
        clearTimeout(t);
        reject(new Error(`exited ${code} before a line matching ${re}:\n${lines.slice(-30).join('\n')}`));
      });
    });
  };
  return { child, lines, exited, waitFor };
}

/** `yumaval devnet` on `port` (0: a free one) with the test's subnet, persisted in `db`; resolves with its port once it listens. */
async function devnet(db: string, port = 0): Promise<{ p: Proc; port: number }> {
  const p = cli(['devnet', '--port', String(port), '--block-time', '250', '--config', devnetConfig, '--db', join(dir, db)]);
  const line = await p.waitFor(/devnet listening on ws:\/\/127\.0\.0\.1:\d+/, 60_000);
  return { p, port: Number(/:(\d+)/.exec(line.slice(line.indexOf('ws://')))![1]) };
}

/** `yumaval validator` against `url` with a store of its own. */
function validator(url: string, db: string, stallSeconds: number): Proc {
  const cfg = join(dir, `${db}.json`);
  writeFileSync(cfg, JSON.stringify({
    queriesPerStep: 4, stepIntervalSeconds: 0.2, queryTimeoutSeconds: 2, dendriteWorkers: 1, minScoredBeforeWeights: 2, syncEveryBlocks: 4, stallSeconds,
  }));
  return cli(['validator', '--chain', url, '--netuid', String(NETUID), '--key', '//Alice', '--dev', '--db', join(dir, db), '--config', cfg, '--allow-private']);
}

const LANDED = /"msg":"weights landed/;
const landedBlock = (line: string): number => (JSON.parse(line) as { block: number }).block;

/** Waits for a landing after block `after` (the log lines of landings come in order). */
async function landingAfter(v: Proc, after: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = v.lines.filter((l) => LANDED.test(l)).map(landedBlock).find((b) => b > after);
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no landing after block ${after} in ${ms} ms:\n${v.lines.slice(-30).join('\n')}`);
    await Promise.race([v.exited.then((code) => { throw new Error(`the service exited ${code} while waiting for a landing:\n${v.lines.slice(-30).join('\n')}`); }), new Promise((r) => setTimeout(r, 200))]);
  }
}

/** SIGTERM, and the exit code within `ms` (a clean stop is 0). */
async function stop(p: Proc, ms = 15_000): Promise<number | null> {
  p.child.kill('SIGTERM');
  return within(p.exited, ms, 'exit after SIGTERM');
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms (a hang)`)), ms); })]).finally(() => clearTimeout(t));
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yumaval-vfaultp-'));
  const neurons: Array<Record<string, unknown>> = [{ hotkey: '//Alice', stake: '1000000000000', permit: true }];
  for (const [i, name] of ['oracle-0.9', 'noise'].entries()) {
    const { axon, neuron } = await startProfileAxon(`//F${i}`, name);
    axons.push(axon);
    neurons.push(neuron);
  }
  devnetConfig = join(dir, 'devnet.json');
  writeFileSync(devnetConfig, JSON.stringify({ subnets: [{ netuid: NETUID, tempo: 5, weightsSetRateLimit: 1, minAllowedWeights: 1, neurons }] }));
}, 60_000);

afterEach(async () => {
  await proxy?.close();
  proxy = null;
  for (const c of children) c.kill('SIGKILL');
});

afterAll(async () => {
  for (const a of axons) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('chain faults with the devnet and the service as real processes', () => {
  it('the devnet SIGKILLed mid-run and restarted on the same --db and port: the service reconnects and weights land again', async () => {
    const d1 = await devnet('a-chain.db');
    const v = validator(`ws://127.0.0.1:${d1.port}`, 'a.db', 60);
    const first = landedBlock(await v.waitFor(LANDED, 60_000));
    d1.p.child.kill('SIGKILL');
    expect(await within(d1.p.exited, 10_000, 'devnet exit')).toBeNull();
    await new Promise((r) => setTimeout(r, 2_000));
    // The service is still there (no exit while the node is gone), and the chain resumes from its file.
    expect(v.child.exitCode).toBeNull();
    const d2 = await devnet('a-chain.db', d1.port);
    expect(d2.port).toBe(d1.port);
    expect(await landingAfter(v, first, 60_000)).toBeGreaterThan(first);
    expect(await stop(v)).toBe(0);
    expect(await stop(d2.p)).toBe(0);
  }, 180_000);

  it('the devnet SIGKILLed for good: the service exits with the watchdog code after stallSeconds, not later', async () => {
    const d = await devnet('b-chain.db');
    const v = validator(`ws://127.0.0.1:${d.port}`, 'b.db', 4);
    await v.waitFor(/"msg":"step applied"/, 60_000);
    d.p.child.kill('SIGKILL');
    const t0 = Date.now();
    expect(await within(v.exited, 4_000 + 30_000, 'watchdog exit')).toBe(WATCHDOG_EXIT_CODE);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3_000);
    expect(v.lines.some((l) => /"level":50/.test(l) && /"reason":"stalled-/.test(l))).toBe(true);
  }, 120_000);

  it('a node silent with its socket open (pausing proxy): a short pause is ridden out, a long one ends in the watchdog code', async () => {
    const d = await devnet('c-chain.db');
    proxy = await startTcpProxy(d.port);
    const v = validator(proxy.url, 'c.db', 8);
    const first = landedBlock(await v.waitFor(LANDED, 60_000));
    proxy.pause();
    await new Promise((r) => setTimeout(r, 3_000));
    proxy.resume();
    expect(await landingAfter(v, first, 60_000)).toBeGreaterThan(first);
    proxy.pause();
    const t0 = Date.now();
    expect(await within(v.exited, 8_000 + 30_000, 'watchdog exit')).toBe(WATCHDOG_EXIT_CODE);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(6_000);
    proxy.resume();
    expect(await stop(d.p)).toBe(0);
  }, 180_000);

  it('a refused connection at start-up: retried until the devnet is up, then the service starts and lands weights', async () => {
    const port = await freePort();
    const v = validator(`ws://127.0.0.1:${port}`, 'd.db', 60);
    await v.waitFor(/cannot connect to the chain; retrying/, 30_000);
    expect(v.child.exitCode).toBeNull();
    const d = await devnet('d-chain.db', port);
    await v.waitFor(/"msg":"validator started"/, 60_000);
    expect(await landingAfter(v, 0, 60_000)).toBeGreaterThan(0);
    expect(await stop(v)).toBe(0);
    expect(await stop(d.p)).toBe(0);
  }, 180_000);
});

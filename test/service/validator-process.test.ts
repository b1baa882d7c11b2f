import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AxonHandle } from '../../src/miner/index.js';
import { startProfileAxon, startServiceDevnet, type ServiceDevnet } from './harness.js';

/*
 * `yumaval validator` as an operator runs it (`node <bin.yumaval>`, built by `npm run build`), against an in-process
 * devnet (250 ms blocks) with three reference miners: JSON logs on stderr that never hold the secret (the hotkey's
 * mnemonic, given through --key-env) nor the task seed; /metrics and /healthz while it runs, agreeing with the chain;
 * SIGTERM → exit 0 within one query timeout + 2 s. And the watchdog: no weights for too long → exit 3, with pretty logs.
 */

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } }).bin.yumaval);
const NETUID = 2;
const QUERY_TIMEOUT_S = 2;

let server: ServiceDevnet['server'];
const axons: AxonHandle[] = [];
let dir: string;
let devnet: ServiceDevnet | undefined;
let mnemonic: string;
let hotkey: string;

beforeAll(async () => {
  await cryptoWaitReady();
  mnemonic = mnemonicGenerate(12);
  hotkey = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(mnemonic).address;
  const neurons: Array<Record<string, unknown>> = [{ hotkey, stake: '1000000000000', permit: true }];
  for (const [i, name] of ['oracle-0.9', 'noise', 'error500'].entries()) {
    const { axon, neuron } = await startProfileAxon(`//P${i}`, name);
    axons.push(axon);
    neurons.push(neuron);
  }
  // A miner that answers long after any deadline: a stop arrives while the validator waits for it.
  const { axon: slow } = await startProfileAxon('//Slow', 'slow', { delayMs: 60_000 });
  axons.push(slow);
  devnet = await startServiceDevnet([
    { netuid: NETUID, tempo: 19, weightsSetRateLimit: 2, minAllowedWeights: 1, neurons },
    // A subnet where nobody serves: no scores, so no weights ever (the watchdog's case).
    { netuid: NETUID + 1, tempo: 4, weightsSetRateLimit: 1, minAllowedWeights: 1, neurons: [{ hotkey, stake: '1000000000000', permit: true }, { hotkey: '//Idle' }] },
    { netuid: NETUID + 2, tempo: 50, neurons: [{ hotkey, stake: '1000000000000', permit: true }, { hotkey: '//Slow', axon: { ip: '127.0.0.1', port: slow.port } }] },
  ], axons, 'vproc');
  ({ server, dir } = devnet);
}, 60_000);

afterAll(async () => {
  await devnet?.close();
});

/** Starts the validator; `lines` collects stderr lines, `waitFor` resolves on the first line matching. */
function run(args: string[], config: Record<string, unknown>) {
  const cfg = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(cfg, JSON.stringify(config));
  const child = spawn(process.execPath, [bin, 'validator', '--chain', server.url, '--key-env', 'YV_HOTKEY', '--config', cfg, '--allow-private', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, YV_HOTKEY: mnemonic },
  });
  const lines: string[] = [];
  let stdout = '';
  let partial = '';
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => {
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
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitFor = (re: RegExp, ms: number): Promise<string> => {
    const hit = lines.find((l) => re.test(l));
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line matching ${re} in ${ms} ms:\n${lines.join('\n')}`)), ms);
      waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
      void exited.then((code) => reject(new Error(`exited ${code} before a line matching ${re}:\n${lines.join('\n')}`)));
    });
  };
  return { child, lines, exited, waitFor, stdout: () => stdout };
}

describe('yumaval validator (child process)', () => {
  it('logs JSON without secrets, serves metrics and health that agree with the chain, and stops on SIGTERM with exit 0 in time', async () => {
    const db = join(dir, 'v.db');
    const p = run(['--netuid', String(NETUID), '--db', db, '--metrics', '127.0.0.1:0'], {
      queriesPerStep: 8, stepIntervalSeconds: 0.2, queryTimeoutSeconds: QUERY_TIMEOUT_S, dendriteWorkers: 1, syncEveryBlocks: 5, minScoredBeforeWeights: 3,
    });
    const started = JSON.parse(await p.waitFor(/"msg":"validator started"/, 30_000)) as { metrics: string; uid: number; hotkey: string };
    expect(started.hotkey).toBe(hotkey);
    await p.waitFor(/"msg":"weights landed/, 40_000);

    const health = async (): Promise<{ code: number; body: Record<string, unknown> }> => {
      const r = await fetch(`${started.metrics}/healthz`);
      return { code: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true });
    let agreed = false;
    try {
      const q = (api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>>)['subtensorModule']!;
      // A new landing may slip between two reads: compare only when the health did not move across the chain read.
      for (let i = 0; i < 5 && !agreed; i++) {
        const before = await health();
        const lastUpdate = ((await q['lastUpdate']!(NETUID)).toJSON() as number[])[started.uid];
        const after = await health();
        expect(before.code).toBe(200);
        expect(before.body['status']).toBe('ok');
        expect(before.body['chain']).toBe('connected');
        if (before.body['lastWeightsBlock'] === after.body['lastWeightsBlock']) {
          expect(lastUpdate).toBe(before.body['lastWeightsBlock']);
          agreed = true;
        }
      }
      // yumaval_vtrust is what the chain stores for our uid (u16 / 65535), once the service has read the latest epoch.
      let vtrustAgrees = false;
      for (let i = 0; i < 40 && !vtrustAgrees; i++) {
        const text = await (await fetch(`${started.metrics}/metrics`)).text();
        const metric = Number(/^yumaval_vtrust\{netuid="2"\} ([\d.e+-]+)$/m.exec(text)?.[1] ?? NaN);
        const chain = ((await q['validatorTrust']!(NETUID)).toJSON() as number[])[started.uid] ?? 0;
        vtrustAgrees = chain > 0 && metric === chain / 65535;
        if (!vtrustAgrees) await new Promise((r) => setTimeout(r, 250));
      }
      expect(vtrustAgrees).toBe(true);

      // The submissions counters agree with the chain's extrinsics: our set_weights on this subnet that succeeded in
      // blocks up to the last landed one = the `landed` count, and none failed on chain. Compared only when neither
      // the counters nor the health moved across the block scan (a landing in between is retried).
      const submissions = async (): Promise<string> => (await (await fetch(`${started.metrics}/metrics`)).text())
        .split('\n').filter((l) => l.startsWith('yumaval_weights_submissions_total{')).sort().join('\n');
      const eventsAt = (api.query as unknown as Record<string, Record<string, { at(h: unknown): Promise<unknown> }>>)['system']!['events']!;
      let countersAgree = false;
      for (let i = 0; i < 5 && !countersAgree; i++) {
        const [h1, m1] = [await health(), await submissions()];
        const upTo = h1.body['lastWeightsBlock'] as number;
        let ok = 0;
        let failed = 0;
        const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
        for (let n = 1; n <= finalized; n++) {
          const hash = await api.rpc.chain.getBlockHash(n);
          const block = await api.rpc.chain.getBlock(hash);
          const ours = block.block.extrinsics.map((xt, k) => [xt, k] as const).filter(([xt]) => xt.isSigned && xt.signer.toString() === hotkey
            && xt.method.section === 'subtensorModule' && xt.method.method === 'setWeights' && Number(xt.method.args[0]?.toString()) === NETUID);
          if (ours.length === 0) continue;
          const events = (await eventsAt.at(hash)) as Array<{ phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } }; event: { section: string; method: string } }>;
          for (const [, k] of ours) {
            const bad = events.some((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.toNumber() === k && e.event.section === 'system' && e.event.method === 'ExtrinsicFailed');
            if (bad) failed++;
            else if (n <= upTo) ok++;
          }
        }
        const [h2, m2] = [await health(), await submissions()];
        if (m1 !== m2 || h1.body['lastWeightsBlock'] !== h2.body['lastWeightsBlock']) continue;
        const count = (outcome: string): number => Number(new RegExp(`call="set_weights",outcome="${outcome}",netuid="2"\\} (\\d+)$`, 'm').exec(m1)?.[1] ?? 0);
        expect(failed, m1).toBe(0);
        expect(count('failed') + count('refused'), m1).toBe(0);
        expect(count('landed'), m1).toBe(ok);
        expect(ok).toBeGreaterThanOrEqual(1);
        countersAgree = true;
      }
      expect(countersAgree).toBe(true);
    } finally {
      await api.disconnect();
    }
    expect(agreed).toBe(true);

    const text = await (await fetch(`${started.metrics}/metrics`)).text();
    const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^yumaval_steps_total\{outcome="applied",netuid="2"\} (\d+)$/m)).toBeGreaterThan(0);
    const landedLines = p.lines.filter((l) => l.includes('"msg":"weights landed')).length;
    expect(value(/^yumaval_weights_submissions_total\{call="set_weights",outcome="landed",netuid="2"\} (\d+)$/m)).toBeGreaterThanOrEqual(landedLines);
    expect(value(/^yumaval_miner_queries_total\{status="200",netuid="2"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^yumaval_miner_queries_total\{status="500",netuid="2"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^yumaval_last_step_timestamp_seconds\{netuid="2"\} ([\d.e+]+)$/m)).toBeGreaterThan(Date.now() / 1000 - 60);
    for (const name of ['yumaval_step_duration_seconds_bucket', 'yumaval_blocks_since_last_update', 'yumaval_vtrust', 'yumaval_vtrust_predicted', 'yumaval_chain_reconnects_total', 'process_resident_memory_bytes']) {
      expect(text, name).toContain(name);
    }

    const t0 = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(QUERY_TIMEOUT_S * 1000 + 2000);
    // A clean stop, not the last-resort exit timer.
    expect(p.lines.some((l) => l.includes('"reason":"stop"') && l.includes('"msg":"validator stopped"'))).toBe(true);
    if (process.env['SHOW'] === '1') console.log(`stopped in ${Date.now() - t0} ms`);

    // Logs: JSON lines (the chain client's own notices aside), and never the mnemonic, its words in order, or the task seed.
    const seed = (new Database(db, { readonly: true }).prepare('SELECT task_seed FROM validator_state').get() as { task_seed: number }).task_seed;
    const all = p.lines.join('\n');
    expect(all).not.toContain(mnemonic);
    expect(all).not.toContain(mnemonic.split(' ').slice(0, 3).join(' '));
    expect(all).not.toContain(String(seed));
    const json = p.lines.filter((l) => l.startsWith('{'));
    expect(json.length).toBeGreaterThan(3);
    for (const l of json) expect(() => JSON.parse(l) as unknown, l).not.toThrow();
    expect(p.stdout()).toBe('');
  }, 90_000);

  it('exits with the watchdog code 3 when no weights land for maxBlocksWithoutWeights, saying why (pretty logs)', async () => {
    const p = run(['--netuid', String(NETUID + 1), '--db', join(dir, 'w.db'), '--log-format', 'pretty'], {
      stepIntervalSeconds: 0.2, queryTimeoutSeconds: QUERY_TIMEOUT_S, dendriteWorkers: 1, minScoredBeforeWeights: 0, maxBlocksWithoutWeights: 6,
    });
    expect(await p.exited).toBe(3);
    const line = p.lines.find((l) => /ERROR watchdog: no weights landed for \d+ blocks/.test(l));
    expect(line, p.lines.join('\n')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR/);
    expect(line).toContain('reason=no-weights');
  }, 60_000);

  it('on SIGINT in the middle of a step waiting for a slow miner, exits 0 within one query timeout + 2 s', async () => {
    const timeoutS = 3;
    const p = run(['--netuid', String(NETUID + 2), '--db', join(dir, 's.db')], { queriesPerStep: 4, queryTimeoutSeconds: timeoutS, dendriteWorkers: 1 });
    await p.waitFor(/"msg":"validator started"/, 30_000);
    // The first step starts at once and its queries wait for the slow miner until their deadline.
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(timeoutS * 1000 + 2000);
    expect(p.lines.some((l) => l.includes('"reason":"stop"') && l.includes('"msg":"validator stopped"')), p.lines.join('\n')).toBe(true);
    if (process.env['SHOW'] === '1') console.log(`stopped in ${elapsed} ms`);
  }, 60_000);

  it('exits 2 with one line naming the key for a bad config, and for an unknown key', async () => {
    for (const [config, expected] of [
      [{ sampleSize: 0 }, /^yumaval: option config\.sampleSize: expected an integer in \[1, 65536\], got 0$/],
      [{ sampelSize: 3 }, /^yumaval: option config\.sampelSize: is not a validator setting \(expected one of tasks, sampleSize, /],
    ] as const) {
      const p = run(['--netuid', String(NETUID), '--db', join(dir, 'bad.db')], config);
      expect(await p.exited).toBe(2);
      const own = p.lines.filter((l) => l.startsWith('yumaval:'));
      expect(own).toHaveLength(1);
      expect(own[0]).toMatch(expected);
    }
  }, 30_000);
});

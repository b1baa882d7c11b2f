import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_AT_ENV } from '../../src/faults/index.js';
import { loadKey } from '../../src/keys/index.js';
import { type AxonHandle } from '../../src/miner/index.js';
import { startProfileAxon, startServiceDevnet, type ServiceDevnet } from './harness.js';

/*
 * Issue 16, done-means 2: the real `yumaval validator` (dist/cli.js) killed with SIGKILL at 20 points placed by phase,
 * and started again on the same store after each kill, as a supervisor would. Each kill is placed exactly by the
 * test-only crash points (src/faults: YUMAVAL_TEST_CRASH_AT=name:n makes the process SIGKILL itself at the n-th pass
 * of that point), never by a timer:
 * - mid-step (replies in, nothing scored), just before the step's transaction, mid-persist (inside the SQLite
 *   transaction, half the scores written), just after a step was applied and logged;
 * - weights planned (prediction stored, nothing signed), signed but not sent, marked submitted but not sent, accepted
 *   by the pool but not in a block, included but not recorded, recorded in a block but not finalized, finalized,
 *   landed;
 * - under commit-reveal: the same around the commit, the reveal planned in its window, signed, included, landed.
 * After each kill and restart:
 * - the score book in the store equals the one written by the last completed step, as that step logged it (debug
 *   `step scores` line), and the restart resumes at the cursor after that step;
 * - the service goes on without manual action: a last run lands its submissions and exits 0 (--epochs 1);
 * - every commit was revealed, in its window (reveal block within reveal_first..reveal_last);
 * - no extrinsic signed by the validator failed in any block (plain @polkadot/api reads of every block's events).
 */

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } }).bin.yumaval);
const NETUID = 5;
const CR_NETUID = 6;
const KILL_WAIT_MS = 45_000;

/** The 20 kill points: [crash point, pass]. */
const SET_WEIGHTS_POINTS: Array<[string, number]> = [
  ['step.queried', 2],
  ['persist.mid', 1],
  ['persist.mid', 3],
  ['step.applied', 2],
  ['weights.planned.set_weights', 1],
  ['intent.signed.set_weights', 1],
  ['intent.sending.set_weights', 1],
  ['xt.accepted', 1],
  ['intent.included.set_weights', 1],
  ['intent.in_block.set_weights', 1],
  ['intent.finalized.set_weights', 1],
  ['weights.landed.set_weights', 1],
];
const COMMIT_REVEAL_POINTS: Array<[string, number]> = [
  ['weights.planned.commit_weights', 1],
  ['intent.signed.commit_weights', 1],
  ['xt.accepted', 1],
  ['intent.in_block.commit_weights', 1],
  ['reveal.planned', 1],
  ['intent.signed.reveal_weights', 1],
  ['intent.included.reveal_weights', 1],
  ['reveal.landed', 1],
];

let server: ServiceDevnet['server'];
const axons: AxonHandle[] = [];
let dir: string;
let devnet: ServiceDevnet | undefined;

beforeAll(async () => {
  const neurons: Array<Record<string, unknown>> = [{ hotkey: '//Alice', stake: '1000000000000', permit: true }];
  for (const [i, name] of ['oracle-0.9', 'oracle-0.3', 'noise'].entries()) {
    const { axon, neuron } = await startProfileAxon(`//K${i}`, name);
    axons.push(axon);
    neurons.push(neuron);
  }
  devnet = await startServiceDevnet([
    { netuid: NETUID, tempo: 9, weightsSetRateLimit: 2, minAllowedWeights: 1, neurons },
    // A reveal window (tempo + 1 blocks, 9 s) well beyond a restart (2 to 4 s), as on a real chain (72 minutes).
    { netuid: CR_NETUID, tempo: 35, weightsSetRateLimit: 2, minAllowedWeights: 1, commitRevealEnabled: true, revealPeriodEpochs: 1, neurons },
  ], axons, 'vpoints');
  ({ server, dir } = devnet);
}, 60_000);

afterAll(async () => {
  await devnet?.close();
});

interface Run {
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  started: Promise<{ nextStep: number; restored: boolean }>;
}

function start(db: string, cfg: string, netuid: number, crashAt: string | null, extra: string[] = []): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, YUMAVAL_LOG_LEVEL: 'debug' };
  delete env[CRASH_AT_ENV];
  if (crashAt !== null) env[CRASH_AT_ENV] = crashAt;
  const child = spawn(process.execPath, [bin, 'validator', '--chain', server.url, '--netuid', String(netuid), '--key', '//Alice', '--dev', '--db', db, '--config', cfg, '--allow-private', ...extra], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const lines: string[] = [];
  let partial = '';
  let onLine: ((l: string) => void) | null = null;
  child.stderr.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      // CRASH_LOG=FILE keeps every run's log lines, tagged with the subnet and the kill point (to debug a failure).
      if (process.env['CRASH_LOG'] !== undefined) writeFileSync(process.env['CRASH_LOG'], `${netuid} ${crashAt} ${l}\n`, { flag: 'a' });
      onLine?.(l);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const started = new Promise<{ nextStep: number; restored: boolean }>((resolve, reject) => {
    onLine = (l) => { if (l.includes('"msg":"validator started"')) resolve(JSON.parse(l) as { nextStep: number; restored: boolean }); };
    void exited.then((e) => reject(new Error(`exited ${e.code ?? e.signal} before starting:\n${lines.join('\n')}`)));
  });
  started.catch(() => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_WAIT_MS);
  void exited.then(() => clearTimeout(timer));
  return { lines, exited, started };
}

type Book = Record<string, number>;

function storeState(db: string): { next: number; steps: number; book: Book } {
  const d = new Database(db, { readonly: true });
  try {
    const next = (d.prepare('SELECT next_step FROM validator_state').get() as { next_step: number } | undefined)?.next_step ?? 0;
    const steps = (d.prepare('SELECT COUNT(*) AS c FROM validator_steps').get() as { c: number }).c;
    const rows = d.prepare('SELECT uid, score FROM validator_scores ORDER BY uid').all() as Array<{ uid: number; score: number }>;
    return { next, steps, book: Object.fromEntries(rows.map((r) => [String(r.uid), r.score])) };
  } finally {
    d.close();
  }
}

/** The last `step scores` debug line of a run: the step and the book it wrote (after its transaction committed). */
function lastLoggedBook(lines: string[]): { step: number; book: Book } | null {
  for (let k = lines.length - 1; k >= 0; k--) {
    const l = lines[k] as string;
    if (l.includes('"msg":"step scores"')) {
      const r = JSON.parse(l) as { step: number; scores: Book };
      return { step: r.step, book: r.scores };
    }
  }
  return null;
}

/** Kills the service at each point in turn, restarting it on the same store, and checks the store after each kill. */
async function killAtEach(db: string, cfg: string, netuid: number, points: Array<[string, number]>): Promise<void> {
  let expected: { next: number; book: Book } = { next: 0, book: {} };
  for (const [point, pass] of points) {
    const where = `${point}:${pass}`;
    const run = start(db, cfg, netuid, where);
    const s = await run.started;
    // The restart resumes at the cursor after the last completed step, with that step's book restored.
    expect({ next: s.nextStep, restored: s.restored }, where).toEqual({ next: expected.next, restored: expected.next > 0 });
    const e = await run.exited;
    expect(e.signal, `${where}: the crash point was not reached in ${KILL_WAIT_MS} ms or the process ended otherwise\n${run.lines.slice(-20).join('\n')}`).toBe('SIGKILL');
    expect(run.lines.some((l) => l.includes('"msg":"validator stopped"')), where).toBe(false);
    const logged = lastLoggedBook(run.lines);
    if (logged !== null) expected = { next: logged.step + 1, book: logged.book };
    const st = storeState(db);
    // The store holds exactly what the last completed step wrote: its cursor, its record, its book.
    expect({ next: st.next, steps: st.steps, book: st.book }, where).toEqual({ next: expected.next, steps: expected.next, book: expected.book });
  }
}

/** Every extrinsic signed by `address` in blocks 1..head, and whether one failed (system.ExtrinsicFailed). */
async function scanSigned(address: string): Promise<{ signed: number; failed: string[] }> {
  const api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true });
  try {
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    const eventsAt = (api.query as unknown as Record<string, Record<string, { at(h: unknown): Promise<unknown> }>>)['system']!['events']!;
    let signed = 0;
    const failed: string[] = [];
    for (let n = 1; n <= head; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const block = await api.rpc.chain.getBlock(hash);
      const ours = block.block.extrinsics.map((xt, i) => [xt, i] as const).filter(([xt]) => xt.isSigned && xt.signer.toString() === address);
      if (ours.length === 0) continue;
      const events = (await eventsAt.at(hash)) as Array<{ phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } }; event: { section: string; method: string } }>;
      for (const [, i] of ours) {
        signed++;
        if (events.some((ev) => ev.phase.isApplyExtrinsic && ev.phase.asApplyExtrinsic.toNumber() === i && ev.event.section === 'system' && ev.event.method === 'ExtrinsicFailed')) failed.push(`block ${n} extrinsic ${i}`);
      }
    }
    return { signed, failed };
  } finally {
    await api.disconnect();
  }
}

describe('yumaval validator killed with SIGKILL at 20 points placed by phase', () => {
  it('keeps the last completed step\'s book, reveals every commit in its window, goes on by itself, and no call of it fails on chain', async () => {
    expect(SET_WEIGHTS_POINTS.length + COMMIT_REVEAL_POINTS.length).toBe(20);
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ queriesPerStep: 8, stepIntervalSeconds: 0.1, queryTimeoutSeconds: 3, dendriteWorkers: 1, minScoredBeforeWeights: 3, syncEveryBlocks: 5 }));
    const t0 = Date.now();

    const db = join(dir, 'set.db');
    await killAtEach(db, cfg, NETUID, SET_WEIGHTS_POINTS);
    const crDb = join(dir, 'cr.db');
    await killAtEach(crDb, cfg, CR_NETUID, COMMIT_REVEAL_POINTS);
    const tKills = Date.now() - t0;

    // Without manual action: each goes on and lands a new submission (for commit-reveal: a new commit and its reveal;
    // a reveal resumed from the store may count first, hence --epochs 2 there).
    for (const [d, netuid, epochs] of [[db, NETUID, 1], [crDb, CR_NETUID, 2]] as const) {
      const last = start(d, cfg, netuid, null, ['--epochs', String(epochs)]);
      const s = await last.started;
      const e = await last.exited;
      expect(e.code, last.lines.slice(-30).join('\n')).toBe(0);
      const landed = last.lines.filter((l) => l.includes('"msg":"weights landed')).map((l) => (JSON.parse(l) as { block: number }).block);
      expect(landed.length).toBe(epochs);
      expect(landed.at(-1) as number).toBeGreaterThan((s as unknown as { block: number }).block);
    }

    // Every closed commit was revealed, within its window; the open ones' windows have not passed.
    const d = new Database(crDb, { readonly: true });
    let head: number;
    try {
      head = (d.prepare('SELECT MAX(block_number) AS b FROM commit_intents').get() as { b: number }).b;
      const rows = d.prepare(`SELECT r.status, r.reveal_first AS first, r.reveal_last AS last, v.block_number AS revealBlock
        FROM commit_reveals r LEFT JOIN commit_intents v ON v.id = r.reveal_intent_id`).all() as Array<{ status: string; first: number; last: number; revealBlock: number | null }>;
      const revealed = rows.filter((r) => r.status === 'revealed');
      expect(revealed.length, JSON.stringify(rows)).toBeGreaterThanOrEqual(2);
      for (const r of rows) {
        if (r.status === 'pending') expect(r.last, JSON.stringify(r)).toBeGreaterThanOrEqual(head);
        else {
          expect(r.status, JSON.stringify(rows)).toBe('revealed');
          expect(r.revealBlock as number).toBeGreaterThanOrEqual(r.first);
          expect(r.revealBlock as number).toBeLessThanOrEqual(r.last);
        }
      }
      expect((d.prepare("SELECT COUNT(*) AS c FROM commit_intents WHERE failure_kind IS NOT NULL").get() as { c: number }).c).toBe(0);
      // Every signed reveal's mortal era ends inside its window: bytes left in a pool cannot land after it.
      const eras = d.prepare(`SELECT v.era_birth AS birth, v.era_period AS period, r.reveal_last AS last FROM commit_reveals r
        JOIN commit_intents v ON v.id = r.reveal_intent_id WHERE v.era_birth IS NOT NULL`).all() as Array<{ birth: number; period: number; last: number }>;
      expect(eras.length).toBeGreaterThanOrEqual(2);
      for (const e of eras) expect(e.birth + e.period - 1, JSON.stringify(e)).toBeLessThanOrEqual(e.last);
    } finally {
      d.close();
    }

    const alice = (await loadKey({ uri: '//Alice' }, { dev: true })).address;
    const scan = await scanSigned(alice);
    expect(scan.failed).toEqual([]);
    expect(scan.signed).toBeGreaterThanOrEqual(6);
    if (process.env['SHOW'] === '1') console.log(`kills ${tKills} ms, total ${Date.now() - t0} ms, ${scan.signed} signed`);
  }, 300_000);
});

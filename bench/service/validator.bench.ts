// Validator service benchmark (issue 16, "done means" 6): `npm run bench -- validator [STEPS]`.
//
// Method. Three processes, so that each figure belongs to one of them:
// - the validator: the service itself (createValidator, as `yumaval validator` runs it), compiled dist/ JavaScript
//   under plain node (validator-process.mjs; no tsx loader in its memory), with its chain connection, metagraph syncs,
//   the dendrite's worker pool, WASM scoring, the one-transaction commit of each step to SQLite on disk, the weights
//   lane, prom-client and pino (its log lines go to a file);
// - 256 reference axons answering the built-in task (task-axon-farm.ts; a quarter each oracle-0.9, oracle-0.6,
//   oracle-0.3, noise), one hotkey each;
// - a devnet (`yumaval devnet`, 1 s blocks, tempo 100) registering the validator (uid 0, no axon) and the 256 miners.
// The service samples all 256 miners each step, one query per step (the template sends one), no pause between steps,
// for WARMUP + STEPS steps (default 1,000). Weights go out once per tempo as in production.
// Reported, for the validator process:
// - RSS and heap used after a full GC of the main thread (node --expose-gc) at the start and at steps 10, 100 and the
//   last, each with the 1-minute load average: the target is flat, RSS ≤ 250 MB;
// - the step overhead beyond the slowest miner's answer: the step's time to the end of its transaction minus the
//   largest client-measured answer time (processTime) of its requests, p50 and p99: target p99 ≤ 50 ms;
// - its CPU time per step (dendrite threads, the chain client and the weights lane included), and the axon farm's.
// BENCH_DENDRITE_WORKERS (default: the service's default) compares worker counts in one time window;
// BENCH_VALIDATOR_CONFIG (JSON, merged into the service's config) and BENCH_VALIDATOR_NODE_FLAGS (node flags of the
// validator process, space-separated) compare other settings. The result records both.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderTable } from '../../src/cli/index.js';
import { fmt, machine, writeResult } from '../report.js';

const AXONS = 256;
const WARMUP = 5;
const TARGET_RSS_MB = 250;
const TARGET_P99_OVERHEAD_MS = 50;
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Sample { at: number | string; rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number; mallocedMB: number; load1: number }
interface RunnerResult { steps: number; memory: Sample[]; appliedMs: number[]; slowestAnswerMs: number[]; overheadMs: number[]; cpuMsPerStep: number; wallMs: number; partialSteps: number }

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))] as number;
}

const p = (v: number[]): { p50: number; p99: number } => {
  const s = [...v].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99) };
};

/** The first stdout line of a child that matches `re`, or the child's failure. */
function firstLine(child: ChildProcess, re: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => {
      if (re.test(l)) {
        rl.close();
        resolve(l);
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
}

/** Runs the validator service benchmark. */
export async function benchValidator(stepsArg?: string): Promise<void> {
  const STEPS = stepsArg !== undefined && /^\d+$/.test(stepsArg) ? Number(stepsArg) : 1000;
  const workers = /^[1-8]$/.test(process.env['BENCH_DENDRITE_WORKERS'] ?? '') ? Number(process.env['BENCH_DENDRITE_WORKERS']) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-bench-validator-'));
  const children: ChildProcess[] = [];
  try {
    const farm = spawn(process.execPath, ['--import', TSX_LOADER, fileURLToPath(new URL('./task-axon-farm.ts', import.meta.url)), String(AXONS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(farm);
    const farmLines = createInterface({ input: farm.stdout! })[Symbol.asyncIterator]();
    const axons = JSON.parse((await farmLines.next()).value as string) as { ports: number[]; uris: string[] };
    const farmStats = async (): Promise<{ cpuMs: number; rssMB: number }> => {
      farm.stdin!.write('cpu\n');
      const u = JSON.parse((await farmLines.next()).value as string) as { user: number; system: number; rss: number };
      return { cpuMs: (u.user + u.system) / 1000, rssMB: u.rss / 2 ** 20 };
    };

    const neurons = [
      { hotkey: '//Alice', stake: '1000000000000', permit: true },
      ...axons.uris.map((hotkey, i) => ({ hotkey, axon: { ip: '127.0.0.1', port: axons.ports[i] } })),
    ];
    writeFileSync(join(dir, 'devnet.json'), JSON.stringify({ subnets: [{ netuid: 1, tempo: 100, maxAllowedUids: AXONS + 1, neurons }] }));
    const devnet = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'devnet', '--port', '0', '--block-time', '1000', '--config', join(dir, 'devnet.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(devnet);
    const chain = /ws:\/\/\S+/.exec(await firstLine(devnet, /devnet listening on ws:\/\//, 'devnet'))![0];

    const farm0 = await farmStats();
    const logFile = join(dir, 'validator.log');
    const logFd = openSync(logFile, 'w');
    const extra = JSON.parse(process.env['BENCH_VALIDATOR_CONFIG'] ?? '{}') as Record<string, unknown>;
    const nodeFlags = (process.env['BENCH_VALIDATOR_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
    const config = { sampleSize: AXONS, queriesPerStep: 1, stepIntervalSeconds: 0, ...(workers === undefined ? {} : { dendriteWorkers: workers }), ...extra };
    const runnerArgs = { chain, db: join(dir, 'validator.db'), netuid: 1, key: '//Alice', warmup: WARMUP, steps: STEPS, samples: [10, 100, 1000], config };
    const runner = spawn(process.execPath, [...nodeFlags, '--expose-gc', fileURLToPath(new URL('./validator-process.mjs', import.meta.url)), JSON.stringify(runnerArgs)], { stdio: ['ignore', 'pipe', logFd] });
    closeSync(logFd);
    children.push(runner);
    let out = '';
    runner.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    const code = await new Promise<number | null>((resolve) => runner.once('exit', resolve));
    if (code !== 0) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`the validator process exited with ${code}; its last log lines:\n${tail}`);
    }
    const r = JSON.parse(out.trim()) as RunnerResult;
    const farm1 = await farmStats();

    const result = {
      steps: STEPS, axons: AXONS, config, nodeFlags,
      memory: r.memory,
      stepAppliedMs: p(r.appliedMs), slowestAnswerMs: p(r.slowestAnswerMs), overheadMs: p(r.overheadMs),
      cpuMsPerStep: { validator: r.cpuMsPerStep, axonFarm: (farm1.cpuMs - farm0.cpuMs) / STEPS },
      axonFarmRssMB: farm1.rssMB, wallSeconds: r.wallMs / 1000, stepsWithUnansweredMiners: r.partialSteps,
      loadAverageAtEnd: loadavg(),
      targets: { rssMB: TARGET_RSS_MB, p99OverheadMs: TARGET_P99_OVERHEAD_MS },
      machine: machine(),
    };
    const rows = [
      ['steps × miners × queries', `${STEPS} × ${AXONS} × 1 (${fmt(r.wallMs / 1000)} s)`],
      ...r.memory.map((m) => [`RSS / heap after GC at ${typeof m.at === 'number' ? `step ${m.at}` : m.at}`, `${m.rssMB.toFixed(1)} MB / ${m.heapUsedMB.toFixed(1)} MB (load ${m.load1.toFixed(1)})`]),
      ['step time to commit p50 / p99', `${fmt(result.stepAppliedMs.p50)} / ${fmt(result.stepAppliedMs.p99)} ms`],
      ['slowest answer p50 / p99', `${fmt(result.slowestAnswerMs.p50)} / ${fmt(result.slowestAnswerMs.p99)} ms`],
      ['overhead beyond the slowest answer p50 / p99', `${fmt(result.overheadMs.p50)} / ${fmt(result.overheadMs.p99)} ms (target p99 ≤ ${TARGET_P99_OVERHEAD_MS})`],
      ['CPU per step: validator / axon farm', `${fmt(result.cpuMsPerStep.validator)} / ${fmt(result.cpuMsPerStep.axonFarm)} ms`],
      ['steps where a miner did not answer', String(r.partialSteps)],
    ];
    process.stdout.write(`\nvalidator service (${AXONS} axons in a child process, devnet in another)\n${renderTable([{ header: 'measure' }, { header: 'value' }], rows)}\n`);
    process.stdout.write(`written ${writeResult('validator', result)}\n`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

// Validator step benchmark (issue 16, "done means" 6): `npm run bench -- validator [STEPS]`.
//
// Method. 256 reference axons answering the built-in task (bench/service/task-axon-farm.ts, one child process; a
// quarter each oracle-0.9, oracle-0.6, oracle-0.3, noise). In this process, the service's own step pieces, exactly as
// the loop runs them: SDK sampling (all 256 sampled), runStep (the task's queries fanned out through the dendrite with
// 2 workers, the replies read by the schema and scored in WASM), the score-book update and the one-transaction commit
// to a SQLite store on disk. No chain: the metagraph is synthetic (the chain's share of a step is its metagraph read
// every syncEveryBlocks blocks, measured by `npm run bench -- metagraph`). QUERIES queries per step (the template
// sends 1), STEPS steps (default 1,000), back to back.
// Reported:
// - RSS and heap used after a full GC (node --expose-gc) at steps 10, 100 and the last: the target is flat, RSS ≤ 250 MB
//   (the GC is the main thread's: the dendrite's worker threads collect on their own schedule);
// - the step overhead beyond the slowest miner's answer: the step's wall time minus the largest client-measured
//   answer time of its requests (processTime), p50 and p99: target p99 ≤ 50 ms;
// - the CPU time per step of this process (the dendrite's worker threads included) and of the axon farm.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metagraph } from '../../src/chain/index.js';
import { renderTable } from '../../src/cli/index.js';
import { createDendrite, type Dendrite } from '../../src/dendrite/index.js';
import { SCORING_DEFAULTS, ScoreBook } from '../../src/scoring/index.js';
import { availableUids, runStep, sampleUids } from '../../src/service/index.js';
import { Store } from '../../src/store/index.js';
import { createNextTokenTask, type Task } from '../../src/task/index.js';
import { fmt, machine, writeResult } from '../report.js';

const AXONS = 256;
const QUERIES = 1;
const SEED = 2026;
const TIMEOUT_S = 12;
const TARGET_RSS_MB = 250;
const TARGET_P99_OVERHEAD_MS = 50;
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function metagraphOf(ports: number[], hotkey: string): Metagraph {
  const n = ports.length;
  const z = <T>(v: T): T[] => Array.from({ length: n }, () => v);
  return {
    netuid: 1, block: 1, blockHash: '0x00', n, hotkeys: ports.map((_, uid) => (uid === 0 ? 'validator' : hotkey)), coldkeys: z(''), stake: z(0n),
    axons: ports.map((port) => ({ ip: '127.0.0.1', ipType: 4 as const, port, version: 1, protocol: 4, block: 1 })),
    validatorPermit: z(false), lastUpdate: z(0), blockAtRegistration: z(0), active: z(true), weights: ports.map(() => []), bonds: ports.map(() => []),
    consensus: z(0), incentive: z(0), dividends: z(0), validatorTrust: z(0), emission: z(0n), hyperparams: { tempo: 360 } as Metagraph['hyperparams'],
    stakeSource: 'TotalHotkeyAlpha', stakeThreshold: 0n, ownerHotkey: null, ownerUid: null, lastMechanismStepBlock: 0, commitBlocks: ports.map(() => []),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))] as number;
}

function memory(): { rssMB: number; heapUsedMB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMB: m.rss / 2 ** 20, heapUsedMB: m.heapUsed / 2 ** 20 };
}

/** Runs the validator step benchmark. */
export async function benchValidator(stepsArg?: string): Promise<void> {
  const STEPS = stepsArg !== undefined && /^\d+$/.test(stepsArg) ? Number(stepsArg) : 1000;
  const script = fileURLToPath(new URL('./task-axon-farm.ts', import.meta.url));
  const farm = spawn(process.execPath, ['--import', TSX_LOADER, script, String(AXONS + 1)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: farm.stdout! })[Symbol.asyncIterator]();
  const start = JSON.parse((await lines.next()).value as string) as { ports: number[]; hotkey: string };
  const farmCpu = async (): Promise<number> => {
    farm.stdin!.write('cpu\n');
    const u = JSON.parse((await lines.next()).value as string) as { user: number; system: number };
    return (u.user + u.system) / 1000;
  };
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-bench-validator-'));
  let dendrite: Dendrite | null = null;
  const store = Store.open(join(dir, 'bench.db'));
  try {
    dendrite = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 2, allowPrivate: true, timeout: TIMEOUT_S, breakerThreshold: 1_000_000 });
    // uid 0 is the validator itself (its axon is never queried): 256 miners.
    const m = metagraphOf(start.ports, start.hotkey);
    const task = createNextTokenTask() as unknown as Task;
    const key = { chain: 'bench', netuid: 1, hotkey: 'validator' };
    const st = store.validator.open(key, () => SEED);
    let book = new ScoreBook();
    const overheads: number[] = [];
    const walls: number[] = [];
    /** Where a step's time goes: the fan-out (to the last answer back on the main thread), reading and scoring, persisting. */
    const parts = { network: [] as number[], score: [] as number[], persist: [] as number[] };
    const mem: Record<string, { rssMB: number; heapUsedMB: number }> = {};
    let cpu0 = 0;
    let farm0 = 0;
    const warmup = 5;
    for (let step = 0; step < warmup + STEPS; step++) {
      if (step === warmup) {
        cpu0 = process.cpuUsage().user + process.cpuUsage().system;
        farm0 = await farmCpu();
      }
      let slowest = 0;
      let netDone = 0;
      const d = dendrite;
      const timed: Dendrite = { ...d, query: async (axons, spec, input, o) => {
        const r = await d.query(axons, spec, input, o);
        netDone = performance.now();
        for (const x of r) if (x.processTime !== null && x.processTime > slowest) slowest = x.processTime;
        return r;
      } };
      const t0 = performance.now();
      const uids = sampleUids(availableUids(m, 0, 4096n * 10n ** 9n), 256, st.taskSeed, step);
      const out = await runStep({ step, seed: st.taskSeed, metagraph: m, uids, task, queriesPerStep: QUERIES, concurrency: 32, timeoutSeconds: TIMEOUT_S, scoring: SCORING_DEFAULTS, dendrite: timed });
      const tScored = performance.now();
      const next = ScoreBook.fromJSON(book.toJSON());
      next.update(out.entries);
      store.validator.commitStep(key, { step, block: 1, task: task.name, queried: out.queried, responsive: out.responsive, durationMs: 0 }, next.toJSON().entries);
      book = next;
      const wall = performance.now() - t0;
      if (out.responsive !== AXONS) throw new Error(`step ${step}: ${out.responsive} of ${AXONS} miners answered`);
      if (step >= warmup) {
        parts.network.push(netDone - t0);
        parts.score.push(tScored - netDone);
        parts.persist.push(t0 + wall - tScored);
        walls.push(wall);
        overheads.push(wall - slowest * 1000);
        const done = step - warmup + 1;
        if (done === 10 || done === 100 || done === STEPS) mem[`step${done}`] = memory();
      }
    }
    const cpuMs = (process.cpuUsage().user + process.cpuUsage().system - cpu0) / 1000;
    const farmMs = (await farmCpu()) - farm0;
    overheads.sort((a, b) => a - b);
    walls.sort((a, b) => a - b);
    const result = {
      steps: STEPS, axons: AXONS, queriesPerStep: QUERIES,
      memory: mem,
      stepWallMs: { p50: quantile(walls, 0.5), p99: quantile(walls, 0.99) },
      overheadMs: { p50: quantile(overheads, 0.5), p99: quantile(overheads, 0.99) },
      cpuMsPerStep: { validator: cpuMs / STEPS, axonFarm: farmMs / STEPS },
      partsMs: Object.fromEntries(Object.entries(parts).map(([k, v]) => {
        const sorted = [...v].sort((a, b) => a - b);
        return [k, { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }];
      })),
      targets: { rssMB: TARGET_RSS_MB, p99OverheadMs: TARGET_P99_OVERHEAD_MS },
      machine: machine(),
    };
    const rows = [
      ['steps × miners × queries', `${STEPS} × ${AXONS} × ${QUERIES}`],
      ...Object.entries(mem).map(([k, v]) => [`RSS / heap after GC at ${k}`, `${v.rssMB.toFixed(1)} MB / ${v.heapUsedMB.toFixed(1)} MB`]),
      ['step wall time p50 / p99', `${fmt(result.stepWallMs.p50)} / ${fmt(result.stepWallMs.p99)} ms`],
      ['overhead beyond the slowest answer p50 / p99', `${fmt(result.overheadMs.p50)} / ${fmt(result.overheadMs.p99)} ms (target p99 ≤ ${TARGET_P99_OVERHEAD_MS})`],
      ...Object.entries(result.partsMs).map(([k, v]) => [`  ${k} p50 / p99`, `${fmt(v.p50)} / ${fmt(v.p99)} ms`]),
      ['CPU per step: validator / axon farm', `${fmt(result.cpuMsPerStep.validator)} / ${fmt(result.cpuMsPerStep.axonFarm)} ms`],
    ];
    process.stdout.write(`\nvalidator step (${AXONS} in-process axons)\n${renderTable([{ header: 'measure' }, { header: 'value' }], rows)}\n`);
    process.stdout.write(`written ${writeResult('validator', result)}\n`);
  } finally {
    await dendrite?.close();
    store.close();
    farm.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

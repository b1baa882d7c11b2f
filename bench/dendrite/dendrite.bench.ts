// Dendrite benchmark (issue 8, "done means" 4), on loopback with reference axons (src/miner) in a child process.
//
// Method.
// - Throughput: 256 axons (one child process), a dendrite with 2 piscina workers. Rounds of queries of the Dummy
//   synapse to all 256 axons, QUERIES_IN_FLIGHT of them at once (a validator overlapping steps); every request is
//   signed (sr25519, fresh nonce), sent over undici and parsed; signed requests per second = answered requests / wall
//   time of the timed rounds. Warm-up rounds first (connections opened, JIT warm). Measured twice:
//   - against reference axons, which verify every request (sr25519 verify, SHA3 body hash, pydantic-like parsing) on
//     the same 2 cores: the end-to-end figure, bounded by the axons' work;
//   - against stub axons (plain node:http answering the Dummy result, verifying nothing): the dendrite's own cost.
//   The CPU time of both processes over the timed rounds (process.cpuUsage; the dendrite's includes its worker
//   threads) gives CPU ms per request; 1000 × cores / that is the rate the dendrite would reach with the cores to
//   itself, which is what the machine's other jobs and the co-located axons hide in the measured rate.
// - Latency overhead: one axon, SAMPLES sequential single-axon queries through the dendrite (main thread checks,
//   message to a worker, sign, send, parse, message back), against SAMPLES bare undici POSTs of requests signed
//   beforehand (the timer covers the round trip only) to the same axon. Overhead = dendrite − bare at p50 and p99.
// - Step: 1,024 axons in a second child process, the first 10% never answering; one query with the SDK's 12 s
//   deadline; the step must end within the deadline (plus a small margin for the last results), every answering
//   axon with 200 and every hanging one with 408.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { renderTable } from '../../src/cli/index.js';
import { createDendrite, type Dendrite, type QueryAxon } from '../../src/dendrite/index.js';
import { buildRequest, createNonceClock, DUMMY_SPEC, signerFromPair } from '../../src/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';
import { fmt, machine, writeResult } from '../report.js';

const FARM = 256;
const STEP_AXONS = 1024;
const STEP_HANGING = Math.round(STEP_AXONS * 0.1);
const WORKERS = 2;
const WARMUP_ROUNDS = 3;
/** Timed rounds against reference axons (slow: they verify) and against stub axons. */
const ROUNDS_REFERENCE = 12;
const ROUNDS_STUB = 40;
const QUERIES_IN_FLIGHT = 2;
const SAMPLES = 500;
const STEP_TIMEOUT_S = 12;
/** How far past its deadline a step may end (the results' trip back from the workers). */
const STEP_MARGIN_MS = 500;
const TARGET_RPS = 2000;
const TARGET_P99_OVERHEAD_MS = 20;

/** tsx's loader by absolute URL, so the axon farm does not depend on the working directory (issue 14). */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Farm { ports: number[]; hotkey: string; child: ChildProcess; lines: AsyncIterator<string> }

async function startFarm(count: number, hanging: number, stub = false): Promise<Farm> {
  const script = fileURLToPath(new URL('./axon-farm.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script, String(count), String(hanging), ...(stub ? ['stub'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await Promise.race([
    lines.next(),
    new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`axon farm exited with ${code}`)))),
  ]);
  const { ports, hotkey } = JSON.parse(first.value as string) as { ports: number[]; hotkey: string };
  return { ports, hotkey, child, lines };
}

/** The farm's CPU time so far, in ms (user + system). */
async function farmCpuMs(f: Farm): Promise<number> {
  f.child.stdin!.write('cpu\n');
  const { value } = await f.lines.next();
  const u = JSON.parse(value as string) as { user: number; system: number };
  return (u.user + u.system) / 1000;
}

/** This process's CPU time so far (main thread and the dendrite's worker threads), in ms. */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function stopFarm(f: Farm): Promise<void> {
  const exited = new Promise<void>((resolve) => f.child.once('exit', () => resolve()));
  f.child.stdin!.end();
  await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 5_000))]);
  if (f.child.exitCode === null) f.child.kill();
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Throughput {
  rounds: number; requests: number; ok: number; seconds: number; perSecond: number; statuses: Record<number, number>;
  /** CPU ms per answered request: the dendrite's process (main + workers), and the axons' process. */
  dendriteCpuMsPerRequest: number; axonCpuMsPerRequest: number;
}

async function throughput(d: Dendrite, axons: QueryAxon[], ROUNDS: number, farm: Farm): Promise<Throughput> {
  let round = 0;
  const statuses: Record<number, number> = {};
  const run = async (rounds: number, count: boolean): Promise<number> => {
    let ok = 0;
    const lane = async (): Promise<void> => {
      while (round < rounds) {
        round++;
        const r = await d.query(axons, DUMMY_SPEC, { dummy_input: round });
        for (const x of r) {
          if (x.status === 200) ok++;
          if (count) statuses[x.status] = (statuses[x.status] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: QUERIES_IN_FLIGHT }, lane));
    return ok;
  };
  await run(WARMUP_ROUNDS, false);
  round = 0;
  const cpu0 = ownCpuMs();
  const farm0 = await farmCpuMs(farm);
  const t0 = performance.now();
  const ok = await run(ROUNDS, true);
  const seconds = (performance.now() - t0) / 1000;
  const dendriteCpuMsPerRequest = (ownCpuMs() - cpu0) / ok;
  const axonCpuMsPerRequest = ((await farmCpuMs(farm)) - farm0) / ok;
  const requests = ROUNDS * axons.length;
  return { rounds: ROUNDS, requests, ok, seconds, perSecond: ok / seconds, statuses, dendriteCpuMsPerRequest, axonCpuMsPerRequest };
}

async function overhead(d: Dendrite, port: number, hotkey: string): Promise<Record<string, number>> {
  const axon = { ip: '127.0.0.1', port, hotkey };
  // The bare client: its own key, uuid and nonces, requests signed before the timer starts.
  const key = await loadKey({ uri: '//Charlie' }, { dev: true });
  const signer = signerFromPair(key.pair);
  const nonces = createNonceClock();
  const agent = new Agent({ connections: 1 });
  const bare: number[] = [];
  const viaDendrite: number[] = [];
  try {
    for (let i = 0; i < SAMPLES + 20; i++) {
      const built = buildRequest(DUMMY_SPEC, { dummy_input: i }, axon, { signer, uuid: 'bench-bare', nonce: nonces.next(), timeoutSeconds: 12, externalIp: '0.0.0.0' });
      const url = new URL(built.url);
      const t0 = performance.now();
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...built.headers }, body: built.body, dispatcher: agent });
      await res.body.text();
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`bare request answered ${res.statusCode}`);
      if (i >= 20) bare.push(ms);

      const t1 = performance.now();
      const [r] = await d.query([axon], DUMMY_SPEC, { dummy_input: i });
      const ms2 = performance.now() - t1;
      if (r?.status !== 200) throw new Error(`dendrite request answered ${r?.status} ${r?.message}`);
      if (i >= 20) viaDendrite.push(ms2);
    }
  } finally {
    await agent.close();
  }
  bare.sort((a, b) => a - b);
  viaDendrite.sort((a, b) => a - b);
  const out = {
    bareP50Ms: percentile(bare, 50), bareP99Ms: percentile(bare, 99),
    dendriteP50Ms: percentile(viaDendrite, 50), dendriteP99Ms: percentile(viaDendrite, 99),
  };
  return { ...out, overheadP50Ms: out.dendriteP50Ms - out.bareP50Ms, overheadP99Ms: out.dendriteP99Ms - out.bareP99Ms };
}

async function step(): Promise<Record<string, number | boolean>> {
  const farm = await startFarm(STEP_AXONS, STEP_HANGING);
  const d = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: WORKERS, allowPrivate: true });
  try {
    const axons = farm.ports.map((port, uid) => ({ ip: '127.0.0.1', port, hotkey: farm.hotkey, uid }));
    const t0 = performance.now();
    const r = await d.query(axons, DUMMY_SPEC, { dummy_input: 1 }, { timeout: STEP_TIMEOUT_S });
    const ms = performance.now() - t0;
    const answered = r.filter((x) => x.status === 200).length;
    const timedOut = r.filter((x) => x.status === 408).length;
    const hangersTimedOut = r.slice(0, STEP_HANGING).every((x) => x.status === 408);
    const othersAnswered = r.slice(STEP_HANGING).every((x) => x.status === 200);
    return {
      axons: STEP_AXONS, hanging: STEP_HANGING, deadlineMs: STEP_TIMEOUT_S * 1000, wallMs: ms, answered, timedOut,
      withinDeadline: ms <= STEP_TIMEOUT_S * 1000 + STEP_MARGIN_MS && hangersTimedOut && othersAnswered,
    };
  } finally {
    await d.close();
    await stopFarm(farm);
  }
}

/** Throughput against a farm of `stub` or reference axons, with a fresh dendrite. */
async function farmThroughput(stub: boolean, rounds: number, latency: boolean): Promise<{ tp: Throughput; lat: Record<string, number> | null }> {
  const farm = await startFarm(FARM, 0, stub);
  const d = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: WORKERS, allowPrivate: true });
  try {
    const axons = farm.ports.map((port, uid) => ({ ip: '127.0.0.1', port, hotkey: farm.hotkey, uid }));
    process.stderr.write(`bench dendrite: ${FARM} ${stub ? 'stub' : 'reference'} axons up; throughput (${rounds} rounds)\n`);
    const tp = await throughput(d, axons, rounds, farm);
    if (!latency) return { tp, lat: null };
    process.stderr.write('bench dendrite: latency overhead\n');
    return { tp, lat: await overhead(d, farm.ports[0]!, farm.hotkey) };
  } finally {
    await d.close();
    await stopFarm(farm);
  }
}

/** Runs the dendrite suite, prints its table and writes bench/results/dendrite.json. */
export async function benchDendrite(): Promise<void> {
  const ref = await farmThroughput(false, ROUNDS_REFERENCE, true);
  const stub = await farmThroughput(true, ROUNDS_STUB, false);
  const lat = ref.lat!;
  process.stderr.write(`bench dendrite: step to ${STEP_AXONS} axons, ${STEP_HANGING} hanging\n`);
  const st = await step();
  const met = (b: boolean): string => (b ? 'yes' : 'no');
  const table = renderTable(
    [{ header: 'measure' }, { header: 'value' }, { header: 'target' }, { header: 'met' }],
    [
      [`signed requests/s, ${FARM} reference axons (verifying), ${WORKERS} workers`, ref.tp.perSecond.toFixed(0), `≥ ${TARGET_RPS}`, met(ref.tp.perSecond >= TARGET_RPS)],
      [`signed requests/s, ${FARM} stub axons, ${WORKERS} workers`, stub.tp.perSecond.toFixed(0), `≥ ${TARGET_RPS}`, met(stub.tp.perSecond >= TARGET_RPS)],
      ['CPU ms per request: dendrite / reference axon / stub axon', `${ref.tp.dendriteCpuMsPerRequest.toFixed(3)} / ${ref.tp.axonCpuMsPerRequest.toFixed(3)} / ${stub.tp.axonCpuMsPerRequest.toFixed(3)}`, '', ''],
      [`dendrite alone on ${WORKERS} dedicated cores (2000 / CPU ms)`, (WORKERS * 1000 / stub.tp.dendriteCpuMsPerRequest).toFixed(0), `≥ ${TARGET_RPS}`, met(WORKERS * 1000 / stub.tp.dendriteCpuMsPerRequest >= TARGET_RPS)],
      ['bare undici p50 / p99 ms', `${fmt(lat.bareP50Ms!)} / ${fmt(lat.bareP99Ms!)}`, '', ''],
      ['dendrite p50 / p99 ms', `${fmt(lat.dendriteP50Ms!)} / ${fmt(lat.dendriteP99Ms!)}`, '', ''],
      ['overhead p50 / p99 ms', `${fmt(lat.overheadP50Ms!)} / ${fmt(lat.overheadP99Ms!)}`, `p99 ≤ ${TARGET_P99_OVERHEAD_MS}`, met(lat.overheadP99Ms! <= TARGET_P99_OVERHEAD_MS)],
      [`step ${STEP_AXONS} axons, ${STEP_HANGING} hang: wall ms`, `${fmt(st.wallMs as number)} (200: ${st.answered}, 408: ${st.timedOut})`, `≤ ${STEP_TIMEOUT_S * 1000} + ${STEP_MARGIN_MS}`, met(st.withinDeadline as boolean)],
    ],
  );
  process.stdout.write(`\ndendrite (loopback, axons in a child process, ${machine()['cores']} cores; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})\n${table}\n`);
  const file = writeResult('dendrite', {
    suite: 'dendrite', date: new Date().toISOString(), machine: machine(), loadAverage: loadavg(),
    throughputReference: { axons: FARM, workers: WORKERS, queriesInFlight: QUERIES_IN_FLIGHT, ...ref.tp },
    throughputStub: { axons: FARM, workers: WORKERS, queriesInFlight: QUERIES_IN_FLIGHT, ...stub.tp },
    latency: { samples: SAMPLES, ...lat }, step: st,
  });
  process.stdout.write(`results: ${file}\n`);
}

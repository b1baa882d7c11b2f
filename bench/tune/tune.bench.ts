// Tuning benchmarks (issue 20): trials per second of a 40-epoch catalogue scenario in f64 on 2 worker threads, and the
// overhead of a Redis-distributed trial (BullMQ, 2 `QueueWorker`s of one thread each) over a local one. Fixed seeds.
// The compiled dist/ runs (npm run bench builds it first): worker threads of the sources would run through tsx, whose
// transform adds a helper call to every function and is not what users run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { renderTable } from '../../src/cli/index.js';
import type * as Tune from '../../src/tune/index.js';
import { machine, writeResult } from '../report.js';

const TRIALS = 2000;
const REDIS_TRIALS = 400;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** redis-server on a free loopback port, or null (with the reason printed) when it is not installed. */
async function startRedis(): Promise<{ url: string; child: ChildProcess } | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    process.stderr.write('bench tune: redis-server is not installed; the distributed figure is skipped\n');
    return null;
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start in 10 s')), 10_000);
    child.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('Ready to accept')) { clearTimeout(timer); resolve(); } });
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** Runs the tuning suite, prints its table and writes bench/results/tune.json. */
export async function benchTune(): Promise<void> {
  const tune = (await import(new URL('../../dist/tune/index.js', import.meta.url).href)) as typeof Tune;
  const definition = async (trials: number, seed: number): Promise<Tune.SweepDefinition> => ({
    space: { params: { kappa: { min: 8192, max: 49151 }, bondsMovingAverage: { min: 500000, max: 990000 } }, fixed: { yuma3: true } },
    sources: [await tune.loadScenarioSource('kappa-moves-first')],
    objectives: ['incentiveInstability', 'dividendFairness'], mode: 'f64', search: 'random', seed, trials,
  });
  const rows: string[][] = [];
  const results: Record<string, unknown> = {};

  process.stderr.write(`bench tune: ${TRIALS} trials of kappa-moves-first (40 epochs, f64) on 2 threads\n`);
  const local = new tune.LocalRunner({ threads: 2 });
  // A first small sweep starts the threads and their wasm, so the figure is the steady rate.
  await tune.runSweep(await definition(20, 1), local, new tune.MemoryStore());
  // CPU time of the whole process (its worker threads included) as well as wall time: on a shared machine the wall
  // rate depends on the load, the CPU time much less. Two idle cores would run 2 CPU-seconds per second.
  // The machine is shared: the load average (1 min) is read before and after each figure and printed beside it.
  const load = (): number => loadavg()[0] as number;
  let load0 = load();
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  await tune.runSweep(await definition(TRIALS, 2), local, new tune.MemoryStore());
  const localSeconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const rate = TRIALS / localSeconds;
  const idleRate = (2 * TRIALS) / cpuSeconds;
  const loadLocal = [load0, load()];
  rows.push(['local, 2 threads', String(TRIALS), localSeconds.toFixed(2), rate.toFixed(0), `${loadLocal[0]!.toFixed(1)} → ${loadLocal[1]!.toFixed(1)}`, `≥ 1000/s ${rate >= 1000 ? 'met' : 'MISSED'}; ${(cpuSeconds * 1000 / TRIALS).toFixed(3)} CPU-ms per trial, ${idleRate.toFixed(0)}/s on 2 idle cores`]);
  results.local = { trials: TRIALS, seconds: localSeconds, trialsPerSecond: rate, cpuSeconds, cpuMsPerTrial: (cpuSeconds * 1000) / TRIALS, trialsPerSecondOnTwoIdleCores: idleRate, loadAverage: loadLocal, targetTrialsPerSecond: 1000 };

  const redis = await startRedis();
  if (redis !== null) {
    process.stderr.write(`bench tune: ${REDIS_TRIALS} trials through BullMQ on ${redis.url}, 2 workers of 1 thread\n`);
    const workers = await Promise.all([0, 1].map(() => tune.QueueWorker.create(redis.url, { threads: 1 })));
    const runner = await tune.QueueRunner.create(redis.url, { pollMs: 20 });
    try {
      await Promise.all(workers.map((w) => w.ready()));
      const warm = await definition(20, 3);
      await tune.runSweep(warm, runner, runner.store(tune.sweepId(warm)));
      const small = await definition(REDIS_TRIALS, 4);
      load0 = load();
      t = performance.now();
      await tune.runSweep(small, local, new tune.MemoryStore());
      const localSmall = (performance.now() - t) / 1000;
      const loadSmall = [load0, load()];
      load0 = load();
      // The workers run in this process: its CPU time covers the coordinator, both workers' threads and their BullMQ
      // and ioredis work (redis-server's own is not counted).
      const cpuR = process.cpuUsage();
      t = performance.now();
      await tune.runSweep(small, runner, runner.store(tune.sweepId(small)));
      const redisSeconds = (performance.now() - t) / 1000;
      const usedR = process.cpuUsage(cpuR);
      const loadRedis = [load0, load()];
      const overheadMs = ((redisSeconds - localSmall) / REDIS_TRIALS) * 1000;
      const redisCpuMs = ((usedR.user + usedR.system) / 1000) / REDIS_TRIALS;
      rows.push(['local, 2 threads (same sweep)', String(REDIS_TRIALS), localSmall.toFixed(2), (REDIS_TRIALS / localSmall).toFixed(0), `${loadSmall[0]!.toFixed(1)} → ${loadSmall[1]!.toFixed(1)}`, '']);
      rows.push(['Redis, 2 workers × 1 thread', String(REDIS_TRIALS), redisSeconds.toFixed(2), (REDIS_TRIALS / redisSeconds).toFixed(0), `${loadRedis[0]!.toFixed(1)} → ${loadRedis[1]!.toFixed(1)}`, `wall overhead ${overheadMs.toFixed(3)} ms per trial; ${redisCpuMs.toFixed(3)} CPU-ms per trial (this process)`]);
      results.redis = { trials: REDIS_TRIALS, localSeconds: localSmall, redisSeconds, overheadMsPerTrial: overheadMs, cpuMsPerTrial: redisCpuMs, loadAverage: { local: loadSmall, redis: loadRedis } };
    } finally {
      await runner.close();
      for (const w of workers) await w.close();
      redis.child.kill('SIGTERM');
    }
  }
  await local.close();
  const table = renderTable([{ header: 'runner', align: 'left' }, { header: 'trials' }, { header: 'seconds' }, { header: 'trials/s' }, { header: 'load avg', align: 'left' }, { header: 'note', align: 'left' }], rows);
  process.stdout.write(`\nTuning: a random sweep of kappa × bonds moving average on kappa-moves-first (40 epochs, f64, Yuma3).\n${table}\n`);
  process.stdout.write(`The wall figures depend on the machine's load (2 cores here; load average beside each). A quiet rerun: npm run bench -- tune\n`);
  const file = writeResult('tune', { suite: 'tune', date: new Date().toISOString(), machine: machine(), results });
  process.stdout.write(`wrote ${file}\n`);
}

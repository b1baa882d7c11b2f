// The validator side of `npm run bench -- validator` (validator.bench.ts starts it): the service itself
// (createValidator: chain connection, metagraph syncs, the dendrite's worker pool, WASM scoring, the store, the weights
// lane, prom-client, pino) in a process of its own, run as `yumaval validator` runs: the compiled JavaScript of dist/
// with plain node (npm run bench builds it first), no tsx loader. It is plain JavaScript for that reason; it loads the
// CLI's module graph (dist/cli/index.js) so that its memory holds what the command's process holds.
// Usage: node --expose-gc bench/service/validator-process.mjs '<json>' where json is
//   { chain, db, netuid, key, warmup, steps, samples: [10, 100, 1000], config }
// Prints one JSON line on stdout when `warmup + steps` steps are applied. Logs (pino JSON lines) go to stderr.
/* global process, performance, URL */
import { loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';

const o = JSON.parse(process.argv[2]);
const root = new URL('../../dist/', import.meta.url);
// The command's modules, then the service's entry (already loaded by them).
await import(new URL('cli/index.js', root).href);
const { createValidator } = await import(new URL('service/index.js', root).href);

const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');

/** Memory after a full GC of this thread (the dendrite's worker threads collect on their own schedule). */
function memory(at) {
  gc();
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  return {
    at, rssMB: m.rss / 2 ** 20, heapUsedMB: m.heapUsed / 2 ** 20, heapTotalMB: m.heapTotal / 2 ** 20,
    externalMB: m.external / 2 ** 20, mallocedMB: h.malloced_memory / 2 ** 20, load1: loadavg()[0],
  };
}

const v = createValidator({
  chain: o.chain, netuid: o.netuid, key: { uri: o.key }, dev: true, db: o.db, allowPrivate: true, config: o.config,
});
const samples = new Set(o.samples);
const overheads = [];
const applied = [];
const slowest = [];
const mem = [memory('start')];
let cpu0 = null;
let t0 = 0;
let failures = 0;
const done = new Promise((resolve) => {
  v.on('step', (e) => {
    if (e.responsive !== e.queried) failures++;
    const k = e.step - o.warmup + 1; // steps counted after the warm-up
    if (k === 0) {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      return;
    }
    if (k < 1) return;
    applied.push(e.appliedMs);
    slowest.push(e.slowestAnswerMs);
    overheads.push(e.appliedMs - e.slowestAnswerMs);
    if (samples.has(k) || k === o.steps) mem.push(memory(k));
    if (k === o.steps) resolve();
  });
});
const stopped = v.stopped.then((r) => {
  throw new Error(`the validator stopped before the end: ${r.kind} ${r.error?.message ?? ''}`);
});
await v.start();
mem.push(memory('started'));
await Promise.race([done, stopped]);
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
await v.stop();
process.stdout.write(`${JSON.stringify({
  steps: o.steps, memory: mem, appliedMs: applied, slowestAnswerMs: slowest, overheadMs: overheads,
  cpuMsPerStep: (cpu.user + cpu.system) / 1000 / o.steps, wallMs, partialSteps: failures,
})}\n`);
process.exit(0);

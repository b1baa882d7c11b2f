import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Bench, Task } from 'tinybench';

/** The median latency (ms) of a finished tinybench task, or NaN if it did not complete. */
export function medianMs(task: Task | undefined): number {
  const r = task?.result;
  if (r === undefined || (r.state !== 'completed' && r.state !== 'aborted-with-statistics')) return Number.NaN;
  return r.latency.p50;
}

/** Statistics of a finished task for the JSON report. */
export function taskStats(task: Task | undefined): Record<string, number> | { error: string } {
  const r = task?.result;
  if (r === undefined) return { error: 'not run' };
  if (r.state === 'errored') return { error: String(r.error) };
  if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') return { error: r.state };
  const l = r.latency;
  return { medianMs: l.p50, meanMs: l.mean, minMs: l.min, maxMs: l.max, p99Ms: l.p99, rmePercent: l.rme, samples: l.samplesCount };
}

/** Finds a task by name in a finished bench. */
export function task(bench: Bench, name: string): Task | undefined {
  return bench.tasks.find((t) => t.name === name);
}

/** Machine facts stored with every result file, so figures can be compared across machines. */
export function machine(): Record<string, unknown> {
  const c = cpus();
  return { node: process.version, cpu: c[0]?.model ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: process.platform };
}

/** Writes a result file under bench/results/. */
export function writeResult(name: string, data: unknown): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file.pathname;
}

/** Formats milliseconds for a table cell. */
export function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 10 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(1);
}

import { availableParallelism } from 'node:os';
import { workerFile } from '../threads/index.js';
import { Piscina } from 'piscina';
import { intIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import type { ResultStore } from './store.js';
import type { TrialRunner } from './sweep.js';
import type { SweepDefinition, Trial, TrialResult } from './types.js';
import runChunk, { shareDefinition, type ChunkTask, type SharedChunkTask } from './worker.js';

/** Sweeps whose shared definitions a pool keeps (a `yumaval worker` may serve several at once). */
const SHARED_SWEEPS = 4;

/*
 * The local runner: chunks of trials on a piscina pool, one thread per core by default, each thread with its own wasm
 * instance (loaded once, on its first trial). With 0 threads the trials run on the calling thread, which is what a
 * test or a one-trial check wants.
 */

/** Options of the local pool. */
export interface PoolOptions {
  /** Worker threads; 0 runs in the calling thread. Default: one per core. */
  threads?: number;
  /** Trials per chunk; default: enough chunks for four per thread, at most 64 trials each. */
  chunk?: number;
}

/** Defaults: one thread per core (os.availableParallelism), chunks sized by the sweep. */
export const POOL_DEFAULTS = Object.freeze({ threads: availableParallelism(), chunk: 0 });


const CHECKS: Readonly<Record<keyof PoolOptions, Check>> = {
  threads: intIn(0, 1024),
  // 0: automatic.
  chunk: intIn(0, 100_000),
};

/** Merges the options with POOL_DEFAULTS and checks them (src/options). */
function checkOptions(o: PoolOptions): Required<PoolOptions> {
  return resolveOptions({ thing: 'a pool option', things: 'pool options', defaults: POOL_DEFAULTS, checks: CHECKS }, o) as Required<PoolOptions>;
}

/** Splits trials into chunks of `size` (or an automatic size for `threads`). */
export function chunksOf(trials: readonly Trial[], size: number, threads: number): Trial[][] {
  const per = size > 0 ? size : Math.max(1, Math.min(64, Math.ceil(trials.length / (Math.max(1, threads) * 4))));
  const out: Trial[][] = [];
  for (let k = 0; k < trials.length; k += per) out.push(trials.slice(k, k + per));
  return out;
}

/** A pool of worker threads that run chunks of trials (also used by `yumaval worker`). */
export class ChunkPool {
  private readonly pool: Piscina<SharedChunkTask, TrialResult[]> | null;
  /** Each sweep's definition, encoded once and shared with the threads (the last few sweeps). */
  private readonly shared = new Map<string, { definition: SweepDefinition; buffer: SharedArrayBuffer }>();

  constructor(readonly threads: number) {
    this.pool = threads === 0 ? null : new Piscina<SharedChunkTask, TrialResult[]>({ ...workerFile(import.meta.url, './worker'), minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 1 });
  }

  /** Runs one chunk on a thread (or here, with 0 threads). */
  async run(task: ChunkTask): Promise<TrialResult[]> {
    if (this.pool === null) return runChunk(task);
    let entry = this.shared.get(task.sweep);
    if (entry === undefined || entry.definition !== task.definition) {
      entry = { definition: task.definition, buffer: shareDefinition(task.definition) };
      if (this.shared.size >= SHARED_SWEEPS) this.shared.delete(this.shared.keys().next().value as string);
      this.shared.set(task.sweep, entry);
    }
    return this.pool.run({ sweep: task.sweep, shared: entry.buffer, trials: task.trials });
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}

/** Runs a sweep's trials on this machine. */
export class LocalRunner implements TrialRunner {
  private readonly options: Required<PoolOptions>;
  private pool: ChunkPool | undefined;

  constructor(options: PoolOptions = {}) {
    this.options = checkOptions(options);
  }

  async run(definition: SweepDefinition, sweep: string, trials: readonly Trial[], store: ResultStore, progress: (done: number) => void): Promise<void> {
    this.pool ??= new ChunkPool(this.options.threads);
    const pool = this.pool;
    let done = 0;
    await Promise.all(chunksOf(trials, this.options.chunk, this.options.threads).map(async (chunk) => {
      const results = await pool.run({ sweep, definition, trials: chunk });
      for (const r of results) await store.put(r);
      done += results.length;
      progress(done);
    }));
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}

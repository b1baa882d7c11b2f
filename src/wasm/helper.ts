import { availableParallelism } from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';

/**
 * The helper thread's program. It instantiates the same module on the same shared memory, then waits on the
 * control block (assembly/parallel.ts) and runs part 1 of each task it claims first. It is plain JavaScript
 * evaluated in the worker, so that it runs the same from the sources (tests) and from dist/.
 */
// The plain Error of abort() below stays: this program is evaluated in the worker and cannot import src/errors, and
// the error never leaves it (the task loop catches it and flags the failure to the calling thread: helperFailed()).
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ready } = workerData;
const flag = new Int32Array(ready);
let x;
try {
  x = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
} catch (err) {
  Atomics.store(flag, 0, 2);
  Atomics.notify(flag, 0);
  throw err;
}
const i32 = new Int32Array(memory.buffer);
const seqAt = x.controlBlock() >> 2;
let seen = Atomics.load(i32, seqAt);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
for (;;) {
  Atomics.wait(i32, seqAt, seen);
  seen = Atomics.load(i32, seqAt);
  try {
    // Runs part 1 of task number seen, unless the calling thread claimed it first (it does once part 0 is done).
    x.helperTask(seen);
  } catch {
    // The caller is blocked until this part is marked done: mark the failure, then done.
    Atomics.store(flag, 1, 1);
  }
  Atomics.store(i32, seqAt + 1, seen);
  Atomics.notify(i32, seqAt + 1);
}
`;

/** How long the first large run waits for the helper to start before it runs alone. */
const START_TIMEOUT_MS = 5000;

let failures: Int32Array | undefined;

/**
 * Starts the helper thread on `module` and `memory` and waits until it listens. Returns 'on', or the reason it
 * did not start (the engine then runs every part on the calling thread). YUMAVAL_THREADS=1 never starts one; by
 * default only the main thread gets one; YUMAVAL_THREADS=2 gives one to worker threads too.
 */
export function startHelper(module: WebAssembly.Module, memory: WebAssembly.Memory): string {
  const setting = process.env.YUMAVAL_THREADS;
  if (setting === '1') return 'disabled by YUMAVAL_THREADS=1';
  if (availableParallelism() < 2) return 'one core';
  // A pool of worker threads already runs one engine per core: a helper per worker would only oversubscribe.
  if (!isMainThread && setting !== '2') return 'not on a worker thread (YUMAVAL_THREADS=2 allows it)';
  const ready = new SharedArrayBuffer(8);
  const flag = new Int32Array(ready);
  let worker: Worker;
  try {
    worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, ready } });
  } catch (err) {
    return `could not start: ${err instanceof Error ? err.message : String(err)}`;
  }
  // The helper never exits by itself; it must not keep the process alive either.
  worker.unref();
  worker.on('error', () => undefined);
  if (Atomics.wait(flag, 0, 0, START_TIMEOUT_MS) === 'timed-out' || Atomics.load(flag, 0) !== 1) {
    void worker.terminate();
    return 'did not start in time';
  }
  failures = flag;
  return 'on';
}

/** True once a task part failed on the helper thread (its results are then not to be trusted). */
export function helperFailed(): boolean {
  return failures !== undefined && Atomics.load(failures, 1) !== 0;
}

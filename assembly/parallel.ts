// Work split with one helper thread. The helper is a second instance of this module on the same shared memory
// (src/wasm/helper.ts); it waits on the control block below and runs part 1 of each task while this thread runs
// part 0. Tasks read and write only memory that the calling thread allocated before the split: the helper never
// allocates (its heap pointer is its own and would collide). Without a helper, both parts run here, in order.
//
// Part 1 goes to whichever thread claims it first: the helper when it wakes, or this thread once part 0 is done. On
// a machine whose cores are busy the helper may not be scheduled for milliseconds, and waiting for it would make a
// split run slower than one thread. Which thread runs a part never changes what it computes.

/**
 * Control block, i32 slots: 0 sequence (bumped per task), 1 last sequence handled by the helper, 2 task, 3 context,
 * 4 the last sequence whose part 1 was claimed (by either thread, with a compare-and-swap from the one before).
 */
const CTL = memory.data(32);

/** Below this many entries, a hand-off to the helper costs more than it saves (every split step uses it). */
export const PARALLEL_ENTRIES: i32 = 1 << 16;

/** A task: `part` 0 or 1 of the work described at `ctx`. */
export type Task = (ctx: usize, part: i32) => void;

let helpers: i32 = 0;

/**
 * How long this thread waits for the helper to finish a part before it gives up: far beyond any part (milliseconds on
 * the largest subnets), so only a helper that stopped for good reaches it. A wait without an end would freeze the
 * process with no error (a vitest worker was once seen blocked here for minutes); instead the run aborts, and the
 * engine refuses further runs, since a helper that wakes later could still write into a reused heap.
 */
const HELPER_STALL_NS: i64 = 60_000_000_000;
/** Each wait's slice, so that the total can be counted. */
const WAIT_SLICE_NS: i64 = 100_000_000;
/** Set once the helper stalled: every later run aborts (the process must be restarted). */
let stalled = false;

/** Waits until the helper marked `seq` done, or aborts once it took HELPER_STALL_NS. */
function waitDone(seq: i32): void {
  let waited: i64 = 0;
  let done = atomic.load<i32>(CTL, 4);
  while (done != seq) {
    if (waited >= HELPER_STALL_NS) {
      stalled = true;
      helpers = 0;
      throw new Error('the helper thread did not finish its part in 60 s; restart the process, or set YUMAVAL_THREADS=1');
    }
    memory.atomic.wait32(CTL + 4, done, WAIT_SLICE_NS);
    waited += WAIT_SLICE_NS;
    done = atomic.load<i32>(CTL, 4);
  }
}

/** The control block's address, for the helper's waiting loop. */
export function controlBlock(): usize {
  return CTL;
}

/** Sets the number of helper threads waiting on the control block (0 or 1). */
export function setHelpers(k: i32): void {
  helpers = k;
}

/**
 * The helper's side, called after the sequence moved to `seq`: runs part 1 of that task if this thread claims it
 * first (the calling thread may have run it already). Returns whether it ran.
 */
export function helperTask(seq: i32): bool {
  if (atomic.cmpxchg<i32>(CTL + 16, seq - 1, seq) != seq - 1) return false;
  const task = changetype<Task>(<usize>load<i32>(CTL, 8));
  task(<usize>load<i32>(CTL, 12), 1);
  return true;
}

/**
 * Waits until the helper has finished every part handed to it. After this thread trapped in the middle of a task,
 * the helper may still be writing into the heap that the next run will reuse.
 */
export function settle(): void {
  if (stalled) throw new Error('the helper thread stalled in an earlier run; restart the process, or set YUMAVAL_THREADS=1');
  if (helpers != 0) waitDone(atomic.load<i32>(CTL));
}

/**
 * Runs both parts of `task` on ctx, part 1 on the helper when there is one, the work is worth a hand-off and the
 * helper claims it before this thread has finished part 0.
 */
export function runParts(task: Task, ctx: usize, parallel: bool): void {
  if (helpers == 0 || !parallel) {
    task(ctx, 0);
    task(ctx, 1);
    return;
  }
  store<i32>(CTL, <i32>changetype<usize>(task), 8);
  store<i32>(CTL, <i32>ctx, 12);
  const seq = atomic.add<i32>(CTL, 1) + 1;
  atomic.notify(CTL, 1);
  task(ctx, 0);
  if (atomic.cmpxchg<i32>(CTL + 16, seq - 1, seq) == seq - 1) {
    // The helper has not started it: run part 1 here rather than wait for the helper to be scheduled.
    task(ctx, 1);
    return;
  }
  waitDone(seq);
}

/** The row where a CSR's entries (i32 row offsets `ptr`) reach half: rows before it are part 0's, the rest part 1's. */
export function splitRows(ptr: usize, n: i32): i32 {
  const total = load<i32>(ptr + (<usize>n << 2));
  let split = 0;
  while (split < n && load<i32>(ptr + (<usize>split << 2)) * 2 < total) split++;
  return split;
}

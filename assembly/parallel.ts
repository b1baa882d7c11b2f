// Work split with one helper thread. The helper is a second instance of this module on the same shared memory
// (src/wasm/helper.ts); it waits on the control block below and runs part 1 of each task while this thread runs
// part 0. Tasks read and write only memory that the calling thread allocated before the split: the helper never
// allocates (its heap pointer is its own and would collide). Without a helper, both parts run here, in order.

/** Control block, i32 slots: 0 sequence (bumped per task), 1 last sequence done by the helper, 2 task, 3 context. */
const CTL = memory.data(16);

/** A task: `part` 0 or 1 of the work described at `ctx`. */
export type Task = (ctx: usize, part: i32) => void;

let helpers: i32 = 0;

/** The control block's address, for the helper's waiting loop. */
export function controlBlock(): usize {
  return CTL;
}

/** Sets the number of helper threads waiting on the control block (0 or 1). */
export function setHelpers(k: i32): void {
  helpers = k;
}

/** Runs part 1 of the current task: the helper's side, called after the sequence moved. */
export function helperTask(): void {
  const task = changetype<Task>(<usize>load<i32>(CTL, 8));
  task(<usize>load<i32>(CTL, 12), 1);
}

/**
 * Waits until the helper has finished every part handed to it. After this thread trapped in the middle of a task,
 * the helper may still be writing into the heap that the next run will reuse.
 */
export function settle(): void {
  const seq = atomic.load<i32>(CTL);
  let done = atomic.load<i32>(CTL, 4);
  while (helpers != 0 && done != seq) {
    memory.atomic.wait32(CTL + 4, done, -1);
    done = atomic.load<i32>(CTL, 4);
  }
}

/** Runs both parts of `task` on ctx, one on the helper when there is one and the work is worth a hand-off. */
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
  let done = atomic.load<i32>(CTL, 4);
  while (done != seq) {
    memory.atomic.wait32(CTL + 4, done, -1);
    done = atomic.load<i32>(CTL, 4);
  }
}

/** The row where a CSR's entries (i32 row offsets `ptr`) reach half: rows before it are part 0's, the rest part 1's. */
export function splitRows(ptr: usize, n: i32): i32 {
  const total = load<i32>(ptr + (<usize>n << 2));
  let split = 0;
  while (split < n && load<i32>(ptr + (<usize>split << 2)) * 2 < total) split++;
  return split;
}

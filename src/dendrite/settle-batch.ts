import { epochMs } from './run-request.js';
import { failureStatus, type FailureKind } from './status.js';
import type { WorkerReply, WorkerTask } from './worker-types.js';

/*
 * The main thread's side of one batch: whatever the worker does — answers, throws, crashes, sends something that is
 * not a reply, or never answers — the batch settles with one result per request, and no later than `graceMs` after
 * the query's deadline. This is what lets a query promise to end by its deadline (plus the grace) and never throw.
 */

/** One result per request of the task, all with the same failure. */
export function failBatch(task: WorkerTask, kind: FailureKind, detail: string): WorkerReply {
  return task.requests.map((r) => ({
    ...failureStatus(kind, { ip: r.ip, port: r.port, name: task.spec.name, timeoutSeconds: task.timeoutSeconds }, detail),
    processTime: null, axonProcessTime: null, fields: null, failure: kind,
  }));
}

/**
 * Runs a batch on a worker and settles it.
 * @param run starts the worker's work (piscina's run)
 * @param graceMs how long after the task's deadline to wait for the worker before recording its requests as timeouts
 */
export async function settleBatch(run: () => Promise<unknown>, task: WorkerTask, graceMs: number): Promise<WorkerReply> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<WorkerReply>((resolve) => {
    timer = setTimeout(() => resolve(failBatch(task, 'timeout', 'the worker did not answer by the deadline')), Math.max(0, task.deadlineAt - epochMs()) + graceMs);
  });
  try {
    let started: Promise<unknown>;
    try {
      started = run();
    } catch (e) {
      started = Promise.reject(e);
    }
    const work = started.then(
      (reply) => (Array.isArray(reply) && reply.length === task.requests.length ? (reply as WorkerReply) : failBatch(task, 'worker', 'a malformed reply')),
      (e: unknown) => failBatch(task, 'worker', (e as Error)?.message ?? String(e)),
    );
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

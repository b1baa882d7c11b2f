import type { KeySource } from '../keys/index.js';
import type { SynapseSpec } from '../protocol/index.js';
import type { QueryResult, RequestSpec } from './run-request.js';

/*
 * What crosses the message port between the dendrite and its workers. The key crosses only as its source (a file
 * path, a variable name, a dev URI): each worker loads the secret itself, so it is never in a message.
 */

/** A worker's start-up data (piscina's workerData). */
export interface WorkerInit {
  readonly key: KeySource;
  readonly dev: boolean;
  readonly externalIp: string;
  /** Requests this worker runs at once. */
  readonly concurrency: number;
  readonly connectionsPerOrigin: number;
  readonly maxResponseBytes: number;
  /** The BroadcastChannel on which each worker says it is ready (or why it could not start). */
  readonly readyChannel: string;
}

/** A worker's start-up report on the ready channel. */
export type WorkerReady = { readonly ok: true; readonly threadId: number } | { readonly ok: false; readonly threadId: number; readonly error: string };

/** A batch of requests of one query. */
export interface WorkerTask {
  readonly spec: SynapseSpec;
  readonly timeoutSeconds: number;
  /** Absolute deadline on the epochMs clock. */
  readonly deadlineAt: number;
  readonly requests: readonly RequestSpec[];
}

/** The results of a task, in its request order (`uid` is filled in by the dendrite). */
export type WorkerReply = Array<Omit<QueryResult, 'uid'>>;

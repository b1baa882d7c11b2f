import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { workerFile } from '../threads/index.js';
import { Piscina } from 'piscina';
import { loadKey } from '../keys/index.js';
import { checkAddress } from './address-policy.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { DendriteClosedError, DendriteQueryError, DendriteStartError } from './errors.js';
import { checkTimeout, resolveDendriteOptions, type DendriteOptions, type ResolvedDendriteOptions } from './options.js';
import { checkSpec, checkSynapseInput, type AxonTarget, type SynapseSpec } from '../protocol/index.js';
import { epochMs, type QueryResult, type RequestSpec, type ResultFailure } from './run-request.js';
import { settleBatch } from './settle-batch.js';
import { failureStatus, type FailureKind } from './status.js';
import type { WorkerInit, WorkerReady, WorkerReply, WorkerTask } from './worker-types.js';

/*
 * The fan-out. The main thread checks every axon against the address policy and its circuit breaker (both cheap,
 * and the breakers must be shared by all workers), splits the rest into batches and hands them to a piscina pool;
 * the workers sign, send and parse (worker.ts). Results come back in input order. A query never throws because of a
 * miner: every failure is a result with the SDK's status. It throws only for the caller's mistakes (a bad spec, an
 * input pydantic would refuse, a closed dendrite).
 */

/** An axon to query: where it is, its hotkey, and optionally its uid (copied to the result). */
export interface QueryAxon extends AxonTarget {
  readonly uid?: number;
}

/** Per-query options. */
export interface QueryOptions {
  /** The deadline in seconds for the whole query (every request finishes by then); default: the dendrite's. */
  timeout?: number;
}

/** A dendrite: a worker pool that queries axons. */
export interface Dendrite {
  /** The hotkey that signs (ss58). */
  readonly hotkey: string;
  /**
   * Sends `spec` to every axon and resolves with one result per axon, in input order.
   * @param input the synapse's own fields: one object for all axons, or an array with one per axon
   */
  query(axons: readonly QueryAxon[], spec: SynapseSpec, input: Readonly<Record<string, unknown>> | ReadonlyArray<Readonly<Record<string, unknown>>>, options?: QueryOptions): Promise<QueryResult[]>;
  /** The breaker state of an axon's origin, for logs and tests. */
  breakerState(ip: string, port: number): 'closed' | 'open' | 'half-open';
  /** Stops the workers (open connections close with them). */
  close(): Promise<void>;
}

/** Failures that say the axon is down or stalling, and count towards opening its breaker. */
const BREAKER_FAILURES: ReadonlySet<ResultFailure> = new Set<ResultFailure>(['refused', 'timeout', 'disconnected', 'bad-response', 'payload', 'too-large']);
/** Batches per worker per query: enough to balance the workers, few enough that messaging stays cheap. */
const BATCHES_PER_WORKER = 4;
const MAX_BATCH = 256;
/** How long after the deadline the dendrite stops waiting for a worker (a worker late past this is a bug). */
const WORKER_GRACE_MS = 2_000;
/** How long createDendrite waits for every worker to load its module and key. */
const START_TIMEOUT_MS = 60_000;


const originKey = (ip: string, port: number): string => `${ip}|${port}`;

/** Resolves when `n` workers have reported ready on the channel; rejects on the first failure or after the timeout. */
async function waitForWorkers(channel: string, n: number): Promise<void> {
  const bc = new BroadcastChannel(channel);
  const seen = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new DendriteStartError(`${seen.size} of ${n} workers ready after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      bc.onmessage = (ev: unknown) => {
        const r = (ev as { data: WorkerReady }).data;
        if (!r.ok) reject(new DendriteStartError(r.error));
        seen.add(r.threadId);
        if (seen.size >= n) resolve();
      };
    });
  } finally {
    clearTimeout(timer);
    bc.close();
  }
}

/** Creates a dendrite: checks the options and the key, and starts the workers. */
export async function createDendrite(options: DendriteOptions): Promise<Dendrite> {
  const o: ResolvedDendriteOptions = resolveDendriteOptions(options);
  // Fail here, with the key's own error, rather than in every worker; the pair is dropped at once.
  const { address } = await loadKey(o.key, { dev: o.dev });
  const init: WorkerInit = {
    key: o.key, dev: o.dev, externalIp: o.externalIp, maxResponseBytes: o.maxResponseBytes,
    concurrency: Math.max(1, Math.floor(o.concurrency / o.workers)), connectionsPerOrigin: o.connectionsPerOrigin,
    readyChannel: `yumaval-dendrite-${randomUUID()}`,
  };
  const ready = waitForWorkers(init.readyChannel, o.workers);
  const pool = new Piscina<WorkerTask, WorkerReply>({
    ...workerFile(import.meta.url, './worker'),
    workerData: init,
    // A fixed pool: workers hold keep-alive connections, so they live as long as the dendrite (piscina's idleTimeout
    // only ends workers above minThreads).
    minThreads: o.workers,
    maxThreads: o.workers,
    // Batches mostly wait on the network: many run in one worker at once (the worker's limiter bounds requests).
    concurrentTasksPerWorker: 64,
    maxQueue: 'auto',
    // Workers keep keep-alive sockets and timers open between tasks; Atomics.wait would freeze them.
    atomics: 'disabled',
    // V8's defaults for a 0 (docs/validator.md, "Cost", has the figures).
    resourceLimits: {
      ...(o.workerYoungGenerationMb > 0 ? { maxYoungGenerationSizeMb: o.workerYoungGenerationMb } : {}),
      ...(o.workerOldGenerationMb > 0 ? { maxOldGenerationSizeMb: o.workerOldGenerationMb } : {}),
    },
  });
  try {
    await ready;
  } catch (e) {
    await pool.destroy();
    throw e;
  }
  const breakers = new CircuitBreakers({ threshold: o.breakerThreshold, coolDownMs: o.breakerCoolDownMs, maxEntries: o.breakerMaxEntries });
  let closed = false;

  async function query(axons: readonly QueryAxon[], spec: SynapseSpec, input: Readonly<Record<string, unknown>> | ReadonlyArray<Readonly<Record<string, unknown>>>, qo: QueryOptions = {}): Promise<QueryResult[]> {
    if (closed) throw new DendriteClosedError();
    if (!Array.isArray(axons)) throw new DendriteQueryError('axons must be an array of { ip, port, hotkey }');
    const timeoutSeconds = qo.timeout ?? o.timeout;
    checkTimeout('timeout', timeoutSeconds);
    checkSpec(spec);
    const perAxon = Array.isArray(input);
    if (perAxon && input.length !== axons.length) throw new DendriteQueryError(`${input.length} inputs for ${axons.length} axons (give one input, or one per axon)`);
    // Inputs are the caller's: a bad one throws here, before anything is sent. Each distinct object is checked once.
    const checked = new Set<unknown>();
    for (const inp of perAxon ? input : [input]) {
      if (checked.has(inp)) continue;
      checkSynapseInput(spec, inp as Readonly<Record<string, unknown>>);
      checked.add(inp);
    }
    const deadlineAt = epochMs() + timeoutSeconds * 1000;
    const results = new Array<QueryResult>(axons.length);
    const todo: Array<{ index: number; request: RequestSpec; key: string; trial: boolean }> = [];

    axons.forEach((axon, index) => {
      const a = (axon ?? {}) as Partial<QueryAxon>;
      const ip = typeof a.ip === 'string' ? a.ip : String(a.ip);
      const port = a.port as number;
      const at = { ip, port, name: spec.name, timeoutSeconds };
      const refuse = (kind: FailureKind, detail: string): void => {
        results[index] = { ...failureStatus(kind, at, detail), processTime: null, axonProcessTime: null, fields: null, failure: kind, ...(typeof a.uid === 'number' ? { uid: a.uid } : {}) };
      };
      const policy = checkAddress(ip, { allowPrivate: o.allowPrivate });
      if (!policy.ok) return refuse('policy', policy.reason);
      if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) return refuse('policy', `port ${JSON.stringify(port) ?? String(port)} is not in 1..65535`);
      if (typeof a.hotkey !== 'string') return refuse('policy', 'the axon has no hotkey');
      const key = originKey(ip, port);
      const admission = breakers.admit(key);
      if (!admission.ok) return refuse('breaker', admission.reason);
      const inp = (perAxon ? input[index] : input) as Readonly<Record<string, unknown>>;
      todo.push({ index, request: { ip, port, hotkey: a.hotkey, input: inp }, key, trial: admission.trial });
    });

    const batch = Math.min(MAX_BATCH, Math.max(1, Math.ceil(todo.length / (o.workers * BATCHES_PER_WORKER))));
    const runs: Array<Promise<void>> = [];
    for (let start = 0; start < todo.length; start += batch) {
      const part = todo.slice(start, start + batch);
      const task: WorkerTask = { spec, timeoutSeconds, deadlineAt, requests: part.map((t) => t.request) };
      runs.push(settleBatch(() => pool.run(task), task, WORKER_GRACE_MS).then((reply) => {
        part.forEach((t, j) => {
          const r = reply[j] as QueryResult;
          const uid = axons[t.index]?.uid;
          results[t.index] = typeof uid === 'number' ? { ...r, uid } : r;
          breakers.record(t.key, r.failure === null || !BREAKER_FAILURES.has(r.failure), t.trial);
        });
      }));
    }
    await Promise.all(runs);
    return results;
  }

  return {
    hotkey: address,
    query,
    breakerState: (ip, port) => breakers.state(originKey(ip, port)),
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}

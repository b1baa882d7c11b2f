import { createHash } from 'node:crypto';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { InvalidOptionError, YumavalError } from '../errors/index.js';
import { fn, intIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import { ChunkPool, chunksOf } from './pool.js';
import type { ResultStore } from './store.js';
import type { TrialRunner } from './sweep.js';
import type { SweepDefinition, Trial, TrialResult } from './types.js';

/*
 * Distributed sweeps on BullMQ (Redis). The coordinator stores the sweep's definition once, adds one job per chunk of
 * missing trials, and waits for their results in a Redis hash. `yumaval worker` processes take jobs, run each chunk's
 * trials on their own thread pool, and write every result with HSETNX keyed by (sweep id, trial id): the first write
 * of a trial wins, so a retried job that ran a trial again stores nothing new, and the values are the same anyway
 * (trials are pure). Trials run on worker threads, never on the event loop, so BullMQ keeps renewing the job's lock and
 * does not take a long chunk for a stalled one; a worker that dies (SIGKILL) stops renewing, and after the lock
 * expires another worker's stall check puts the job back in the queue.
 */

/** The BullMQ queue all sweeps share (jobs name their sweep). */
export const QUEUE_NAME = 'yumaval-tune';
const KEY_PREFIX = 'yumaval:tune:';
/** Trials a worker hands its thread pool at once (and then stores). */
const TRIALS_PER_TASK = 4;

/** A job: a chunk of one sweep's trials. */
interface ChunkJob {
  sweep: string;
  trials: Trial[];
}

/** Checks a redis:// or rediss:// URL (the only place a --queue value is read). */
export function checkQueueUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidOptionError('--queue', `expected redis://HOST:PORT, got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InvalidOptionError('--queue', `expected a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  return url;
}

/**
 * BullMQ and ioredis, loaded on first use: they take most of a second to import, which every other command (and the
 * local runner) would otherwise pay at start.
 */
interface Drivers {
  bull: typeof import('bullmq');
  Redis: typeof import('ioredis').Redis;
}

let drivers: Promise<Drivers> | undefined;

function loadDrivers(): Promise<Drivers> {
  drivers ??= Promise.all([import('bullmq'), import('ioredis')]).then(([bull, io]) => ({ bull, Redis: io.Redis }));
  return drivers;
}

/** The last connection error per client, for the message when Redis cannot be reached. */
const lastError = new WeakMap<Redis, string>();

/**
 * A connection as BullMQ wants it for blocking commands (no per-request retry limit). ioredis reconnects by itself;
 * its errors are kept for the messages here instead of being printed with a stack per retry.
 */
function connect(d: Drivers, url: string): Redis {
  const redis = new d.Redis(checkQueueUrl(url), { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', (err: Error) => lastError.set(redis, err.message));
  return redis;
}

/** How long a coordinator or worker waits for Redis to answer at start. */
const CONNECT_TIMEOUT_MS = 15_000;

/** Resolves once the connection is ready; fails with the URL named after CONNECT_TIMEOUT_MS (ioredis retries forever). */
async function whenReady(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        const why = lastError.get(redis);
        reject(new SweepQueueError(`cannot reach Redis at ${url} within ${CONNECT_TIMEOUT_MS / 1000} s${why === undefined ? '' : ` (${why})`}`));
      }, CONNECT_TIMEOUT_MS);
      redis.once('ready', () => resolve());
    });
  } finally {
    clearTimeout(timer);
  }
}

/** A distributed sweep failed: a chunk used up its attempts, or no result came for too long. */
export class SweepQueueError extends YumavalError {
  constructor(detail: string) {
    super(`distributed sweep: ${detail}`, 'ERR_TUNE_QUEUE');
  }
}

const resultsKey = (sweep: string): string => `${KEY_PREFIX}${sweep}:results`;
const definitionKey = (sweep: string): string => `${KEY_PREFIX}${sweep}:definition`;

/** A sweep's results in a Redis hash: field = trial id, value = the result's JSON, written with HSETNX. */
export class RedisStore implements ResultStore {
  constructor(private readonly redis: Redis, readonly sweep: string) {}

  async all(): Promise<Map<string, TrialResult>> {
    const raw = await this.redis.hgetall(resultsKey(this.sweep));
    return new Map(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as TrialResult]));
  }

  async put(result: TrialResult): Promise<boolean> {
    return (await this.redis.hsetnx(resultsKey(this.sweep), result.id, JSON.stringify(result))) === 1;
  }

  /** Stores results unless their trials have one (one round trip); returns how many this call stored. */
  async putAll(results: readonly TrialResult[]): Promise<number> {
    if (results.length === 0) return 0;
    const multi = this.redis.multi();
    for (const r of results) multi.hsetnx(resultsKey(this.sweep), r.id, JSON.stringify(r));
    const replies = (await multi.exec()) ?? [];
    return replies.filter(([err, v]) => err === null && v === 1).length;
  }

  /** Which of these trials have a result. */
  async has(ids: readonly string[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const got = await this.redis.hmget(resultsKey(this.sweep), ...ids);
    return got.map((v) => v !== null);
  }
}

/**
 * Stores a sweep's definition under its id, or checks it against the one stored: a `--sweep ID` reused with another
 * space or other sources would mix two sweeps' results.
 */
async function publishDefinition(redis: Redis, sweep: string, definition: SweepDefinition): Promise<void> {
  const json = JSON.stringify(definition);
  const set = await redis.set(definitionKey(sweep), json, 'NX');
  if (set === 'OK') return;
  const stored = await redis.get(definitionKey(sweep));
  if (stored !== json) throw new InvalidOptionError('--sweep', `sweep ${sweep} exists in this Redis with another definition (space, sources, objectives, search, seed or trials differ): choose another id`);
}

/** Options of the coordinator. */
export interface QueueRunnerOptions {
  /** Trials per job (default 16). */
  chunk?: number;
  /** Attempts per job before the sweep fails (default 5). */
  attempts?: number;
  /** The sweep fails when no result arrives for this long (default 10 minutes: no worker, or all stuck). */
  idleTimeoutMs?: number;
  /** How often the coordinator polls for results (default 200 ms). */
  pollMs?: number;
  /** Told once when the coordinator starts waiting (stderr in the CLI). */
  log?: (line: string) => void;
}

/** The coordinator's defaults: 16 trials a job, 5 attempts, 10 minutes without a result, a poll every 200 ms. */
export const QUEUE_RUNNER_DEFAULTS: Readonly<Required<QueueRunnerOptions>> = Object.freeze({ chunk: 16, attempts: 5, idleTimeoutMs: 600_000, pollMs: 200, log: () => {} });

const RUNNER_CHECKS: Readonly<Record<keyof QueueRunnerOptions, Check>> = {
  chunk: intIn(1, 10_000),
  attempts: intIn(1, 1000),
  idleTimeoutMs: intIn(1, 86_400_000),
  pollMs: intIn(1, 3_600_000),
  log: fn('(line: string) => void'),
};

/** The coordinator's side: trials become jobs, results are awaited in Redis. */
export class QueueRunner implements TrialRunner {
  private readonly redis: Redis;
  private readonly queue: Queue<ChunkJob>;
  private readonly o: Required<QueueRunnerOptions>;

  private constructor(d: Drivers, readonly url: string, options: QueueRunnerOptions) {
    this.o = resolveOptions<Required<QueueRunnerOptions>>({ thing: 'a queue runner option', things: 'queue runner options', defaults: QUEUE_RUNNER_DEFAULTS, checks: RUNNER_CHECKS }, options);
    this.redis = connect(d, url);
    this.queue = new d.bull.Queue<ChunkJob>(QUEUE_NAME, { connection: this.redis });
    // Connection errors are the client's (kept above); BullMQ would print each one again.
    this.queue.on('error', () => {});
  }

  /** A coordinator on the Redis at `url` (BullMQ loaded on first use). */
  static async create(url: string, options: QueueRunnerOptions = {}): Promise<QueueRunner> {
    checkQueueUrl(url);
    return new QueueRunner(await loadDrivers(), url, options);
  }

  /** The result store of a sweep on this Redis. */
  store(sweep: string): RedisStore {
    return new RedisStore(this.redis, sweep);
  }

  async begin(definition: SweepDefinition, sweep: string): Promise<void> {
    await whenReady(this.redis, this.url);
    await publishDefinition(this.redis, sweep, definition);
  }

  async run(definition: SweepDefinition, sweep: string, trials: readonly Trial[], _store: ResultStore, progress: (done: number) => void): Promise<void> {
    const store = this.store(sweep);
    const chunks = chunksOf(trials, this.o.chunk, 1);
    // A job's id is its content's, so a coordinator restarted mid-sweep does not queue a pending chunk twice.
    const jobs = chunks.map((c) => ({
      name: 'chunk',
      data: { sweep, trials: c },
      opts: {
        jobId: `${sweep}.${createHash('sha256').update(c.map((t) => t.id).join(',')).digest('hex').slice(0, 16)}`,
        attempts: this.o.attempts,
        backoff: { type: 'fixed', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: false,
      },
    }));
    const added = await this.queue.addBulk(jobs);
    // A chunk that failed for good in an earlier run keeps its id: retry it, or this sweep would wait for it forever.
    for (const job of added) if (await job.isFailed()) await job.retry('failed');
    this.o.log(`queued ${trials.length} trials in ${chunks.length} jobs on ${QUEUE_NAME}; waiting for \`yumaval worker --queue\` processes`);
    let pending = trials.map((t) => t.id);
    let last = Date.now();
    let checks = 0;
    while (pending.length > 0) {
      await new Promise((r) => setTimeout(r, this.o.pollMs));
      const have = await store.has(pending);
      const before = pending.length;
      pending = pending.filter((_, k) => !have[k]);
      if (pending.length < before) {
        last = Date.now();
        progress(trials.length - pending.length);
      }
      if (Date.now() - last > this.o.idleTimeoutMs) throw new SweepQueueError(`no result for ${Math.round(this.o.idleTimeoutMs / 1000)} s with ${pending.length} trials left: are \`yumaval worker --queue ${this.url}\` processes running?`);
      // Every ~2 s, look for chunks that used up their attempts.
      if (++checks % Math.max(1, Math.round(2000 / this.o.pollMs)) === 0) {
        for (const j of jobs) {
          const job = await this.queue.getJob(j.opts.jobId);
          if (job !== undefined && (await job.isFailed())) throw new SweepQueueError(`job ${j.opts.jobId} failed ${job.attemptsMade} times: ${job.failedReason}`);
        }
      }
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

/** Options of `yumaval worker`. */
export interface QueueWorkerOptions {
  /** Worker threads, and jobs run at once (default one per core). */
  threads: number;
  /** BullMQ's job lock (default 30 s): a dead worker's job returns to the queue this long after it stopped renewing. */
  lockMs?: number;
  /** Lines about jobs (stderr in the CLI). */
  log?: (line: string) => void;
}

/** The worker's defaults: BullMQ's 30 s job lock. */
export const QUEUE_WORKER_DEFAULTS: Readonly<Omit<Required<QueueWorkerOptions>, 'threads'>> = Object.freeze({ lockMs: 30_000, log: () => {} });

const WORKER_CHECKS: Readonly<Record<keyof QueueWorkerOptions, Check>> = {
  threads: intIn(1, 1024),
  lockMs: intIn(500, 3_600_000),
  log: fn('(line: string) => void'),
};

/** A worker process's side: takes chunk jobs of any sweep and stores their results. */
export class QueueWorker {
  private readonly redis: Redis;
  /** BullMQ's blocking connection (it does not close a connection it was given). */
  private readonly blocking: Redis;
  private readonly pool: ChunkPool;
  private readonly worker: Worker<ChunkJob>;
  private readonly definitions = new Map<string, SweepDefinition>();

  /** A worker on the Redis at `url`, taking jobs at once (BullMQ loaded on first use). */
  static async create(url: string, options: QueueWorkerOptions): Promise<QueueWorker> {
    checkQueueUrl(url);
    return new QueueWorker(await loadDrivers(), url, options);
  }

  private constructor(d: Drivers, readonly url: string, options: QueueWorkerOptions) {
    const { log, lockMs, threads } = resolveOptions<Required<QueueWorkerOptions>>({ thing: 'a queue worker option', things: 'queue worker options', defaults: QUEUE_WORKER_DEFAULTS, checks: WORKER_CHECKS }, options);
    this.redis = connect(d, url);
    this.blocking = connect(d, url);
    this.pool = new ChunkPool(threads);
    this.worker = new d.bull.Worker<ChunkJob>(QUEUE_NAME, async (job) => this.process(job, log), {
      connection: this.blocking,
      concurrency: threads,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job returns to the queue each time its worker dies; only a job that keeps killing workers fails.
      maxStalledCount: 10,
    });
    this.worker.on('failed', (job, err) => log(`job ${job?.id ?? '?'} failed: ${err.message}`));
    this.worker.on('error', (err) => log(`queue error: ${err.message}`));
  }

  private async definition(sweep: string): Promise<SweepDefinition> {
    let d = this.definitions.get(sweep);
    if (d === undefined) {
      const json = await this.redis.get(definitionKey(sweep));
      if (json === null) throw new SweepQueueError(`sweep ${sweep} has no definition in Redis`);
      d = JSON.parse(json) as SweepDefinition;
      this.definitions.set(sweep, d);
    }
    return d;
  }

  private async process(job: Job<ChunkJob>, log: (line: string) => void): Promise<number> {
    const { sweep, trials } = job.data;
    const definition = await this.definition(sweep);
    const store = new RedisStore(this.redis, sweep);
    const have = await store.has(trials.map((t) => t.id));
    const todo = trials.filter((_, k) => !have[k]);
    log(`job ${job.id} start: ${todo.length} of ${trials.length} trials of ${sweep}`);
    let stored = 0;
    // A few trials per thread task, their results stored as soon as the task ends: a worker killed mid-chunk loses at
    // most the trials it was running, and the round trips stay few.
    for (let k = 0; k < todo.length; k += TRIALS_PER_TASK) {
      const results = await this.pool.run({ sweep, definition, trials: todo.slice(k, k + TRIALS_PER_TASK) });
      stored += await store.putAll(results);
    }
    log(`job ${job.id} done: ${stored} results stored`);
    return stored;
  }

  /** Resolves once the worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await whenReady(this.redis, this.url);
    await this.worker.waitUntilReady();
  }

  /** Finishes the jobs in hand, then stops. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.pool.close();
    this.redis.disconnect();
    this.blocking.disconnect();
  }
}

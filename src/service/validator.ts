import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChainConnectError, ChainConnection, WEIGHTS_PIPELINE_DEFAULTS, subscribeFinalizedHeads, syncMetagraph, epochIndex, WeightsPipeline, type Metagraph } from '../chain/index.js';
import { DENDRITE_DEFAULTS, createDendrite, type Dendrite } from '../dendrite/index.js';
import { InvalidOptionError } from '../errors/index.js';
import { crashPoint } from '../faults/index.js';
import { loadKey } from '../keys/index.js';
import { ScoreBook } from '../scoring/index.js';
import { Store, type ValidatorKey } from '../store/index.js';
import { NotRegisteredError, WatchdogError } from './errors.js';
import { parseListenAddress, startAdminServer, type AdminServer, type HealthReport } from './http-server.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { resolveValidatorConfig, scoringParamsOf } from './options.js';
import { availableUids, sampleUids } from './sampling.js';
import { runStep } from './step.js';
import { buildTasks, taskOf } from './task-mix.js';
import type { StopReason, Validator, ValidatorEventMap, ValidatorOptions } from './validator-types.js';
import { Watchdog } from './watchdog.js';
import { WeightsLane } from './weights-lane.js';

/*
 * The validator service: one hotkey on one subnet. `start()` opens the store, the chain connection, the dendrite and
 * the admin listener, reads the metagraph at the finalized head, and then runs two lanes beside each other:
 * - the step loop: sample miners (sampling.ts), query and score them (step.ts), and apply the step to the store in one
 *   transaction, then pause `stepIntervalSeconds`; the metagraph is read again first when a finalized head says so
 *   (every `syncEveryBlocks`, and at each tempo boundary);
 * - the weights lane (weights-lane.ts), kicked by each finalized head.
 * A watchdog (watchdog.ts) ends the service with WatchdogError when steps, heads or landed weights stop coming.
 * `stop()` starts no new step, lets the running one finish or reach its deadline, and closes everything.
 */

function checkOptions(o: ValidatorOptions): void {
  if (typeof o.chain !== 'string' || !/^wss?:\/\/\S+$/.test(o.chain)) throw new InvalidOptionError('chain', `expected a ws:// or wss:// URL, got ${JSON.stringify(o.chain)}`);
  if (!(Number.isInteger(o.netuid) && o.netuid >= 0 && o.netuid <= 65535)) throw new InvalidOptionError('netuid', `expected an integer in 0..65535, got ${String(o.netuid)}`);
  if (o.epochs !== undefined && o.epochs !== null && !(Number.isInteger(o.epochs) && o.epochs >= 1)) throw new InvalidOptionError('epochs', `expected an integer ≥ 1, got ${String(o.epochs)}`);
}

/** Creates a validator (nothing starts before `start()`). @throws InvalidOptionError for bad options or config */
export function createValidator(options: ValidatorOptions): Validator {
  checkOptions(options);
  const config = resolveValidatorConfig(options.config ?? {});
  const tasks = buildTasks(config);
  const log = options.logger ?? createLogger();
  const emitter = new EventEmitter();
  const metrics = createMetrics({ netuid: String(options.netuid) }, options.processMetrics ?? true);
  const abort = new AbortController();
  const metricsAt = options.metrics === undefined || options.metrics === null ? null
    : typeof options.metrics === 'string' ? parseListenAddress(options.metrics) : options.metrics;

  let conn: ChainConnection | null = null;
  let store: Store | null = null;
  let dendrite: Dendrite | null = null;
  let admin: AdminServer | null = null;
  let unsubscribe: (() => void) | null = null;
  let lane: WeightsLane | null = null;
  let watchdog: Watchdog | null = null;
  let loop: Promise<void> | null = null;
  let vk: ValidatorKey | null = null;
  let selfUid = -1;
  let metagraph: Metagraph | null = null;
  let book = new ScoreBook({ emaAlpha: config.emaAlpha });
  let restored = false;
  const scoredSinceStart = new Set<number>();
  let head: number | null = null;
  let startHead = 0;
  let syncDue = false;
  let lastStepAt: number | null = null;
  let phase: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  let reconnectsSeen = 0;
  let resolveStopped: (r: StopReason) => void = () => {};
  const stopped = new Promise<StopReason>((r) => { resolveStopped = r; });
  let stopping: Promise<void> | null = null;

  const emit = <E extends keyof ValidatorEventMap>(event: E, ...args: ValidatorEventMap[E]): void => {
    try {
      emitter.emit(event, ...args);
    } catch (e) {
      log.error({ event, err: (e as Error).message }, 'an event listener threw');
    }
  };

  const lastUpdate = (): number | null => (metagraph === null || selfUid < 0 ? null : (metagraph.lastUpdate[selfUid] ?? 0));

  const health = (): HealthReport => {
    const reasons: string[] = [];
    const connected = conn?.stats.connected ?? false;
    if (!connected) reasons.push('the chain connection is down');
    const now = Date.now();
    if (lastStepAt !== null && now - lastStepAt > config.stallSeconds * 1000) reasons.push(`no step applied for ${Math.round((now - lastStepAt) / 1000)} s`);
    const lu = Math.max(lastUpdate() ?? 0, lane?.lastLandedBlock ?? 0);
    const since = head === null || lu === 0 ? null : head - lu;
    if (since !== null && warm() && since > config.maxBlocksWithoutWeights) reasons.push(`${since} blocks since the last weights update`);
    const status = phase === 'stopping' || phase === 'stopped' ? 'stopping' : phase !== 'running' ? 'starting' : reasons.length > 0 ? 'unhealthy' : 'ok';
    return {
      status, reasons, lastStepAt: lastStepAt === null ? null : new Date(lastStepAt).toISOString(), lastWeightsBlock: lane?.lastLandedBlock ?? null,
      head, blocksSinceLastUpdate: since, chain: connected ? 'connected' : 'disconnected',
    };
  };

  const warm = (): boolean => restored || scoredSinceStart.size >= config.minScoredBeforeWeights;

  const adopt = (m: Metagraph): void => {
    const before = metagraph;
    if (before !== null && m.block < before.block) return;
    metagraph = m;
    if (selfUid >= 0 && vk !== null && m.hotkeys[selfUid] !== vk.hotkey) {
      // Our uid was given to another hotkey (deregistered): as the template's check_registered, stop rather than
      // score and set weights for a uid that is no longer ours.
      const error = new NotRegisteredError(vk.hotkey, options.netuid);
      log.error({ uid: selfUid, block: m.block }, error.message);
      void finish({ kind: 'error', error });
      return;
    }
    const changed: number[] = [];
    if (before !== null) for (let uid = 0; uid < Math.max(before.n, m.n); uid++) if (before.hotkeys[uid] !== m.hotkeys[uid]) changed.push(uid);
    if (selfUid >= 0) {
      metrics.vtrust.set((m.validatorTrust[selfUid] ?? 0) / 65535);
      if (head !== null) metrics.blocksSinceLastUpdate.set(Math.max(0, head - (m.lastUpdate[selfUid] ?? 0)));
    }
    if (changed.length > 0) log.info({ block: m.block, n: m.n, changedHotkeys: changed }, 'metagraph: hotkeys changed (their scores restart from 0)');
    emit('sync', { block: m.block, n: m.n, changedHotkeys: changed });
  };

  const sync = async (): Promise<void> => {
    const c = conn as ChainConnection;
    adopt(await syncMetagraph(c, options.netuid, { at: 'finalized' }));
    syncDue = false;
  };

  const onHead = (h: { number: number }): void => {
    const before = head;
    head = h.number;
    watchdog?.head(h.number);
    metrics.head.set(h.number);
    const reconnects = conn?.stats.reconnects ?? 0;
    if (reconnects > reconnectsSeen) {
      metrics.reconnects.inc(reconnects - reconnectsSeen);
      reconnectsSeen = reconnects;
    }
    const lu = Math.max(lastUpdate() ?? 0, lane?.lastLandedBlock ?? 0);
    if (lu > 0) metrics.blocksSinceLastUpdate.set(Math.max(0, h.number - lu));
    if (metagraph !== null) {
      const tempo = metagraph.hyperparams.tempo;
      const crossed = before !== null && epochIndex(before, options.netuid, tempo) !== epochIndex(h.number, options.netuid, tempo);
      if (crossed || h.number - metagraph.block >= config.syncEveryBlocks) syncDue = true;
    }
    if (watchdog !== null) watchdog.noWeightsSince(lane?.lastLandedBlock ?? startHead, h.number, warm());
    lane?.kick(h.number);
  };

  const stepLoop = async (st: { taskSeed: number; nextStep: number }): Promise<void> => {
    const c = vk as ValidatorKey;
    const limit = BigInt(config.vpermitStakeLimit);
    const scoring = scoringParamsOf(config);
    let step = st.nextStep;
    while (!abort.signal.aborted) {
      const t0 = performance.now();
      try {
        if (syncDue || metagraph === null) await abortable(sync(), abort.signal);
        const m = metagraph as Metagraph;
        const task = taskOf(tasks, st.taskSeed, step);
        const uids = sampleUids(availableUids(m, selfUid, limit), config.sampleSize, st.taskSeed, step);
        const out = await runStep({
          step, seed: st.taskSeed, metagraph: m, uids, task, queriesPerStep: config.queriesPerStep, concurrency: config.concurrency,
          timeoutSeconds: config.queryTimeoutSeconds, scoring, dendrite: dendrite as Dendrite, signal: abort.signal,
        });
        for (const [status, count] of out.statuses) metrics.minerQueries.inc({ status: String(status) }, count);
        if (!out.complete) {
          metrics.steps.inc({ outcome: 'cut' });
          log.info({ step }, 'step cut short by the stop: not applied (it is redone on the next start)');
          break;
        }
        const next = ScoreBook.fromJSON(book.toJSON());
        next.update(out.entries);
        const durationMs = performance.now() - t0;
        const stored = next.toJSON().entries.filter((e) => e.uid < m.n);
        crashPoint('step.scored');
        (store as Store).validator.commitStep(c, { step, block: m.block, task: task.name, queried: out.queried, responsive: out.responsive, durationMs }, stored);
        const appliedMs = performance.now() - t0;
        book = next;
        for (const uid of uids) scoredSinceStart.add(uid);
        lastStepAt = Date.now();
        watchdog?.stepDone();
        metrics.steps.inc({ outcome: 'applied' });
        metrics.stepDuration.observe(durationMs / 1000);
        metrics.lastStepTimestamp.set(lastStepAt / 1000);
        log.info({ step, block: m.block, task: task.name, queried: out.queried, responsive: out.responsive, statuses: Object.fromEntries(out.statuses), durationMs: Math.round(durationMs) }, 'step applied');
        if (log.isLevelEnabled('debug')) log.debug({ step, shapley: Object.fromEntries(out.shapley), scores: Object.fromEntries(stored.map((e) => [e.uid, e.score])) }, 'step scores');
        emit('step', { step, block: m.block, task: task.name, queried: out.queried, responsive: out.responsive, durationMs, appliedMs, slowestAnswerMs: out.slowestAnswerMs, shapley: out.shapley });
        crashPoint('step.applied');
        step++;
      } catch (e) {
        if (abort.signal.aborted) break;
        metrics.steps.inc({ outcome: 'failed' });
        log.warn({ step, err: (e as Error).message, code: (e as { code?: string }).code }, 'step failed; trying again after the pause');
      }
      try {
        await sleep(config.stepIntervalSeconds * 1000, undefined, { signal: abort.signal });
      } catch {
        break;
      }
    }
  };

  /** Closes what is open, once each (a start cut short by a stop may open something after the stop began). */
  const release = async (): Promise<void> => {
    unsubscribe?.();
    unsubscribe = null;
    const [a, d, c, s] = [admin, dendrite, conn, store];
    admin = null;
    dendrite = null;
    conn = null;
    store = null;
    await a?.close().catch(() => undefined);
    await d?.close().catch(() => undefined);
    await c?.close().catch(() => undefined);
    s?.close();
  };

  const finish = (reason: StopReason): Promise<void> => {
    if (stopping !== null) return stopping;
    phase = 'stopping';
    abort.abort();
    stopping = (async () => {
      watchdog?.stop();
      // The running step finishes or reaches its deadline (the queries' own). The weights lane's waits end with the
      // abort (the pipeline takes the signal); 2 s more at most for a chain call in flight, after which its intent is
      // left in the store for the next start to resume.
      await loop?.catch(() => undefined);
      if (lane !== null) await Promise.race([lane.idle(), sleep(2_000)]);
      await release();
      phase = 'stopped';
      log.info({ reason: reason.kind }, 'validator stopped');
      emit('stopped', reason);
      resolveStopped(reason);
    })();
    return stopping;
  };

  /**
   * Opens the connection, retrying a refused or failed connect every few seconds (the node may be restarting) until
   * `stallSeconds` have passed: then the watchdog's error, so that a supervisor restarts the service later.
   */
  const connect = async (): Promise<ChainConnection> => {
    const giveUpAt = Date.now() + config.stallSeconds * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await ChainConnection.open({ url: options.chain, callTimeoutMs: options.callTimeoutMs, log: (line) => log.warn({ chain: options.chain }, line) });
      } catch (e) {
        if (!(e instanceof ChainConnectError)) throw e;
        if (Date.now() >= giveUpAt) throw new WatchdogError('stalled-chain', `cannot connect to ${options.chain} for ${config.stallSeconds} s (${e.message})`);
        const pause = Math.min(5_000, Math.max(0, giveUpAt - Date.now()));
        log.warn({ attempt, retryInMs: pause, err: e.message }, 'cannot connect to the chain; retrying');
        await sleep(pause, undefined, { signal: abort.signal });
      }
    }
  };

  const start = async (): Promise<void> => {
    if (phase !== 'new') throw new InvalidOptionError('start', 'a validator starts once');
    phase = 'starting';
    try {
      // A stop during the start ends it at the next step of the way (AbortError).
      const alive = (): void => abort.signal.throwIfAborted();
      const key = await loadKey(options.key, { dev: options.dev === true });
      conn = await connect();
      alive();
      store = Store.open(options.db ?? 'yumaval.db');
      vk = { chain: conn.api.genesisHash.toHex(), netuid: options.netuid, hotkey: key.address };
      // The secret task seed: drawn once from the OS's CSPRNG, kept in the store, never logged.
      const st = store.validator.open(vk, () => randomInt(0, 2 ** 47));
      const saved = store.validator.scores(vk);
      book = ScoreBook.fromJSON({ version: 1, alpha: config.emaAlpha, entries: saved });
      restored = saved.length > 0;
      await sync();
      alive();
      const m = metagraph as unknown as Metagraph;
      selfUid = m.hotkeys.indexOf(key.address);
      if (selfUid < 0) throw new NotRegisteredError(key.address, options.netuid);
      head = m.block;
      startHead = m.block;
      // A step sends up to `concurrency` requests to each miner at once, so one bad moment is that many failures in a
      // row: an axon's breaker opens only after about two steps of failures, not after part of one.
      const breakerThreshold = Math.max(DENDRITE_DEFAULTS.breakerThreshold, 2 * Math.min(config.concurrency, config.queriesPerStep));
      dendrite = await createDendrite({
        key: options.key, dev: options.dev === true, workers: config.dendriteWorkers, timeout: config.queryTimeoutSeconds,
        allowPrivate: options.allowPrivate === true, breakerThreshold, workerYoungGenerationMb: config.dendriteWorkerYoungGenerationMb,
        workerOldGenerationMb: config.dendriteWorkerOldGenerationMb,
      });
      alive();
      // No wait of the pipeline (a rate limit, a reveal window) outlasts the watchdog's patience.
      const maxWaitMs = Math.min(WEIGHTS_PIPELINE_DEFAULTS.maxWaitMs, Math.ceil(config.stallSeconds * 1000));
      const pipeline = new WeightsPipeline(conn, store, key.pair, { maxWaitMs, ...options.pipeline, signal: abort.signal, log: (line) => log.info({ component: 'weights' }, line) }, options.timelock);
      lane = new WeightsLane({
        conn, store, pipeline, key: vk, selfUid, config, metrics, log, book: () => book, warm, signal: abort.signal,
        events: {
          submitted: (e) => emit('submitted', e),
          landed: (e) => {
            emit('landed', e);
            if (options.epochs !== undefined && options.epochs !== null && e.landed >= options.epochs) void finish({ kind: 'epochs', landed: e.landed });
          },
          prediction: (e) => emit('prediction', e),
          predictionChecked: (e) => emit('predictionChecked', e),
          metagraph: adopt,
        },
      });
      watchdog = new Watchdog(config, (error) => {
        log.error({ reason: error.reason }, error.message);
        emit('watchdog', { reason: error.reason, message: error.message });
        void finish({ kind: 'watchdog', error });
      });
      if (metricsAt !== null) admin = await startAdminServer(metricsAt, metrics.registry, health, options.allowNonLoopbackMetrics === true);
      alive();
      unsubscribe = await subscribeFinalizedHeads(conn, onHead, {
        signal: abort.signal, stallMs: config.stallSeconds * 1000, onStall: (ms) => watchdog?.chainStalled(ms),
      });
      alive();
      phase = 'running';
      watchdog.start();
      log.info({ hotkey: key.address, uid: selfUid, netuid: options.netuid, block: m.block, restored, nextStep: st.nextStep, metrics: admin?.url ?? null }, 'validator started');
      emit('started', { uid: selfUid, hotkey: key.address, block: m.block, restored, nextStep: st.nextStep });
      lane.kick(m.block);
      loop = stepLoop(st).catch((e: unknown) => {
        log.error({ err: (e as Error).message }, 'the step loop failed');
        void finish({ kind: 'error', error: e as Error });
      });
    } catch (e) {
      await finish(e instanceof WatchdogError ? { kind: 'watchdog', error: e } : { kind: 'error', error: e as Error });
      await release();
      throw e;
    }
  };

  const v: Validator = {
    start,
    stop: () => finish({ kind: 'stop' }),
    stopped,
    on(event, listener) {
      emitter.on(event, listener as (...a: unknown[]) => void);
      return v;
    },
    off(event, listener) {
      emitter.off(event, listener as (...a: unknown[]) => void);
      return v;
    },
    health,
    metrics,
    get adminUrl() {
      return admin?.url ?? null;
    },
    config,
  };
  return v;
}

/** Races a promise against a signal (the abandoned promise's result is ignored). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

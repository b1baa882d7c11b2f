import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainConnection, subscribeFinalizedHeads, syncMetagraph, type Metagraph } from '../chain/index.js';
import { createDevnet, startRpcServer, type RpcServer } from '../devnet/index.js';
import { loadKey } from '../keys/index.js';
import { startAxon, type AxonHandle } from '../miner/index.js';
import { Archive, chainSource, replay } from '../replay/index.js';
import { createLogger, createValidator, nextEpochBlock, NotRegisteredError, type Validator } from '../service/index.js';
import { createFeatureClassTask, createNextTokenTask, profileHandler } from '../task/index.js';
import { featureHandler } from './feature-miner.js';
import { compareModels, type ModelComparison } from './model-comparison.js';
import { resolveDemoOptions, type DemoOptions } from './options.js';
import { DEMO_TASK_MIX, DEMO_VALIDATORS, demoMiners, SELF_DEALER_COLDKEY, type DemoMiner } from './roster.js';
import { ScriptedValidator } from './scripted-validator.js';
import type { DemoState, EpochRecord, ValidatorView } from './types.js';

/*
 * The whole subnet in one process on 127.0.0.1: the devnet (RPC on a free port), the reference axons (free ports), two
 * honest validator services and the two scripted ones. An observer reads the metagraph at the first finalized head
 * after each epoch and records the chain's output; the run ends after `epochs` records or when `signal` aborts.
 * Everything started is closed in `finally`, in reverse order, so no port and no thread outlives the run.
 */

const NETUID = 1;
const RAO_PER_TAO = 1_000_000_000n;

/** What runDemo returns. */
export interface DemoRun {
  options: DemoOptions;
  miners: Array<DemoMiner & { uid: number }>;
  validators: ValidatorView[];
  records: EpochRecord[];
  /** Wall time from start to the last record, ms (the shutdown is not included). */
  wallMs: number;
  /** True when the signal stopped the run before `epochs` records. */
  interrupted: boolean;
  /**
   * Each task's contribution: per task, the honest validators' steps of it and, per uid, the mean share of a step's
   * positive Shapley mass it got (what the step's scores pay it, before the EMA mixes the tasks).
   */
  tasks: Record<string, { steps: number; share: Record<number, number> }>;
  /**
   * What the sybil group and the copier earn under each scoring model, from the same miners' answers offline
   * (model-comparison.ts); null when the run was interrupted (a stop must not wait for it).
   */
  models: ModelComparison | null;
  /** The archive written (options.archive): its file, the epochs replayed into it and how many matched the chain. */
  archive: { file: string; netuid: number; epochs: number; matched: number } | null;
}

/** Hooks of a run. */
export interface DemoHooks {
  /** Aborting stops the run (everything is closed before runDemo resolves). */
  signal?: AbortSignal;
  /** Called on each finalized head and each epoch with the live state. */
  onState?: (s: DemoState, record: EpochRecord | null) => void;
  /** Called once the devnet serves: its URL and the axons' ports (all on 127.0.0.1). */
  onReady?: (e: { url: string; axonPorts: number[] }) => void;
}

/**
 * Runs the demo subnet; resolves once everything is closed. A run that was not interrupted then compares the scoring
 * models on its miners (model-comparison.ts), with nothing else running.
 */
export async function runDemo(partial: Partial<DemoOptions> = {}, hooks: DemoHooks = {}): Promise<DemoRun> {
  const run = await runSubnet(partial, hooks);
  if (run.interrupted) return run;
  return { ...run, models: compareModels(demoMiners(run.options.queryTimeoutSeconds), { yuma3: run.options.yuma3, liquidAlpha: run.options.liquidAlpha }) };
}

/** The live part of runDemo: everything started is closed before it resolves. */
async function runSubnet(partial: Partial<DemoOptions>, hooks: DemoHooks): Promise<DemoRun> {
  const o = resolveDemoOptions(partial);
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-demo-'));
  const axons: AxonHandle[] = [];
  const honest: Validator[] = [];
  const scripted: ScriptedValidator[] = [];
  let server: RpcServer | null = null;
  let node: Awaited<ReturnType<typeof createDevnet>> | null = null;
  let conn: ChainConnection | null = null;
  const subscription: { unsubscribe: (() => void) | null } = { unsubscribe: null };
  const records: EpochRecord[] = [];
  const minerDefs = demoMiners(o.queryTimeoutSeconds);
  const views: ValidatorView[] = DEMO_VALIDATORS.map((v) => ({ label: v.label, role: v.role, uid: -1, stakeTao: v.stakeTao, lastStep: null, landed: 0, vtrustPredicted: null, vtrustActual: null, lastError: null }));
  const state: DemoState = { block: 0, epoch: 0, epochs: o.epochs, validators: views, top: [] };
  let miners: Array<DemoMiner & { uid: number }> = [];
  let interrupted = false;
  let wallMs = 0;
  let archived: DemoRun['archive'] = null;
  const taskSums = new Map<string, { steps: number; share: Map<number, number> }>();
  try {
    const aborted = (): boolean => hooks.signal?.aborted === true;
    const task = createNextTokenTask();
    const featureTask = createFeatureClassTask();
    const neurons: Array<Record<string, unknown>> = DEMO_VALIDATORS.map((v) => ({
      hotkey: v.hotkey, coldkey: v.coldkey, stake: (BigInt(v.stakeTao) * RAO_PER_TAO).toString(), permit: true,
    }));
    for (const m of minerDefs) {
      const key = await loadKey({ uri: m.hotkey }, { dev: true });
      const synapses = [];
      if (m.profile !== null) {
        const handler = profileHandler(m.profile, m.options);
        synapses.push({ spec: task.synapse, handler: (req: { fields: Readonly<Record<string, unknown>> }) => handler(req.fields) });
      }
      if (m.feature !== null) {
        const handler = featureHandler(featureTask, m.feature);
        synapses.push({ spec: featureTask.synapse, handler: (req: { fields: Readonly<Record<string, unknown>> }) => handler(req.fields) });
      }
      const axon = await startAxon({ key, port: 0, log: () => {}, synapses });
      axons.push(axon);
      neurons.push({ hotkey: m.hotkey, coldkey: m.coldkey, axon: { ip: '127.0.0.1', port: axon.port } });
    }
    if (aborted()) return finish();
    node = await createDevnet({
      config: {
        subnets: [{
          netuid: NETUID, tempo: o.tempo, weightsSetRateLimit: 2, minAllowedWeights: 1, yuma3: o.yuma3, liquidAlpha: o.liquidAlpha,
          commitRevealEnabled: o.commitReveal, revealPeriodEpochs: 1, neurons,
        }],
      },
      blockTimeMs: o.blockTimeMs, log: () => {},
    });
    server = await startRpcServer(node);
    node.start();
    hooks.onReady?.({ url: server.url, axonPorts: axons.map((a) => a.port) });
    conn = await ChainConnection.open({ url: server.url, log: () => {} });
    const first = await syncMetagraph(conn, NETUID);
    const uidOf = async (uri: string): Promise<number> => {
      const { address } = await loadKey({ uri }, { dev: true });
      const u = first.hotkeys.indexOf(address);
      if (u < 0) throw new NotRegisteredError(uri, NETUID);
      return u;
    };
    miners = [];
    for (const m of minerDefs) miners.push({ ...m, uid: await uidOf(m.hotkey) });
    for (const [i, v] of DEMO_VALIDATORS.entries()) (views[i] as ValidatorView).uid = await uidOf(v.hotkey);
    const boosted = miners.find((m) => m.coldkey === SELF_DEALER_COLDKEY)?.uid ?? null;
    const pipeline = { pollMs: 50, inclusionTimeoutMs: 20_000, backoffMs: 100 };
    const quiet = createLogger({ level: 'warn', sink: { write: () => {} } });
    const lastPrediction = new Map<string, { epochBlock: number; vtrust: number }>();
    for (const [i, v] of DEMO_VALIDATORS.entries()) {
      const view = views[i] as ValidatorView;
      if (v.role === 'honest') {
        const val = createValidator({
          chain: server.url, netuid: NETUID, key: { uri: v.hotkey }, dev: true, db: join(dir, `${v.label}.db`), allowPrivate: true,
          logger: quiet, processMetrics: false, pipeline,
          config: {
            tasks: DEMO_TASK_MIX, queriesPerStep: 32, stepIntervalSeconds: 0.5, queryTimeoutSeconds: o.queryTimeoutSeconds, dendriteWorkers: 1,
            syncEveryBlocks: 4, minScoredBeforeWeights: miners.length, stallSeconds: 60, maxBlocksWithoutWeights: 40 * (o.tempo + 1),
            // A faster EMA than the template's 0.1: the demo's whole run is a few dozen steps.
            emaAlpha: 0.3,
          },
        });
        val.on('step', (e) => {
          view.lastStep = `#${e.step} ${e.task} ${e.responsive}/${e.queried} in ${(e.durationMs / 1000).toFixed(1)} s`;
          const total = [...e.shapley.values()].reduce((a, x) => a + Math.max(0, x), 0);
          if (!(total > 0)) return;
          const t = taskSums.get(e.task) ?? { steps: 0, share: new Map<number, number>() };
          t.steps++;
          for (const [uid, x] of e.shapley) t.share.set(uid, (t.share.get(uid) ?? 0) + Math.max(0, x) / total);
          taskSums.set(e.task, t);
        });
        val.on('landed', (e) => { view.landed = e.landed; });
        val.on('prediction', (e) => { view.vtrustPredicted = e.vtrust; lastPrediction.set(v.label, { epochBlock: e.epochBlock, vtrust: e.vtrust }); });
        val.on('submitted', (e) => { view.lastError = e.error; });
        honest.push(val);
      } else {
        const key = await loadKey({ uri: v.hotkey }, { dev: true });
        scripted.push(new ScriptedValidator(v.role, conn, key.pair, join(dir, `${v.label}.db`), NETUID, v.role === 'self-dealer' ? boosted : null, { ...pipeline, maxWaitMs: 30_000 }));
      }
    }
    if (aborted()) return finish();
    await Promise.all(honest.map((v) => v.start()));
    if (aborted()) return finish();

    const c = conn;
    let lastEpochBlock = first.lastMechanismStepBlock;
    let reading = false;
    const done = new Promise<void>((resolve) => {
      hooks.signal?.addEventListener('abort', () => { interrupted = true; resolve(); }, { once: true });
      const onEpoch = (m: Metagraph, ran: number): void => {
        const record: EpochRecord = {
          index: records.length, block: ran, incentive: m.incentive.slice(), dividends: m.dividends.slice(),
          vtrust: m.validatorTrust.slice(), consensus: m.consensus.slice(), stake: m.stake.map(String), emission: m.emission.map(String),
          predicted: Object.fromEntries([...lastPrediction].filter(([, p]) => p.epochBlock === ran).map(([k, p]) => [k, p.vtrust])),
        };
        records.push(record);
        state.epoch = records.length;
        for (const v of views) v.vtrustActual = m.validatorTrust[v.uid] ?? 0;
        for (const [k, s] of scripted.entries()) {
          const view = views.find((v) => v.role === s.role) as ValidatorView;
          view.landed = s.landed; view.lastError = s.lastError;
          void scripted[k]?.onEpoch(m, view.uid);
        }
        state.top = miners.map((x) => ({ label: x.label, uid: x.uid, incentive: m.incentive[x.uid] ?? 0, quality: x.quality }))
          .sort((a, b) => b.incentive - a.incentive);
        hooks.onState?.(state, record);
        if (records.length >= o.epochs) resolve();
      };
      void subscribeFinalizedHeads(c, (head) => {
        state.block = head.number;
        hooks.onState?.(state, null);
        const target = nextEpochBlock(lastEpochBlock, NETUID, o.tempo);
        if (reading || head.number < target) return;
        reading = true;
        syncMetagraph(c, NETUID, { at: head.hash })
          .then((m) => {
            // A runtime without LastMechansimStepBlock reads 0: the schedule says when the epoch ran.
            const ran = m.lastMechanismStepBlock === 0 ? target : m.lastMechanismStepBlock;
            if (ran >= target) { lastEpochBlock = ran; onEpoch(m, ran); }
          })
          .catch(() => { /* the next head reads again */ })
          .finally(() => { reading = false; });
      }, { signal: hooks.signal }).then((u) => { subscription.unsubscribe = u; }, () => resolve());
    });
    await done;
    if (o.archive !== null && records.length > 0 && !interrupted) {
      // The chain's own record of the run, as `yumaval replay` keeps it: every epoch up to the last one observed.
      const file = Archive.open(o.archive);
      try {
        const r = await replay({ netuid: NETUID, from: 1, to: (records[records.length - 1] as EpochRecord).block, source: chainSource(c), archive: file, ...(hooks.signal === undefined ? {} : { signal: hooks.signal }) });
        archived = { file: o.archive, netuid: NETUID, epochs: r.summary.epochs, matched: r.summary.matched };
      } finally {
        file.close();
      }
    }
    return finish();
  } finally {
    const closing: Array<Promise<unknown>> = [];
    subscription.unsubscribe?.();
    closing.push(...honest.map((v) => v.stop()));
    await Promise.allSettled(closing);
    for (const s of scripted) s.close();
    await conn?.close().catch(() => {});
    await server?.close().catch(() => {});
    await node?.close().catch(() => {});
    await Promise.allSettled(axons.map((a) => a.close()));
    rmSync(dir, { recursive: true, force: true });
  }

  function finish(): DemoRun {
    if (hooks.signal?.aborted === true && records.length < o.epochs) interrupted = true;
    wallMs = performance.now() - t0;
    const tasks = Object.fromEntries([...taskSums].map(([name, t]) => [name, { steps: t.steps, share: Object.fromEntries([...t.share].map(([u, x]) => [u, x / t.steps])) }]));
    return { options: o, miners, validators: views, records, wallMs, interrupted, tasks, models: null, archive: archived };
  }
}

import { parseScoreBatch, processAndEmit, SCORING_DEFAULTS, SCORING_MODELS, scoreBatch, type ScoringModel, type ScoringParams } from '../scoring/index.js';
import { meanIncentiveShare, simulate, type Scenario } from '../simulation/index.js';
import { createNextTokenTask, profileHandler, toScoreBatch, type MinerReply } from '../task/index.js';
import { DEMO_VALIDATORS, type DemoMiner } from './roster.js';

/*
 * What the sybil group and the copier earn under each scoring model (issue 23), beside the live run. The live run's
 * validator services score with one model (their config's); running the whole subnet again per model would double
 * `npm start`. So the demo's next-token miners answer the same queries offline, the two honest validators score each
 * epoch's batch under each model, emit weights by the SDK's processing, and `simulate` runs the epochs with the run's
 * Yuma; then again without the sybil group, and without the copier, for what the miners they copy earn alone. The
 * miners and their answers are the live run's (the same profiles and options); only the network is left out. 2 models
 * × 3 subnets × 2 validators × `epochs` batches of a dozen miners: about a second.
 */

/** Queries per batch: the demo's honest validators' queriesPerStep. */
const QUERIES = 32;
const RAO_PER_TAO = 1_000_000_000;

/** Shares of 1: the sybil group (its hotkeys together), the model it perturbs, the copier, and the miner it copies. */
export interface Shares { sybilGroup: number; sybilBase: number; copier: number; copied: number }

/** One model's figures. */
export interface ModelEarnings {
  model: ScoringModel;
  /** Incentive share, mean over the second half of the epochs. */
  incentive: Shares;
  /** Mean share of a step's Shapley mass. */
  scoreShare: Shares;
  /** The incentive share of sybilBase in the same subnet without the sybil group, and of copied without the copier. */
  alone: { sybilBase: number; copied: number };
}

/** The comparison: one entry per scoring model, in the order of SCORING_MODELS. */
export interface ModelComparison {
  epochs: number;
  /** The labels behind the figures. */
  sybilGroup: string[];
  sybilBase: string;
  copier: string;
  copied: string;
  models: ModelEarnings[];
}

/** The answers of each miner to the queries of (seed, step). */
function replies(miners: readonly DemoMiner[], queries: ReadonlyArray<{ fields: Readonly<Record<string, unknown>> }>): Map<number, MinerReply[]> {
  const out = new Map<number, MinerReply[]>();
  miners.forEach((m, uid) => {
    const handler = profileHandler(m.profile as NonNullable<DemoMiner['profile']>, m.options);
    out.set(uid, queries.map((q) => {
      const action = handler(q.fields);
      return action.kind === 'fields' ? { fields: action.fields } : { error: action.kind };
    }));
  });
  return out;
}

/** Per label: its incentive share (mean of the second half) and its mean share of a step's Shapley mass. */
interface RunShares { sum(labels: readonly string[], of: 'incentive' | 'score'): number }

/** Simulates the miners under one model: each validator scores its own batch every epoch, then the Yuma epochs run. */
function runModel(
  miners: readonly DemoMiner[],
  c: { task: ReturnType<typeof createNextTokenTask>; validators: ReadonlyArray<{ stakeTao: number }>; params: ScoringParams; epochs: number; yuma: { yuma3: boolean; liquidAlpha: boolean } },
): RunShares {
  const V = c.validators.length, n = V + miners.length;
  const minerUids = miners.map((_, k) => V + k);
  const score = new Float64Array(miners.length);
  const scenario: Scenario = {
    name: `demo-${c.params.model}`, n, validators: c.validators.map((_, v) => v),
    stake: Array.from({ length: n }, (_, i) => (i < V ? String((c.validators[i]?.stakeTao ?? 0) * RAO_PER_TAO) : '0')),
    hyperparams: { maxAllowedValidators: V },
    variants: [{ name: 'run', yuma3: c.yuma.yuma3, liquidAlpha: c.yuma.liquidAlpha }],
    warmupEmptyEpoch: true,
    epochs: Array.from({ length: c.epochs }, (_, e) => ({
      weights: Object.fromEntries(c.validators.map((_, v) => {
        // The same seeds with and without some miners: the others' answers are the same.
        const seed = 1000 * v + 1, queries = c.task.makeQueries(seed, e + 1, QUERIES);
        const shapley = scoreBatch(parseScoreBatch(toScoreBatch(c.task, queries, replies(miners, queries), seed)), c.params).shapley;
        const total = shapley.reduce((a, x) => a + Math.max(0, x), 0);
        if (total > 0) shapley.forEach((x, k) => { score[k] = (score[k] as number) + Math.max(0, x) / total / (c.epochs * V); });
        const emitted = processAndEmit({ uids: minerUids, weights: shapley, n, minAllowedWeights: 1 });
        return [String(v), emitted.uids.map((u, i) => [u, emitted.values[i] as number] as [number, number])];
      })),
    })),
  };
  const run = simulate(scenario).variants[0];
  const from = Math.floor(c.epochs / 2);
  return {
    sum(labels, of) {
      const ks = miners.flatMap((m, k) => (labels.includes(m.label) ? [k] : []));
      if (ks.length === 0) return 0;
      if (of === 'score') return ks.reduce((a, k) => a + (score[k] as number), 0);
      return run === undefined ? 0 : meanIncentiveShare(run.epochs, ks.map((k) => V + k), from);
    },
  };
}

/**
 * Runs the comparison for the demo's miners (those that serve the next-token task and are not failure profiles: a
 * failure earns 0 under both models) with the run's Yuma.
 */
export function compareModels(allMiners: readonly DemoMiner[], o: { yuma3: boolean; liquidAlpha: boolean; epochs?: number }): ModelComparison {
  const epochs = o.epochs ?? 12;
  const miners = allMiners.filter((m) => m.profile !== null && !m.failure);
  const copierMiner = miners.find((m) => m.profile === 'copier');
  const sybils = miners.filter((m) => m.profile === 'sybil');
  const copied = String(copierMiner?.options.copyOf ?? 'oracle-0.9');
  const sybilBase = String(sybils[0]?.options.sybilBase ?? 'oracle-0.6');
  const validators = DEMO_VALIDATORS.filter((v) => v.role === 'honest');
  const task = createNextTokenTask();
  const withoutSybils = miners.filter((m) => !sybils.includes(m)), withoutCopier = miners.filter((m) => m !== copierMiner);
  const models = SCORING_MODELS.map((model): ModelEarnings => {
    const params = { ...SCORING_DEFAULTS, model };
    const full = runModel(miners, { task, validators, params, epochs, yuma: o });
    const noSybils = runModel(withoutSybils, { task, validators, params, epochs, yuma: o });
    const noCopier = runModel(withoutCopier, { task, validators, params, epochs, yuma: o });
    const pick = (r: RunShares, labels: { sybilGroup: string[]; sybilBase: string[]; copier: string[]; copied: string[] }, of: 'incentive' | 'score'): Shares => ({
      sybilGroup: r.sum(labels.sybilGroup, of), sybilBase: r.sum(labels.sybilBase, of), copier: r.sum(labels.copier, of), copied: r.sum(labels.copied, of),
    });
    const labels = { sybilGroup: sybils.map((m) => m.label), sybilBase: [sybilBase], copier: copierMiner === undefined ? [] : [copierMiner.label], copied: [copied] };
    return {
      model,
      incentive: pick(full, labels, 'incentive'),
      scoreShare: pick(full, labels, 'score'),
      alone: { sybilBase: noSybils.sum([sybilBase], 'incentive'), copied: noCopier.sum([copied], 'incentive') },
    };
  });
  return { epochs, sybilGroup: sybils.map((s) => s.label), sybilBase, copier: copierMiner?.label ?? '-', copied, models };
}

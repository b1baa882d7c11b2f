import { spearman } from '../tune/index.js';
import { VALIDATOR_CONFIG_DEFAULTS } from '../service/index.js';
import type { ModelComparison } from './model-comparison.js';
import type { DemoRun } from './run-demo.js';
import type { EpochRecord } from './types.js';

/*
 * The demo's summary, from the recorded chain outputs only. Means are over the second half of the recorded epochs: the
 * first half holds the warm-up (no weights yet, then the score books' EMA filling up), which says nothing about the
 * steady state the question is about.
 */

/** One miner's line of the summary. */
export interface MinerSummary {
  label: string;
  uid: number;
  profile: string;
  quality: number;
  failure: boolean;
  /** At the last recorded epoch, u16 / 65535. */
  finalIncentive: number;
  /** Mean over the second half. */
  meanIncentive: number;
  /** Per task: its mean share of a step's positive Shapley mass over the honest validators' steps of that task. */
  taskShare: Record<string, number>;
}

/** One validator's line. */
export interface ValidatorSummary {
  label: string;
  role: string;
  uid: number;
  stakeTao: number;
  /** Means over the second half: vtrust (of 1), TAO of dividends per 1,000 TAO staked per epoch. */
  meanVtrust: number;
  dividendsPer1000Tao: number;
  /** (this − the honest validator of the same stake) / that honest validator, over the same epochs; null for honest ones. */
  gainVsHonest: number | null;
  /** Mean |predicted − actual| vtrust (of 1) over the epochs with a prediction; null when it predicts nothing. */
  predictionError: number | null;
}

/** The summary of a run (`--json` prints it). */
export interface DemoSummary {
  yuma: 'yuma3' | 'original';
  liquidAlpha: boolean;
  commitReveal: boolean;
  epochs: number;
  /** Epochs the means are over (the second half). */
  meanFrom: number;
  wallSeconds: number;
  interrupted: boolean;
  /** Spearman's rank correlation of the final incentive with the true quality, over every miner. */
  spearman: number;
  /** The final incentive orders oracle-0.9 > oracle-0.6 > oracle-0.3. */
  oraclesRanked: boolean;
  /** Every failure profile's final incentive is 0. */
  failuresZero: boolean;
  /** The honest validators' steps per task. */
  taskSteps: Record<string, number>;
  miners: MinerSummary[];
  validators: ValidatorSummary[];
  /** The live run's scoring model (its honest validators' config). */
  scoringModel: string;
  /** The sybil group and the copier under each scoring model (offline, the same answers); null when interrupted. */
  models: ModelComparison | null;
}

const U16 = 65535;

/** TAO of dividends per 1,000 TAO of stake, per uid, for one epoch (NaN where the stake is 0). */
export function dividendsPer1000(r: EpochRecord, uid: number): number {
  const stake = Number(r.stake[uid] ?? '0');
  return stake === 0 ? Number.NaN : (Number(r.emission[uid] ?? '0') / stake) * 1000;
}

function mean(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? Number.NaN : ok.reduce((s, x) => s + x, 0) / ok.length;
}

/** Summarises a run. */
export function summarize(run: DemoRun): DemoSummary {
  const recs = run.records;
  const from = Math.floor(recs.length / 2);
  const tail = recs.slice(from);
  const last = recs[recs.length - 1];
  const miners: MinerSummary[] = run.miners.map((m) => ({
    label: m.label, uid: m.uid, profile: m.profile ?? 'feature-class only', quality: m.quality, failure: m.failure,
    finalIncentive: (last?.incentive[m.uid] ?? 0) / U16,
    meanIncentive: mean(tail.map((r) => (r.incentive[m.uid] ?? 0) / U16)),
    taskShare: Object.fromEntries(Object.entries(run.tasks).map(([name, t]) => [name, t.share[m.uid] ?? 0])),
  }));
  const by = (label: string): MinerSummary | undefined => miners.find((m) => m.label === label);
  const o9 = by('oracle-0.9')?.finalIncentive ?? 0, o6 = by('oracle-0.6')?.finalIncentive ?? 0, o3 = by('oracle-0.3')?.finalIncentive ?? 0;
  const honestSameStake = (stake: number): number | undefined => run.validators.find((v) => v.role === 'honest' && v.stakeTao === stake)?.uid;
  const validators: ValidatorSummary[] = run.validators.map((v) => {
    const d = mean(tail.map((r) => dividendsPer1000(r, v.uid)));
    const peer = v.role === 'honest' ? undefined : honestSameStake(v.stakeTao);
    const peerD = peer === undefined ? Number.NaN : mean(tail.map((r) => dividendsPer1000(r, peer)));
    const withPrediction = recs.filter((r) => r.predicted[v.label] !== undefined);
    return {
      label: v.label, role: v.role, uid: v.uid, stakeTao: v.stakeTao,
      meanVtrust: mean(tail.map((r) => (r.vtrust[v.uid] ?? 0) / U16)),
      dividendsPer1000Tao: d,
      gainVsHonest: peer === undefined || !(peerD > 0) ? null : (d - peerD) / peerD,
      predictionError: withPrediction.length === 0 ? null : mean(withPrediction.map((r) => Math.abs((r.predicted[v.label] as number) - (r.vtrust[v.uid] ?? 0)) / U16)),
    };
  });
  return {
    yuma: run.options.yuma3 ? 'yuma3' : 'original', liquidAlpha: run.options.liquidAlpha, commitReveal: run.options.commitReveal,
    epochs: recs.length, meanFrom: from, wallSeconds: Math.round(run.wallMs / 100) / 10, interrupted: run.interrupted,
    spearman: last === undefined ? Number.NaN : spearman(miners.map((m) => m.finalIncentive), miners.map((m) => m.quality)),
    oraclesRanked: o9 > o6 && o6 > o3,
    failuresZero: miners.filter((m) => m.failure).every((m) => m.finalIncentive === 0),
    taskSteps: Object.fromEntries(Object.entries(run.tasks).map(([name, t]) => [name, t.steps])),
    miners, validators,
    scoringModel: VALIDATOR_CONFIG_DEFAULTS.scoringModel, models: run.models,
  };
}

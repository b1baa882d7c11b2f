import { resolveScoringParams, parseScoreBatch, scoreBatch, ScoreBook, SCORING_DEFAULTS } from '../scoring/index.js';
import { createNextTokenTask, profileHandler, toScoreBatch, type MinerReply, type ProfileName } from '../task/index.js';
import type { ParamValues } from './params.js';
import type { Space } from './space.js';

/*
 * Scoring-parameter trials: an offline validator, in process and without sockets. Each step it draws `sampleSize`
 * queries of the built-in task, has the miner profiles answer them, scores the answers by informational value with the
 * trial's parameters and moves the score book's EMA. The miners' true quality is their oracle fidelity, so the final
 * weights can be checked against it. A second oracle-0.9 miner joins half-way (or at `newcomer.at`): how fast it
 * reaches the weight of its established twin is the reaction the EMA trades against stability.
 */

interface Miner {
  profile: ProfileName;
  /** The ground truth: the oracle's fidelity (0 for noise). */
  quality: number;
}

/** The established miners (uids 0..3) and the newcomer (uid 4), the same quality as uid 0. */
const MINERS: readonly Miner[] = [
  { profile: 'oracle-0.9', quality: 0.9 },
  { profile: 'oracle-0.6', quality: 0.6 },
  { profile: 'oracle-0.3', quality: 0.3 },
  { profile: 'noise', quality: 0 },
];
const NEWCOMER: Miner = { profile: 'oracle-0.9', quality: 0.9 };
const DEFAULT_STEPS = 40;
const DEFAULT_SAMPLE = 64;

/** Average ranks (1-based, ties share their mean rank). */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let k = 0; k < order.length;) {
    let e = k;
    while (e + 1 < order.length && (order[e + 1] as readonly [number, number])[0] === (order[k] as readonly [number, number])[0]) e++;
    for (let q = k; q <= e; q++) out[(order[q] as readonly [number, number])[1]] = (k + e) / 2 + 1;
    k = e + 1;
  }
  return out;
}

/** Spearman's rank correlation: Pearson's correlation of the average ranks (NaN when either side is constant). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a), rb = ranks(b);
  const n = ra.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n, mb = rb.reduce((s, x) => s + x, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (ra[i] as number) - ma, db = (rb[i] as number) - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/** Total-variation distance between two non-negative vectors, each normalised to sum 1 (0 if either is all zero). */
export function tvDistance(a: readonly number[], b: readonly number[]): number {
  const sa = a.reduce((s, x) => s + x, 0), sb = b.reduce((s, x) => s + x, 0);
  if (!(sa > 0) || !(sb > 0)) return 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs((a[i] as number) / sa - (b[i] as number) / sb);
  return d / 2;
}

/**
 * One offline validator run with a trial's scoring parameters. Returns rankCorrelation (final scores of all miners
 * against their quality), scoreInstability (mean TV distance between consecutive steps' established scores, over the
 * second half of the steps before the newcomer joins) and newcomerSteps (steps from its joining until its score reaches
 * `reach` of its twin's; the steps left when it never does).
 */
export function evaluateScoring(space: Space, params: ParamValues, objectives: readonly string[], seed: number, budget: number | null): Record<string, number> {
  const settings: Record<string, unknown> = { ...space.fixed, ...params };
  const steps = budget ?? space.epochs ?? DEFAULT_STEPS;
  const sampleSize = typeof settings.sampleSize === 'number' ? settings.sampleSize : DEFAULT_SAMPLE;
  const scoring = resolveScoringParams(Object.fromEntries(Object.entries(settings).filter(([k]) => Object.prototype.hasOwnProperty.call(SCORING_DEFAULTS, k))));
  const joinAt = Math.min(steps, space.newcomer?.at ?? Math.floor(steps / 2));
  const reach = space.newcomer?.reach ?? 0.9;
  const task = createNextTokenTask();
  const miners = [...MINERS, NEWCOMER];
  const handlers = miners.map((m, uid) => profileHandler(m.profile, { seed: 1 + uid }));
  const book = new ScoreBook(scoring);
  const history: number[][] = [];
  for (let step = 0; step < steps; step++) {
    const active = step >= joinAt ? miners.length : MINERS.length;
    const queries = task.makeQueries(seed, step, sampleSize);
    const replies = new Map<number, MinerReply[]>();
    for (let uid = 0; uid < active; uid++) {
      replies.set(uid, queries.map((q): MinerReply => {
        const action = (handlers[uid] as (f: Record<string, unknown>) => { kind: string; fields?: Record<string, unknown> })(q.fields);
        return action.kind === 'fields' ? { fields: action.fields } : { error: action.kind };
      }));
    }
    const result = scoreBatch(parseScoreBatch(toScoreBatch(task, queries, replies, seed)), scoring);
    book.update(result.uids.map((uid, k) => ({ uid, hotkey: `miner-${uid}`, queried: true, responsive: result.responsive[k] as boolean, shapley: result.shapley[k] })));
    history.push(Array.from(book.scores(miners.length)));
  }
  return scoringObjectives(history, miners.map((m) => m.quality), { established: MINERS.length, twin: 0, joinAt, reach }, objectives);
}

/** Where the newcomer sits in a score history: the first `established` uids are there from step 0. */
export interface NewcomerLayout {
  /** Miners present from the start (uids 0..established−1); the newcomer is uid `established`. */
  established: number;
  /** The established miner of the newcomer's quality, whose score it must reach. */
  twin: number;
  /** The step the newcomer joins. */
  joinAt: number;
  /** The fraction of the twin's score it must reach. */
  reach: number;
}

/**
 * The scoring objectives of a score history (one score vector per step, every miner's uid, the newcomer's 0 before it
 * joins): rankCorrelation of the last step against `quality` (the newcomer left out if it never joined),
 * scoreInstability over the established miners from step ⌊joinAt/2⌋ to the join, newcomerSteps from the join.
 */
export function scoringObjectives(history: readonly number[][], quality: readonly number[], layout: NewcomerLayout, objectives: readonly string[]): Record<string, number> {
  const { established, twin, joinAt, reach } = layout;
  const steps = history.length;
  const out: Record<string, number> = {};
  const last = history[steps - 1] ?? [];
  const count = joinAt < steps ? established + 1 : established;
  if (objectives.includes('rankCorrelation')) out.rankCorrelation = spearman(last.slice(0, count), quality.slice(0, count));
  if (objectives.includes('scoreInstability')) {
    let sum = 0, n = 0;
    for (let t = Math.max(1, Math.floor(joinAt / 2)); t < Math.min(joinAt, steps); t++) {
      sum += tvDistance((history[t - 1] as number[]).slice(0, established), (history[t] as number[]).slice(0, established));
      n++;
    }
    out.scoreInstability = n === 0 ? Number.NaN : sum / n;
  }
  if (objectives.includes('newcomerSteps')) {
    let k = Number.NaN;
    for (let t = joinAt; t < steps; t++) {
      const row = history[t] as number[];
      if ((row[established] as number) >= reach * (row[twin] as number)) { k = t - joinAt; break; }
    }
    out.newcomerSteps = joinAt >= steps ? Number.NaN : Number.isNaN(k) ? steps - joinAt : k;
  }
  return out;
}

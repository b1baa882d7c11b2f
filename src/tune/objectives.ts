import type { EpochOutput } from '../yuma/index.js';

/*
 * The consensus objectives, as pure functions of a run's epoch outputs (docs/tune.md gives the same formulas). Stakes
 * are the ones in force at each epoch (stakePath). A value that has no meaning for a run (no honest stake, nothing
 * paid) is NaN, which the sweep reports as null.
 */

/** A run: its epochs' outputs and the stake of every uid at each epoch (rao). */
export interface RunView {
  epochs: readonly EpochOutput[];
  stakes: ReadonlyArray<readonly bigint[]>;
}

const num = (x: string | bigint | undefined): number => Number(x ?? 0);

/** Dividends per rao of stake of `uid` at epoch `e` (NaN without stake). */
export function dividendPerStake(run: RunView, e: number, uid: number): number {
  const stake = num((run.stakes[e] ?? run.stakes[run.stakes.length - 1] ?? [])[uid]);
  return stake > 0 ? num((run.epochs[e] as EpochOutput).validatorEmission[uid]) / stake : Number.NaN;
}

/** The median of the finite values, NaN when there are none. */
export function medianOf(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Copier gain G at the last epoch T (Opentensor's weight-copy procedure): the copier's dividend per stake over the
 * median honest validator's, `G = (D_c/S_c) / median_h (D_h/S_h)`.
 */
export function copierGainAtEnd(run: RunView, copier: number, honest: readonly number[]): number {
  const T = run.epochs.length - 1;
  if (T < 0) return Number.NaN;
  const base = medianOf(honest.map((h) => dividendPerStake(run, T, h)));
  return base > 0 ? dividendPerStake(run, T, copier) / base : Number.NaN;
}

/** The honest validators' total validator emission over the run, in rao (a double). */
export function honestDividendTotal(run: RunView, honest: readonly number[]): number {
  let sum = 0;
  for (const o of run.epochs) for (const h of honest) sum += num(o.validatorEmission[h]);
  return sum;
}

/**
 * Stake retention: the mean over epochs of `E_H / S_H`, where S_H is the honest validators' share of all stake and
 * E_H the honest side's share of the emission: the honest validators' dividends plus every miner's incentive except the
 * dishonest miners' (a cartel's). Subtensor's consensus guarantee is S_H ≤ E_H, a retention ≥ 1.
 */
export function stakeRetention(run: RunView, honest: readonly number[], dishonestMiners: readonly number[]): number {
  const bad = new Set(dishonestMiners);
  let sum = 0, count = 0;
  run.epochs.forEach((o, e) => {
    const stakes = run.stakes[e] ?? run.stakes[run.stakes.length - 1] ?? [];
    let all = 0, mine = 0;
    stakes.forEach((s, u) => { all += Number(s); if (honest.includes(u)) mine += Number(s); });
    let total = 0, ours = 0;
    for (let u = 0; u < o.emission.length; u++) {
      total += num(o.emission[u]);
      if (honest.includes(u)) ours += num(o.validatorEmission[u]);
      if (!bad.has(u)) ours += num(o.serverEmission[u]);
    }
    if (all === 0 || mine === 0 || total === 0) return;
    sum += ours / total / (mine / all);
    count++;
  });
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * Dividend fairness among honest validators: the coefficient of variation (population standard deviation over mean)
 * of each one's mean dividends per stake over the run. 0 when all are paid the same per stake.
 */
export function dividendFairness(run: RunView, honest: readonly number[]): number {
  const means = honest.map((h) => {
    let s = 0, c = 0;
    for (let e = 0; e < run.epochs.length; e++) {
      const d = dividendPerStake(run, e, h);
      if (Number.isFinite(d)) { s += d; c++; }
    }
    return c === 0 ? Number.NaN : s / c;
  }).filter((x) => Number.isFinite(x));
  if (means.length === 0) return Number.NaN;
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  if (!(mean > 0)) return Number.NaN;
  const variance = means.reduce((a, b) => a + (b - mean) * (b - mean), 0) / means.length;
  return Math.sqrt(variance) / mean;
}

/**
 * Epochs until a miner re-registered at epoch `at` reaches `reach` of its fair share: the first k ≥ 0 with
 * `I_m(at + k) ≥ reach · I*_m(at + k)`, where I* is its incentive in the counterfactual run in which it never
 * re-registered. A miner that never catches up counts the epochs left (censored).
 */
export function newcomerEpochs(run: RunView, counterfactual: RunView, uid: number, at: number, reach: number): number {
  for (let e = at; e < run.epochs.length; e++) {
    const fair = ((counterfactual.epochs[e] as EpochOutput).incentive[uid] ?? 0) / 65535;
    const got = ((run.epochs[e] as EpochOutput).incentive[uid] ?? 0) / 65535;
    if (got >= reach * fair) return e - at;
  }
  return Math.max(0, run.epochs.length - at);
}

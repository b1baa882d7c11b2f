import { describe, expect, it } from 'vitest';
import type { EpochOutput } from '../../src/index.js';
import { incentiveInstability, meanIncentiveShare } from '../../src/index.js';
import {
  scoringObjectives, copierGainAtEnd, dividendFairness, dominates, honestDividendTotal, newcomerEpochs, paretoFront, spearman, stakeRetention, tvDistance,
} from '../../src/tune/index.js';
import type { RunView, TrialResult } from '../../src/tune/index.js';

/*
 * Each objective against a case worked by hand (the arithmetic is in the comments), not against the code's own output.
 */

/** An epoch output with only the fields the objectives read. */
function epoch(f: { ve?: number[]; se?: number[]; inc?: number[] }): EpochOutput {
  const n = Math.max(f.ve?.length ?? 0, f.se?.length ?? 0, f.inc?.length ?? 0);
  const ve = f.ve ?? new Array<number>(n).fill(0), se = f.se ?? new Array<number>(n).fill(0);
  return {
    active: [], validatorPermit: [], consensus: [], dividends: [], validatorTrust: [], stakeWeight: [], bonds: [],
    incentive: f.inc ?? new Array<number>(n).fill(0),
    validatorEmission: ve.map(String), serverEmission: se.map(String), emission: ve.map((v, u) => String(v + (se[u] ?? 0))),
  };
}

const run = (epochs: EpochOutput[], stakes: number[][]): RunView => ({ epochs, stakes: stakes.map((s) => s.map(BigInt)) });

describe('consensus objectives, hand-computed', () => {
  it('copier gain G: the copier\'s dividend per stake over the median honest validator\'s, at the last epoch', () => {
    // Stakes 100, 200, 300 (honest) and 100 (copier). Last epoch: 10/100 = 0.10, 30/200 = 0.15, 45/300 = 0.15; the
    // median is 0.15; the copier's 12/100 = 0.12, so G = 0.12 / 0.15 = 0.8. The first epoch is ignored.
    const r = run([epoch({ ve: [50, 0, 0, 50] }), epoch({ ve: [10, 30, 45, 12] })], [[100, 200, 300, 100]]);
    expect(copierGainAtEnd(r, 3, [0, 1, 2])).toBeCloseTo(0.8, 12);
    // No honest dividends: no G.
    expect(copierGainAtEnd(run([epoch({ ve: [0, 0, 0, 5] })], [[100, 200, 300, 100]]), 3, [0, 1, 2])).toBeNaN();
  });

  it('honest dividends: the honest validators\' emission summed over the run', () => {
    // (10 + 30) + (20 + 5) = 65; uid 2 is not honest.
    expect(honestDividendTotal(run([epoch({ ve: [10, 30, 99] }), epoch({ ve: [20, 5, 99] })], [[1, 1, 1]]), [0, 1])).toBe(65);
  });

  it('stake retention: mean of E_H / S_H, the honest emission share over the honest stake share', () => {
    // Stakes 60 (honest) and 40 (cartel validator); miner 3 is the cartel's, miner 2 honest. Emission 100 per epoch.
    // Epoch 0: E_H = (30 + 35) / 100 = 0.65, S_H = 0.6, ratio 1.08333…; epoch 1: (25 + 20) / 100 = 0.45, ratio 0.75.
    const r = run([
      epoch({ ve: [30, 20, 0, 0], se: [0, 0, 35, 15] }),
      epoch({ ve: [25, 25, 0, 0], se: [0, 0, 20, 30] }),
    ], [[60, 40, 0, 0]]);
    expect(stakeRetention(r, [0], [3])).toBeCloseTo((0.65 / 0.6 + 0.45 / 0.6) / 2, 12);
    // Everything honest: E_H = 1, S_H = 1.
    expect(stakeRetention(run([epoch({ ve: [50, 0], se: [0, 50] })], [[10, 0]]), [0], [])).toBeCloseTo(1, 12);
  });

  it('dividend fairness: the coefficient of variation of the honest validators\' mean dividend per stake', () => {
    // Stakes 100 and 200. Per stake: epoch 0 0.1 and 0.1, epoch 1 0.1 and 0.25; means 0.1 and 0.175; their mean 0.1375,
    // population standard deviation 0.0375, CV = 0.0375 / 0.1375 = 0.272727…
    const r = run([epoch({ ve: [10, 20] }), epoch({ ve: [10, 50] })], [[100, 200]]);
    expect(dividendFairness(r, [0, 1])).toBeCloseTo(0.0375 / 0.1375, 12);
    expect(dividendFairness(run([epoch({ ve: [10, 20] })], [[100, 200]]), [0, 1])).toBe(0);
  });

  it('newcomer epochs: the first epoch from `at` with incentive ≥ reach × the counterfactual\'s', () => {
    // Counterfactual 30000 from epoch 1 on; the re-registered miner gets 0, 10000, 27000, 30000 from epoch 1: with reach
    // 0.9 it needs 27000, reached at epoch 3, two epochs after joining at 1.
    const cf = run([0, 30000, 30000, 30000, 30000].map((i) => epoch({ inc: [0, 0, i] })), [[1, 0, 0]]);
    const r = run([0, 0, 10000, 27000, 30000].map((i) => epoch({ inc: [0, 0, i] })), [[1, 0, 0]]);
    expect(newcomerEpochs(r, cf, 2, 1, 0.9)).toBe(2);
    // Reach 1 needs 30000: three epochs. A miner that never catches up counts the epochs left (5 − 1 = 4).
    expect(newcomerEpochs(r, cf, 2, 1, 1)).toBe(3);
    const never = run([0, 0, 0, 0, 0].map((i) => epoch({ inc: [0, 0, i] })), [[1, 0, 0]]);
    expect(newcomerEpochs(never, cf, 2, 1, 0.9)).toBe(4);
  });
});

describe('cartel gain and incentive instability, hand-computed', () => {
  it('cartel gain is the ratio of the cartel miners\' mean incentive shares; instability the mean TV step', () => {
    // Incentive of miners 0 (cartel) and 1: shares 0.5, 0.75 when boosted (mean 0.625); 0.25, 0.25 honest (0.25).
    const boosted = [epoch({ inc: [32767.5, 32767.5] }), epoch({ inc: [49151.25, 16383.75] })];
    const fair = [epoch({ inc: [16383.75, 49151.25] }), epoch({ inc: [16383.75, 49151.25] })];
    expect(meanIncentiveShare(boosted, [0]) / meanIncentiveShare(fair, [0])).toBeCloseTo(0.625 / 0.25, 12);
    // One step from (0.5, 0.5) to (0.75, 0.25): TV = 0.25; fair never moves.
    expect(incentiveInstability(boosted)).toBeCloseTo(0.25, 12);
    expect(incentiveInstability(fair)).toBe(0);
  });
});

describe('scoring objectives, hand-computed', () => {
  // Two established miners (qualities 2 and 1) and a newcomer twin of miner 0 (quality 2) joining at step 2 of 5.
  const history = [
    [1, 1, 0],
    [3, 1, 0],
    [3, 1, 1],
    [3, 1, 2.5],
    [3, 1, 3],
  ];
  const layout = { established: 2, twin: 0, joinAt: 2, reach: 0.8 };
  const all = ['rankCorrelation', 'scoreInstability', 'newcomerSteps'];

  it('score instability: the mean TV distance of the established scores from step ⌊joinAt/2⌋ to the join', () => {
    // Only step 1 counts: (0.5, 0.5) → (0.75, 0.25), TV 0.25.
    expect(scoringObjectives(history, [2, 1, 2], layout, all).scoreInstability).toBeCloseTo(0.25, 12);
  });

  it('newcomer steps: from the join until its score reaches reach × its twin\'s', () => {
    // reach 0.8 × 3 = 2.4: step 3 (2.5), one step after joining at 2. reach 1 needs 3: step 4, two steps.
    expect(scoringObjectives(history, [2, 1, 2], layout, all).newcomerSteps).toBe(1);
    expect(scoringObjectives(history, [2, 1, 2], { ...layout, reach: 1 }, all).newcomerSteps).toBe(2);
    // Never reached: the steps left after joining (5 − 2).
    expect(scoringObjectives(history.map((r) => [r[0]!, r[1]!, 0]), [2, 1, 2], layout, all).newcomerSteps).toBe(3);
  });

  it('rank correlation of the last scores against the quality, the newcomer included once joined', () => {
    // Scores (3, 1, 3) against qualities (2, 1, 2): identical rankings, 1.
    expect(scoringObjectives(history, [2, 1, 2], layout, all).rankCorrelation).toBeCloseTo(1, 12);
    // Against (1, 2, 1), reversed: −1.
    expect(scoringObjectives(history, [1, 2, 1], layout, all).rankCorrelation).toBeCloseTo(-1, 12);
  });

  it('Spearman rank correlation, with ties at their mean rank', () => {
    expect(spearman([1, 2, 3], [10, 20, 30])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    // Ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): Σdadb = 4.5, Σda² = 4.5, Σdb² = 5, so 4.5 / √22.5.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
  });

  it('total-variation distance of normalised vectors', () => {
    // (0.5, 0.5) against (0.75, 0.25): (0.25 + 0.25) / 2.
    expect(tvDistance([1, 1], [3, 1])).toBeCloseTo(0.25, 12);
    expect(tvDistance([2, 2], [5, 5])).toBe(0);
  });
});

describe('the Pareto front', () => {
  const t = (id: string, a: number | null, b: number | null): TrialResult => ({ id, params: {}, epochs: null, objectives: { copierGain: a, honestDividends: b } });

  it('keeps the trials no other beats on both objectives (copierGain lower, honestDividends higher is better)', () => {
    const results = [t('a', 0.9, 1.0), t('b', 0.8, 0.95), t('c', 0.95, 0.99), t('d', 0.8, 0.9), t('e', null, 2), t('f', 0.9, 1.0)];
    // c is beaten by a (lower G, more dividends); d by b; e has no G; a and f are equal, so neither dominates the other.
    expect(paretoFront(results, ['copierGain', 'honestDividends'], {})).toEqual(['a', 'b', 'f']);
    // A constraint honestDividends ≥ 0.97 removes b and d (below it): the front is what is left of it.
    expect(paretoFront(results, ['copierGain', 'honestDividends'], { honestDividends: { min: 0.97 } })).toEqual(['a', 'f']);
  });

  it('dominance needs one strict improvement', () => {
    expect(dominates([1, 1], [1, 1], [1, 1])).toBe(false);
    expect(dominates([2, 1], [1, 1], [1, 1])).toBe(true);
    expect(dominates([2, 0], [1, 1], [1, 1])).toBe(false);
    expect(dominates([0, 1], [1, 1], [-1, 1])).toBe(true);
  });
});

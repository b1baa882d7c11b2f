/*
 * The objectives a sweep can measure, each with the direction that is better. Their formulas are in docs/tune.md and
 * in objectives.ts (consensus) and scoring-eval.ts (scoring).
 */

/** Whether less or more of an objective is better. */
export type Direction = 'min' | 'max';

/** One objective: the evaluation it needs and its better direction. */
export interface ObjectiveDef {
  kind: 'consensus' | 'scoring';
  direction: Direction;
  doc: string;
}

/** Every objective by name. */
export const OBJECTIVES: Readonly<Record<string, ObjectiveDef>> = Object.freeze({
  copierGain: { kind: 'consensus', direction: 'min', doc: 'copier gain G at the last epoch: the copier\'s dividend per stake over the median honest validator\'s' },
  honestDividends: { kind: 'consensus', direction: 'max', doc: 'honest validators\' total dividends over the same under the baseline parameters' },
  stakeRetention: { kind: 'consensus', direction: 'max', doc: 'mean over epochs of the honest side\'s emission share over its stake share (≥ 1: S_H ≤ E_H holds)' },
  cartelGain: { kind: 'consensus', direction: 'min', doc: 'cartel miners\' mean incentive share over the same when the cartel weighs honestly' },
  dividendFairness: { kind: 'consensus', direction: 'min', doc: 'coefficient of variation of the honest validators\' mean dividends per stake (0 = fair)' },
  incentiveInstability: { kind: 'consensus', direction: 'min', doc: 'mean total-variation distance between consecutive epochs\' miner incentive' },
  newcomerEpochs: { kind: 'consensus', direction: 'min', doc: 'epochs until a re-registered good miner reaches `reach` of its fair share' },
  rankCorrelation: { kind: 'scoring', direction: 'max', doc: 'Spearman correlation between the final weights and the miners\' true quality' },
  scoreInstability: { kind: 'scoring', direction: 'min', doc: 'mean total-variation distance between consecutive steps\' normalised weights' },
  newcomerSteps: { kind: 'scoring', direction: 'min', doc: 'steps until a new good miner reaches `reach` of its final weight' },
});

/** The objective names, in table order. */
export const OBJECTIVE_NAMES: readonly string[] = Object.freeze(Object.keys(OBJECTIVES));

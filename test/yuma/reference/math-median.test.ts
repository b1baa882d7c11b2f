import { describe, expect, it } from 'vitest';
import { I32F32 } from '../../../src/yuma/reference/fixed.js';
import { weightedMedian, weightedMedianColSparse } from '../../../src/yuma/reference/median.js';
import { normalize } from '../../../src/yuma/reference/vector.js';
import { f32, seededRandom, vecToFixed, vecToSparseMatFixed } from './helpers.js';

// Cases translated from test_math_weighted_median and test_math_weighted_median_col_sparse (tests/math.rs).

const zero = 0n;
const one = f32(1);
const idx = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The upstream call shape: partition = all indices, minority = 1 − majority, [0, Σ stake]. */
function median(stake: bigint[], score: bigint[], majority: bigint): bigint {
  return weightedMedian(stake, score, idx(stake.length), one - majority, zero, I32F32.sum(stake));
}

describe('weighted_median', () => {
  const majority = f32(0.51);

  it('the fixed cases of test_math_weighted_median', () => {
    expect(median([], [], majority)).toBe(zero);
    expect(median(normalize(vecToFixed([0.51])), vecToFixed([1]), majority)).toBe(one);
    expect(median(vecToFixed([0.49, 0.51]), vecToFixed([0.5, 1]), majority)).toBe(one);
    expect(median(vecToFixed([0.51, 0.49]), vecToFixed([0.5, 1]), majority)).toBe(f32(0.5));
    expect(median(vecToFixed([0.49, 0, 0.51]), vecToFixed([0.5, 0.7, 1]), majority)).toBe(one);
    expect(median(vecToFixed([0.49, 0.01, 0.5]), vecToFixed([0.5, 0.7, 1]), majority)).toBe(f32(0.7));
    expect(median(vecToFixed([0.49, 0.51, 0]), vecToFixed([0.5, 0.7, 1]), majority)).toBe(f32(0.7));
    expect(median(vecToFixed([0, 0.49, 0.51]), vecToFixed([0.5, 0.7, 1]), majority)).toBe(one);
    expect(median(vecToFixed([0, 0.49, 0, 0.51]), vecToFixed([0.5, 0.5, 1, 1]), majority)).toBe(one);
    expect(median(vecToFixed([0, 0.49, 0, 0.51, 0]), vecToFixed([0.5, 0.5, 1, 1, 0.5]), majority)).toBe(one);
    expect(median(vecToFixed([0.2, 0.2, 0.2, 0.2, 0.2]), vecToFixed([0.8, 0.2, 1, 0.6, 0.4]), majority)).toBe(f32(0.6));
    expect(
      median(
        vecToFixed([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
        vecToFixed([0.8, 0.8, 0.2, 0.2, 1.0, 1.0, 0.6, 0.6, 0.4, 0.4]),
        majority,
      ),
    ).toBe(f32(0.6));
  });

  it('returns 0 when stake and score lengths differ', () => {
    expect(weightedMedian([one], [one, one], [0], zero, zero, one)).toBe(zero);
  });

  it('the randomised cases: the result is one of the admissible medians, under any permutation', () => {
    const random = seededRandom(0x5eed);
    const n = 100;
    const majorities = vecToFixed([0, 0.0000001, 0.25, 0.49, 0.49, 0.49, 0.5, 0.51, 0.51, 0.51, 0.9999999, 1]);
    for (let round = 0; round < 10; round++) {
      for (const maj of majorities) {
        for (const allowEqual of [false, true]) {
          let stake: bigint[] = [];
          let score: bigint[] = [];
          let lastScore = zero;
          for (let i = 0; i < n; i++) {
            if (allowEqual) {
              stake.push(random() < 0.5 ? one : zero);
              if (random() < 0.5) lastScore += one;
              score.push(lastScore);
            } else {
              stake.push(one);
              score.push(I32F32.fromInt(i));
            }
          }
          stake = normalize(stake);
          const totalStake = I32F32.sum(stake);
          let minority = totalStake - maj;
          if (minority < zero) minority = zero;
          // The upstream reference: scores of the first index block whose cumulative stake reaches the minority.
          const medians: bigint[] = [];
          let medianStake = zero;
          let medianSet = false;
          let stakeSum = zero;
          for (let i = 0; i < n; i++) {
            stakeSum += stake[i] as bigint;
            if (!medianSet && stakeSum >= minority) {
              medianStake = stakeSum;
              medianSet = true;
            }
            if (medianSet) {
              if (medianStake < stakeSum) {
                if (medianStake === minority && !medians.includes(score[i] as bigint)) medians.push(score[i] as bigint);
                break;
              }
              if (!medians.includes(score[i] as bigint)) medians.push(score[i] as bigint);
            }
          }
          if (medians.length === 0) medians.push(zero);
          const stakeIdx = idx(n);
          expect(medians).toContain(weightedMedian(stake, score, stakeIdx, minority, zero, totalStake));
          for (let p = 0; p < 10; p++) {
            const perm = idx(n);
            for (let i = n - 1; i > 0; i--) {
              const j = Math.floor(random() * (i + 1));
              [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
            }
            stake = perm.map((i) => stake[i] as bigint);
            score = perm.map((i) => score[i] as bigint);
            expect(medians).toContain(weightedMedian(stake, score, stakeIdx, minority, zero, totalStake));
          }
        }
      }
    }
  });
});

describe('weighted_median_col_sparse', () => {
  it('test_math_weighted_median_col_sparse', () => {
    expect(weightedMedianColSparse([], [[]], 0, f32(0.5))).toEqual([]);
    expect(weightedMedianColSparse(vecToFixed([0, 0]), vecToSparseMatFixed([0, 0, 0, 0], 2, false), 2, f32(0.5))).toEqual(
      vecToFixed([0, 0]),
    );
    const stake = vecToFixed([0, 0.75, 0.25, 0]);
    const w = vecToSparseMatFixed([0, 0.1, 0, 0, 0.2, 0.4, 0, 0.3, 0.1, 0, 0.4, 0.5], 4, false);
    expect(weightedMedianColSparse(stake, w, 3, f32(0.24))).toEqual(vecToFixed([0, 0.3, 0.4]));
    expect(weightedMedianColSparse(stake, w, 3, f32(0.26))).toEqual(vecToFixed([0, 0.2, 0.4]));
    expect(weightedMedianColSparse(stake, w, 3, f32(0.76))).toEqual(vecToFixed([0, 0.2, 0.1]));
    const stake2 = vecToFixed([0, 0.3, 0.2, 0.5]);
    const w2 = vecToSparseMatFixed([0, 0.1, 0, 0, 0.2, 0.4, 0, 0.3, 0.1, 0, 0, 0.5], 4, false);
    expect(weightedMedianColSparse(stake2, w2, 3, f32(0.51))).toEqual(vecToFixed([0, 0, 0.4]));
  });

  it('kappa 32767/65535 with two equal validators picks the higher weight (the minority is just above 1/2)', () => {
    const kappa = I32F32.safeDiv(I32F32.fromInt(32767), I32F32.fromInt(65535));
    const stake = normalize([one, one]);
    const w = [[[0, f32(0.25)]], [[0, f32(0.75)]]] as Array<Array<[number, bigint]>>;
    expect(weightedMedianColSparse(stake, w, 1, kappa)).toEqual([f32(0.75)]);
  });
});

import { describe, expect, it } from 'vitest';
import { topkOf } from '../../src/task/index.js';

describe('topkOf', () => {
  it('lists the k most probable tokens, ties to the smaller token, and spreads the rest evenly as the floor', () => {
    const a = topkOf([0.1, 0.4, 0.1, 0.3, 0.1], 3);
    expect(a.topk).toEqual([[1, 0.4], [3, 0.3], [0, 0.1]]);
    // The rest, 1 − 0.8, over the 2 tokens not listed.
    expect(a.floor).toBeCloseTo(0.1, 15);
  });

  it('clamps k to 1..vocab, with a floor of 0 when every token is listed', () => {
    expect(topkOf([0.25, 0.75], 9)).toEqual({ topk: [[1, 0.75], [0, 0.25]], floor: 0 });
    expect(topkOf([0.25, 0.75], 0).topk).toEqual([[1, 0.75]]);
  });

  it('never gives a negative floor when the listed mass rounds above 1', () => {
    expect(topkOf([0.7, 0.30000000000000004, 0], 2).floor).toBe(0);
  });
});

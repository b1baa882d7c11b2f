import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  convertWeightsAndUidsForEmit,
  normalizeMaxWeight,
  numpyCumsum,
  numpyQuantile,
  numpySum,
  processAndEmit,
  processWeights,
} from '../../../src/scoring/weights/index.js';

// The spec's §7 vectors (../shared/reference/validator-sdk-spec.md), then a larger set of numpy results
// (test/fixtures/weights-numpy-vectors.json, computed with numpy 2.4.6 from a re-derivation of the SDK's code).

const f32s = (xs: number[]): number[] => xs.map((x) => Math.fround(x));
/** numpy prints arrays with 8 digits after the point: the spec's decimals are that print, not always the shortest repr. */
const printed = (xs: ArrayLike<number>): string[] => Array.from(xs, (x) => x.toFixed(8));
const SCORES = [0, 0.2, 0, 0.5, 0.3, 0, 0.01, 0];
const UIDS = [0, 1, 2, 3, 4, 5, 6, 7];

describe('validator-sdk-spec §7 vectors', () => {
  it('normalize_max_weight([.5,.3,.1,.05,.05], 0.4) in float32', () => {
    const y = normalizeMaxWeight(Float32Array.from([0.5, 0.3, 0.1, 0.05, 0.05]), 0.4);
    expect(y).toBeInstanceOf(Float32Array);
    expect(printed(y)).toEqual(['0.39999983', '0.36000004', '0.12000001', '0.06000001', '0.06000001']);
    // The exact float32 values (numpy's repr of each scalar): 0.06000001 above is the print of 0.060000006.
    expect([...y]).toEqual(f32s([0.39999983, 0.36000004, 0.12000001, 0.060000006, 0.060000006]));
  });

  it('normalize_max_weight([10, 1 x 11], 0.2) in float32', () => {
    const y = normalizeMaxWeight(Float32Array.from([10, ...new Array<number>(11).fill(1)]), 0.2);
    expect(printed(y)).toEqual(['0.19999985', ...new Array<string>(11).fill('0.07272729')]);
    // 0.07272729 is numpy's 8-decimal print; the float32 itself is 0.072727285 (numpy's repr of the scalar), one ulp
    // below Math.fround(0.07272729).
    expect([...y]).toEqual(f32s([0.19999985, ...new Array<number>(11).fill(0.072727285)]));
  });

  it.each([
    [3, 1.0, [1, 3, 4, 6], [26214, 65535, 39321, 1311]],
    [6, 1.0, UIDS, [1, 26215, 1, 65535, 39322, 1, 1312, 1]],
    [3, 0.4, [1, 3, 4, 6], [38550, 65535, 57825, 1928]],
  ])('process_weights + emit, min_allowed %i, limit %f', (minAllowed, limit, uids, values) => {
    expect(processAndEmit({ uids: UIDS, weights: SCORES, n: 8, minAllowedWeights: minAllowed, maxWeightLimit: limit })).toEqual({ uids, values });
  });

  it('the 1e-5 path is float64 (int64 ones times a Python float), the others float32', () => {
    expect(processWeights(UIDS, SCORES, 8, 6, 1, 0).weights).toBeInstanceOf(Float64Array);
    expect(processWeights(UIDS, SCORES, 8, 3, 1, 0).weights).toBeInstanceOf(Float32Array);
    expect(processWeights([0, 1, 2], [0, 0, 0], 3, 1, 1, 0).weights).toEqual(new Float64Array([1 / 3, 1 / 3, 1 / 3]));
  });
});

interface Fixture {
  sums: Array<{ n: number; f32: number; f64: number; f32cumsumLast: number }>;
  quantiles: Array<{ values: number[]; q: number; expected: number }>;
  normalize: Array<{ dtype: 'float32' | 'float64'; x: number[]; limit: number; expected: number[] }>;
  process: Array<{
    input: { uids: number[]; weights: number[]; n: number; minAllowedWeights: number; maxWeightLimit: number; excludeQuantile: number };
    processed: { uids: number[]; dtype: 'float32' | 'float64'; weights: number[] };
    emitted: { uids: number[]; values: number[] };
  }>;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/weights-numpy-vectors.json', import.meta.url), 'utf8')) as Fixture;

/** The float64 sequence the fixture's sum vectors are built from (see its `about`). */
const seq = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => (1 + ((i * 7919) % 10007) / 37) * 2 ** (((i * 31) % 13) - 6));

// JSON has no NaN: numpy's NaN results would have been written as NaN literals, which the fixture does not contain.
const same = (got: ArrayLike<number>, want: number[]): void => {
  expect(Array.from(got)).toEqual(want);
};

describe('bit-identical with numpy 2.4.6', () => {
  it(`np.sum (pairwise) in float32 and float64, and np.cumsum in float32, for ${fixture.sums.length} lengths up to 65536`, () => {
    for (const s of fixture.sums) {
      const a64 = seq(s.n);
      const a32 = Float32Array.from(a64);
      expect([s.n, numpySum(a32)]).toEqual([s.n, s.f32]);
      expect([s.n, numpySum(a64)]).toEqual([s.n, s.f64]);
      const c = numpyCumsum(a32);
      expect([s.n, s.n === 0 ? 0 : c[s.n - 1]]).toEqual([s.n, s.f32cumsumLast]);
    }
  });

  it(`np.quantile (linear) of float32 arrays: ${fixture.quantiles.length} cases`, () => {
    for (const c of fixture.quantiles) expect(numpyQuantile(Float32Array.from(c.values), c.q)).toBe(c.expected);
  });

  it(`normalize_max_weight in float32 and float64: ${fixture.normalize.length} cases`, () => {
    for (const c of fixture.normalize) {
      const x = c.dtype === 'float32' ? Float32Array.from(c.x) : Float64Array.from(c.x);
      same(normalizeMaxWeight(x, c.limit), c.expected);
    }
  });

  it(`process_weights then convert_weights_and_uids_for_emit: ${fixture.process.length} cases`, () => {
    for (const c of fixture.process) {
      const i = c.input;
      const p = processWeights(i.uids, i.weights, i.n, i.minAllowedWeights, i.maxWeightLimit, i.excludeQuantile);
      expect(p.uids).toEqual(c.processed.uids);
      expect(p.weights).toBeInstanceOf(c.processed.dtype === 'float32' ? Float32Array : Float64Array);
      same(p.weights, c.processed.weights);
      expect(convertWeightsAndUidsForEmit(p.uids, p.weights)).toEqual(c.emitted);
      expect(processAndEmit(i)).toEqual(c.emitted);
    }
  });
});

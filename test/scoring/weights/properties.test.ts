import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertWeightsAndUidsForEmit,
  normalizeMaxWeight,
  numpyQuantile,
  numpySum,
  processAndEmit,
  processWeights,
  roundHalfEven,
} from '../../../src/scoring/weights/index.js';

/*
 * Properties of the SDK pipeline, checked against plain float64 references written here: exact water filling for
 * normalize_max_weight, a sorted-array quantile, the plain sum. The numpy-exact code must agree with them within
 * float32 rounding and the slack the SDK's epsilon (1e-7 subtracted from the cutoff's numerator) leaves.
 */

/** Exact water filling in float64: y_i = min(c·x_i, limit) with Σy = 1 (limit·n > 1), plus the unclipped mass U. */
function waterFill(x: number[], limit: number): { y: number[]; unclippedShare: number } {
  const order = x.map((_, i) => i).sort((a, b) => (x[b] as number) - (x[a] as number));
  const total = x.reduce((s, v) => s + v, 0);
  let rest = total;
  for (let k = 0; k <= x.length; k++) {
    // k largest clipped to `limit`, the others share 1 − k·limit in proportion.
    const scale = (1 - k * limit) / rest;
    const next = order[k];
    if (next === undefined || (x[next] as number) * scale <= limit) {
      const clipped = new Set(order.slice(0, k));
      return { y: x.map((v, i) => (clipped.has(i) ? limit : v * scale)), unclippedShare: rest / total };
    }
    rest -= x[next] as number;
  }
  throw new Error('unreachable');
}

const sum64 = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0);
const max64 = (a: ArrayLike<number>): number => Math.max(...Array.from(a));

/** Positive float32-representable scores with a bounded dynamic range (1e-2..1), so the SDK's epsilon stays small. */
const scores = (min: number, max: number): fc.Arbitrary<number[]> =>
  fc.array(fc.float({ min: Math.fround(0.01), max: 1, noNaN: true }), { minLength: min, maxLength: max });

describe('normalize_max_weight (float32) against exact float64 water filling', () => {
  it('sums to 1, never exceeds a feasible limit, and matches water filling within the epsilon slack', () => {
    fc.assert(
      fc.property(scores(1, 40), fc.double({ min: 0.01, max: 1, noNaN: true }), (xs, limit) => {
        fc.pre(xs.length * limit > 1);
        const y = normalizeMaxWeight(Float32Array.from(xs), limit);
        expect(Math.abs(sum64(y) - 1)).toBeLessThanOrEqual(xs.length * 2 ** -23);
        expect(max64(y)).toBeLessThanOrEqual(limit * (1 + 2 ** -20));
        const ref = waterFill(Array.from(Float32Array.from(xs)), limit);
        // d(y)/d(epsilon) ≈ (1 − k·limit)/U ≤ 1/U: the SDK's epsilon moves every share by at most ~1e-7/U.
        const tol = 2e-7 / ref.unclippedShare + 1e-5;
        y.forEach((v, i) => expect(Math.abs(v - (ref.y[i] as number))).toBeLessThanOrEqual(tol));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the order of the inputs (a larger score never gets a smaller share) and their dtype', () => {
    fc.assert(
      fc.property(scores(1, 30), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.boolean(), (xs, limit, wide) => {
        const x = wide ? Float64Array.from(xs) : Float32Array.from(xs);
        const y = normalizeMaxWeight(x, limit);
        expect(y.constructor).toBe(x.constructor);
        for (let i = 0; i < x.length; i++) {
          for (let j = 0; j < x.length; j++) if ((x[i] as number) < (x[j] as number)) expect(y[i]).toBeLessThanOrEqual(y[j] as number);
        }
      }),
    );
  });

  it('with an infeasible limit (n·limit ≤ 1) gives the uniform 1/n', () => {
    fc.assert(
      fc.property(scores(1, 30), (xs) => {
        const y = normalizeMaxWeight(Float32Array.from(xs), 1 / xs.length);
        expect([...y]).toEqual(new Array<number>(xs.length).fill(Math.fround(1 / xs.length)));
      }),
    );
  });
});

describe('numpyQuantile and numpySum against float64 references', () => {
  it('the linear quantile lies between its sorted neighbours and matches float64 interpolation to float32 rounding', () => {
    fc.assert(
      fc.property(scores(1, 50), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        const a = Float32Array.from(xs);
        const s = Array.from(a).sort((p, r) => p - r);
        const h = (s.length - 1) * q;
        const lo = Math.floor(h);
        const ref = lo >= s.length - 1 ? (s[s.length - 1] as number) : (s[lo] as number) + (h - lo) * ((s[lo + 1] as number) - (s[lo] as number));
        const got = numpyQuantile(a, q);
        expect(Math.abs(got - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -22);
        expect(got).toBe(Math.fround(got));
      }),
    );
  });

  it('the float32 pairwise sum is within float32 error of the float64 sum', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 0, max: 1000, noNaN: true }), { maxLength: 600 }), (xs) => {
        const a = Float32Array.from(xs);
        const got = numpySum(a);
        expect(got).toBe(Math.fround(got));
        expect(Math.abs(got - sum64(a))).toBeLessThanOrEqual(sum64(a) * 12 * 2 ** -24);
      }),
    );
  });
});

/** A request: uids 0..n−1 (shuffled) for a random n, scores with zeros and negatives mixed in. */
const request = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    seed: fc.array(fc.oneof(fc.constant(0), fc.constant(-0.5), fc.float({ min: Math.fround(1e-3), max: 100, noNaN: true })), { minLength: 40, maxLength: 40 }),
    minAllowedWeights: fc.integer({ min: 0, max: 45 }),
    maxWeightLimit: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
    excludeQuantile: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    shuffle: fc.boolean(),
  })
  .map(({ n, seed, shuffle, ...rest }) => {
    const uids = Array.from({ length: n }, (_, i) => (shuffle ? n - 1 - i : i));
    return { uids, weights: seed.slice(0, n), n, ...rest };
  });

describe('process_weights and emit', () => {
  it('keeps at least min(minAllowedWeights, n) uids, and every kept positive score is ≥ every dropped one', () => {
    fc.assert(
      fc.property(request, (r) => {
        const p = processWeights(r.uids, r.weights, r.n, r.minAllowedWeights, r.maxWeightLimit, r.excludeQuantile);
        expect(p.uids.length).toBe(p.weights.length);
        expect(p.uids.length).toBeGreaterThanOrEqual(Math.min(r.minAllowedWeights, r.n));
        expect(Math.abs(sum64(p.weights) - 1)).toBeLessThanOrEqual(r.n * 2 ** -23);
        const positive = r.uids.filter((_, i) => Math.fround(r.weights[i] as number) > 0);
        if (p.weights instanceof Float32Array) {
          // The float32 path keeps a subset of the positive scores, split at a threshold.
          const score = (u: number): number => Math.fround(r.weights[r.uids.indexOf(u)] as number);
          const kept = new Set(p.uids);
          const dropped = positive.filter((u) => !kept.has(u));
          expect(p.uids.every((u) => positive.includes(u))).toBe(true);
          if (dropped.length > 0) expect(Math.min(...p.uids.map(score))).toBeGreaterThanOrEqual(Math.max(...dropped.map(score)));
          if (r.excludeQuantile === 0) expect(p.uids).toEqual(positive);
        } else {
          expect(p.uids).toEqual(Array.from({ length: r.n }, (_, i) => i));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('with a feasible limit no processed weight exceeds it (up to float32 rounding)', () => {
    fc.assert(
      fc.property(request, (r) => {
        const p = processWeights(r.uids, r.weights, r.n, r.minAllowedWeights, r.maxWeightLimit, r.excludeQuantile);
        fc.pre(p.weights.length * r.maxWeightLimit > 1);
        expect(max64(p.weights)).toBeLessThanOrEqual(r.maxWeightLimit * (1 + 2 ** -20));
      }),
      { numRuns: 500 },
    );
  });

  it('emits u16 values with the largest at 65535, each within ½ of its max-upscaled share, zeros dropped', () => {
    fc.assert(
      fc.property(request, (r) => {
        const p = processWeights(r.uids, r.weights, r.n, r.minAllowedWeights, r.maxWeightLimit, r.excludeQuantile);
        const e = convertWeightsAndUidsForEmit(p.uids, p.weights);
        expect(e).toEqual(processAndEmit(r));
        expect(e.uids.length).toBe(e.values.length);
        expect(e.values.every((v) => Number.isInteger(v) && v >= 1 && v <= 65535)).toBe(true);
        expect(max64(e.values)).toBe(65535);
        const top = max64(p.weights);
        e.uids.forEach((u, k) => {
          const w = p.weights[p.uids.indexOf(u)] as number;
          expect(Math.abs((e.values[k] as number) - (w / top) * 65535)).toBeLessThanOrEqual(0.5);
        });
        // Only the uids whose value rounds to 0 are dropped.
        expect(p.uids.filter((_, i) => roundHalfEven(((p.weights[i] as number) / top) * 65535) > 0)).toEqual(e.uids);
      }),
      { numRuns: 500 },
    );
  });
});

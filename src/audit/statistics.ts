import { Prng } from '../random/index.js';

/*
 * The statistics the detectors share: rows as distributions over uids, their overlap (the vtrust form Σ min), and a
 * sign-flip permutation test over epochs with a change point (the behaviour may start mid-window). All float64: the
 * detection is a statistical judgement; only the pricing needs the exact engine.
 */

/** A u16 vector (consensus) as a distribution. */
export function vectorDistribution(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  let sum = 0;
  for (const v of out) sum += v;
  if (sum > 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Σ_i min(a_i, b_i) of two distributions: 1 when equal, 0 when disjoint (vtrust's form). Lengths may differ (uids added). */
export function overlap(a: Float64Array, b: Float64Array): number {
  const m = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < m; i++) s += Math.min(a[i] as number, b[i] as number);
  return s;
}

/** The largest suffix sum of a series and where its suffix starts (the change point of a behaviour that starts mid-window). */
export function maxSuffix(d: ArrayLike<number>): { sum: number; start: number } {
  let best = -Infinity, start = d.length, acc = 0;
  for (let i = d.length - 1; i >= 0; i--) {
    acc += d[i] as number;
    if (acc > best) { best = acc; start = i; }
  }
  return { sum: best, start };
}

/** Result of the change-point sign-flip test. */
export interface SuffixTest {
  /** Max suffix sum of the observed series' signed ranks. */
  sum: number;
  /** Index where that suffix starts. */
  start: number;
  /** Mean of the series over the suffix: the effect size. */
  mean: number;
  /** (1 + #{flipped series whose max suffix sum ≥ observed}) / (1 + permutations). */
  pValue: number;
}

/**
 * Signed ranks of a series: sign(x_i) · rank(|x_i|) (ties share their mean rank; zeros score 0). The permutation test
 * runs on these, not on the raw differences, so that a few epochs of large magnitude (a subnet's first epochs, a
 * re-registration) cannot widen the null distribution and hide a steady behaviour (Wilcoxon's signed-rank idea).
 */
export function signedRanks(d: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: d.length }, (_, i) => i).sort((a, b) => Math.abs(d[a] as number) - Math.abs(d[b] as number));
  const out = new Float64Array(d.length);
  for (let i = 0; i < idx.length;) {
    let k = i;
    while (k + 1 < idx.length && Math.abs(d[idx[k + 1]!] as number) === Math.abs(d[idx[i]!] as number)) k++;
    const rank = (i + k) / 2 + 1;
    for (let q = i; q <= k; q++) { const x = d[idx[q]!] as number; out[idx[q]!] = x > 0 ? rank : x < 0 ? -rank : 0; }
    i = k + 1;
  }
  return out;
}

/**
 * The change point and significance of a per-epoch difference series. The suffix with the largest sum (of the raw
 * differences, or of their signed ranks with `ranks`) is the behaviour's window; its p-value compares that sum with the same statistic on `permutations`
 * copies whose epochs' signs are flipped at random (seeded). Under the null that, epoch by epoch, the two compared
 * conditions are exchangeable (the lagged consensus is no closer than the current one), each flip is as likely as the
 * observed series; the change-point search runs inside each permutation, so it costs no significance. `mean` is the
 * raw differences' mean over the window (the effect size).
 */
export function suffixSignFlipTest(d: ArrayLike<number>, permutations: number, seed: number, ranks = false): SuffixTest {
  const r = ranks ? signedRanks(d) : d;
  const { sum, start } = maxSuffix(r);
  const len = d.length - start;
  let mean = 0;
  for (let i = start; i < d.length; i++) mean += d[i] as number;
  mean = len > 0 ? mean / len : 0;
  const rng = new Prng(seed);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    let best = -Infinity, acc = 0;
    for (let i = r.length - 1; i >= 0; i--) {
      acc += rng.next() < 0.5 ? -(r[i] as number) : (r[i] as number);
      if (acc > best) best = acc;
    }
    if (best >= sum) atLeast++;
  }
  return { sum, start, mean, pValue: (1 + atLeast) / (1 + permutations) };
}

/** The contiguous run [start, end] of largest sum (Kadane): a behaviour that starts and may stop inside the history. */
export function maxSubarray(d: ArrayLike<number>): { sum: number; start: number; end: number } {
  let best = -Infinity, start = 0, end = -1, acc = 0, from = 0;
  for (let i = 0; i < d.length; i++) {
    if (acc <= 0) { acc = 0; from = i; }
    acc += d[i] as number;
    if (acc > best) { best = acc; start = from; end = i; }
  }
  return { sum: best, start, end };
}

/**
 * The sign-flip test of suffixSignFlipTest with a window that may end before the history does (a cartel can dissolve):
 * the observed statistic is the largest sum over any contiguous run of epochs, and so is each permutation's, so the
 * search for both ends of the window costs no significance. `mean` is the raw mean over the window.
 */
export function windowSignFlipTest(d: ArrayLike<number>, permutations: number, seed: number): SuffixTest & { end: number } {
  const { sum, start, end } = maxSubarray(d);
  let mean = 0;
  for (let i = start; i <= end; i++) mean += d[i] as number;
  mean = end >= start ? mean / (end - start + 1) : 0;
  const rng = new Prng(seed);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    let best = -Infinity, acc = 0;
    for (let i = 0; i < d.length; i++) {
      if (acc < 0) acc = 0;
      acc += rng.next() < 0.5 ? -(d[i] as number) : (d[i] as number);
      if (acc > best) best = acc;
    }
    if (best >= sum) atLeast++;
  }
  return { sum, start, end, mean, pValue: (1 + atLeast) / (1 + permutations) };
}

/** The median of a list (0 for an empty one). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

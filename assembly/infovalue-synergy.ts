// Pair synergy (Shapley, coalition size 2): for miners i < j, the loss of their averaged prediction against the
// better of their own losses, in scaling-law parameters, half of any surplus to each. A pair's averaged loss needs
// only each miner's probability of each target, so the pass is O(K²·B) over the halves the row pass kept:
// measured = −ln Π_b (h_ib + h_jb) / B. The product is taken two pairs per SIMD lane-pair, eight pairs at a time; it
// is compared with exp(−B · expected) before any logarithm, since most pairs in a real batch have no surplus.

import { runParts } from './parallel';

/** What the pair pass reads and writes; shared by both halves of the work. */
export class SynergyTask {
  k: i32 = 0;
  b: i32 = 0;
  /** f64[B·K], query-major: half of each row's target probability (0 for unresponsive miners). */
  half: usize = 0;
  /** f64[K]: mean loss per miner. */
  loss: usize = 0;
  /** u8[K]: responsive. */
  responsive: usize = 0;
  /** f64[K]: exp(−B · loss), the product a pair must beat (single-product mode only). */
  threshold: usize = 0;
  /** f64[K]: N(loss)^ps. */
  powLoss: usize = 0;
  /** f64[K·K] output; the pass writes the upper triangle (j > i) of each row. */
  out: usize = 0;
  lnC: f64 = 0;
  power: f64 = 0;
  lossFloor: f64 = 0;
  /** 1 / (2R). */
  shareScale: f64 = 0;
  /** Queries per product before a logarithm: all of them unless B · worstLoss could underflow a double. */
  chunk: i32 = 0;
  /** Rows [0, split) are part 0's, the rest part 1's, so that both hold about half of the pairs. */
  split: i32 = 0;
}

/** N(L)^ps = exp(ps · (ln 8.8e13 − ln max(L, floor) / 0.076)). */
// @ts-ignore: decorator
@inline export function powParams(lnC: f64, power: f64, loss: f64, floor: f64): f64 {
  return Math.exp(power * (lnC - Math.log(loss > floor ? loss : floor) / 0.076));
}

/** The share of pair (i, j) from its target-probability product (ln of it when `isLog`). */
// @ts-ignore: decorator
@inline function pairShare(t: SynergyTask, i: i32, j: i32, prod: f64, isLog: bool): f64 {
  if (load<u8>(t.responsive + <usize>j) == 0) return 0;
  const li = load<f64>(t.loss + (<usize>i << 3)), lj = load<f64>(t.loss + (<usize>j << 3));
  const expected = li < lj ? li : lj;
  if (!(expected > t.lossFloor)) return 0;
  let lnP: f64;
  if (isLog) {
    lnP = prod;
    if (!(lnP > -<f64>t.b * expected)) return 0;
  } else {
    const ti = load<f64>(t.threshold + (<usize>i << 3)), tj = load<f64>(t.threshold + (<usize>j << 3));
    if (!(prod > (ti > tj ? ti : tj))) return 0;
    lnP = Math.log(prod);
  }
  const measured = -lnP / <f64>t.b;
  const gain = powParams(t.lnC, t.power, measured, t.lossFloor) - load<f64>(t.powLoss + (<usize>(li < lj ? i : j) << 3));
  return gain > 0 ? gain * t.shareScale : 0;
}

/** The rows of one part, single-product mode: eight pairs per step over SIMD products. */
function pairsProduct(t: SynergyTask, i0: i32, i1: i32): void {
  const K = t.k, B = t.b, half = t.half;
  const one = f64x2.splat(1);
  for (let i = i0; i < i1; i++) {
    const row = t.out + ((<usize>i * K) << 3);
    const resp = load<u8>(t.responsive + <usize>i) != 0;
    let j = i + 1;
    if (!resp) {
      for (; j < K; j++) store<f64>(row + (<usize>j << 3), 0);
      continue;
    }
    for (; j + 8 <= K; j += 8) {
      let p0 = one, p1 = one, p2 = one, p3 = one;
      for (let b = 0; b < B; b++) {
        const base = half + ((<usize>b * K) << 3);
        const hi = f64x2.splat(load<f64>(base + (<usize>i << 3)));
        const at = base + (<usize>j << 3);
        p0 = f64x2.mul(p0, f64x2.add(hi, v128.load(at)));
        p1 = f64x2.mul(p1, f64x2.add(hi, v128.load(at + 16)));
        p2 = f64x2.mul(p2, f64x2.add(hi, v128.load(at + 32)));
        p3 = f64x2.mul(p3, f64x2.add(hi, v128.load(at + 48)));
      }
      const out = row + (<usize>j << 3);
      store<f64>(out, pairShare(t, i, j, f64x2.extract_lane(p0, 0), false));
      store<f64>(out + 8, pairShare(t, i, j + 1, f64x2.extract_lane(p0, 1), false));
      store<f64>(out + 16, pairShare(t, i, j + 2, f64x2.extract_lane(p1, 0), false));
      store<f64>(out + 24, pairShare(t, i, j + 3, f64x2.extract_lane(p1, 1), false));
      store<f64>(out + 32, pairShare(t, i, j + 4, f64x2.extract_lane(p2, 0), false));
      store<f64>(out + 40, pairShare(t, i, j + 5, f64x2.extract_lane(p2, 1), false));
      store<f64>(out + 48, pairShare(t, i, j + 6, f64x2.extract_lane(p3, 0), false));
      store<f64>(out + 56, pairShare(t, i, j + 7, f64x2.extract_lane(p3, 1), false));
    }
    for (; j < K; j++) {
      let p: f64 = 1;
      for (let b = 0; b < B; b++) {
        const base = half + ((<usize>b * K) << 3);
        p *= load<f64>(base + (<usize>i << 3)) + load<f64>(base + (<usize>j << 3));
      }
      store<f64>(row + (<usize>j << 3), pairShare(t, i, j, p, false));
    }
  }
}

/** The rows of one part when B · worstLoss could underflow one product: a logarithm per chunk of queries. */
function pairsChunked(t: SynergyTask, i0: i32, i1: i32): void {
  const K = t.k, B = t.b, half = t.half, chunk = t.chunk;
  for (let i = i0; i < i1; i++) {
    const row = t.out + ((<usize>i * K) << 3);
    const resp = load<u8>(t.responsive + <usize>i) != 0;
    for (let j = i + 1; j < K; j++) {
      if (!resp) { store<f64>(row + (<usize>j << 3), 0); continue; }
      let lnP: f64 = 0;
      for (let b0 = 0; b0 < B; b0 += chunk) {
        let p: f64 = 1;
        const b1 = b0 + chunk < B ? b0 + chunk : B;
        for (let b = b0; b < b1; b++) {
          const base = half + ((<usize>b * K) << 3);
          p *= load<f64>(base + (<usize>i << 3)) + load<f64>(base + (<usize>j << 3));
        }
        lnP += Math.log(p);
      }
      store<f64>(row + (<usize>j << 3), pairShare(t, i, j, lnP, true));
    }
  }
}

function synergyPart(ctx: usize, part: i32): void {
  const t = changetype<SynergyTask>(ctx);
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : t.k;
  if (t.chunk >= t.b) pairsProduct(t, i0, i1);
  else pairsChunked(t, i0, i1);
}

/**
 * Runs the pair pass (both parts, one on the helper thread when there is one) and sums each miner's shares. The pass
 * writes only the upper triangle; a miner's total is its row there plus its column, both read in order.
 */
export function synergyPass(t: SynergyTask, totals: usize): void {
  const K = t.k;
  // Balance the pairs: row i holds K − 1 − i of them.
  const all = <i64>K * (K - 1) / 2;
  let split = 0, acc: i64 = 0;
  while (split < K && acc * 2 < all) { acc += K - 1 - split; split++; }
  t.split = split;
  runParts(synergyPart, changetype<usize>(t), <i64>K * K * t.b > 200_000);
  const out = t.out;
  memory.fill(totals, 0, <usize>K << 3);
  for (let i = 0; i < K; i++) {
    const row = out + ((<usize>i * K) << 3);
    let s: f64 = 0;
    let j = i + 1;
    // Row i's shares go to i and, column-wise, to each j: the column sums are one SIMD add per two entries.
    for (; j + 2 <= K; j += 2) {
      const x = v128.load(row + (<usize>j << 3));
      const at = totals + (<usize>j << 3);
      v128.store(at, f64x2.add(v128.load(at), x));
      s += f64x2.extract_lane(x, 0) + f64x2.extract_lane(x, 1);
    }
    for (; j < K; j++) {
      const x = load<f64>(row + (<usize>j << 3));
      store<f64>(totals + (<usize>j << 3), load<f64>(totals + (<usize>j << 3)) + x);
      s += x;
    }
    store<f64>(totals + (<usize>i << 3), load<f64>(totals + (<usize>i << 3)) + s);
  }
}

/** Completes the K×K matrix from its upper triangle: the lower one mirrored (in tiles, to stay in cache), 0 diagonal. */
export function mirrorSynergy(out: usize, K: i32): void {
  const TILE = 32;
  for (let i0 = 0; i0 < K; i0 += TILE) {
    const i1 = i0 + TILE < K ? i0 + TILE : K;
    for (let j0 = 0; j0 <= i0; j0 += TILE) {
      const j1 = j0 + TILE < K ? j0 + TILE : K;
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1 && j < i; j++) store<f64>(out + ((<usize>i * K + j) << 3), load<f64>(out + ((<usize>j * K + i) << 3)));
      }
    }
  }
  for (let i = 0; i < K; i++) store<f64>(out + ((<usize>i * K + i) << 3), 0);
}

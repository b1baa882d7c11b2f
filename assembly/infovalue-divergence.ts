// The divergence penalty (2022 core validator, v3.6): per query, each responsive miner's Hellinger distance from the
// mean distribution of the valid rows, then its excess over mean + one standard deviation, in standard deviations,
// cubed and capped at 10. Garbage rows are at distance 1. Dense rows are read twice more (mean, distance); a top-k
// row is a floor plus a few listed outcomes, so its distance comes from sums over the mean taken once per query.

import { minerSlot, Rows } from './infovalue-rows';
import { DIVERGENCE_NOISE, KIND_DENSE, KIND_NONE } from './score-layout';

/** m += row · scale over V floats (two f64 lanes at a time). */
function addScaled(m: usize, row: usize, scale: f64, V: i32): void {
  const s = f64x2.splat(scale);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const x = v128.load(row + (<usize>i << 2));
    const at = m + (<usize>i << 3);
    v128.store(at, f64x2.add(v128.load(at), f64x2.mul(f64x2.promote_low_f32x4(x), s)));
    v128.store(at + 16, f64x2.add(v128.load(at + 16), f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 0, 1)), s)));
  }
  for (; i < V; i++) {
    const at = m + (<usize>i << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(row + (<usize>i << 2)) * scale);
  }
}

/** Σ_v (√(row_v · scale) − sm_v)² over V floats. */
function denseDistance2(row: usize, scale: f64, sm: usize, V: i32): f64 {
  const s = f64x2.splat(scale);
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= V; i += 4) {
    const x = v128.load(row + (<usize>i << 2));
    const at = sm + (<usize>i << 3);
    const d0 = f64x2.sub(f64x2.sqrt(f64x2.mul(f64x2.promote_low_f32x4(x), s)), v128.load(at));
    const d1 = f64x2.sub(f64x2.sqrt(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 0, 1)), s)), v128.load(at + 16));
    acc0 = f64x2.add(acc0, f64x2.mul(d0, d0));
    acc1 = f64x2.add(acc1, f64x2.mul(d1, d1));
  }
  const both = f64x2.add(acc0, acc1);
  let t = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < V; i++) {
    const d = Math.sqrt(<f64>load<f32>(row + (<usize>i << 2)) * scale) - load<f64>(sm + (<usize>i << 3));
    t += d * d;
  }
  return t;
}

/**
 * The probability of each unlisted outcome of a top-k row. When every outcome is listed the floor carries no mass,
 * and it is taken as 0: its scaled value could be huge, and the sums over all outcomes would cancel it badly.
 */
function floorShare(miners: usize, k: i32, b: i32, scale: f64, V: i32, listed: i32): f64 {
  return listed >= V ? 0 : <f64>load<f32>(minerSlot(miners, k, 4) + (<usize>b << 2)) * scale;
}

/**
 * Σ_v (√p_v − sm_v)² of a top-k row outcome by outcome: the listed probabilities are spread into `scratch` (f64[V],
 * NaN where unlisted), summed, and `scratch` is left as it was found.
 */
function topkDistance2Direct(ptr: usize, ids: usize, probs: usize, b: i32, scale: f64, c: f64, sm: usize, V: i32, scratch: usize): f64 {
  const start = load<i32>(ptr + (<usize>b << 2)), end = load<i32>(ptr + (<usize>(b + 1) << 2));
  for (let e = start; e < end; e++) {
    store<f64>(scratch + (<usize>load<i32>(ids + (<usize>e << 2)) << 3), <f64>load<f32>(probs + (<usize>e << 2)) * scale);
  }
  const sc = Math.sqrt(c);
  let t: f64 = 0;
  for (let v = 0; v < V; v++) {
    const pv = load<f64>(scratch + (<usize>v << 3));
    const d = (pv == pv ? Math.sqrt(pv) : sc) - load<f64>(sm + (<usize>v << 3));
    t += d * d;
  }
  for (let e = start; e < end; e++) store<f64>(scratch + (<usize>load<i32>(ids + (<usize>e << 2)) << 3), NaN);
  return t;
}

/**
 * Fills divergence (mean distance) and excess (mean excess) per miner. `dist` is f64[K] scratch; `m`, `sm` and
 * `scratch` f64[V].
 */
export function divergencePass(rows: Rows, miners: usize, divergence: usize, excess: usize, dist: usize, m: usize, sm: usize, scratch: usize): void {
  const K = rows.k, B = rows.b, V = rows.v;
  for (let v = 0; v < V; v++) store<f64>(scratch + (<usize>v << 3), NaN);
  let responsive = 0;
  for (let k = 0; k < K; k++) {
    if (<i32>minerSlot(miners, k, 0) != KIND_NONE) responsive++;
    store<f64>(divergence + (<usize>k << 3), 0);
    store<f64>(excess + (<usize>k << 3), 0);
  }
  if (responsive == 0) {
    for (let k = 0; k < K; k++) store<f64>(divergence + (<usize>k << 3), NaN);
    return;
  }
  for (let b = 0; b < B; b++) {
    // The mean distribution of the valid rows: dense rows in full, top-k rows as their floor (summed once, spread
    // over every outcome at the end) plus each listed outcome's difference from the floor.
    memory.fill(m, 0, <usize>V << 3);
    let nValid = 0, floors: f64 = 0;
    for (let k = 0; k < K; k++) {
      const at = <usize>k * B + b;
      if (load<u8>(rows.valid + at) == 0) continue;
      nValid++;
      const scale = load<f64>(rows.scale + (at << 3));
      if (<i32>minerSlot(miners, k, 0) == KIND_DENSE) {
        addScaled(m, minerSlot(miners, k, 1) + ((<usize>b * V) << 2), scale, V);
      } else {
        const ptr = minerSlot(miners, k, 1), ids = minerSlot(miners, k, 2), probs = minerSlot(miners, k, 3);
        const start = load<i32>(ptr + (<usize>b << 2)), end = load<i32>(ptr + (<usize>(b + 1) << 2));
        const floor = floorShare(miners, k, b, scale, V, end - start);
        floors += floor;
        for (let e = start; e < end; e++) {
          const at2 = m + (<usize>load<i32>(ids + (<usize>e << 2)) << 3);
          store<f64>(at2, load<f64>(at2) + <f64>load<f32>(probs + (<usize>e << 2)) * scale - floor);
        }
      }
    }
    let sumSqrt: f64 = 0, sumM: f64 = 0;
    if (nValid > 0) {
      const inv = 1.0 / <f64>nValid;
      for (let v = 0; v < V; v++) {
        const mv = (load<f64>(m + (<usize>v << 3)) + floors) * inv;
        store<f64>(m + (<usize>v << 3), mv);
        const s = Math.sqrt(mv);
        store<f64>(sm + (<usize>v << 3), s);
        sumSqrt += s;
        sumM += mv;
      }
    }
    // Distances, then their mean and (unbiased) standard deviation over the responsive miners.
    let sum: f64 = 0;
    for (let k = 0; k < K; k++) {
      const kind = <i32>minerSlot(miners, k, 0);
      if (kind == KIND_NONE) continue;
      const at = <usize>k * B + b;
      let d: f64 = 1;
      if (load<u8>(rows.valid + at) != 0) {
        const scale = load<f64>(rows.scale + (at << 3));
        let t: f64;
        if (kind == KIND_DENSE) {
          t = denseDistance2(minerSlot(miners, k, 1) + ((<usize>b * V) << 2), scale, sm, V);
        } else {
          // Every outcome at the floor, then the listed ones corrected: Σ (sc − sm)² = V·c − 2·sc·Σ sm + Σ m.
          const ptr = minerSlot(miners, k, 1), ids = minerSlot(miners, k, 2), probs = minerSlot(miners, k, 3);
          const start = load<i32>(ptr + (<usize>b << 2)), end = load<i32>(ptr + (<usize>(b + 1) << 2));
          const c = floorShare(miners, k, b, scale, V, end - start), sc = Math.sqrt(c);
          t = <f64>V * c - 2 * sc * sumSqrt + sumM;
          let magnitude = <f64>V * c + 2 * sc * sumSqrt + sumM;
          for (let e = start; e < end; e++) {
            const smv = load<f64>(sm + (<usize>load<i32>(ids + (<usize>e << 2)) << 3));
            const dl = Math.sqrt(<f64>load<f32>(probs + (<usize>e << 2)) * scale) - smv, df = sc - smv;
            t += dl * dl - df * df;
            magnitude += dl * dl + df * df;
          }
          // The sums above cancel: their rounding is about 1e-16 of their magnitude. A row that close to the mean
          // (a copy, a sybil) is summed outcome by outcome instead, as a dense row is.
          if (t < 1e-4 * magnitude) t = topkDistance2Direct(ptr, ids, probs, b, scale, c, sm, V, scratch);
        }
        const half = 0.5 * t;
        d = half < DIVERGENCE_NOISE ? 0 : Math.sqrt(half);
      }
      store<f64>(dist + (<usize>k << 3), d);
      sum += d;
    }
    const avg = sum / <f64>responsive;
    let sq: f64 = 0;
    for (let k = 0; k < K; k++) {
      if (<i32>minerSlot(miners, k, 0) == KIND_NONE) continue;
      const dd = load<f64>(dist + (<usize>k << 3)) - avg;
      sq += dd * dd;
    }
    const std = responsive > 1 ? Math.sqrt(sq / <f64>(responsive - 1)) : 0;
    for (let k = 0; k < K; k++) {
      if (<i32>minerSlot(miners, k, 0) == KIND_NONE) continue;
      const d = load<f64>(dist + (<usize>k << 3));
      const over = (d - (avg + std)) / (std + 1e-9);
      const x = over > 0 ? over * over * over : 0;
      store<f64>(divergence + (<usize>k << 3), load<f64>(divergence + (<usize>k << 3)) + d);
      store<f64>(excess + (<usize>k << 3), load<f64>(excess + (<usize>k << 3)) + (x < 10 ? x : 10));
    }
  }
  const invB = 1.0 / <f64>B;
  for (let k = 0; k < K; k++) {
    if (<i32>minerSlot(miners, k, 0) == KIND_NONE) {
      store<f64>(divergence + (<usize>k << 3), NaN);
      continue;
    }
    store<f64>(divergence + (<usize>k << 3), load<f64>(divergence + (<usize>k << 3)) * invB);
    store<f64>(excess + (<usize>k << 3), load<f64>(excess + (<usize>k << 3)) * invB);
  }
}

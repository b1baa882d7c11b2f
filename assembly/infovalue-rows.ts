// Row pass of the informational-value scoring: one read of every answer row. It decides whether the row is valid
// (every entry a finite non-negative float, a positive total; for top-k also ids in range and not repeated), and
// keeps what the later passes need: the row's normalising scale, its loss on the target, and half its target
// probability (synergy averages two miners' target probabilities, so it never reads the rows again).

import { KIND_DENSE, KIND_NONE, MINER_SLOTS } from './score-layout';

/** What the row pass produces, per miner k and query b. */
export class Rows {
  k: i32 = 0;
  b: i32 = 0;
  v: i32 = 0;
  /** u8[K·B] at k·B + b: 1 when the row is a distribution. */
  valid: usize = 0;
  /** f64[K·B] at k·B + b: 1 / the row's total (valid rows only). */
  scale: usize = 0;
  /** f64[K·B] at k·B + b: min(−ln p_target, worstLoss), worstLoss for garbage (NaN for unresponsive miners). */
  loss: usize = 0;
  /** f64[B·K] at b·K + k (query-major, for the pair loop): exp(−loss) / 2; 0 for unresponsive miners. */
  half: usize = 0;
}

/** Slot `slot` of miner k's entry in the miner table (kind, then its pointers). */
// @ts-ignore: decorator
@inline export function minerSlot(miners: usize, k: i32, slot: i32): usize {
  return <usize>load<i32>(miners + ((<usize>k * MINER_SLOTS + slot) << 2));
}

/** The total of a dense row, or −1 when an entry is NaN, infinite or negative. SIMD over four floats at a time. */
function denseTotal(row: usize, v: i32): f64 {
  let ok = i32x4.splat(-1);
  const zero = f32x4.splat(0), big = f32x4.splat(f32.MAX_VALUE);
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= v; i += 4) {
    const x = v128.load(row + (<usize>i << 2));
    // A NaN fails both comparisons, +inf fails the second.
    ok = v128.and(ok, v128.and(f32x4.ge(x, zero), f32x4.le(x, big)));
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(x));
    acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 0, 1)));
  }
  if (!i32x4.all_true(ok)) return -1;
  const both = f64x2.add(acc0, acc1);
  let total = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < v; i++) {
    const x = load<f32>(row + (<usize>i << 2));
    if (!(x >= 0 && x <= f32.MAX_VALUE)) return -1;
    total += <f64>x;
  }
  return total;
}

function validProb(x: f32): bool {
  return x >= 0 && x <= f32.MAX_VALUE;
}

/** Runs the row pass over every miner and query. `stamp` is i32[V] of zeros, for the duplicate-id check. */
export function rowPass(rows: Rows, miners: usize, targets: usize, worstLoss: f64, stamp: usize): void {
  const K = rows.k, B = rows.b, V = rows.v;
  const minQ = Math.exp(-worstLoss);
  let mark = 0;
  for (let k = 0; k < K; k++) {
    const kind = <i32>minerSlot(miners, k, 0);
    for (let b = 0; b < B; b++) {
      const at = <usize>k * B + b;
      if (kind == KIND_NONE) {
        store<u8>(rows.valid + at, 0);
        store<f64>(rows.loss + (at << 3), NaN);
        store<f64>(rows.half + ((<usize>b * K + k) << 3), 0);
        continue;
      }
      const target = load<i32>(targets + (<usize>b << 2));
      let total: f64 = -1, pTarget: f64 = 0;
      if (kind == KIND_DENSE) {
        const row = minerSlot(miners, k, 1) + ((<usize>b * V) << 2);
        total = denseTotal(row, V);
        if (total > 0) pTarget = <f64>load<f32>(row + (<usize>target << 2));
      } else {
        const ptr = minerSlot(miners, k, 1), ids = minerSlot(miners, k, 2), probs = minerSlot(miners, k, 3);
        const floor = load<f32>(minerSlot(miners, k, 4) + (<usize>b << 2));
        const start = load<i32>(ptr + (<usize>b << 2)), end = load<i32>(ptr + (<usize>(b + 1) << 2));
        mark++;
        let ok = validProb(floor), sum: f64 = 0, found = false;
        for (let e = start; ok && e < end; e++) {
          const id = load<i32>(ids + (<usize>e << 2)), p = load<f32>(probs + (<usize>e << 2));
          if (id < 0 || id >= V || !validProb(p) || load<i32>(stamp + (<usize>id << 2)) == mark) { ok = false; break; }
          store<i32>(stamp + (<usize>id << 2), mark);
          sum += <f64>p;
          if (id == target) { pTarget = <f64>p; found = true; }
        }
        if (ok) {
          total = sum + <f64>(V - (end - start)) * <f64>floor;
          if (!found) pTarget = <f64>floor;
        }
      }
      let loss = worstLoss, q = minQ;
      if (total > 0) {
        const scale = 1.0 / total;
        store<u8>(rows.valid + at, 1);
        store<f64>(rows.scale + (at << 3), scale);
        // Divided, not multiplied by the scale: p near 1 has a loss near 0, where one rounding more shows.
        const p = pTarget / total;
        if (p > 0) {
          const l = -Math.log(p);
          if (l < worstLoss) { loss = l; q = Math.exp(-l); }
        }
      } else {
        store<u8>(rows.valid + at, 0);
      }
      store<f64>(rows.loss + (at << 3), loss);
      store<f64>(rows.half + ((<usize>b * K + k) << 3), q * 0.5);
    }
  }
}

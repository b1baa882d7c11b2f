// The redundancy step of the redundancy-aware model (docs/scoring.md): each miner's 2022 value v_k is divided by its
// multiplicity m_k = 1 + Σ_j κ(D_kj) · (v_j / v_k)⁴, where D_kj is the RMS over the queries of the difference of
// the two miners' losses and κ(D) = (1 − (D/τ)²)² below the tolerance τ, 0 beyond. A group of indistinguishable answers
// thus shares one answer's value, however many hotkeys send it. O(K²·B) over the K×B losses the row pass kept, with
// no K×K storage: each pair adds to both miners' multiplicities.

/** The weight of a neighbour of value vj seen from a miner of value vk > 0: (vj / vk)^4 (see docs/scoring.md). */
// @ts-ignore: decorator
@inline function neighbourWeight(vk: f64, vj: f64): f64 {
  const r = vj / vk, r2 = r * r;
  return r2 * r2;
}

/** Σ_b (a_b − c_b)² over two rows of B f64, two lanes at a time. */
function squaredDistance(a: usize, c: usize, B: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const at = <usize>b << 3;
    const d0 = f64x2.sub(v128.load(a + at), v128.load(c + at));
    const d1 = f64x2.sub(v128.load(a + at + 16), v128.load(c + at + 16));
    acc0 = f64x2.add(acc0, f64x2.mul(d0, d0));
    acc1 = f64x2.add(acc1, f64x2.mul(d1, d1));
  }
  const both = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; b < B; b++) {
    const d = load<f64>(a + (<usize>b << 3)) - load<f64>(c + (<usize>b << 3));
    s += d * d;
  }
  return s;
}

/**
 * Fills `multiplicity` (f64[K]) and rewrites `value` (f64[K], the 2022 values) as value / multiplicity. `lossPerQuery`
 * is f64[K·B] row-major, `loss` f64[K] the row means (NaN when unresponsive), `responsive` u8[K].
 */
export function redundancyPass(K: i32, B: i32, lossPerQuery: usize, loss: usize, responsive: usize, value: usize, tolerance: f64, multiplicity: usize): void {
  for (let k = 0; k < K; k++) store<f64>(multiplicity + (<usize>k << 3), 1);
  const limit = tolerance * tolerance * <f64>B;
  for (let i = 0; i < K; i++) {
    if (load<u8>(responsive + <usize>i) == 0) continue;
    const vi = load<f64>(value + (<usize>i << 3));
    const li = load<f64>(loss + (<usize>i << 3));
    const rowI = lossPerQuery + ((<usize>i * B) << 3);
    for (let j = i + 1; j < K; j++) {
      if (load<u8>(responsive + <usize>j) == 0) continue;
      const vj = load<f64>(value + (<usize>j << 3));
      if (!(vi > 0) && !(vj > 0)) continue;
      // The RMS of the differences is at least the difference of the means: most pairs end here.
      const dm = li - load<f64>(loss + (<usize>j << 3));
      if (dm * dm >= tolerance * tolerance) continue;
      const s = squaredDistance(rowI, lossPerQuery + ((<usize>j * B) << 3), B);
      if (!(s < limit)) continue;
      const y = 1 - s / limit;
      const kernel = y * y;
      if (vi > 0) store<f64>(multiplicity + (<usize>i << 3), load<f64>(multiplicity + (<usize>i << 3)) + kernel * neighbourWeight(vi, vj));
      if (vj > 0) store<f64>(multiplicity + (<usize>j << 3), load<f64>(multiplicity + (<usize>j << 3)) + kernel * neighbourWeight(vj, vi));
    }
  }
  for (let k = 0; k < K; k++) {
    const at = <usize>k << 3;
    store<f64>(value + at, load<f64>(value + at) / load<f64>(multiplicity + at));
  }
}

// The redundancy step of the redundancy-aware model (docs/scoring.md). Two scales of the distance D_kj, the RMS over the
// queries of the difference of two miners' losses:
// - copies: c_k = Σ_j κ_c(D_kj) (itself included) counts the hotkeys that send k's answer, up to float32 rounding and the
//   noise a copier adds at no cost (D below the copy tolerance τ_c);
// - neighbours: m_k = 1 + c_k · Σ_{j≠k} κ(D_kj) · (v_j / v_k)⁴ / c_j, with κ(D) = (1 − (D/τ)²)² below τ, 0 beyond.
//   A neighbour counts once per answer (1/c_j), not once per hotkey, and a miner's own copies count in full (c_k / c_j
//   = 1 among them), so a group of copies earns one answer's value and weighs on its neighbours as one answer does.
// Each miner's 2022 value v_k is divided by m_k. Two O(K²·B) passes over the K×B losses the row pass kept, with no K×K
// storage: each pair adds to both miners' sums.

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

/** κ_c(D) from x = D/τ_c: 1 up to x = ½, a smoothstep down to 0 at x = 1, 0 beyond (docs/scoring.md). */
// @ts-ignore: decorator
@inline export function copyKernel(x: f64): f64 {
  if (!(x < 1)) return 0;
  if (x <= 0.5) return 1;
  const u = 2 * x - 1;
  return 1 - u * u * (3 - 2 * u);
}

/** Whether a pair takes part in the redundancy step: both responsive, and one of them of positive value. */
// @ts-ignore: decorator
@inline function paired(responsive: usize, value: usize, j: i32, vi: f64): bool {
  return load<u8>(responsive + <usize>j) != 0 && (vi > 0 || load<f64>(value + (<usize>j << 3)) > 0);
}

/**
 * Fills `copies` and `multiplicity` (f64[K] each) and rewrites `value` (f64[K], the 2022 values) as value /
 * multiplicity. `lossPerQuery` is f64[K·B] row-major, `loss` f64[K] the row means (NaN when unresponsive), `responsive`
 * u8[K]; `tolerance` is τ and `copyTolerance` τ_c, both in nats.
 */
export function redundancyPass(K: i32, B: i32, lossPerQuery: usize, loss: usize, responsive: usize, value: usize, tolerance: f64, copyTolerance: f64, copies: usize, multiplicity: usize): void {
  for (let k = 0; k < K; k++) {
    store<f64>(copies + (<usize>k << 3), 1);
    store<f64>(multiplicity + (<usize>k << 3), 0);
  }
  // Pass 1: the copy counts. The RMS of the differences is at least the difference of the means: almost every pair of
  // distinct answers ends at the first test.
  const copyLimit = copyTolerance * copyTolerance * <f64>B;
  for (let i = 0; i < K; i++) {
    if (load<u8>(responsive + <usize>i) == 0) continue;
    const vi = load<f64>(value + (<usize>i << 3));
    const li = load<f64>(loss + (<usize>i << 3));
    const rowI = lossPerQuery + ((<usize>i * B) << 3);
    for (let j = i + 1; j < K; j++) {
      if (!paired(responsive, value, j, vi)) continue;
      const dm = li - load<f64>(loss + (<usize>j << 3));
      if (dm * dm >= copyTolerance * copyTolerance) continue;
      const s = squaredDistance(rowI, lossPerQuery + ((<usize>j * B) << 3), B);
      if (!(s < copyLimit)) continue;
      const c = copyKernel(Math.sqrt(s / copyLimit));
      store<f64>(copies + (<usize>i << 3), load<f64>(copies + (<usize>i << 3)) + c);
      store<f64>(copies + (<usize>j << 3), load<f64>(copies + (<usize>j << 3)) + c);
    }
  }
  // Pass 2: Σ_{j≠k} κ(D_kj) · (v_j / v_k)⁴ / c_j into `multiplicity`, then m_k = 1 + c_k · that sum.
  const limit = tolerance * tolerance * <f64>B;
  for (let i = 0; i < K; i++) {
    if (load<u8>(responsive + <usize>i) == 0) continue;
    const vi = load<f64>(value + (<usize>i << 3));
    const li = load<f64>(loss + (<usize>i << 3));
    const ci = load<f64>(copies + (<usize>i << 3));
    const rowI = lossPerQuery + ((<usize>i * B) << 3);
    for (let j = i + 1; j < K; j++) {
      if (!paired(responsive, value, j, vi)) continue;
      const vj = load<f64>(value + (<usize>j << 3));
      const dm = li - load<f64>(loss + (<usize>j << 3));
      if (dm * dm >= tolerance * tolerance) continue;
      const s = squaredDistance(rowI, lossPerQuery + ((<usize>j * B) << 3), B);
      if (!(s < limit)) continue;
      const y = 1 - s / limit;
      const kernel = y * y;
      if (vi > 0) store<f64>(multiplicity + (<usize>i << 3), load<f64>(multiplicity + (<usize>i << 3)) + kernel * neighbourWeight(vi, vj) / load<f64>(copies + (<usize>j << 3)));
      if (vj > 0) store<f64>(multiplicity + (<usize>j << 3), load<f64>(multiplicity + (<usize>j << 3)) + kernel * neighbourWeight(vj, vi) / ci);
    }
  }
  for (let k = 0; k < K; k++) {
    const at = <usize>k << 3;
    const v = load<f64>(value + at);
    const m = v > 0 ? 1 + load<f64>(copies + at) * load<f64>(multiplicity + at) : 1;
    store<f64>(multiplicity + at, m);
    store<f64>(value + at, v / m);
  }
}

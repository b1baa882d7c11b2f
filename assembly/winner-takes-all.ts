// Server-side winner-take-all, a simulation-only variant from yuma-simulation (`compute_incentive` with
// `winner_takes_all`): the whole incentive goes to the highest-ranked uids, split evenly among ties. The chain has no
// such mode; it exists so that simulations can compare it with client-side argmax weights. An all-zero incentive stays
// zero (yuma-simulation would split it among every uid, which pays miners nobody ranked).

import { getF64, getI64, setF64, setI64 } from './mem';

/** Exact engine: I32F32 incentive bits; each winner gets ONE / ties, truncated. */
export function winnerTakesAllI64(p: usize, n: i32): void {
  let max: i64 = 0, ties: i64 = 0;
  for (let i = 0; i < n; i++) {
    const v = getI64(p, i);
    if (v > max) { max = v; ties = 1; } else if (v == max && v > 0) ties++;
  }
  if (max <= 0) return;
  const share = ((<i64>1) << 32) / ties;
  for (let i = 0; i < n; i++) setI64(p, i, getI64(p, i) == max ? share : 0);
}

/** Float engine: the same on f64 shares. */
export function winnerTakesAllF64(p: usize, n: i32): void {
  let max = 0.0, ties = 0;
  for (let i = 0; i < n; i++) {
    const v = getF64(p, i);
    if (v > max) { max = v; ties = 1; } else if (v == max && v > 0) ties++;
  }
  if (!(max > 0)) return;
  const share = 1.0 / <f64>ties;
  for (let i = 0; i < n; i++) setF64(p, i, getF64(p, i) == max ? share : 0.0);
}

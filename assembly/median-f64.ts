// Consensus in f64, with the exact engine's selection: stakes and weights rounded to 32 fraction bits (far below the
// float engine's tolerance), then the same rule (the smallest score whose cumulative stake exceeds sum − kappa, else
// the largest), on packed keys read straight from the stored weights.
import { allocRaw, getF64, getI32, getI64, setF64, setI32, setI64 } from './mem';
import { medianOfPacked } from './median-packed';
import { packWeightColumns, WeightRows } from './weights-f64';

const F32: f64 = 4294967296.0;

// @ts-ignore: decorator
@inline function toFixed(x: f64): i64 {
  return <i64>(x * F32 + 0.5);
}

/** Consensus: the stake-weighted median of each column over the rows with active stake > 0. Writes n values to out. */
export function consensusF64(w: WeightRows, stake: usize, kappa: f64, out: usize): void {
  const n = w.n;
  memory.fill(out, 0, <usize>n << 3);
  const vidx = allocRaw(<usize>n << 2);
  let v = 0;
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const s = getF64(stake, i);
    if (s > 0) {
      setI32(vidx, v++, i);
      total += s;
    }
  }
  if (v == 0) return;
  const stakes = allocRaw(<usize>v << 3);
  let sum: i64 = 0;
  for (let k = 0; k < v; k++) {
    const s = toFixed(getF64(stake, getI32(vidx, k)) / total);
    setI64(stakes, k, s);
    sum += s;
  }
  const fixedOut = allocRaw(<usize>n << 3);
  medianOfPacked(packWeightColumns(w, vidx, v), stakes, v, sum, sum - toFixed(kappa), n, fixedOut);
  for (let j = 0; j < n; j++) setF64(out, j, <f64>getI64(fixedOut, j) / F32);
}


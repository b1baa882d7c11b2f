// Consensus in f64, with the exact engine's selection: stakes and weights rounded to 32 fraction bits (far below the
// float engine's tolerance), then the same rule (the smallest score whose cumulative stake exceeds sum − kappa, else
// the largest), on packed keys read straight from the stored weights.
import { allocRaw, getF64, getI32, getI64, setF64, setI32, setI64 } from './mem';
import { medianColumns, PackedColumns, stakeTable } from './median-packed';
import { runParts } from './parallel';
import { fillColumns, packedColumnsFor, WeightRows } from './weights-f64';

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
  const t = new MedianTask();
  t.w = w;
  t.vidx = vidx;
  t.v = v;
  t.cols = packedColumnsFor(w);
  t.sum = sum;
  t.minority = sum - toFixed(kappa);
  t.out = allocRaw(<usize>n << 3);
  // Column halves with about as many keys each.
  const keys = getI32(t.cols.ptr, n);
  let split = 0;
  while (split < n && getI32(t.cols.ptr, split) * 2 < keys) split++;
  t.split = split;
  t.stakeOf0 = stakeTable(stakes, v);
  t.stakeOf1 = stakeTable(stakes, v);
  t.buf0 = allocRaw(<usize>(v + 1) << 3);
  t.buf1 = allocRaw(<usize>(v + 1) << 3);
  runParts(medianPart, changetype<usize>(t), keys >= PARALLEL_KEYS);
  for (let j = 0; j < n; j++) setF64(out, j, <f64>getI64(t.out, j) / F32);
}

/** Below this many keys, a hand-off to the helper costs more than it saves. */
const PARALLEL_KEYS: i32 = 1 << 16;

/** What the two column halves of the median share; each part writes only its columns and its own scratch. */
class MedianTask {
  w!: WeightRows;
  vidx: usize = 0;
  v: i32 = 0;
  cols!: PackedColumns;
  sum: i64 = 0;
  minority: i64 = 0;
  out: usize = 0;
  split: i32 = 0;
  stakeOf0: usize = 0;
  stakeOf1: usize = 0;
  buf0: usize = 0;
  buf1: usize = 0;
}

/** Packs and selects the columns of one half. */
function medianPart(ctx: usize, part: i32): void {
  const t = changetype<MedianTask>(ctx);
  const j0 = part == 0 ? 0 : t.split, j1 = part == 0 ? t.split : t.w.n;
  fillColumns(t.w, t.vidx, t.v, t.cols, j0, j1);
  medianColumns(t.cols, part == 0 ? t.stakeOf0 : t.stakeOf1, part == 0 ? t.buf0 : t.buf1, t.v, t.sum, t.minority, j0, j1, t.out);
}


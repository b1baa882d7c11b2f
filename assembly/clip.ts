// Clipping, validator trust and ranks of the exact engine (§4.7–4.8) in one pass over the weights, in two row parts
// (the second on the helper thread, parallel.ts). Each part writes its clipped rows into its own range of the output
// and sums its ranks in its own columns; part 1's entries then move down to follow part 0's, and its sums are added
// to part 0's. The chain sums ranks in row order with saturating additions, which regroup freely while every term is
// non-negative (min(MAX, a + b + c) however it is split); with a negative stake (a wrapped normalisation) the split
// moves to the end, so part 0 runs every row in order.
import { addSat, mulSat } from './fixed';
import { allocZeroed, getI32, getI64, setI32, setI64 } from './mem';
import { PARALLEL_ENTRIES, runParts, splitRows } from './parallel';
import { ColumnSums, Csr, csrAlloc, joinParts } from './sparse';

class ClipTask {
  w!: Csr;
  out!: Csr;
  consensus: usize = 0;
  stake: usize = 0;
  trust: usize = 0;
  ranks0: usize = 0;
  ranks1: usize = 0;
  dSum0: usize = 0;
  dSum1: usize = 0;
  split: i32 = 0;
  end0: i32 = 0;
  end1: i32 = 0;
}

/**
 * `col_clip_sparse` (an entry above its column's consensus becomes the consensus, or is dropped when that is 0),
 * validator trust (the wrapping sum of each clipped row) and ranks (`matmul_sparse`: Σ_i S_i·c_ij, saturating).
 * Returns the clipped matrix, or, given `deltaSums`, the bonds delta c_ij·S_i in its place (with its column sums).
 */
export function clipTrustRanks(
  w: Csr, consensus: usize, stake: usize, trust: usize, ranks: usize, n: i32, deltaSums: ColumnSums | null,
): Csr {
  const t = new ClipTask();
  t.w = w;
  t.out = csrAlloc(w.rows, w.nnz());
  t.consensus = consensus;
  t.stake = stake;
  t.trust = trust;
  memory.fill(ranks, 0, <usize>n << 3);
  t.ranks0 = ranks;
  t.ranks1 = allocZeroed(<usize>n << 3);
  t.dSum0 = deltaSums == null ? 0 : deltaSums.sum;
  t.dSum1 = deltaSums == null ? 0 : allocZeroed(<usize>n << 3);
  let nonNegative = true;
  for (let i = 0; i < w.rows; i++) if (getI64(stake, i) < 0) nonNegative = false;
  t.split = nonNegative ? splitRows(w.ptr, w.rows) : w.rows;
  runParts(clipPart, changetype<usize>(t), w.nnz() >= PARALLEL_ENTRIES);
  for (let j = 0; j < n; j++) setI64(ranks, j, addSat(getI64(ranks, j), getI64(t.ranks1, j)));
  if (t.dSum0 != 0) for (let j = 0; j < n; j++) setI64(t.dSum0, j, addSat(getI64(t.dSum0, j), getI64(t.dSum1, j)));
  // Part 1 wrote from its first row's weights on; its entries move down to follow part 0's.
  joinParts(t.out, t.split, t.end0, w.start(t.split), t.end1);
  return t.out;
}

function clipPart(ctx: usize, part: i32): void {
  const t = changetype<ClipTask>(ctx);
  const w = t.w, out = t.out, consensus = t.consensus, stake = t.stake, trust = t.trust;
  const ranks = part == 0 ? t.ranks0 : t.ranks1, dSum = part == 0 ? t.dSum0 : t.dSum1;
  // Raw pointers in locals: the hot loop then reads no object fields (stores to memory could alias them).
  const wCol = w.col, wVal = w.val, oCol = out.col, oVal = out.val;
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : w.rows;
  let o = part == 0 ? 0 : w.start(t.split);
  for (let i = i0; i < i1; i++) {
    const s = getI64(stake, i);
    let tr: i64 = 0;
    for (let k = w.start(i), e = w.end(i); k < e; k++) {
      const j = getI32(wCol, k);
      const v = getI64(wVal, k);
      const c = getI64(consensus, j);
      let x = v;
      if (c < v) {
        if (c <= 0) continue;
        x = c;
      }
      const weighted = mulSat(s, x);
      setI32(oCol, o, j);
      if (dSum != 0) {
        // row_hadamard_sparse multiplies as c_ij · S_i; the product commutes, so it equals the rank term.
        setI64(oVal, o++, weighted);
        setI64(dSum, j, addSat(getI64(dSum, j), weighted));
      } else {
        setI64(oVal, o++, x);
      }
      tr += x;
      setI64(ranks, j, addSat(getI64(ranks, j), weighted));
    }
    setI64(trust, i, tr);
    setI32(out.ptr, i + 1, o);
  }
  if (part == 0) t.end0 = o;
  else t.end1 = o;
}

// The original Yuma bonds (§4.10a), fused: the chain column-normalises the stored bonds and the bonds delta, takes
// their EMA, column-normalises it, reads dividends from it and max-upscales it for storage, each a separate pass over
// the matrix. Here the normalisations happen on the fly, inside the EMA merge and the dividends pass. The values are
// the chain's, bit for bit.
import { addSat, mulCheckedOrZero, mulSat } from './fixed';
import { BONDS_INTEGER, maskedBonds } from './masks';
import { getI32, getI64, setI64 } from './mem';
import { runParts, splitRows } from './parallel';
import { ColumnSums, Csr, matEmaSparse, Scratch } from './sparse';

/**
 * Original-Yuma bonds and dividends. `forBonds` becomes the bonds delta: pass `deltaSums` when the caller has already
 * written the delta into it (and summed its columns). Writes the dividends (not yet normalised) and the column maxima
 * of the normalised EMA (for storage), and returns the normalised EMA.
 */
export function originalBonds(
  params: usize, n: i32, forBonds: Csr, deltaSums: ColumnSums | null, activeStake: usize, incentive: usize, alpha: i64,
  sc: Scratch, dividends: usize, colMax: usize,
): Csr {
  // Stored bonds are column max-upscaled u16; the chain reads them back as integers.
  const bSums = new ColumnSums(n);
  const bonds = maskedBonds(params, n, BONDS_INTEGER, bSums);
  let dSums = deltaSums;
  if (dSums == null) {
    dSums = new ColumnSums(n);
    writeDelta(forBonds, activeStake, dSums);
  }
  const eSums = new ColumnSums(n);
  const ema = matEmaSparse(forBonds, dSums, bonds, bSums, alpha, sc, eSums);

  // Normalise the EMA, read the dividends from it and find the column maxima, in one pass.
  memory.fill(colMax, 0, <usize>n << 3);
  for (let i = 0; i < n; i++) {
    let d: i64 = 0;
    for (let k = ema.start(i), e = ema.end(i); k < e; k++) {
      const j = getI32(ema.col, k);
      const v = eSums.normalize(j, getI64(ema.val, k));
      setI64(ema.val, k, v);
      d = addSat(d, mulSat(getI64(incentive, j), v));
      if (getI64(colMax, j) < v) setI64(colMax, j, v);
    }
    setI64(dividends, i, d);
  }
  return ema;
}

/** `row_hadamard_sparse(m, stake)` in place (m_ij · S_i, saturating), with the column sums of the result. */
export function writeDelta(m: Csr, stake: usize, sums: ColumnSums): void {
  for (let i = 0; i < m.rows; i++) {
    const s = getI64(stake, i);
    for (let k = m.start(i), e = m.end(i); k < e; k++) {
      const v = mulSat(getI64(m.val, k), s);
      setI64(m.val, k, v);
      sums.add(getI32(m.col, k), v);
    }
  }
}

/** What the two row parts of yuma3Dividends share. */
class DividendsTask {
  ema!: Csr;
  sums!: ColumnSums;
  incentive: usize = 0;
  stake: usize = 0;
  dividends: usize = 0;
  split: i32 = 0;
}

/**
 * Yuma3's dividends (not yet normalised): per row, the wrapping sum of (EMA entry / its column sum) · incentive,
 * times the row's active stake. Rows are independent, so they run in two parts, the second on the helper thread.
 */
export function yuma3Dividends(ema: Csr, sums: ColumnSums, incentive: usize, stake: usize, dividends: usize): void {
  const t = new DividendsTask();
  t.ema = ema;
  t.sums = sums;
  t.incentive = incentive;
  t.stake = stake;
  t.dividends = dividends;
  t.split = splitRows(ema.ptr, ema.rows);
  runParts(dividendsPart, changetype<usize>(t), ema.nnz() >= 1 << 16);
}

function dividendsPart(ctx: usize, part: i32): void {
  const t = changetype<DividendsTask>(ctx);
  const ema = t.ema, sums = t.sums, incentive = t.incentive, col = ema.col, val = ema.val;
  for (let i = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : ema.rows; i < i1; i++) {
    let d: i64 = 0;
    for (let k = ema.start(i), e = ema.end(i); k < e; k++) {
      const j = getI32(col, k);
      d += mulSat(sums.normalize(j, getI64(val, k)), getI64(incentive, j));
    }
    setI64(t.dividends, i, mulCheckedOrZero(d, getI64(t.stake, i)));
  }
}

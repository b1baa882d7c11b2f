// The original Yuma bonds (§4.10a), fused: the chain column-normalises the stored bonds and the bonds delta, takes
// their EMA, column-normalises it, reads dividends from it and max-upscales it for storage, each a separate pass over
// the matrix. Here the normalisations happen on the fly, inside the EMA merge and the dividends pass. The values are
// the chain's, bit for bit.
import { addSat, mulSat } from './fixed';
import { maskedBonds } from './masks';
import { getI32, getI64, setI64 } from './mem';
import { ColumnSums, Csr, matEmaSparse, Scratch } from './sparse';

/**
 * Original-Yuma bonds and dividends. `forBonds` is overwritten with the bonds delta. Writes the dividends
 * (normalised) and the column maxima of the normalised EMA (for storage), and returns the normalised EMA.
 */
export function originalBonds(
  params: usize, n: i32, forBonds: Csr, activeStake: usize, incentive: usize, alpha: i64, sc: Scratch,
  dividends: usize, colMax: usize,
): Csr {
  // Stored bonds are column max-upscaled u16; the chain reads them back as integers.
  const bonds = maskedBonds(params, n);
  const bSums = new ColumnSums(n);
  for (let k = 0, nz = bonds.nnz(); k < nz; k++) {
    const v = getI64(bonds.val, k) << 32;
    setI64(bonds.val, k, v);
    bSums.add(getI32(bonds.col, k), v);
  }
  // Bonds delta: the weights for bonds times the row's active stake.
  const dSums = new ColumnSums(n);
  for (let i = 0; i < n; i++) {
    const s = getI64(activeStake, i);
    for (let k = forBonds.start(i), e = forBonds.end(i); k < e; k++) {
      const v = mulSat(getI64(forBonds.val, k), s);
      setI64(forBonds.val, k, v);
      dSums.add(getI32(forBonds.col, k), v);
    }
  }

  const ema = matEmaSparse(forBonds, dSums, bonds, bSums, alpha, sc);
  const eSums = new ColumnSums(n);
  for (let k = 0, nz = ema.nnz(); k < nz; k++) eSums.add(getI32(ema.col, k), getI64(ema.val, k));

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

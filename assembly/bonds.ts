// The original Yuma bonds (§4.10a), fused: the chain column-normalises the stored bonds and the bonds delta, takes
// their EMA, column-normalises it, reads dividends from it and max-upscales it for storage, each a separate pass over
// the matrix. Here the normalisations happen on the fly, inside the EMA merge and the dividends pass, with one float
// reciprocal per column (divByRecip keeps every quotient exact). The values are the chain's, bit for bit.
import { addSat, mulSat, safeDivRecip, subSat, ONE } from './fixed';
import { maskedBonds } from './masks';
import { allocRaw, allocZeroed, getF64, getI32, getI64, setF64, setI32, setI64 } from './mem';
import { isAscendingI32, sortI32 } from './sort';
import { Csr, csrAlloc, Scratch } from './sparse';

/** Saturating column sums (n wide) and their float reciprocals (0 where the sum is not positive). */
class ColumnSums {
  sum: usize;
  inv: usize;
  constructor(n: i32) {
    this.sum = allocZeroed(<usize>n << 3);
    this.inv = allocRaw(<usize>n << 3);
  }

  add(j: i32, v: i64): void {
    setI64(this.sum, j, addSat(getI64(this.sum, j), v));
  }

  finish(n: i32): void {
    for (let j = 0; j < n; j++) {
      const d = getI64(this.sum, j);
      setF64(this.inv, j, d > 0 ? 1.0 / <f64>d : 0);
    }
  }

  /** v divided by its column's sum (safe_div), or v unchanged when the sum is 0 (`inplace_col_normalize_sparse`). */
  // @ts-ignore: decorator
  @inline normalize(j: i32, v: i64): i64 {
    const d = getI64(this.sum, j);
    return d == 0 ? v : safeDivRecip(v, d, getF64(this.inv, j));
  }
}

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
  bSums.finish(n);
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
  dSums.finish(n);

  const ema = emaMerge(forBonds, dSums, bonds, bSums, alpha, sc);
  const eSums = new ColumnSums(n);
  for (let k = 0, nz = ema.nnz(); k < nz; k++) eSums.add(getI32(ema.col, k), getI64(ema.val, k));
  eSums.finish(n);

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

/**
 * `mat_ema_sparse(normalised delta, normalised bonds, alpha)`: per row, alpha·δ + (1 − alpha)·b (saturating, delta
 * first), keeping entries > 0 in ascending column order.
 */
function emaMerge(delta: Csr, dSums: ColumnSums, bonds: Csr, bSums: ColumnSums, alpha: i64, sc: Scratch): Csr {
  const oneMinus = subSat(ONE, alpha);
  const out = csrAlloc(delta.rows, delta.nnz() + bonds.nnz());
  let o = 0;
  for (let i = 0; i < delta.rows; i++) {
    const ds = delta.start(i), de = delta.end(i), bs = bonds.start(i), be = bonds.end(i);
    if (isAscendingI32(delta.col + (<usize>ds << 2), de - ds) && isAscendingI32(bonds.col + (<usize>bs << 2), be - bs)) {
      let a = ds, b = bs;
      while (a < de || b < be) {
        const ja = a < de ? getI32(delta.col, a) : 0x7fffffff;
        const jb = b < be ? getI32(bonds.col, b) : 0x7fffffff;
        let v: i64;
        let j: i32;
        if (ja < jb) {
          j = ja;
          v = mulSat(alpha, dSums.normalize(j, getI64(delta.val, a++)));
        } else if (jb < ja) {
          j = jb;
          v = mulSat(oneMinus, bSums.normalize(j, getI64(bonds.val, b++)));
        } else {
          j = ja;
          v = addSat(mulSat(alpha, dSums.normalize(j, getI64(delta.val, a++))), mulSat(oneMinus, bSums.normalize(j, getI64(bonds.val, b++))));
        }
        if (v > 0) {
          setI32(out.col, o, j);
          setI64(out.val, o++, v);
        }
      }
    } else {
      // Unsorted rows: accumulate in a dense row, then emit the touched columns in ascending order.
      const acc = sc.acc, stamp = sc.stamp, list = sc.list;
      let len = 0;
      for (let k = ds; k < de; k++) {
        const j = getI32(delta.col, k);
        setI32(stamp, j, i);
        setI64(acc, j, mulSat(alpha, dSums.normalize(j, getI64(delta.val, k))));
        setI32(list, len++, j);
      }
      for (let k = bs; k < be; k++) {
        const j = getI32(bonds.col, k);
        const add = mulSat(oneMinus, bSums.normalize(j, getI64(bonds.val, k)));
        if (getI32(stamp, j) != i) {
          setI32(stamp, j, i);
          setI64(acc, j, add);
          setI32(list, len++, j);
        } else {
          setI64(acc, j, addSat(getI64(acc, j), add));
        }
      }
      sortI32(list, len, sc.tmp);
      for (let k = 0; k < len; k++) {
        const j = getI32(list, k);
        const v = getI64(acc, j);
        if (v > 0) {
          setI32(out.col, o, j);
          setI64(out.val, o++, v);
        }
      }
    }
    setI32(out.ptr, i + 1, o);
  }
  memory.fill(sc.stamp, 0xff, <usize>sc.n << 2);
  return out;
}

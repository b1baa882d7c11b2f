// Sorting helpers: ascending i32 lists (sparse row columns) and the chain's stable argsort by fixed-point key.
import { getI32, setI32, getI64 } from './mem';

/** True when the `len` i32 values at `p` are in strictly ascending order. */
export function isAscendingI32(p: usize, len: i32): bool {
  for (let k = 1; k < len; k++) if (getI32(p, k - 1) >= getI32(p, k)) return false;
  return true;
}

/** Sorts `len` i32 values at `p` ascending; `tmp` has room for `len` values. */
export function sortI32(p: usize, len: i32, tmp: usize): void {
  if (isAscendingI32(p, len)) return;
  if (len <= 24) {
    for (let i = 1; i < len; i++) {
      const v = getI32(p, i);
      let j = i - 1;
      while (j >= 0 && getI32(p, j) > v) {
        setI32(p, j + 1, getI32(p, j));
        j--;
      }
      setI32(p, j + 1, v);
    }
    return;
  }
  // Bottom-up merge sort, ping-ponging between p and tmp.
  let src = p, dst = tmp;
  for (let width = 1; width < len; width <<= 1) {
    for (let lo = 0; lo < len; lo += width << 1) {
      const mid = min(lo + width, len), hi = min(lo + (width << 1), len);
      let a = lo, b = mid, k = lo;
      while (a < mid && b < hi) {
        const x = getI32(src, a), y = getI32(src, b);
        if (x <= y) { setI32(dst, k++, x); a++; } else { setI32(dst, k++, y); b++; }
      }
      while (a < mid) setI32(dst, k++, getI32(src, a++));
      while (b < hi) setI32(dst, k++, getI32(src, b++));
    }
    const t = src; src = dst; dst = t;
  }
  if (src != p) memory.copy(p, src, <usize>len << 2);
}

/**
 * Indices 0..n-1 sorted ascending by the i64 keys, stable (equal keys keep index order), as Rust's `sort_by_key`.
 * Writes into `out`; `tmp` has room for n i32.
 */
export function argsortStableI64(keys: usize, n: i32, out: usize, tmp: usize): void {
  for (let i = 0; i < n; i++) setI32(out, i, i);
  let src = out, dst = tmp;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let a = lo, b = mid, k = lo;
      while (a < mid && b < hi) {
        const ia = getI32(src, a), ib = getI32(src, b);
        // Taking from the left run on ties keeps the sort stable.
        if (getI64(keys, ia) <= getI64(keys, ib)) { setI32(dst, k++, ia); a++; } else { setI32(dst, k++, ib); b++; }
      }
      while (a < mid) setI32(dst, k++, getI32(src, a++));
      while (b < hi) setI32(dst, k++, getI32(src, b++));
    }
    const t = src; src = dst; dst = t;
  }
  if (src != out) memory.copy(out, src, <usize>n << 2);
}

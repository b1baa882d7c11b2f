// The epoch's masks, shared by the exact and the float engines: activity, the weight masks of §4.5 and the bonds
// mask of §4.10. They select entries only; values stay the raw stored u16 (in the i64 slots of the CSR).
import * as L from './layout';
import { allocRaw, getI32, getI64, getU16, getU64, getU8, setF64, setI32, setI64, setU8 } from './mem';
import { u16ProportionToFixed } from './fixed';
import { runParts, splitRows } from './parallel';
import { ColumnSums, Csr, csrAlloc, joinParts } from './sparse';

// @ts-ignore: decorator
@inline export function param(params: usize, slot: i32): i64 {
  return getI64(params, slot);
}

// @ts-ignore: decorator
@inline export function paramPtr(params: usize, slot: i32): usize {
  return <usize>getI64(params, slot);
}

/** `active[i] = !(last_update[i] + cutoff < block)`, with a saturating u64 add. */
export function activity(params: usize, n: i32): usize {
  const active = allocRaw(<usize>n);
  const lastUpdate = paramPtr(params, L.P_LAST_UPDATE);
  const cutoff = <u64>param(params, L.P_ACTIVITY_CUTOFF);
  const block = <u64>param(params, L.P_BLOCK);
  for (let i = 0; i < n; i++) {
    const lu = getU64(lastUpdate, i);
    const sum = lu + cutoff;
    const reach: u64 = sum < lu ? <u64>-1 : sum;
    setU8(active, i, !(reach < block));
  }
  return active;
}

/** The permits from the previous epoch, with the owner's forced to true. */
export function previousPermits(params: usize, n: i32): usize {
  const permits = allocRaw(<usize>n);
  memory.copy(permits, paramPtr(params, L.P_PERMIT), <usize>n);
  const owner = <i32>param(params, L.P_OWNER);
  if (owner >= 0 && owner < n) setU8(permits, owner, true);
  return permits;
}

/** How maskedWeights leaves the values: the raw u16, row-normalised I32F32 bits, or row-normalised f64. */
export const RAW: i32 = 0;
export const NORMALIZED_EXACT: i32 = 1;
export const NORMALIZED_F64: i32 = 2;

/**
 * The stored weights after the masks, in storage order: rows without a permit emptied, the diagonal dropped except
 * the owner's, entries to uids registered at or after the row's last update dropped, and (commit-reveal) entries to
 * uids registered after the row's earliest live commit dropped. Each row is normalised as soon as it is written,
 * while it is still in cache, when `values` asks for it. Rows are independent: they run in two parts, the second on
 * the helper thread, each writing from its first row's stored position (a masked row is never longer than stored);
 * part 1's entries then move down to follow part 0's.
 */
export function maskedWeights(params: usize, n: i32, permits: usize, values: i32 = RAW): Csr {
  const src = paramPtr(params, L.P_W_PTR);
  const t = new MaskTask();
  t.params = params;
  t.permits = permits;
  t.values = values;
  t.n = n;
  t.out = csrAlloc(n, getI32(src, n));
  t.split = splitRows(src, n);
  runParts(maskPart, changetype<usize>(t), getI32(src, n) >= 1 << 16);
  joinParts(t.out, t.split, t.end0, getI32(src, t.split), t.end1);
  return t.out;
}

/** What the two row parts of maskedWeights share. */
class MaskTask {
  params: usize = 0;
  permits: usize = 0;
  values: i32 = 0;
  n: i32 = 0;
  out!: Csr;
  split: i32 = 0;
  end0: i32 = 0;
  end1: i32 = 0;
}

function maskPart(ctx: usize, part: i32): void {
  const t = changetype<MaskTask>(ctx);
  const params = t.params, permits = t.permits, values = t.values, out = t.out;
  const src = paramPtr(params, L.P_W_PTR), col = paramPtr(params, L.P_W_COL), val = paramPtr(params, L.P_W_VAL);
  const lastUpdate = paramPtr(params, L.P_LAST_UPDATE), reg = paramPtr(params, L.P_REGISTRATION);
  const commit = paramPtr(params, L.P_COMMIT_BLOCK);
  const commitReveal = param(params, L.P_COMMIT_REVEAL) != 0;
  const owner = <i32>param(params, L.P_OWNER);
  const i0 = part == 0 ? 0 : t.split, i1 = part == 0 ? t.split : t.n;
  let o = getI32(src, i0);
  if (part == 0) o = 0;
  for (let i = i0; i < i1; i++) {
    const start = o;
    if (getU8(permits, i)) {
      const lu = getU64(lastUpdate, i);
      const cb = getU64(commit, i);
      for (let k = getI32(src, i), e = getI32(src, i + 1); k < e; k++) {
        const j = getU16(col, k);
        if (j == i && i != owner) continue;
        const r = getU64(reg, j);
        if (lu <= r) continue;
        if (commitReveal && cb < r) continue;
        setI32(out.col, o, j);
        setI64(out.val, o++, getU16(val, k));
      }
      if (values == NORMALIZED_EXACT) normalizeIntegerRow(out, start, o);
      else if (values == NORMALIZED_F64) normalizeRowF64(out, start, o);
    }
    setI32(out.ptr, i + 1, o);
  }
  if (part == 0) t.end0 = o;
  else t.end1 = o;
}

/**
 * `inplace_row_normalize_sparse` on one row of integer-valued weights (u16 read as I32F32): the row sum is an integer
 * S whose wrapping I32F32 form is positive when S mod 2^32 lies in 1..2^31−1; each v becomes trunc(v·2^32 / (S mod
 * 2^32)). Otherwise the chain leaves the row unnormalised.
 */
function normalizeIntegerRow(m: Csr, s: i32, e: i32): void {
  let sum: u64 = 0;
  for (let k = s; k < e; k++) sum += <u64>getI64(m.val, k);
  const wrapped = sum & 0xffffffff;
  if (wrapped == 0 || wrapped >= 0x80000000) {
    for (let k = s; k < e; k++) setI64(m.val, k, getI64(m.val, k) << 32);
    return;
  }
  for (let k = s; k < e; k++) setI64(m.val, k, <i64>((<u64>getI64(m.val, k) << 32) / wrapped));
}

/** One row divided by its sum, in f64 (values stay raw when the sum is 0). */
function normalizeRowF64(m: Csr, s: i32, e: i32): void {
  let sum = 0.0;
  for (let k = s; k < e; k++) sum += <f64>getI64(m.val, k);
  const inv = sum > 0 ? 1.0 / sum : 1.0;
  for (let k = s; k < e; k++) setF64(m.val, k, <f64>getI64(m.val, k) * inv);
}

/** The block of the last epoch for the bonds mask: `LastMechansimStepBlock + 1`, or `block − tempo` when unknown. */
export function lastTempo(params: usize): u64 {
  const lms = <u64>param(params, L.P_LAST_STEP_BLOCK);
  if (lms == 0) {
    const block = <u64>param(params, L.P_BLOCK), tempo = <u64>param(params, L.P_TEMPO);
    return block > tempo ? block - tempo : 0;
  }
  return lms == <u64>-1 ? lms : lms + 1;
}

/** How maskedBonds leaves the values: the raw u16, integers as I32F32 (original Yuma), or u16 proportions (Yuma3). */
export const BONDS_INTEGER: i32 = 1;
export const BONDS_PROPORTION: i32 = 2;

/**
 * The stored bonds without entries to uids registered at or after the last epoch. Values are the raw u16, or read
 * as the chain reads them (`values`); with `sums`, their saturating column sums are accumulated on the way.
 */
export function maskedBonds(params: usize, n: i32, values: i32 = RAW, sums: ColumnSums | null = null): Csr {
  const src = paramPtr(params, L.P_B_PTR), col = paramPtr(params, L.P_B_COL), val = paramPtr(params, L.P_B_VAL);
  const reg = paramPtr(params, L.P_REGISTRATION);
  const last = lastTempo(params);
  const out = csrAlloc(n, getI32(src, n));
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let k = getI32(src, i), e = getI32(src, i + 1); k < e; k++) {
      const j = getU16(col, k);
      if (last <= getU64(reg, j)) continue;
      const raw = getU16(val, k);
      const v: i64 = values == BONDS_INTEGER ? <i64>raw << 32 : values == BONDS_PROPORTION ? u16ProportionToFixed(raw) : <i64>raw;
      if (sums != null) sums.add(j, v);
      setI32(out.col, o, j);
      setI64(out.val, o++, v);
    }
    setI32(out.ptr, i + 1, o);
  }
  return out;
}

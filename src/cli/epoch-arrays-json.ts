import type { CsrArrays, EpochArrays } from '../yuma/index.js';

/*
 * An epoch input in the typed-array form (EpochArrays) written as the EpochInput JSON of contracts/epoch-io.md, the
 * text `JSON.stringify` gives for the same input (bigints as decimal strings), without building a `[uid, u16]` pair
 * per entry: at n = 4096 a dense subnet has a million of them, which `metagraph --epoch-input` would otherwise build
 * only to print.
 */

/** 2^64 − 1: a uid without a live commit in EpochArrays.commitBlock (null in an EpochInput). */
const NO_COMMIT = (1n << 64n) - 1n;

/** Placeholders replaced by the matrices' text; no other value of the input is a string of this form. */
const MARK = { weights: '\u0000weights', bonds: '\u0000bonds' } as const;

/** The rows of a CSR matrix as JSON.stringify writes an array of rows of pairs, at the key depth `depth` (pretty: indent 2). */
function rowsText(csr: CsrArrays, pretty: boolean, depth: number): string {
  const { offsets, uids, values } = csr;
  const n = offsets.length - 1;
  if (n <= 0) return '[]';
  const parts: string[] = [];
  if (!pretty) {
    for (let i = 0; i < n; i++) {
      const pairs: string[] = [];
      for (let k = offsets[i] as number; k < (offsets[i + 1] as number); k++) pairs.push(`[${uids[k]},${values[k]}]`);
      parts.push(`[${pairs.join(',')}]`);
    }
    return `[${parts.join(',')}]`;
  }
  const ind = (level: number): string => ' '.repeat(2 * level);
  const [row, pair, item] = [ind(depth + 1), ind(depth + 2), ind(depth + 3)];
  for (let i = 0; i < n; i++) {
    const a = offsets[i] as number, b = offsets[i + 1] as number;
    if (a === b) { parts.push(`${row}[]`); continue; }
    const pairs: string[] = [];
    for (let k = a; k < b; k++) pairs.push(`${pair}[\n${item}${uids[k]},\n${item}${values[k]}\n${pair}]`);
    parts.push(`${row}[\n${pairs.join(',\n')}\n${row}]`);
  }
  return `[\n${parts.join(',\n')}\n${ind(depth)}]`;
}

/**
 * The EpochInput JSON of an epoch input in typed arrays: the same text as `JSON.stringify` of the EpochInput it
 * stands for (as `metagraphToEpochInput` builds it: the per-uid vectors and matrices first, `commitBlock` last and
 * only when given), compact or indented by 2.
 */
export function epochArraysJson(x: EpochArrays, pretty: boolean): string {
  const { n, block, stake, lastUpdate, blockAtRegistration, validatorPermit, weights, bonds, commitBlock, ...scalars } = x;
  const value: Record<string, unknown> = {
    n,
    block,
    stake: Array.from(stake, String),
    lastUpdate: Array.from(lastUpdate, Number),
    blockAtRegistration: Array.from(blockAtRegistration, Number),
    validatorPermit: Array.from(validatorPermit, (p) => p === 1),
    weights: MARK.weights,
    bonds: MARK.bonds,
    ...scalars,
  };
  if (commitBlock !== undefined && commitBlock !== null) value['commitBlock'] = Array.from(commitBlock, (b) => (b === NO_COMMIT ? null : Number(b)));
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), pretty ? 2 : undefined);
  // Each mark occurs once, as a top-level value: replaced by position, never as a pattern.
  const put = (t: string, key: keyof typeof MARK, csr: CsrArrays): string => {
    const quoted = JSON.stringify(MARK[key]);
    const at = t.indexOf(quoted);
    return `${t.slice(0, at)}${rowsText(csr, pretty, 1)}${t.slice(at + quoted.length)}`;
  };
  return put(put(text, 'weights', weights), 'bonds', bonds);
}

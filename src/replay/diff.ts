import type { EpochInput, EpochOutput, SparseRow } from '../yuma/index.js';
import { csrRow, storedBondsCsr } from './snapshot-codec.js';
import type { BondsCsr } from './snapshot-codec.js';
import { COMPARED_FIELDS, DIFF_SAMPLE } from './types.js';
import type { ComparedField, FieldDiff, StoredOutput } from './types.js';

/*
 * The field-by-field comparison of what the chain stored with what the engine computed, bit for bit: u16 vectors and
 * booleans by value, emission as exact decimal strings, bonds rows as lists (order and zero entries count). Only the
 * fields the chain stored are compared.
 */

/**
 * The Bonds rows the chain holds after an epoch (spec 233 `epoch`, and the devnet): a uid with a new permit stores
 * its computed row; one that lost its permit gets an empty row; every other row is left as it was.
 */
export function storedBondsAfter(input: EpochInput, out: EpochOutput): SparseRow[] {
  const bonds = out.bonds;
  return out.validatorPermit.map((permit, uid) => {
    if (permit) return bonds[uid] ?? [];
    if (input.validatorPermit[uid] === true) return [];
    return input.bonds[uid] ?? [];
  });
}

function sameRow(a: SparseRow | undefined, b: SparseRow | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x[0] !== y[0] || x[1] !== y[1]) return false;
  }
  return true;
}

/** The computed value of a field per uid, in the stored form. */
function computedField(field: ComparedField, input: EpochInput, out: EpochOutput): readonly unknown[] {
  if (field === 'bonds') return storedBondsAfter(input, out);
  return out[field];
}

/** Bonds rows compared with archived CSR rows, without building the stored rows (only differing ones are built). */
function diffBondsCsr(n: number, csr: BondsCsr, got: readonly SparseRow[]): FieldDiff | null {
  let count = 0;
  const sample: FieldDiff['sample'] = [];
  for (let uid = 0; uid < n; uid++) {
    const g = got[uid] ?? [];
    const start = uid + 1 < csr.off.length ? csr.off[uid]! : 0;
    const end = uid + 1 < csr.off.length ? csr.off[uid + 1]! : 0;
    let same = end - start === g.length;
    for (let k = 0; same && k < g.length; k++) {
      const pair = g[k]!;
      same = pair[0] === csr.col[start + k] && pair[1] === csr.val[start + k];
    }
    if (same) continue;
    count++;
    if (sample.length < DIFF_SAMPLE) sample.push({ uid, expected: csrRow(csr, uid), got: g });
  }
  if (count === 0) return null;
  const first = sample[0]!;
  return { field: 'bonds', uids: count, firstUid: first.uid, expected: first.expected, got: first.got, sample };
}

/** Compares one field over n uids; null when every uid matches. */
function diffField(field: ComparedField, n: number, stored: readonly unknown[], got: readonly unknown[]): FieldDiff | null {
  let count = 0;
  const sample: FieldDiff['sample'] = [];
  for (let uid = 0; uid < n; uid++) {
    const e = stored[uid];
    const g = got[uid];
    const same = field === 'bonds' ? sameRow(e as SparseRow | undefined, g as SparseRow | undefined) : e === g;
    if (same) continue;
    count++;
    if (sample.length < DIFF_SAMPLE) sample.push({ uid, expected: e ?? null, got: g ?? null });
  }
  if (count === 0) return null;
  const first = sample[0]!;
  return { field, uids: count, firstUid: first.uid, expected: first.expected, got: first.got, sample };
}

/**
 * The differing fields of one epoch, in COMPARED_FIELDS order (empty when everything matches).
 * @param stored what the chain stored at the epoch block
 * @param out the engine's output on the snapshot's input
 */
export function diffEpoch(input: EpochInput, stored: StoredOutput, out: EpochOutput): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const field of COMPARED_FIELDS) {
    const csr = field === 'bonds' ? storedBondsCsr(stored) : null;
    if (csr !== null) {
      const d = diffBondsCsr(input.n, csr, storedBondsAfter(input, out));
      if (d !== null) diffs.push(d);
      continue;
    }
    const s = stored[field];
    if (s === undefined) continue;
    const d = diffField(field, input.n, s, computedField(field, input, out));
    if (d !== null) diffs.push(d);
  }
  return diffs;
}

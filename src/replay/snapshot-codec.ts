import type { AxonInfo } from '../chain/index.js';
import { csrToPairs, lazyRowsCsr, withLazyRows } from '../yuma/index.js';
import type { CsrArrays, EpochArrays, EpochInput, SparseRow } from '../yuma/index.js';
import { rememberTypedForm } from './typed-input.js';
import { pack, unpack } from './pack.js';
import type { Section } from './pack.js';
import type { Snapshot, StoredOutput } from './types.js';

/*
 * A snapshot in the archive's blobs: the input, the stored output and the keys, each packed (pack.ts). Sparse
 * matrices are CSR (row offsets u32, columns u16, values u16, storage order and zeros kept); stake and emission u64;
 * blocks f64 (exact to 2^53); permits u8; a null commit block is −1. The remaining scalars stay in the JSON header,
 * so every field of the EpochInput comes back as it went in (absent fields stay absent).
 */

/** The input fields held as sections rather than in the header. */
const INPUT_ARRAYS = new Set(['stake', 'lastUpdate', 'blockAtRegistration', 'validatorPermit', 'weights', 'bonds', 'commitBlock']);

function toCsr(rows: SparseRow[], prefix: string, out: Record<string, Section>): void {
  let total = 0;
  for (const r of rows) total += r.length;
  const offsets = new Uint32Array(rows.length + 1);
  const cols = new Uint16Array(total);
  const vals = new Uint16Array(total);
  let k = 0;
  rows.forEach((r, i) => {
    for (const [c, v] of r) { cols[k] = c; vals[k] = v; k++; }
    offsets[i + 1] = k;
  });
  out[`${prefix}.off`] = offsets;
  out[`${prefix}.col`] = cols;
  out[`${prefix}.val`] = vals;
}

function fromCsr(s: Record<string, Section>, prefix: string): SparseRow[] {
  return csrToPairs({ offsets: s[`${prefix}.off`] as Uint32Array, uids: s[`${prefix}.col`] as Uint16Array, values: s[`${prefix}.val`] as Uint16Array });
}

/** 2^64 − 1: no live commit, in the typed-array form. */
const U64_MAX = (1n << 64n) - 1n;

const u64s = (v: ReadonlyArray<unknown>): BigUint64Array => BigUint64Array.from(v, (x) => BigInt(String(x)));
const strings = (a: Section): string[] => Array.from(a as BigUint64Array, (x) => x.toString());

/** Packs an EpochInput. */
export function packInput(input: EpochInput): Buffer {
  const header: Record<string, unknown> = {};
  // By key, so that lazy rows (never in the header) are not built here.
  for (const k of Object.keys(input)) {
    if (INPUT_ARRAYS.has(k)) continue;
    const v = (input as unknown as Record<string, unknown>)[k];
    if (v !== undefined) header[k] = typeof v === 'bigint' ? v.toString() : v;
  }
  const s: Record<string, Section> = {
    stake: u64s(input.stake),
    lastUpdate: Float64Array.from(input.lastUpdate),
    blockAtRegistration: Float64Array.from(input.blockAtRegistration),
    validatorPermit: Uint8Array.from(input.validatorPermit, (b) => (b ? 1 : 0)),
  };
  for (const key of ['weights', 'bonds'] as const) {
    // Rows still held as CSR arrays (a snapshot read from a chain) are packed from them, without building the rows.
    const csr = lazyRowsCsr(input, key);
    if (csr === undefined) toCsr(input[key], key, s);
    else Object.assign(s, { [`${key}.off`]: Uint32Array.from(csr.offsets), [`${key}.col`]: csr.uids, [`${key}.val`]: csr.values });
  }
  if (input.commitBlock !== undefined) s['commitBlock'] = Float64Array.from(input.commitBlock, (b) => (b === null ? -1 : b));
  return pack(header, s);
}

/** Unpacks an EpochInput packed by packInput. */
export function unpackInput(blob: Uint8Array): EpochInput {
  const { header, sections: s } = unpack(blob);
  const input = { ...(header as Record<string, unknown>) } as unknown as EpochInput;
  input.stake = strings(s['stake']!);
  input.lastUpdate = Array.from(s['lastUpdate'] as Float64Array);
  input.blockAtRegistration = Array.from(s['blockAtRegistration'] as Float64Array);
  input.validatorPermit = Array.from(s['validatorPermit'] as Uint8Array, (b) => b === 1);
  input.weights = [];
  input.bonds = [];
  if (s['commitBlock'] !== undefined) input.commitBlock = Array.from(s['commitBlock'] as Float64Array, (b) => (b < 0 ? null : b));
  // Field order as the chain source writes it does not matter to the engine; JSON exports sort nothing.
  // The matrices stay CSR until read, and the replay runs the sections as they are (typed-input.ts).
  const csr = (prefix: string): CsrArrays => ({ offsets: s[`${prefix}.off`] as Uint32Array, uids: s[`${prefix}.col`] as Uint16Array, values: s[`${prefix}.val`] as Uint16Array });
  withLazyRows(input, { weights: csr('weights'), bonds: csr('bonds') });
  const blocks = (name: string): BigUint64Array | null => {
    const v = s[name] as Float64Array | undefined;
    if (v === undefined) return null;
    // An archived block is an integer below 2^53 (or −1 for no commit); anything else leaves the input to the EpochInput path.
    const out = new BigUint64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const b = v[i] as number;
      if (b === -1 && name === 'commitBlock') out[i] = U64_MAX;
      else if (Number.isSafeInteger(b) && b >= 0) out[i] = BigInt(b);
      else return null;
    }
    return out;
  };
  const lastUpdate = blocks('lastUpdate'), registration = blocks('blockAtRegistration'), commitBlock = blocks('commitBlock');
  if (lastUpdate !== null && registration !== null && (commitBlock !== null || s['commitBlock'] === undefined)) {
    const { stake: _s, lastUpdate: _l, blockAtRegistration: _r, validatorPermit: _p, weights: _w, bonds: _b, commitBlock: _c, ...scalars } = header as Record<string, unknown>;
    rememberTypedForm(input, {
      ...(scalars as Omit<EpochArrays, 'stake' | 'lastUpdate' | 'blockAtRegistration' | 'validatorPermit' | 'weights' | 'bonds'>),
      stake: s['stake'] as BigUint64Array, lastUpdate, blockAtRegistration: registration, validatorPermit: s['validatorPermit'] as Uint8Array,
      weights: csr('weights'), bonds: csr('bonds'), commitBlock,
    });
  }
  return input;
}

const U16_FIELDS = ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const;
const BOOL_FIELDS = ['active', 'validatorPermit'] as const;

/** Packs a stored output. */
export function packOutput(out: StoredOutput): Buffer {
  const s: Record<string, Section> = {};
  for (const f of U16_FIELDS) if (out[f] !== undefined) s[f] = Uint16Array.from(out[f]);
  for (const f of BOOL_FIELDS) if (out[f] !== undefined) s[f] = Uint8Array.from(out[f], (b) => (b ? 1 : 0));
  if (out.emission !== undefined) s['emission'] = u64s(out.emission);
  if (out.bonds !== undefined) toCsr(out.bonds, 'bonds', s);
  return pack(null, s);
}

/** Unpacks a stored output packed by packOutput. */
export function unpackOutput(blob: Uint8Array): StoredOutput {
  const { sections: s } = unpack(blob);
  const out: StoredOutput = {};
  for (const f of BOOL_FIELDS) if (s[f] !== undefined) out[f] = Array.from(s[f] as Uint8Array, (b) => b === 1);
  for (const f of U16_FIELDS) if (s[f] !== undefined) out[f] = Array.from(s[f] as Uint16Array);
  if (s['emission'] !== undefined) out.emission = strings(s['emission']);
  if (s['bonds.off'] !== undefined) lazyBonds(out, { off: s['bonds.off'] as Uint32Array, col: s['bonds.col'] as Uint16Array, val: s['bonds.val'] as Uint16Array });
  return out;
}

/** Stored bonds still in their archived CSR form. */
export interface BondsCsr {
  off: Uint32Array;
  col: Uint16Array;
  val: Uint16Array;
}

const CSR = Symbol('bonds.csr');

/**
 * Gives a stored output `bonds` rows built on first read, keeping the CSR meanwhile: an offline replay compares a
 * matching epoch's bonds straight from the CSR (storedBondsCsr) and never builds its tens of thousands of pairs.
 * Reading or replacing `bonds` turns it into a plain property and drops the CSR, so the two never disagree.
 */
function lazyBonds(out: StoredOutput, csr: BondsCsr): void {
  const settle = (rows: SparseRow[]): SparseRow[] => {
    delete (out as { [CSR]?: BondsCsr })[CSR];
    Object.defineProperty(out, 'bonds', { value: rows, enumerable: true, writable: true, configurable: true });
    return rows;
  };
  (out as { [CSR]?: BondsCsr })[CSR] = csr;
  Object.defineProperty(out, 'bonds', {
    enumerable: true,
    configurable: true,
    get: () => settle(fromCsr({ 'bonds.off': csr.off, 'bonds.col': csr.col, 'bonds.val': csr.val }, 'bonds')),
    set: (rows: SparseRow[]) => { settle(rows); },
  });
}

/** The CSR of stored bonds not yet built into rows, or null. */
export function storedBondsCsr(out: StoredOutput): BondsCsr | null {
  return (out as { [CSR]?: BondsCsr })[CSR] ?? null;
}

/** One row of a CSR, as `[uid, u16]` pairs. */
export function csrRow(csr: BondsCsr, i: number): SparseRow {
  const row: SparseRow = [];
  if (i + 1 >= csr.off.length) return row;
  for (let k = csr.off[i]!; k < csr.off[i + 1]!; k++) row.push([csr.col[k]!, csr.val[k]!]);
  return row;
}

/** The uids' keys and axons of a snapshot. */
export interface SnapshotKeys {
  hotkeys: string[];
  coldkeys: string[];
  axons?: Array<AxonInfo | null>;
}

/** Packs the keys (JSON: SS58 addresses do not compress as numbers). */
export function packKeys(k: SnapshotKeys): Buffer {
  return pack(k.axons === undefined ? { hotkeys: k.hotkeys, coldkeys: k.coldkeys } : { hotkeys: k.hotkeys, coldkeys: k.coldkeys, axons: k.axons }, {});
}

/** Unpacks keys packed by packKeys. */
export function unpackKeys(blob: Uint8Array): SnapshotKeys {
  return unpack(blob).header as SnapshotKeys;
}

/** A whole snapshot from its archive columns (`keys` null: left empty, not decoded). */
export function snapshotFromRow(netuid: number, block: number, input: Uint8Array, output: Uint8Array | null, keys: Uint8Array | null, unread: string): Snapshot {
  const k: SnapshotKeys = keys === null ? { hotkeys: [], coldkeys: [] } : unpackKeys(keys);
  const snap: Snapshot = { netuid, block, input: unpackInput(input), output: output === null ? null : unpackOutput(output), hotkeys: k.hotkeys, coldkeys: k.coldkeys };
  if (k.axons !== undefined) snap.axons = k.axons;
  snap.unread = JSON.parse(unread) as string[];
  return snap;
}

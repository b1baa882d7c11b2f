import { readFileSync } from 'node:fs';
import { FileReadError, InvalidInputError } from '../errors/index.js';
import { Archive, parseSnapshotLine } from '../replay/index.js';
import type { Snapshot } from '../replay/index.js';
import { runEpochFields } from '../yuma/index.js';
import type { EpochInput, SparseRow } from '../yuma/index.js';
import type { AuditEpoch, PackedRows } from './types.js';

/** Packs sparse rows (uids and values under 2^16). */
export function packRows(rows: readonly SparseRow[]): PackedRows {
  const offsets = new Uint32Array(rows.length + 1);
  let total = 0;
  rows.forEach((r, i) => { total += r.length; offsets[i + 1] = total; });
  const data = new Uint32Array(total);
  let k = 0;
  for (const r of rows) for (const [u, v] of r) data[k++] = u * 65536 + v;
  return { offsets, data };
}

/** The rows of packRows back. */
export function unpackRows(p: PackedRows): SparseRow[] {
  const out: SparseRow[] = [];
  for (let i = 0; i + 1 < p.offsets.length; i++) {
    const row: SparseRow = [];
    for (let k = p.offsets[i] as number; k < (p.offsets[i + 1] as number); k++) { const x = p.data[k] as number; row.push([Math.floor(x / 65536), x % 65536]); }
    out.push(row);
  }
  return out;
}

/*
 * Reading a subnet's history for the audit: from the replay archive (by netuid and block range) or from the archive's
 * JSON Lines interchange, whoever wrote it. Every epoch is run once with the exact engine: its consensus and emissions
 * are what the detectors and the pricing compare against, and a line whose `output` is null needs them computed.
 * (Where the archive stored the chain's output and a replay matched it, the two are the same numbers.)
 */

const EMPTY_ROWS = new Map<number, SparseRow[]>();

/** n empty rows, one frozen array per n shared by every epoch (the packed rows hold the data). */
function emptyRows(n: number): SparseRow[] {
  let rows = EMPTY_ROWS.get(n);
  if (rows === undefined) {
    rows = Object.freeze(Array.from({ length: n }, () => Object.freeze([]) as unknown as SparseRow)) as unknown as SparseRow[];
    EMPTY_ROWS.set(n, rows);
  }
  return rows;
}

/** Turns one snapshot into an audit epoch with the exact engine's results. */
export function auditEpoch(s: Snapshot): AuditEpoch {
  const out = runEpochFields(s.input, ['consensus', 'validatorEmission', 'serverEmission'], { mode: 'exact' });
  const rows = emptyRows(s.input.n);
  return {
    block: s.block,
    input: { ...s.input, weights: rows, bonds: rows },
    weights: packRows(s.input.weights),
    bonds: packRows(s.input.bonds),
    hotkeys: s.hotkeys,
    coldkeys: s.coldkeys,
    consensus: out.consensus,
    validatorEmission: BigUint64Array.from(out.validatorEmission, (v) => BigInt(v)),
    serverEmission: BigUint64Array.from(out.serverEmission, (v) => BigInt(v)),
  };
}

const sameArray = <T>(a: readonly T[], b: readonly T[] | undefined): boolean => b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Shares the per-uid arrays that did not change since the previous epoch (keys, stake, registrations): on a long
 * history most epochs repeat them, and a thousand copies of 256 SS58 strings are tens of megabytes.
 */
export function shareWithPrevious(e: AuditEpoch, prev: AuditEpoch | undefined): AuditEpoch {
  if (prev === undefined) return e;
  if (sameArray(e.hotkeys, prev.hotkeys)) e.hotkeys = prev.hotkeys;
  if (sameArray(e.coldkeys, prev.coldkeys)) e.coldkeys = prev.coldkeys;
  if (sameArray(e.input.stake, prev.input.stake)) e.input.stake = prev.input.stake;
  if (sameArray(e.input.blockAtRegistration, prev.input.blockAtRegistration)) e.input.blockAtRegistration = prev.input.blockAtRegistration;
  if (sameArray(e.input.validatorPermit, prev.input.validatorPermit)) e.input.validatorPermit = prev.input.validatorPermit;
  return e;
}

/** Validator uid's stored weights row at an epoch. */
export function rowOf(e: AuditEpoch, uid: number): SparseRow {
  const p = e.weights;
  const row: SparseRow = [];
  if (uid + 1 >= p.offsets.length) return row;
  for (let k = p.offsets[uid] as number; k < (p.offsets[uid + 1] as number); k++) { const x = p.data[k] as number; row.push([Math.floor(x / 65536), x % 65536]); }
  return row;
}

/** Whether uid's stored row has a positive weight. */
export function hasRow(e: AuditEpoch, uid: number): boolean {
  const p = e.weights;
  if (uid + 1 >= p.offsets.length) return false;
  for (let k = p.offsets[uid] as number; k < (p.offsets[uid + 1] as number); k++) if ((p.data[k] as number) % 65536 > 0) return true;
  return false;
}

/** The uids whose stored row has a positive weight. */
export function rowUids(e: AuditEpoch): number[] {
  const out: number[] = [];
  for (let u = 0; u + 1 < e.weights.offsets.length; u++) if (hasRow(e, u)) out.push(u);
  return out;
}

/** Uid's row as a distribution over the epoch's n uids (all zeros for an empty row), read from the packed rows. */
export function rowDistributionOf(e: AuditEpoch, uid: number): Float64Array {
  const n = e.input.n, out = new Float64Array(n), p = e.weights;
  if (uid + 1 >= p.offsets.length) return out;
  let sum = 0;
  for (let k = p.offsets[uid] as number; k < (p.offsets[uid + 1] as number); k++) {
    const x = p.data[k] as number, m = Math.floor(x / 65536), v = x % 65536;
    if (m < n) { out[m] = (out[m] as number) + v; sum += v; }
  }
  if (sum > 0) for (let i = 0; i < n; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** The epoch's input with its weights rows unpacked (bonds left empty: the pricing carries its own). */
export function withWeights(e: AuditEpoch): EpochInput {
  return { ...e.input, weights: unpackRows(e.weights) };
}

/** Where the history comes from. */
export type HistorySource =
  | { kind: 'archive'; file: string; netuid: number; from?: number; to?: number; genesis?: string }
  | { kind: 'jsonl'; file: string };

/** The snapshots of a source, ascending by block (one subnet). */
export function readSnapshots(source: HistorySource): Snapshot[] {
  const { total, snapshots } = streamSnapshots(source);
  const out = [...snapshots];
  if (out.length !== total) throw new InvalidInputError('--archive', 'the archive changed while it was read');
  return out;
}

/**
 * The snapshots of a source one at a time, ascending by block, and how many there are: an archive is read row by row
 * (a thousand decoded epochs at once would take gigabytes); a JSON Lines file is read and validated whole, sorted by
 * block, and decoded line by line as it is consumed.
 */
export function streamSnapshots(source: HistorySource): { total: number; snapshots: Iterable<Snapshot> } {
  if (source.kind === 'jsonl') {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (e) {
      throw new FileReadError(source.file, (e as Error).message);
    }
    // Every line is validated now (a bad line is an input error before any work), but only its block is kept: the
    // lines are decoded again one at a time, in block order, as the audit reads them, so the decoded snapshots of the
    // whole file are never in memory at once (the text is, and is far smaller).
    const lines = text.split('\n');
    const order: Array<{ block: number; line: number }> = [];
    let netuid: number | null = null;
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const { snapshot } = parseSnapshotLine(line, i + 1);
      if (netuid !== null && snapshot.netuid !== netuid) throw new InvalidInputError(`line ${i + 1}: netuid`, `the file mixes subnets ${netuid} and ${snapshot.netuid}; audit one subnet per file`);
      netuid = snapshot.netuid;
      order.push({ block: snapshot.block, line: i });
    });
    order.sort((x, y) => x.block - y.block || x.line - y.line);
    function* decoded(): Generator<Snapshot> {
      for (const { line } of order) yield parseSnapshotLine(lines[line] as string, line + 1).snapshot;
    }
    return { total: order.length, snapshots: decoded() };
  }
  const netuid = source.netuid;
  const archive = Archive.open(source.file);
  let blocks: number[];
  let genesis: string;
  try {
    const subnets = archive.subnets().filter((s) => s.netuid === source.netuid && (source.genesis === undefined || s.genesis === source.genesis));
    if (subnets.length === 0) throw new InvalidInputError('--netuid', `${source.file} holds no snapshot of subnet ${source.netuid}`);
    if (subnets.length > 1) throw new InvalidInputError('--netuid', `${source.file} holds subnet ${source.netuid} of several chains; choose one with --genesis`);
    genesis = subnets[0]!.genesis;
    blocks = archive.blocks(genesis, source.netuid, source.from ?? 0, source.to ?? Number.MAX_SAFE_INTEGER);
  } catch (e) {
    archive.close();
    throw e;
  }
  function* rows(): Generator<Snapshot> {
    try {
      for (const block of blocks) {
        const s = archive.get(genesis, netuid, block);
        if (s !== null) yield s;
      }
    } finally {
      archive.close();
    }
  }
  return { total: blocks.length, snapshots: rows() };
}

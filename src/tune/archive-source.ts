import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { FileReadError, InvalidOptionError } from '../errors/index.js';
import { Archive, parseSnapshotLine, storedBondsAfter } from '../replay/index.js';
import type { Snapshot } from '../replay/index.js';
import type { EpochInput, EpochOutput, SparseRow } from '../yuma/index.js';
import type { ArchiveSource, RecordedEpoch } from './sources.js';

/*
 * The recorded-history source: one subnet's epochs from a replay archive (`yumaval replay --archive`, SQLite) or its
 * JSON Lines export (`yumaval archive export`, `yumaval simulate --out`). Each epoch keeps the EpochInput the chain ran,
 * so a trial re-runs the real weights, stakes, last updates and registrations under its own parameters
 * (archive-run.ts). Where the archive also holds what the chain stored, the loader checks that each epoch's recorded
 * bonds and permits continue the previous epoch's stored ones; where they do not (a gap, a state change between
 * epochs), the re-run restarts from the recorded state there instead of carrying a state the chain never had.
 */

/** Which part of an archive to read. */
export interface ArchiveSelection {
  /** The subnet; required when the archive holds several. */
  netuid?: number;
  /** First and last epoch block (inclusive). */
  from?: number;
  to?: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** True when the file starts with SQLite's header (an archive), false for anything else (a JSON Lines export?). */
function isSqlite(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    const got = readSync(fd, head, 0, head.length, 0);
    return got === head.length && head.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

function readSqlite(file: string, sel: ArchiveSelection): Snapshot[] {
  const archive = Archive.open(file);
  try {
    const subnets = archive.subnets().filter((s) => sel.netuid === undefined || s.netuid === sel.netuid);
    const held = [...new Set(archive.subnets().map((s) => s.netuid))].join(', ') || 'none';
    if (subnets.length === 0) {
      throw new InvalidOptionError('--netuid', sel.netuid === undefined ? `${file} holds no snapshot: replay a range into it first (yumaval replay --archive)` : `${file} holds no snapshot of subnet ${sel.netuid} (it holds: ${held})`);
    }
    if (subnets.length > 1) {
      throw new InvalidOptionError('--netuid', sel.netuid === undefined ? `${file} holds several subnets (${held}): choose one with --netuid` : `${file} holds subnet ${sel.netuid} of several chains; export the one you want (yumaval archive export) and tune on that file`);
    }
    const { genesis, netuid } = subnets[0] as { genesis: string; netuid: number };
    return archive.blocks(genesis, netuid, sel.from ?? 0, sel.to ?? Number.MAX_SAFE_INTEGER).map((b) => archive.get(genesis, netuid, b, { keys: false }) as Snapshot);
  } finally {
    archive.close();
  }
}

function readJsonLines(file: string, sel: ArchiveSelection): Snapshot[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileReadError(file, (err as Error).message);
  }
  const all: Snapshot[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') all.push(parseSnapshotLine(line, i + 1).snapshot);
  });
  if (all.length === 0) throw new InvalidOptionError('--archive', `${file} is neither a replay archive (SQLite) nor a JSON Lines export with a snapshot`);
  const netuids = [...new Set(all.map((s) => s.netuid))];
  if (sel.netuid === undefined && netuids.length > 1) throw new InvalidOptionError('--netuid', `${file} holds several subnets (${netuids.join(', ')}): choose one with --netuid`);
  const netuid = sel.netuid ?? (netuids[0] as number);
  if (!netuids.includes(netuid)) throw new InvalidOptionError('--netuid', `${file} holds no snapshot of subnet ${netuid} (it holds: ${netuids.join(', ')})`);
  return all.filter((s) => s.netuid === netuid && s.block >= (sel.from ?? 0) && s.block <= (sel.to ?? Number.MAX_SAFE_INTEGER)).sort((a, b) => a.block - b.block);
}

function sameRows(a: readonly SparseRow[], b: readonly SparseRow[], n: number): boolean {
  for (let u = 0; u < n; u++) {
    const x = a[u] ?? [], y = b[u] ?? [];
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if ((x[k] as [number, number])[0] !== (y[k] as [number, number])[0] || (x[k] as [number, number])[1] !== (y[k] as [number, number])[1]) return false;
  }
  return true;
}

/**
 * Whether `next` continues `prev`: its previous permits and bonds are what the chain stored after `prev` (uids
 * appended since hold no permit and no bonds). Unknown (no stored output) counts as continuing.
 */
export function continues(prev: Snapshot, next: EpochInput): boolean {
  const n = prev.input.n;
  // A chain never removes uids: fewer is another subnet's state, or a gap after a dissolution.
  if (next.n < n) return false;
  const out = prev.output;
  if (out === null || out.validatorPermit === undefined || out.bonds === undefined) return true;
  const stored = storedBondsAfter(prev.input, { validatorPermit: out.validatorPermit, bonds: out.bonds } as unknown as EpochOutput);
  for (let u = 0; u < next.n; u++) if ((next.validatorPermit[u] ?? false) !== (u < n ? out.validatorPermit[u] ?? false : false)) return false;
  for (let u = n; u < next.n; u++) if ((next.bonds[u] ?? []).length > 0) return false;
  return sameRows(stored, next.bonds, n);
}

/** Recorded epochs with their restart marks. */
export function recordedEpochs(snapshots: readonly Snapshot[]): RecordedEpoch[] {
  return snapshots.map((s, e) => ({ block: s.block, input: s.input, restart: e === 0 || !continues(snapshots[e - 1] as Snapshot, s.input) }));
}

/**
 * Loads one subnet's recorded history.
 * @throws FileReadError when the file does not exist or cannot be read; InvalidOptionError (`--archive`) when it is not
 *   an archive or a JSON Lines export, (`--netuid`) when the subnet is missing or must be chosen; StoreKindError,
 *   ArchiveContentError for an SQLite file that is another kind of store
 */
export function loadArchiveSource(file: string, sel: ArchiveSelection = {}): ArchiveSource {
  // Archive.open creates a missing file: a misspelt path would become an empty archive.
  if (!existsSync(file)) throw new FileReadError(file, 'no such file (give a replay archive: yumaval replay --archive FILE)');
  let sqlite: boolean;
  try {
    sqlite = isSqlite(file);
  } catch (err) {
    throw new FileReadError(file, (err as Error).message);
  }
  let snapshots: Snapshot[];
  if (sqlite) snapshots = readSqlite(file, sel);
  else if (/\.jsonl?$/i.test(file)) snapshots = readJsonLines(file, sel);
  else throw new InvalidOptionError('--archive', `${file} is not a replay archive (no SQLite header) nor a .jsonl export: give a file written by yumaval replay --archive or yumaval archive export`);
  if (snapshots.length === 0) throw new InvalidOptionError('--from', `${file} holds no epoch of the subnet between blocks ${sel.from ?? 0} and ${sel.to ?? 'its last'}`);
  const netuid = snapshots[0]?.netuid ?? sel.netuid ?? 0;
  const first = snapshots[0]?.block ?? 0, last = snapshots[snapshots.length - 1]?.block ?? 0;
  return { kind: 'archive', name: `${file.split('/').pop() ?? file}#${netuid}@${first}-${last}`, epochs: recordedEpochs(snapshots) };
}

/** The `archive` loader of SOURCE_LOADERS: `FILE` or `FILE#NETUID`. */
export async function loadArchiveRef(ref: string): Promise<ArchiveSource> {
  const m = /^(.*)#(\d+)$/.exec(ref);
  return m === null ? loadArchiveSource(ref) : loadArchiveSource(m[1] as string, { netuid: Number(m[2]) });
}

import { InvalidInputError, YumavalError } from '../errors/index.js';
import { fn, intIn, optional, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import { runEpoch } from '../yuma/index.js';
import type { EpochInput, EpochOutput } from '../yuma/index.js';
import type { Archive } from './archive.js';
import type { SnapshotSource } from './chain-source.js';
import { diagnose, recordSeen } from './diagnose.js';
import { diffEpoch } from './diff.js';
import { ReplayAbortedError } from './errors.js';
import { typedFormOf } from './typed-input.js';
import type { EpochReport, ReplayReport, Snapshot } from './types.js';

/*
 * The replay loop: find the epoch blocks of a range, then for each one take its snapshot (from the archive when it is
 * there, else from the source, writing it to the archive at once), run the exact engine on its input, and compare
 * every stored field. Epochs are processed one at a time, in block order, so memory does not grow with the range and
 * an abort between two epochs leaves the archive with whole snapshots only. The report depends only on the snapshots,
 * so a replay from the archive prints the same bytes as the replay that filled it.
 */

/** Options of `replay`. */
export interface ReplayOptions {
  netuid: number;
  /** First block of the range (inclusive). */
  from: number;
  /** Last block of the range (inclusive). */
  to: number;
  /** Where epochs and snapshots come from (chainSource, or archiveSource for an offline replay). */
  source: SnapshotSource;
  /** An archive to read snapshots from first and to write the ones read from the source into. */
  archive?: Archive | null;
  /** Called after each epoch. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the replay between two epochs (ReplayAbortedError). */
  signal?: AbortSignal;
  /** Changes applied to every epoch's input before it runs ("what would this parameter have changed"). */
  overrides?: Partial<EpochInput>;
  /** How many times a snapshot read that failed for a transient reason (a deadline, a dropped socket) is retried. */
  retries?: number;
  /** Milliseconds between those retries (the connection reconnects by itself meanwhile). */
  retryDelayMs?: number;
}

/**
 * Defaults of the retry options: a dropped connection is redialled every second by the chain client
 * (CONNECTION_DEFAULTS.retryMs), so three tries a second apart ride out a node restart without hiding a dead one.
 */
export const REPLAY_DEFAULTS = Object.freeze({ retries: 3, retryDelayMs: 1_000 });

/** Errors worth retrying: deadlines and the client's own transport errors, never an answer the chain gave. */
function transient(e: unknown): boolean {
  if (e instanceof YumavalError) return e.code === 'ERR_CHAIN_TIMEOUT';
  return e instanceof Error && /disconnect|socket|WebSocket|closed|ECONNRE|1006/i.test(e.message);
}

/** Reads with retries; each attempt has the chain client's own deadline. */
async function withRetries<T>(read: () => Promise<T>, retries: number, delayMs: number, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (e) {
      if (attempt >= retries || !transient(e) || signal?.aborted === true) throw e;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

const block: Check = intIn(0, Number.MAX_SAFE_INTEGER);

const CHECKS: Readonly<Record<keyof ReplayOptions, Check>> = {
  netuid: intIn(0, 65535),
  from: block,
  to: block,
  source: (v) => (typeof v === 'object' && v !== null ? null : 'expected a SnapshotSource (chainSource or archiveSource)'),
  archive: (v) => (v === undefined || v === null || typeof v === 'object' ? null : 'expected an Archive or null'),
  onProgress: optional(fn('(done: number, total: number) => void')),
  signal: optional((v) => (v instanceof AbortSignal ? null : 'expected an AbortSignal')),
  overrides: optional((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'expected an object of EpochInput fields')),
  retries: intIn(0, 100),
  retryDelayMs: intIn(0, 600_000),
};

/** Checks the options key by key (src/options), and that the range is not empty. */
function checkRange(o: ReplayOptions): void {
  resolveOptions<ReplayOptions>({
    thing: 'a replay option',
    things: 'replay options',
    defaults: REPLAY_DEFAULTS,
    checks: CHECKS,
    across: (r) => (r.from > r.to ? ['from', `the range is empty: from ${r.from} is after to ${r.to}`] : null),
  }, o);
}

/**
 * Runs the engine and reads the compared fields once, so that later runs (the diagnosis) never make it recompute
 * them; the fields no chain stores (the raw bits, the server and validator split of emission) are never built.
 */
function run(input: EpochInput): EpochOutput {
  // A snapshot read from a chain or the archive runs from its typed arrays (typed-input.ts), to the same bits. An input
  // the engine refuses is refused again from its rows, so the reason given is the EpochInput path's, as always.
  const typed = typedFormOf(input);
  let out: EpochOutput;
  try {
    out = runEpoch(typed ?? input, { mode: 'exact' });
  } catch (e) {
    if (typed === undefined || !(e instanceof InvalidInputError)) throw e;
    out = runEpoch(input, { mode: 'exact' });
  }
  const { active, validatorPermit, consensus, incentive, dividends, validatorTrust, stakeWeight, emission, bonds } = out;
  return { active, validatorPermit, consensus, incentive, dividends, validatorTrust, stakeWeight, emission, bonds, serverEmission: [], validatorEmission: [] };
}

/**
 * Adds to a mismatch's diagnosis that the runtime recorded its previous mechanism step closer than a tempo before: a
 * runtime that steps every block (as raonet's spec 218 does under chopsticks) does not schedule Yuma epochs by tempo.
 */
function withSchedule(diagnosis: string | null, input: EpochInput): string | null {
  const last = input.lastMechanismStepBlock ?? 0;
  const tempo = input.tempo ?? 360;
  const gap = input.block - last;
  if (last === 0 || gap >= tempo) return diagnosis;
  const note = `the runtime recorded its previous mechanism step ${gap} block${gap === 1 ? '' : 's'} before this one, with tempo ${tempo}`;
  return diagnosis === null ? note : `${diagnosis}; ${note}`;
}

/** Compares one snapshot's stored results with the engine's. */
export function replaySnapshot(snap: Snapshot, previous: Snapshot | null, seen: Map<string, unknown[]>, overrides?: Partial<EpochInput>): EpochReport {
  const input = overrides === undefined ? snap.input : { ...snap.input, ...overrides };
  const subject = input === snap.input ? snap : { ...snap, input };
  let out: EpochOutput;
  try {
    out = run(input);
  } catch (e) {
    // An input the engine refuses (a hand-written archive line, an override out of range) is this epoch's result,
    // not the end of the replay.
    if (!(e instanceof InvalidInputError)) throw e;
    recordSeen(seen, input);
    return { block: snap.block, match: false, fields: [], diagnosis: `the engine refuses this epoch's input: ${e.message}` };
  }
  if (snap.output === null) {
    recordSeen(seen, input);
    return { block: snap.block, match: false, fields: [], diagnosis: diagnose(subject, out, [], { previous, seen, run }) };
  }
  const fields = diffEpoch(input, snap.output, out);
  const diagnosis = fields.length === 0 ? null : withSchedule(diagnose(subject, out, fields, { previous, seen, run }), input);
  recordSeen(seen, input);
  return { block: snap.block, match: fields.length === 0, fields, diagnosis };
}

/**
 * Replays a subnet's epochs over a block range and reports, per epoch, "match" or the differing fields.
 * @throws InvalidOptionError for a bad range; ReplayAbortedError when the signal fires; the source's read errors
 */
export async function replay(o: ReplayOptions): Promise<ReplayReport> {
  checkRange(o);
  const archive = o.archive ?? null;
  const retries = o.retries ?? REPLAY_DEFAULTS.retries;
  const delay = o.retryDelayMs ?? REPLAY_DEFAULTS.retryDelayMs;
  const genesis = await o.source.genesis();
  let blocks = archive?.scanned(genesis, o.netuid, o.from, o.to) ?? null;
  if (blocks === null) {
    blocks = await withRetries(() => o.source.epochBlocks(o.netuid, o.from, o.to), retries, delay, o.signal);
    archive?.recordScan(genesis, o.netuid, o.from, o.to, blocks);
  }
  const epochs: EpochReport[] = [];
  const seen = new Map<string, unknown[]>();
  let previous: Snapshot | null = null;
  for (const block of blocks) {
    if (o.signal?.aborted === true) throw new ReplayAbortedError(epochs.length, blocks.length);
    let snap = archive?.get(genesis, o.netuid, block, { keys: false }) ?? null;
    if (snap === null) {
      snap = await withRetries(() => o.source.snapshot(o.netuid, block), retries, delay, o.signal);
      archive?.put(genesis, snap);
    }
    epochs.push(replaySnapshot(snap, previous, seen, o.overrides));
    previous = snap;
    o.onProgress?.(epochs.length, blocks.length);
  }
  return { netuid: o.netuid, from: o.from, to: o.to, epochs, summary: { epochs: epochs.length, matched: epochs.filter((e) => e.match).length } };
}

/** A SnapshotSource over an archive alone (an offline replay: no chain, no RPC). */
export function archiveSource(archive: Archive, genesis: string): SnapshotSource {
  return {
    genesis: () => Promise.resolve(genesis),
    epochBlocks: (netuid, from, to) => Promise.resolve(archive.scanned(genesis, netuid, from, to) ?? archive.blocks(genesis, netuid, from, to)),
    snapshot: (netuid, block) => {
      const s = archive.get(genesis, netuid, block, { keys: false });
      if (s === null) throw new RangeError(`the archive has no snapshot of subnet ${netuid} at block ${block}`);
      return Promise.resolve(s);
    },
  };
}

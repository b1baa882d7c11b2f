/*
 * Replay: a chain's epochs re-run with the exact engine and diffed bit for bit against what the chain stored, and the
 * archive of epoch snapshots (SQLite) with its JSON Lines interchange. This is the module's only entry; the audit and
 * tuning modules read archives through `Archive` (open, iterate, get, blocks, subnets) and nothing else.
 */
export { replay, replaySnapshot, archiveSource, REPLAY_DEFAULTS } from './replay.js';
export type { ReplayOptions } from './replay.js';
export { chainSource, readSnapshot } from './chain-source.js';
export type { SnapshotSource } from './chain-source.js';
export { findEpochBlocks, formulaEpochBlocks } from './discover.js';
export type { ScheduleRead } from './discover.js';
export { diffEpoch, storedBondsAfter } from './diff.js';
export { diagnose } from './diagnose.js';
export { Archive, ARCHIVE_MIGRATIONS } from './archive.js';
export type { GetOptions } from './archive.js';
export { parseSnapshotLine, readSnapshotValue, snapshotLine, UNKNOWN_GENESIS } from './snapshot-json.js';
export { ReplayAbortedError, ArchiveContentError } from './errors.js';
export { COMPARED_FIELDS, DIFF_SAMPLE } from './types.js';
export type { Snapshot, StoredOutput, FieldDiff, EpochReport, ReplayReport, ComparedField } from './types.js';
export { renderReplayHtml } from './html-report.js';
export { initializationReveals } from './same-block.js';

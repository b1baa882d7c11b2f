import type { AxonInfo } from '../chain/index.js';
import type { EpochInput, SparseRow } from '../yuma/index.js';

/*
 * The replay's data: a snapshot of one epoch (what it read and what the chain stored), and the report comparing a
 * re-run with what was stored. Snapshots are plain JSON values (u64 quantities as decimal strings), so one snapshot is
 * one line of the archive's JSON Lines export as it is.
 */

/** What the chain stored at an epoch block, in the EpochOutput's field names; fields the chain does not store are absent. */
export interface StoredOutput {
  active?: boolean[];
  validatorPermit?: boolean[];
  consensus?: number[];
  incentive?: number[];
  dividends?: number[];
  validatorTrust?: number[];
  stakeWeight?: number[];
  /** Rao per uid, decimal strings. */
  emission?: string[];
  /** Bonds[netuid][uid] as stored after the epoch (rows the epoch did not write are as they were). */
  bonds?: SparseRow[];
}

/** The fields a replay compares, in report order. */
export const COMPARED_FIELDS = ['validatorPermit', 'active', 'stakeWeight', 'consensus', 'incentive', 'dividends', 'validatorTrust', 'emission', 'bonds'] as const;

/** One compared field. */
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** One epoch as the chain ran it: its inputs, what it stored, and who the uids were. */
export interface Snapshot {
  netuid: number;
  /** The epoch block: the block whose on_initialize ran the epoch. */
  block: number;
  /** Exactly the contract's EpochInput (contracts/epoch-io.md), as read from the state the epoch started from. */
  input: EpochInput;
  /** What the chain stored at the epoch block, or null when it was not read. */
  output: StoredOutput | null;
  hotkeys: string[];
  coldkeys: string[];
  axons?: Array<AxonInfo | null>;
  /**
   * The EpochInput fields the replay could not read from this chain (the contract's defaults stand in for them):
   * e.g. `yuma3` on a runtime without Yuma3On, `raoEmission`, which the chain derives from pool prices.
   */
  unread?: string[];
}

/** One differing field of one epoch. */
export interface FieldDiff {
  field: ComparedField;
  /** How many uids differ. */
  uids: number;
  firstUid: number;
  /** What the chain stored for firstUid. */
  expected: unknown;
  /** What the replay computed for firstUid. */
  got: unknown;
  /** The first differing uids (at most DIFF_SAMPLE), for the drill-down. */
  sample: Array<{ uid: number; expected: unknown; got: unknown }>;
}

/** At most this many differing uids are listed per field. */
export const DIFF_SAMPLE = 20;

/** One epoch's result. */
export interface EpochReport {
  block: number;
  match: boolean;
  fields: FieldDiff[];
  diagnosis: string | null;
}

/** A replay's report: the shape `--json` prints (issue 18). */
export interface ReplayReport {
  netuid: number;
  from: number;
  to: number;
  epochs: EpochReport[];
  summary: { epochs: number; matched: number };
}

import type * as ChainModule from '../chain/index.js';
import type { ChainConnection, StoredEpochOutput } from '../chain/index.js';
import type { EpochInput } from '../yuma/index.js';
import { findEpochBlocks } from './discover.js';
import { initializationReveals } from './same-block.js';
import { dropUidsFrom, replaceRows, typedSnapshotInput } from './typed-input.js';
import type { Snapshot, StoredOutput } from './types.js';

/**
 * The chain client, loaded on first use. The archive, JSON Lines and the modules that read archives (tune, audit, and
 * every CLI command through them) must not load @polkadot/api: it takes about 60 MB and 0.3 s at start-up.
 */
let chainModule: Promise<typeof ChainModule> | undefined;
const loadChain = (): Promise<typeof ChainModule> => (chainModule ??= import('../chain/index.js'));

/*
 * Snapshots read from a chain. The chain runs a subnet's epoch in on_initialize of block B, on the state block B − 1
 * left, with B as the current block: the inputs are read at B − 1 (the metagraph sync, which reads every item the
 * epoch reads), and the results at B. Weights that B's on_initialize revealed before the epoch (timelocked commits,
 * CRv3 and later) are taken from B, told apart from B's extrinsics by their events' phase (same-block.ts).
 *
 * Parameters a runtime does not store are named in the snapshot's `unread`. On a yumaval devnet the configuration-only
 * parameters (yuma3, alphaSigmoidSteepness, activityCutoffFactorMilli, raoEmission; docs/devnet.md) are read from the
 * devnet's own state entry, which a real node does not have (it answers null).
 */

/** The Hyperparams fields that are EpochInput fields under the same name. */
const EPOCH_HYPERPARAMS = new Set(['tempo', 'kappa', 'commitRevealEnabled', 'bondsMovingAverage', 'bondsPenalty', 'liquidAlpha', 'alphaLow', 'alphaHigh', 'yuma3', 'activityCutoff', 'maxAllowedValidators']);

/** The devnet's entry with its subnets' configuration-only parameters (src/devnet/subtensor/config-only.ts). */
const DEVNET_SUBNETS = 'subtensor:subnets';

/** The configuration-only parameters of one devnet subnet, when the chain is a yumaval devnet. */
function devnetParams(entry: unknown, netuid: number): Partial<EpochInput> | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const p = (entry as Record<string, unknown>)[String(netuid)];
  if (typeof p !== 'object' || p === null) return null;
  const o = p as Record<string, unknown>;
  const out: Partial<EpochInput> = {};
  if (typeof o['yuma3'] === 'boolean') out.yuma3 = o['yuma3'];
  if (typeof o['alphaSigmoidSteepness'] === 'number') out.alphaSigmoidSteepness = o['alphaSigmoidSteepness'];
  if (typeof o['activityCutoffFactorMilli'] === 'number') out.activityCutoffFactorMilli = o['activityCutoffFactorMilli'];
  if (typeof o['raoEmission'] === 'string' && /^\d+$/.test(o['raoEmission'])) out.raoEmission = o['raoEmission'];
  return out;
}

/** Pads (or cuts) the stored per-uid results to the n the epoch ran with, as the chain pads short vectors. */
function fitTo(s: StoredEpochOutput, n: number): void {
  const fit = <T>(v: T[] | null, fill: () => T): T[] | null => {
    if (v === null) return null;
    const out = v.slice(0, n);
    while (out.length < n) out.push(fill());
    return out;
  };
  s.active = fit(s.active, () => false);
  s.validatorPermit = fit(s.validatorPermit, () => false);
  for (const f of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) s[f] = fit(s[f], () => 0);
  s.emission = fit(s.emission, () => 0n);
  s.bonds = fit(s.bonds, () => []);
}

/** The stored results in the snapshot's form: absent items left out, u64 as decimal strings. */
function storedOutput(s: StoredEpochOutput): StoredOutput {
  const out: StoredOutput = {};
  if (s.active !== null) out.active = s.active;
  if (s.validatorPermit !== null) out.validatorPermit = s.validatorPermit;
  if (s.consensus !== null) out.consensus = s.consensus;
  if (s.incentive !== null) out.incentive = s.incentive;
  if (s.dividends !== null) out.dividends = s.dividends;
  if (s.validatorTrust !== null) out.validatorTrust = s.validatorTrust;
  if (s.stakeWeight !== null) out.stakeWeight = s.stakeWeight;
  if (s.emission !== null) out.emission = s.emission.map(String);
  if (s.bonds !== null) out.bonds = s.bonds;
  return out;
}

/**
 * Reads one epoch's snapshot: its inputs at block − 1 and its stored results at `block`.
 * @param block an epoch block (findEpochBlocks)
 */
export async function readSnapshot(conn: ChainConnection, netuid: number, block: number): Promise<Snapshot> {
  const { metagraphToEpochArrays, readBlockEvents, readDevnetEntry, readStoredOutput, readWeightRows, syncMetagraph } = await loadChain();
  // The three reads are independent: the stored vectors are padded to the input's n afterwards.
  const [m, stored, entry, events] = await Promise.all([
    syncMetagraph(conn, netuid, { at: block - 1 }),
    readStoredOutput(conn, netuid, block),
    readDevnetEntry(conn, DEVNET_SUBNETS, block - 1),
    readBlockEvents(conn, block),
  ]);
  fitTo(stored, m.n);
  // The typed-array form, from the sync's CSR arrays: the replay runs it, and the snapshot's rows are built only when read.
  const x = metagraphToEpochArrays(m, { block });
  const unread = m.hyperparams.defaulted.filter((f) => EPOCH_HYPERPARAMS.has(f));
  const reveals = initializationReveals(events, netuid);
  const revealed = reveals.revealed.filter((uid) => uid < m.n);
  const rows = await readWeightRows(conn, netuid, revealed, block);
  // get_weights_sparse and get_bonds_sparse skip entries to uids >= n (left by a subnet that shrank): so does the
  // replay. The rows revealed in the epoch block's on_initialize replace the stored ones, as they are.
  x.weights = replaceRows(dropUidsFrom(x.weights, m.n), new Map(revealed.map((uid, i) => [uid, rows[i] ?? []])));
  x.bonds = dropUidsFrom(x.bonds, m.n);
  const input = typedSnapshotInput(x);
  if (reveals.overwritten.length > 0) unread.push('weights');
  const devnet = devnetParams(entry, netuid);
  if (devnet !== null) {
    Object.assign(input, devnet);
    Object.assign(x, devnet);
    // The devnet keeps yuma3 in its own entry: read, not defaulted.
    if (devnet.yuma3 !== undefined) unread.splice(0, unread.length, ...unread.filter((f) => f !== 'yuma3'));
  }
  for (const f of ['alphaSigmoidSteepness', 'raoEmission'] as const) if (input[f] === undefined) unread.push(f);
  return { netuid, block, input, output: storedOutput(stored), hotkeys: m.hotkeys, coldkeys: m.coldkeys, axons: m.axons, unread: unread.sort() };
}

/** Where a replay gets its epochs and snapshots. The chain and the archive both provide one. */
export interface SnapshotSource {
  /** The chain's genesis hash (the archive's key). */
  genesis(): Promise<string>;
  /** The epoch blocks of a subnet in [from, to], ascending. */
  epochBlocks(netuid: number, from: number, to: number): Promise<number[]>;
  /** One epoch's snapshot. */
  snapshot(netuid: number, block: number): Promise<Snapshot>;
}

/** A SnapshotSource over a chain connection. */
export function chainSource(conn: ChainConnection): SnapshotSource & { head(): Promise<number> } {
  return {
    genesis: () => Promise.resolve(conn.api.genesisHash.toHex()),
    head: async () => (await loadChain()).readHeadNumber(conn),
    epochBlocks: async (netuid, from, to) => {
      const { readEpochSchedule } = await loadChain();
      return findEpochBlocks((at) => readEpochSchedule(conn, netuid, at), netuid, from, to);
    },
    snapshot: (netuid, block) => readSnapshot(conn, netuid, block),
  };
}

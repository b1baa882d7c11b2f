import type { RevealSchedule } from '../timelock/index.js';
import type { ChainConnection } from './connection.js';
import { checkNetuid, assertSubnetExists } from './hyperparams.js';
import { big, num, readMulti, resolveBlock, storageAt } from './storage/index.js';
import type { BlockAt, StorageCall } from './storage/index.js';

/*
 * What a timelocked weight commit needs from the chain, read at one block (the reveal-round hook of
 * src/timelock/reveal-round.ts): whether the runtime has commit_timelocked_weights, the CommitRevealWeightsVersion it
 * must carry (read, never hardcoded: 4 by default on specs 343 and 424), Tempo and RevealPeriodEpochs, and how the
 * runtime schedules epochs: from LastEpochBlock where the metadata has it (spec 424), by the block formula otherwise
 * (specs 233 and 343).
 */

/** The chain's side of a timelocked commit at a block. */
export interface TimelockCommitParams {
  /** The block the values were read at. */
  readonly block: number;
  readonly netuid: number;
  readonly tempo: number;
  readonly revealPeriodEpochs: number;
  /** CommitRevealWeightsVersion, or null when the runtime has no commit_timelocked_weights call or no such item (use v2). */
  readonly commitRevealVersion: number | null;
  /** The epoch scheduling for revealRound's `schedule`. */
  readonly schedule: RevealSchedule;
}

/**
 * Reads the timelocked-commit parameters of a subnet at the best head or at a given block.
 * @throws SubnetNotFoundError; BlockNotFoundError; ChainTimeoutError
 */
export async function readTimelockCommitParams(conn: ChainConnection, netuid: number, at: BlockAt = 'best'): Promise<TimelockCommitParams> {
  checkNetuid(netuid);
  const s = await storageAt(conn, await resolveBlock(conn, at));
  const hasCall = (conn.api.tx as unknown as Record<string, Record<string, unknown> | undefined>)['subtensorModule']?.['commitTimelockedWeights'] !== undefined;
  const tempo = s.pallet['tempo'];
  const period = s.pallet['revealPeriodEpochs'];
  const version = hasCall ? s.pallet['commitRevealWeightsVersion'] : undefined;
  const lastEpoch = s.pallet['lastEpochBlock'];
  const calls: StorageCall[] = [];
  if (tempo !== undefined) calls.push([tempo, netuid]);
  if (period !== undefined) calls.push([period, netuid]);
  if (version !== undefined) calls.push([version]);
  if (lastEpoch !== undefined) calls.push([lastEpoch, netuid]);
  const [values] = await Promise.all([readMulti(conn, s, calls, `timelock parameters of subnet ${netuid}`), assertSubnetExists(conn, s, netuid)]);
  let i = 0;
  // Absent items take the chain's defaults (Tempo 360 would never be absent on a real runtime; RevealPeriodEpochs 1).
  const tempoValue = tempo !== undefined ? num(values[i++]) : 360;
  const periodValue = period !== undefined ? Number(big(values[i++])) : 1;
  const versionValue = version !== undefined ? num(values[i++]) : null;
  const schedule: RevealSchedule = lastEpoch !== undefined ? { kind: 'stored', lastEpochBlock: Number(big(values[i++])) } : { kind: 'formula' };
  return { block: s.block.number, netuid, tempo: tempoValue, revealPeriodEpochs: periodValue, commitRevealVersion: versionValue, schedule };
}

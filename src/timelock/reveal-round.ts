import { epochIndex } from './epoch-index.js';
import { QUICKNET_GENESIS_TIME, QUICKNET_PERIOD_SECONDS } from './quicknet.js';

/*
 * Which drand round a commit must be encrypted to. The chain reveals a subnet's timelocked commits at the first block
 * of the reveal epoch (the commit's epoch + RevealPeriodEpochs), and only if the pulse of the commit's round is stored
 * by then; a round too far ahead keeps the commit waiting, a round too early lets anyone read it before the reveal.
 *
 * Two ways to find the first reveal block:
 * - `formula` (the Python SDK's generate_commit, bittensor-drand drand.rs; the spec 233..424 runtimes):
 *   epoch = (block + netuid + 1) / (tempo + 1), first = (epoch + revealPeriod)·(tempo + 1) − (netuid + 1).
 * - `stored` (newer runtimes whose epochs are scheduled from storage: LastEpochBlock and SubnetEpochIndex): the epoch
 *   fires every `tempo` blocks after LastEpochBlock, so the reveal epoch starts at LastEpochBlock + revealPeriod·tempo,
 *   read at the commit's block. The chain client supplies `lastEpochBlock` when the served metadata has the item
 *   (resolveRevealSchedule is the hook); it ignores owner-triggered epochs (PendingEpochAt) and deferred fires.
 * Then, like the SDK: target = first + 3 blocks (a security margin), and
 *   round = floor((now + (target − block)·blockTime − genesis) / period), at least 1.
 */

/** Blocks added after the first reveal block, as the SDK does (SECURITY_BLOCK_OFFSET). */
export const SECURITY_BLOCK_OFFSET = 3;

/** The chain's target block time, seconds. */
export const DEFAULT_BLOCK_TIME_SECONDS = 12;

/** How the runtime schedules epochs (the hook the chain client fills in). */
export type RevealSchedule =
  /** The block-number formula (every runtime without stored epoch scheduling). */
  | { readonly kind: 'formula' }
  /** Stored-state scheduling: the subnet's LastEpochBlock as read at the commit's block. */
  | { readonly kind: 'stored'; readonly lastEpochBlock: number };

/** What the reveal round depends on. */
export interface RevealRoundInput {
  /** The block the commit is made at (the current best or finalized block). */
  readonly block: number;
  readonly netuid: number;
  /** The subnet's Tempo. */
  readonly tempo: number;
  /** The subnet's RevealPeriodEpochs. */
  readonly revealPeriodEpochs: number;
  /** Wall-clock now, Unix seconds (fractional allowed). */
  readonly nowSeconds: number;
  /** Seconds per block (12 on the chain). */
  readonly blockTimeSeconds?: number;
  /** The epoch scheduling of the runtime; `formula` when omitted. */
  readonly schedule?: RevealSchedule;
  /** The beacon's genesis and period (quicknet's when omitted; devnet's local beacon passes its own). */
  readonly genesisTime?: number;
  readonly periodSeconds?: number;
}

/** The reveal plan: the first reveal block, the block the round is aimed at, and the round. */
export interface RevealPlan {
  readonly firstRevealBlock: number;
  readonly targetBlock: number;
  readonly round: bigint;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${String(v)}`);
}

/** The first block of the reveal epoch of a commit made at `block`. */
export function firstRevealBlock(block: number, netuid: number, tempo: number, revealPeriodEpochs: number, schedule: RevealSchedule = { kind: 'formula' }): number {
  checkInt('block', block, 0);
  checkInt('netuid', netuid, 0);
  checkInt('tempo', tempo, 0);
  checkInt('revealPeriodEpochs', revealPeriodEpochs, 0);
  if (schedule.kind === 'stored') {
    checkInt('lastEpochBlock', schedule.lastEpochBlock, 0);
    return schedule.lastEpochBlock + revealPeriodEpochs * tempo;
  }
  const epoch = epochIndex(block, netuid, tempo);
  return Math.max(0, (epoch + revealPeriodEpochs) * (tempo + 1) - (netuid + 1));
}

/** The drand round to encrypt a commit to, as the SDK computes it (see the header for the schedule hook). */
export function revealRound(input: RevealRoundInput): RevealPlan {
  const first = firstRevealBlock(input.block, input.netuid, input.tempo, input.revealPeriodEpochs, input.schedule);
  const targetBlock = first + SECURITY_BLOCK_OFFSET;
  const blocksAhead = Math.max(0, targetBlock - input.block);
  const blockTime = input.blockTimeSeconds ?? DEFAULT_BLOCK_TIME_SECONDS;
  const genesis = input.genesisTime ?? QUICKNET_GENESIS_TIME;
  const period = input.periodSeconds ?? QUICKNET_PERIOD_SECONDS;
  if (!Number.isFinite(input.nowSeconds)) throw new RangeError(`nowSeconds must be finite, got ${String(input.nowSeconds)}`);
  const target = input.nowSeconds + blocksAhead * blockTime;
  const round = Math.floor((target - genesis) / period);
  return { firstRevealBlock: first, targetBlock, round: BigInt(Math.max(1, round)) };
}

/** The round a beacon publishes at Unix time `seconds` (the latest round whose time has come), at least 0. */
export function roundAt(seconds: number, genesisTime = QUICKNET_GENESIS_TIME, periodSeconds = QUICKNET_PERIOD_SECONDS): bigint {
  if (seconds < genesisTime) return 0n;
  return BigInt(Math.floor((seconds - genesisTime) / periodSeconds) + 1);
}

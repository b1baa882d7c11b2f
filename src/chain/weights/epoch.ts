import { epochIndex } from '../../timelock/index.js';

/*
 * Commit-reveal timing (contracts/devnet.md, spec 233 `get_epoch_index` and `get_reveal_blocks`): the epoch of block b
 * on subnet netuid is epochIndex (src/timelock/epoch-index.ts, its one home); a commit of epoch e is revealed in epoch
 * e + RevealPeriodEpochs, whose blocks are [first, first + tempo].
 */

/** The commit-reveal epoch of a block (re-exported from src/timelock, where the formula lives). */
export { epochIndex };

/** The first and last block of a commit's reveal epoch. */
export function revealWindow(commitBlock: number, netuid: number, tempo: number, revealPeriodEpochs: number): { first: number; last: number } {
  const revealEpoch = epochIndex(commitBlock, netuid, tempo) + revealPeriodEpochs;
  const product = revealEpoch * (tempo + 1);
  const first = product > netuid + 1 ? product - netuid - 1 : 0;
  return { first, last: first + tempo };
}

/** `is_commit_expired`: at `block` the commit's reveal epoch has passed. */
export function isCommitExpired(commitBlock: number, block: number, netuid: number, tempo: number, revealPeriodEpochs: number): boolean {
  return epochIndex(block, netuid, tempo) > epochIndex(commitBlock, netuid, tempo) + revealPeriodEpochs;
}

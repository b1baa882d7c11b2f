/*
 * The commit-reveal epoch of a block, the one home of this formula in src: subtensor's `get_epoch_index` (spec 233;
 * contracts/devnet.md), the epoch of block b on subnet netuid being (b + netuid + 1) / (tempo + 1), integer division.
 * Commit-reveal v2 (src/chain/weights: reveal windows, expiry), the timelocked commits' reveal round (reveal-round.ts),
 * the metagraph's EpochInput and the service's cadence all count epochs with it. It lives here, in the lowest module
 * that needs it, because src/chain depends on src/timelock and src/timelock must not load the chain client (the devnet
 * imports src/timelock too). The devnet keeps its own bigint copy on purpose (src/devnet/subtensor/commit-reveal.ts).
 */

/** The commit-reveal epoch of a block (subtensor's get_epoch_index). */
export function epochIndex(block: number, netuid: number, tempo: number): number {
  return Math.floor((block + netuid + 1) / (tempo + 1));
}

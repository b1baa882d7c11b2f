import { epochIndex } from '../chain/index.js';

/*
 * When weights are due (once per tempo, at a block offset), in the chain's own epoch arithmetic: subnet `netuid` runs
 * its epoch in the block where (block + netuid + 1) % (tempo + 1) == 0 (contracts/devnet.md), so a "tempo" here is the
 * span between two such blocks and its index is the commit-reveal epoch index of chain/weights.
 */

/** How many blocks past the subnet's last epoch block `block` is (0 = the epoch block itself). */
export function blocksIntoTempo(block: number, netuid: number, tempo: number): number {
  return (block + netuid + 1) % (tempo + 1);
}

/** The first epoch block strictly after `block`. */
export function nextEpochBlock(block: number, netuid: number, tempo: number): number {
  return block + (tempo + 1 - blocksIntoTempo(block, netuid, tempo));
}

/** What decides whether weights are due at a head. */
export interface Cadence {
  head: number;
  netuid: number;
  tempo: number;
  /** The configured block offset (clamped to the tempo). */
  offset: number;
  /** The tempo index of the last landed submission (−1: none since the start). */
  lastLandedTempo: number;
  /** LastUpdate of the validator's uid and the subnet's WeightsSetRateLimit. */
  lastUpdate: number;
  rateLimit: number;
}

/**
 * Whether to submit at the head: nothing landed yet in this tempo, the offset is reached, and the rate limit lets a
 * call into the next block (block − LastUpdate ≥ WeightsSetRateLimit; LastUpdate 0 is never limited).
 */
export function weightsDue(c: Cadence): { due: boolean; why: string } {
  const index = epochIndex(c.head, c.netuid, c.tempo);
  if (index <= c.lastLandedTempo) return { due: false, why: `weights already landed in tempo ${index}` };
  const into = blocksIntoTempo(c.head, c.netuid, c.tempo);
  const offset = Math.min(c.offset, c.tempo);
  if (into < offset) return { due: false, why: `block ${into} of the tempo, before the offset ${offset}` };
  if (c.lastUpdate !== 0 && c.head + 1 - c.lastUpdate < c.rateLimit) return { due: false, why: `rate limit until block ${c.lastUpdate + c.rateLimit}` };
  return { due: true, why: `tempo ${index}, block ${into} of it` };
}

/**
 * The score book's scores as the raw weights the SDK processing takes: L1-normalised (the template's set_weights);
 * null when every score is 0 (there is nothing to say yet).
 */
export function rawWeights(scores: Float64Array): { uids: number[]; weights: number[] } | null {
  let sum = 0;
  for (const s of scores) if (Number.isFinite(s) && s > 0) sum += s;
  if (!(sum > 0)) return null;
  const uids: number[] = [];
  const weights: number[] = [];
  scores.forEach((s, uid) => {
    uids.push(uid);
    weights.push(Number.isFinite(s) && s > 0 ? s / sum : 0);
  });
  return { uids, weights };
}

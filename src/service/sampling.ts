import type { Metagraph } from '../chain/index.js';
import { Prng } from '../random/index.js';
import { mixNamedSeed } from '../task/index.js';

/*
 * Which miners a step queries, by the SDK template's rules (validator-sdk-spec.md §5, get_random_uids): a uid is
 * available when its axon is serving (an axon is stored and its ip is not 0.0.0.0), it is not the validator itself,
 * and, when it holds a validator permit, its stake is at most the vpermit limit (validators are not miners). `k` of
 * the available uids are drawn without replacement, from a stream named by the validator's secret seed and the step,
 * so a restarted step queries the same miners.
 */

/** Whether a uid's axon serves (the SDK's `is_serving`: an ip other than 0.0.0.0, and a port). */
export function isServing(m: Metagraph, uid: number): boolean {
  const a = m.axons[uid];
  return a !== null && a !== undefined && a.ip !== '0.0.0.0' && a.ip !== '::' && a.port > 0;
}

/** The uids a step may query, ascending. */
export function availableUids(m: Metagraph, selfUid: number | null, vpermitStakeLimit: bigint): number[] {
  const out: number[] = [];
  for (let uid = 0; uid < m.n; uid++) {
    if (uid === selfUid || !isServing(m, uid)) continue;
    if (m.validatorPermit[uid] === true && (m.stake[uid] ?? 0n) > vpermitStakeLimit) continue;
    out.push(uid);
  }
  return out;
}

/** `k` uids drawn without replacement from `available` (all of them when there are at most k), ascending. */
export function sampleUids(available: readonly number[], k: number, seed: number, step: number): number[] {
  if (available.length <= k) return [...available];
  const rng = new Prng(mixNamedSeed('sample', seed, step));
  return rng.sample(available.length, k).map((i) => available[i] as number).sort((a, b) => a - b);
}

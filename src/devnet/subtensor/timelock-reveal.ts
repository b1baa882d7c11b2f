import { decrypt, isUndecryptable, readPayloadAsChain, TimelockKeyError } from '../../timelock/index.js';
import type { Pulse } from './drand-beacon.js';

/*
 * pallet_drand emulation, part 2: what the chain does with one subnet's timelocked commits of the reveal epoch in one
 * block (reveal_crv3_commits_for_subnet). For each commit, in order:
 * - no pulse stored for its round: KEPT, retried next block (while the reveal epoch lasts);
 * - the ciphertext does not deserialize or decrypt with the pulse's signature: DROPPED, silently;
 * - the plaintext is no payload, or its hotkey is not the committer: DROPPED, silently;
 * - otherwise the weights go to set_weights, whose own checks may still refuse them (the caller applies them and,
 *   on success, emits TimelockedWeightsRevealed).
 * `reason` says why a commit was dropped: the chain only writes it to a trace log; devnet can log it.
 * LastUpdate is set at commit time, not here.
 */

/** A stored timelocked commit: (who, commit_block, ciphertext, reveal_round). */
export interface TimelockedCommit {
  /** The committing hotkey's public key (32 bytes). */
  readonly who: Uint8Array;
  readonly commitBlock: bigint;
  readonly ciphertext: Uint8Array;
  readonly round: bigint;
}

/** The fate of one commit in one block. */
export type RevealOutcome =
  | { readonly kind: 'kept'; readonly commit: TimelockedCommit }
  | { readonly kind: 'dropped'; readonly commit: TimelockedCommit; readonly reason: string }
  | {
      readonly kind: 'reveal';
      readonly commit: TimelockedCommit;
      readonly uids: readonly number[];
      readonly values: readonly number[];
      readonly versionKey: bigint;
      /** The plaintext was the legacy payload without a hotkey. */
      readonly legacy: boolean;
    };

/** Decides every commit's fate given the stored pulses (`pulseOf` returns undefined for a round not stored). */
export function revealTimelockedCommits(commits: readonly TimelockedCommit[], pulseOf: (round: bigint) => Pulse | undefined): RevealOutcome[] {
  return commits.map((commit): RevealOutcome => {
    const pulse = pulseOf(commit.round);
    if (pulse === undefined) return { kind: 'kept', commit };
    let plaintext: Uint8Array;
    try {
      plaintext = decrypt(commit.ciphertext, pulse.signature);
    } catch (err) {
      if (isUndecryptable(err) || err instanceof TimelockKeyError) return { kind: 'dropped', commit, reason: (err as Error).message };
      throw err;
    }
    const reading = readPayloadAsChain(plaintext, commit.who);
    if (!reading.ok) return { kind: 'dropped', commit, reason: reading.reason };
    return { kind: 'reveal', commit, uids: reading.uids, values: reading.values, versionKey: reading.versionKey, legacy: reading.legacy };
  });
}

import type { BlockEvent } from '../chain/index.js';

/*
 * Weights set in the epoch block itself, before the epoch. Runtimes with timelocked commit-reveal (CRv3 and later)
 * reveal the due commits in on_initialize of the epoch block, just before running the epoch, so the epoch reads
 * weights that the parent block's state does not have yet. Their `WeightsSet(netuid, uid)` events carry the
 * Initialization phase, which tells them from the block's extrinsics (ApplyExtrinsic phase), which run after the
 * epoch. A uid revealed in on_initialize and set again by an extrinsic of the same block cannot be recovered from
 * storage: its row at the epoch block is the extrinsic's, not the one the epoch read.
 */

/** The uids of a subnet whose weights on_initialize set, and those among them an extrinsic of the block set again. */
export function initializationReveals(events: readonly BlockEvent[], netuid: number): { revealed: number[]; overwritten: number[] } {
  const set = (phase: BlockEvent['phase']): Set<number> => new Set(events
    .filter((e) => e.phase === phase && e.section === 'subtensorModule' && e.method === 'WeightsSet' && Number(e.data[0]) === netuid)
    .map((e) => Number(e.data[1])));
  const early = set('initialization');
  const late = set('extrinsic');
  const sorted = (s: Iterable<number>): number[] => [...s].sort((a, b) => a - b);
  return { revealed: sorted([...early].filter((u) => !late.has(u))), overwritten: sorted([...early].filter((u) => late.has(u))) };
}

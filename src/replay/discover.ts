/*
 * Finding the blocks where a subnet's epoch ran. Recent runtimes schedule epochs from stored state (LastEpochBlock,
 * pending and deferred epochs), so an epoch block must be read from the chain, not computed. Where the runtime keeps
 * LastMechansimStepBlock (the block of the subnet's last epoch, set by the epoch itself), the state at any block b
 * names the last epoch at or before b; the state at that epoch block − 1 names the one before, and so on. The walk
 * therefore costs one read per epoch found, plus at most two: fewer than a bisection, and it never reads a block the answer
 * does not need. A runtime without the item falls back to the tempo formula of contracts/devnet.md, with the tempo
 * read at the end of the range; a range that spans the upgrade adding the item bisects for the upgrade block.
 */

/** What the discovery reads at a block. */
export interface ScheduleRead {
  /** LastMechansimStepBlock at the block, or null when the runtime has no such item. */
  lastStepBlock: number | null;
  tempo: number;
}

/** The tempo formula's epoch blocks in [from, to] (contracts/devnet.md: `(block + netuid + 1) % (tempo + 1) == 0`). */
export function formulaEpochBlocks(netuid: number, tempo: number, from: number, to: number): number[] {
  if (tempo === 0) return [];
  const period = tempo + 1;
  const out: number[] = [];
  // The first b >= from with (b + netuid + 1) % period == 0.
  let b = from + ((period - ((from + netuid + 1) % period)) % period);
  for (; b <= to; b += period) out.push(b);
  return out;
}

/**
 * The formula's epochs below a runtime upgrade that introduced the item: when the item is absent at `from`, the first
 * block that has it is found by bisection (log2 of the range in reads), and the formula covers the blocks before it.
 */
async function beforeUpgrade(read: (at: number) => Promise<ScheduleRead>, netuid: number, from: number, upper: number): Promise<number[]> {
  const low = await read(from);
  if (low.lastStepBlock !== null) return [];
  let absent = from;
  let present = upper;
  while (present - absent > 1) {
    const mid = Math.floor((absent + present) / 2);
    if ((await read(mid)).lastStepBlock === null) absent = mid;
    else present = mid;
  }
  return formulaEpochBlocks(netuid, low.tempo, from, absent);
}

/**
 * The epoch blocks of a subnet in [from, to], ascending.
 * @param read reads the schedule items at a block
 */
export async function findEpochBlocks(read: (at: number) => Promise<ScheduleRead>, netuid: number, fromBlock: number, to: number): Promise<number[]> {
  // The genesis block runs no on_initialize: an epoch block is 1 or later (and has a parent to read the inputs at).
  const from = Math.max(fromBlock, 1);
  if (to < from) return [];
  const found: number[] = [];
  let s = await read(to);
  let upper = to;
  for (;;) {
    if (s.lastStepBlock === null) {
      // This part of the chain runs a runtime without the item: the formula covers what is left.
      found.push(...formulaEpochBlocks(netuid, s.tempo, from, upper).reverse());
      break;
    }
    const last = s.lastStepBlock;
    if (last === 0) {
      // No epoch recorded yet: either none ran, or they ran under an older runtime without the item.
      found.push(...(await beforeUpgrade(read, netuid, from, upper)).reverse());
      break;
    }
    // A value above `upper` would be a broken pointer, which must not loop.
    if (last < from || last > upper) break;
    found.push(last);
    if (last - 1 < from) break;
    upper = last - 1;
    s = await read(upper);
  }
  return found.reverse();
}

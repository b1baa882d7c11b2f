import type { Hex } from './storage-codec.js';

/*
 * The devnet's storage, readable at every block: each key keeps the list of (block, value) versions written to it, so
 * a read at a past block is a binary search. Writes go to the block being built and become visible to reads at that
 * block only when it is committed. A devnet's history is small (thousands of blocks, thousands of keys), so keeping
 * every version is simpler and faster than a trie.
 */

/** The versions of one key: ascending block numbers, and the value from each (null: deleted). */
interface Versions {
  blocks: number[];
  values: Array<Hex | null>;
}

/** Changes of one block: key → new value (null: deleted). */
export type ChangeSet = Map<Hex, Hex | null>;

/** Storage with history. Block numbers are those of committed blocks; `pending` is the block being built. */
export class StateStore {
  private readonly versions = new Map<Hex, Versions>();
  private sortedKeys: Hex[] = [];
  private sortedDirty = false;
  private pending: ChangeSet = new Map();
  private readonly changes = new Map<number, ChangeSet>();
  /** The number of the last committed block (−1 before genesis). */
  head = -1;
  /** The oldest block whose state reads are exact (0 until `prune`). */
  oldest = 0;

  /** The value of `key` at block `at` (default: the head), or null. Reads at `head + 1` see the pending writes. */
  get(key: Hex, at: number = this.head): Hex | null {
    if (at > this.head && this.pending.has(key)) return this.pending.get(key) ?? null;
    const v = this.versions.get(key);
    if (v === undefined) return null;
    // The last version at or before `at`.
    let lo = 0, hi = v.blocks.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((v.blocks[mid] as number) <= at) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found < 0 ? null : (v.values[found] as Hex | null);
  }

  /** Writes `value` (null deletes) into the block being built. */
  set(key: Hex, value: Hex | null): void {
    this.pending.set(key, value);
  }

  /** The pending writes, for the block builder (read-only). */
  pendingChanges(): ReadonlyMap<Hex, Hex | null> {
    return this.pending;
  }

  /** Drops every pending write (an abandoned block). */
  discard(): void {
    this.pending = new Map();
  }

  /** A savepoint of the pending writes: restore it to undo what a failed call wrote since (transactional calls). */
  checkpoint(): ChangeSet {
    return new Map(this.pending);
  }

  /** Undoes the pending writes made since `savepoint`. */
  restore(savepoint: ChangeSet): void {
    this.pending = new Map(savepoint);
  }

  /** Commits the pending writes as block `number` (head + 1) and returns them. */
  commit(number: number): ChangeSet {
    if (number !== this.head + 1) throw new RangeError(`block ${number} does not follow the head ${this.head}`);
    const set = this.pending;
    for (const [key, value] of set) {
      let v = this.versions.get(key);
      if (v === undefined) {
        v = { blocks: [], values: [] };
        this.versions.set(key, v);
        this.sortedDirty = true;
      }
      v.blocks.push(number);
      v.values.push(value);
    }
    this.changes.set(number, set);
    this.pending = new Map();
    this.head = number;
    return set;
  }

  /**
   * Forgets the history before block `before`: for each key, the versions older than the one in force at `before`,
   * that one too when it is a deletion (a key whose history is all gone is dropped), and the change sets. Reads at
   * `before` and later are unchanged; reads at older blocks are no longer exact, and callers must not make them.
   */
  prune(before: number): void {
    if (before <= this.oldest) return;
    for (const [key, v] of this.versions) {
      // The number of versions written at or before `before`: the last of them is in force at `before`.
      let lo = 0, hi = v.blocks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((v.blocks[mid] as number) <= before) lo = mid + 1; else hi = mid;
      }
      let drop = lo - 1;
      if (drop >= 0 && v.values[drop] === null) drop++;
      if (drop <= 0) continue;
      if (drop >= v.blocks.length) {
        this.versions.delete(key);
        this.sortedDirty = true;
        continue;
      }
      v.blocks.splice(0, drop);
      v.values.splice(0, drop);
    }
    for (let n = this.oldest; n < before; n++) this.changes.delete(n);
    this.oldest = before;
  }

  /** The writes of a committed block. */
  changesAt(number: number): ChangeSet {
    return this.changes.get(number) ?? new Map();
  }

  /** Keys with `prefix` that hold a value at block `at`, in ascending order, after `startKey`, at most `count`. */
  keysPaged(prefix: Hex, count: number, startKey: Hex | null = null, at: number = this.head): Hex[] {
    if (this.sortedDirty) {
      this.sortedKeys = [...this.versions.keys()].sort();
      this.sortedDirty = false;
    }
    const keys = this.sortedKeys;
    const from = startKey !== null && startKey > prefix ? startKey : prefix;
    // First key ≥ from (strictly after startKey when given).
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] as Hex) < from) lo = mid + 1; else hi = mid;
    }
    const out: Hex[] = [];
    for (let i = lo; i < keys.length && out.length < count; i++) {
      const k = keys[i] as Hex;
      if (!k.startsWith(prefix)) break;
      if (k === startKey) continue;
      if (this.get(k, at) !== null) out.push(k);
    }
    return out;
  }

  /** Every (key, value) at block `at`, for persistence and state roots. */
  *entries(at: number = this.head): IterableIterator<[Hex, Hex]> {
    for (const key of this.versions.keys()) {
      const v = this.get(key, at);
      if (v !== null) yield [key, v];
    }
  }
}

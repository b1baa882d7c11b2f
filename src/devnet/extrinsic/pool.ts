import type { TxStatus } from '../node-types.js';
import type { Hex } from '../storage-codec.js';
import type { CheckedTx } from './check.js';
import { alreadyImported, immediatelyDropped, tooLowPriority } from './rejections.js';

/*
 * The transaction pool, as Substrate's pool orders signed transactions (CheckNonce's tags): per sender, a transaction
 * is ready when every nonce from the sender's stored nonce up to its own is in the pool; otherwise it waits in the
 * future queue and becomes ready when the gap fills. A second transaction with the same sender and nonce replaces the
 * first only with a higher priority (here: a higher tip). Blocks take ready transactions in arrival order, each after
 * the sender's lower nonces.
 */

/** Pool limits (Substrate's defaults: 8192 ready, 512 future). */
export interface PoolLimits {
  ready: number;
  future: number;
}

/** A pooled transaction. */
export interface PoolEntry {
  tx: CheckedTx;
  /** Arrival order. */
  seq: number;
  state: 'ready' | 'future';
  watch: ((status: TxStatus) => void) | undefined;
}

interface Sender {
  /** The sender's stored nonce when last told. */
  base: number;
  byNonce: Map<number, PoolEntry>;
}

/** Ready and future transactions by sender and nonce. */
export class TxPool {
  private readonly senders = new Map<Hex, Sender>();
  private readonly byHash = new Map<Hex, PoolEntry>();
  private seq = 0;
  private futureCount = 0;

  constructor(private readonly limits: PoolLimits) {}

  /** Number of pooled transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** The pooled entry with this hash. */
  get(hash: Hex): PoolEntry | undefined {
    return this.byHash.get(hash);
  }

  /**
   * Adds a checked transaction whose sender's stored nonce is `stored` (≤ its nonce); returns its entry, whose state
   * says 'ready' or 'future'. Entries of the same sender that become ready are announced to their watchers.
   * @throws TxRejected 1013 (already in the pool), 1014 (same nonce, not a higher tip), 1016 (pool full)
   */
  import(tx: CheckedTx, stored: number, watch?: (status: TxStatus) => void): PoolEntry {
    if (this.byHash.has(tx.hash)) throw alreadyImported(tx.hash);
    const previous = this.senders.get(tx.signer)?.byNonce.get(tx.nonce);
    if (previous !== undefined) {
      if (previous.tx.tip >= tx.tip) throw tooLowPriority(previous.tx.tip, tx.tip);
      this.drop(previous, { dropped: `replaced by ${tx.hash} (higher tip)` });
    }
    let sender = this.senders.get(tx.signer);
    if (sender === undefined) {
      sender = { base: stored, byNonce: new Map() };
      this.senders.set(tx.signer, sender);
    }
    sender.base = stored;
    const future = !this.gapless(sender, tx.nonce);
    // A replacement takes its predecessor's place; only a new transaction must fit the limits.
    if (previous === undefined && (future ? this.futureCount >= this.limits.future : this.byHash.size - this.futureCount >= this.limits.ready)) {
      if (sender.byNonce.size === 0) this.senders.delete(tx.signer);
      throw immediatelyDropped();
    }
    const entry: PoolEntry = { tx, seq: this.seq++, state: future ? 'future' : 'ready', watch };
    sender.byNonce.set(tx.nonce, entry);
    this.byHash.set(tx.hash, entry);
    if (future) this.futureCount++;
    this.promote(sender);
    return entry;
  }

  /** Whether all nonces from the sender's base up to `nonce` − 1 are pooled. */
  private gapless(sender: Sender, nonce: number): boolean {
    for (let n = sender.base; n < nonce; n++) if (!sender.byNonce.has(n)) return false;
    return true;
  }

  /** Marks the sender's contiguous run from its base as ready, announcing the entries that were future. */
  private promote(sender: Sender): void {
    for (let n = sender.base; ; n++) {
      const entry = sender.byNonce.get(n);
      if (entry === undefined) break;
      if (entry.state === 'future') {
        entry.state = 'ready';
        this.futureCount--;
        entry.watch?.('ready');
      }
    }
  }

  /** Removes an entry and tells its watcher why. */
  drop(entry: PoolEntry, status?: TxStatus): void {
    if (this.byHash.get(entry.tx.hash) !== entry) return;
    this.byHash.delete(entry.tx.hash);
    const sender = this.senders.get(entry.tx.signer);
    if (sender !== undefined && sender.byNonce.get(entry.tx.nonce) === entry) {
      sender.byNonce.delete(entry.tx.nonce);
      if (sender.byNonce.size === 0) this.senders.delete(entry.tx.signer);
    }
    if (entry.state === 'future') this.futureCount--;
    if (status !== undefined) entry.watch?.(status);
  }

  /** The next nonce of a sender: its stored nonce, then every nonce pooled without a gap (system_accountNextIndex). */
  nextIndex(signer: Hex, stored: number): number {
    const sender = this.senders.get(signer);
    let n = stored;
    while (sender?.byNonce.has(n)) n++;
    return n;
  }

  /** Ready transactions in the order a block takes them: arrival order, each after its sender's lower nonces. */
  ready(): PoolEntry[] {
    const keyed: Array<{ entry: PoolEntry; key: number }> = [];
    for (const sender of this.senders.values()) {
      let key = -1;
      for (let n = sender.base; ; n++) {
        const entry = sender.byNonce.get(n);
        if (entry === undefined || entry.state !== 'ready') break;
        // A later nonce cannot go before an earlier one, even if it arrived first.
        key = Math.max(key, entry.seq);
        keyed.push({ entry, key });
      }
    }
    keyed.sort((a, b) => a.key - b.key || a.entry.tx.nonce - b.entry.tx.nonce);
    return keyed.map((k) => k.entry);
  }

  /**
   * After a block: sets each sender's stored nonce, drops what is now stale (a transaction with the same nonce went in)
   * and promotes what became ready. `storedNonce` reads the head's state.
   */
  prune(storedNonce: (signer: Hex) => number): void {
    for (const [signer, sender] of [...this.senders]) {
      sender.base = storedNonce(signer);
      for (const [nonce, entry] of [...sender.byNonce]) {
        if (nonce < sender.base) this.drop(entry, { invalid: 'Transaction is outdated' });
      }
      if (this.senders.has(signer)) this.promote(sender);
    }
  }

  /** Every pooled extrinsic (author_pendingExtrinsics lists the ready ones; the devnet lists them all). */
  all(): PoolEntry[] {
    return [...this.byHash.values()].sort((a, b) => a.seq - b.seq);
  }
}

import type { Hex } from '../storage-codec.js';

/*
 * Why a watched extrinsic's `finalized` may wait a moment after its `inBlock`.
 *
 * Every devnet block is final at once, so the node reports inBlock and finalized together. @polkadot/api handles the
 * statuses of signAndSend with a switchMap: on inBlock it starts reading the block and its System.Events, and a
 * finalized arriving before that read is done cancels it, so the caller never sees inBlock. On a real chain finality
 * lags by blocks and this never shows. So, per connection, a watch's finalized is held until the client has read the
 * events of that block, or at most `maxHoldMs` for clients that never read them.
 *
 * "Read" must mean "handled": the client finishes handling a reply in microtasks, and frames that reach it in one socket
 * read are all dispatched before any microtask runs. So after the events reply the server sends a WebSocket ping and
 * releases on its pong (every client answers pings by itself): the pong was written while the client processed the
 * read holding the reply (or a later one), so the finalized frame sent after it reaches the client in a later read,
 * after those microtasks. A few milliseconds more cover a client that hops through a timer.
 */

/** The margin after the pong before the release. */
const GRACE_MS = 5;

/** How many recently read blocks a connection remembers (a read may come before the status it releases). */
const REMEMBERED = 64;

/** The finality holds of one connection. */
export class FinalityGate {
  private readonly held = new Map<Hex, Set<() => void>>();
  private readonly read: Hex[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** One entry per ping sent, in order: what its pong releases (pongs come back in the order of the pings). */
  private pongQueue: Array<() => void> = [];

  constructor(
    private readonly maxHoldMs: number,
    /** Sends a WebSocket ping to the client. */
    private readonly ping: () => void,
  ) {}

  /** Runs `release` once the client has read block `hash`'s events, or after the maximum hold. */
  hold(hash: Hex, release: () => void): void {
    if (this.maxHoldMs === 0 || this.read.includes(hash)) {
      release();
      return;
    }
    let set = this.held.get(hash);
    if (set === undefined) {
      set = new Set();
      this.held.set(hash, set);
    }
    const waiting = set;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (waiting.delete(once)) release();
      if (waiting.size === 0 && this.held.get(hash) === waiting) this.held.delete(hash);
    }, this.maxHoldMs);
    const once = (): void => {
      clearTimeout(timer);
      this.timers.delete(timer);
      release();
    };
    this.timers.add(timer);
    waiting.add(once);
  }

  /** The client has read block `hash`'s events: releases what waits for it shortly. Call after the reply was written. */
  opened(hash: Hex): void {
    if (!this.read.includes(hash)) {
      this.read.push(hash);
      if (this.read.length > REMEMBERED) this.read.shift();
    }
    const waiting = this.held.get(hash);
    if (waiting === undefined) return;
    this.held.delete(hash);
    this.pongQueue.push(() => {
      for (const release of waiting) release();
    });
    this.ping();
  }

  /** The client answered a ping: what waited for that ping is released after the margin. */
  pong(): void {
    const due = this.pongQueue.shift();
    if (due === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      due();
    }, GRACE_MS);
    this.timers.add(timer);
  }

  /** Drops every hold without releasing (the connection closed). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
    this.pongQueue = [];
  }
}

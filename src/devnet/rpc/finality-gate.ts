import type { Hex } from '../storage-codec.js';

/*
 * Why a watched extrinsic's `finalized` may wait a moment after its `inBlock`.
 *
 * Every devnet block is final at once, so the node reports inBlock and finalized together. @polkadot/api handles the
 * statuses of signAndSend with a switchMap: on inBlock it starts reading the block and its System.Events, and a
 * finalized arriving before that read is done cancels it, so the caller never sees inBlock. On a real chain finality
 * lags by blocks and this never shows. So, per connection, a watch's finalized is held until the client has read the
 * events of that block, or at most `maxHoldMs` for clients that never read them. The release comes a few milliseconds
 * after the events reply: the client finishes handling a reply in microtasks, but frames that reach it in one read are
 * all dispatched before any microtask runs, so the finalized frame must arrive in a later read.
 */

/** The gap between the events reply and the release. */
const GRACE_MS = 10;

/** How many recently read blocks a connection remembers (a read may come before the status it releases). */
const REMEMBERED = 64;

/** The finality holds of one connection. */
export class FinalityGate {
  private readonly held = new Map<Hex, Set<() => void>>();
  private readonly read: Hex[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly maxHoldMs: number) {}

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
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      for (const release of waiting) release();
    }, GRACE_MS);
    this.timers.add(timer);
  }

  /** Drops every hold without releasing (the connection closed). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
  }
}

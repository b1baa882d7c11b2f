import { randomBytes } from 'node:crypto';
import type { CallContext, SubscriptionDef, SubscriptionSink } from './method-types.js';
import type { Params } from './params.js';
import { tooManySubscriptions } from './rpc-error.js';

/*
 * The subscriptions of one connection. Ids are 16 random alphanumerics, as a Substrate node's (jsonrpsee's
 * RandomStringIdProvider). A subscription is pending until its id has been answered: notifications sent meanwhile wait,
 * so a client always learns the id before the first notification that carries it. Each subscription belongs to its
 * definition: only that definition's unsubscribe method ends it, as in jsonrpsee.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh subscription id. */
export function newSubscriptionId(): string {
  const bytes = randomBytes(16);
  let id = '';
  // 256 % 62 != 0 gives a slight bias; ids only need to be unique and unguessable enough for one loopback node.
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

interface Entry {
  def: SubscriptionDef;
  live: boolean;
  ended: boolean;
  queued: string[];
  cleanup: (() => void) | null;
  endAfterFlush: boolean;
}

/** A subscription just opened: answer `id`, then call `activate`. */
export interface OpenedSubscription {
  id: string;
  activate(): void;
}

/** The subscriptions of one connection. */
export class ConnectionSubscriptions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limit: number,
    /** Writes one frame to the client. */
    private readonly write: (frame: string) => void,
  ) {}

  /** Subscriptions open now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Opens a subscription of `def`: runs its start (which may send, buffered) and returns the id to answer.
   * @throws RpcError −32006 over the connection's limit, or whatever `start` throws (then nothing stays open)
   */
  open(def: SubscriptionDef, ctx: CallContext, p: Params): OpenedSubscription {
    if (this.entries.size >= this.limit) throw tooManySubscriptions(this.limit);
    let id = newSubscriptionId();
    while (this.entries.has(id)) id = newSubscriptionId();
    const entry: Entry = { def, live: false, ended: false, queued: [], cleanup: null, endAfterFlush: false };
    this.entries.set(id, entry);
    const prefix = `{"jsonrpc":"2.0","method":${JSON.stringify(def.notification)},"params":{"subscription":"${id}","result":`;
    const emit = (resultJson: string): void => {
      if (entry.ended) return;
      const frame = `${prefix}${resultJson}}}`;
      if (entry.live) this.write(frame);
      else entry.queued.push(frame);
    };
    const sink: SubscriptionSink = {
      send: (result) => emit(JSON.stringify(result ?? null)),
      sendRaw: emit,
      close: () => {
        if (entry.live) this.end(id);
        else entry.endAfterFlush = true;
      },
    };
    try {
      entry.cleanup = def.start(ctx, p, sink) ?? null;
    } catch (err) {
      this.entries.delete(id);
      entry.ended = true;
      throw err;
    }
    return {
      id,
      activate: () => {
        if (entry.ended) return;
        entry.live = true;
        const queued = entry.queued;
        entry.queued = [];
        for (const frame of queued) this.write(frame);
        if (entry.endAfterFlush) this.end(id);
      },
    };
  }

  /** Ends subscription `id` if it exists and belongs to `def` (the unsubscribe method's owner); answers whether it did. */
  unsubscribe(id: unknown, def: SubscriptionDef): boolean {
    if (typeof id !== 'string' && typeof id !== 'number') return false;
    const key = String(id);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.def !== def) return false;
    this.end(key);
    return true;
  }

  /** Ends every subscription (the connection closed). */
  closeAll(): void {
    for (const id of [...this.entries.keys()]) this.end(id);
  }

  private end(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    entry.ended = true;
    entry.queued = [];
    const cleanup = entry.cleanup;
    entry.cleanup = null;
    cleanup?.();
  }
}

import type { ChainConnection } from './connection.js';
import { ChainTimeoutError } from './errors.js';

/*
 * Finalized heads as they come (chain_subscribeFinalizedHeads), instead of polling the head. @polkadot/api
 * resubscribes by itself after a reconnect; what it cannot notice is a node that keeps the socket open and stops
 * sending, so the caller is told when no head arrived for `stallMs` (a half-open socket stalled a Python validator's
 * sync for 17 minutes, subnet-2 #488). The subscription itself is made under a deadline and ends with the signal.
 */

/** A finalized block. */
export interface FinalizedHead {
  number: number;
  hash: string;
}

/** Options of `subscribeFinalizedHeads`. */
export interface FinalizedHeadsOptions {
  /** Ends the subscription. */
  signal?: AbortSignal;
  /** Deadline of the subscribe call itself (default: the connection's call deadline). */
  timeoutMs?: number;
  /** Called once per stretch of `stallMs` without a new head (the subscription stays: the node may come back). */
  onStall?: (msSinceLastHead: number) => void;
  /** How long without a head counts as a stall. */
  stallMs?: number;
}

/**
 * Calls `onHead` for every new finalized head (numbers only go up: a head at or below the last one seen is skipped).
 * Resolves once subscribed, with a function that ends the subscription (the signal ends it too).
 * @throws ChainTimeoutError when the node does not accept the subscription by the deadline
 */
export async function subscribeFinalizedHeads(conn: ChainConnection, onHead: (head: FinalizedHead) => void, options: FinalizedHeadsOptions = {}): Promise<() => void> {
  const { signal, timeoutMs, onStall, stallMs } = options;
  if (signal?.aborted) return () => {};
  let last = -1;
  let lastAt = Date.now();
  let stalled = false;
  const unsub = await conn.call('subscribe to finalized heads', (api) => api.rpc.chain.subscribeFinalizedHeads((header) => {
    const number = header.number.toNumber();
    lastAt = Date.now();
    stalled = false;
    if (number <= last) return;
    last = number;
    onHead({ number, hash: header.hash.toHex() });
  }), timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  if (onStall !== undefined && stallMs !== undefined) {
    timer = setInterval(() => {
      const quiet = Date.now() - lastAt;
      if (quiet >= stallMs && !stalled) {
        stalled = true;
        onStall(quiet);
      }
    }, Math.max(50, Math.min(1000, Math.floor(stallMs / 4))));
    timer.unref();
  }
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    signal?.removeEventListener('abort', end);
    try {
      unsub();
    } catch {
      // The socket may already be gone: nothing to unsubscribe from.
    }
  };
  signal?.addEventListener('abort', end, { once: true });
  return end;
}

/**
 * Resolves with the first finalized head at or above `target`.
 * @throws ChainTimeoutError after `timeoutMs`; the signal's reason when aborted
 */
export async function waitForFinalized(conn: ChainConnection, target: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<FinalizedHead> {
  const { timeoutMs, signal } = options;
  signal?.throwIfAborted();
  const inner = new AbortController();
  const onAbort = (): void => inner.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<FinalizedHead>((resolve, reject) => {
      timer = setTimeout(() => reject(new ChainTimeoutError(`wait for finalized block ${target}`, timeoutMs)), timeoutMs);
      inner.signal.addEventListener('abort', () => reject(inner.signal.reason), { once: true });
      subscribeFinalizedHeads(conn, (h) => { if (h.number >= target) resolve(h); }, { signal: inner.signal, timeoutMs }).catch(reject);
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    inner.abort();
  }
}

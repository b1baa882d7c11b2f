/*
 * Nonces for the dendrite: nanoseconds since the Unix epoch (the SDK sends time.time_ns()), strictly increasing per
 * clock. An axon rejects a nonce at or below the last it accepted for (hotkey, uuid), and a first nonce older than
 * 4 s + timeout, so the clock follows wall time (ms resolution) and, when several nonces fall in one millisecond or
 * the wall clock steps back, continues from the last one plus 1 ns.
 */

/** A source of strictly increasing nanosecond nonces. */
export interface NonceClock {
  /** The next nonce: > every nonce this clock returned before, and ≥ the wall clock in ns. */
  next(): bigint;
}

/** Makes a nonce clock; `nowMs` is injectable for tests (defaults to Date.now). */
export function createNonceClock(nowMs: () => number = Date.now): NonceClock {
  let last = 0n;
  return {
    next(): bigint {
      const wall = BigInt(Math.floor(nowMs())) * 1_000_000n;
      last = wall > last ? wall : last + 1n;
      return last;
    },
  };
}

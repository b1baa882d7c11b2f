/*
 * Per-axon circuit breaking. A miner that is down or hangs costs the validator a connection slot up to the whole
 * deadline on every step; after `threshold` consecutive transport failures its breaker opens and the dendrite stops
 * dialing it (its result comes back at once, "circuit open"). After `coolDownMs` the breaker is half-open: one trial
 * request goes through, and its outcome closes the breaker or opens it for another cool-down. State lives in the main
 * thread, so every worker sees the same breakers; the key is the axon's origin (ip:port), because what fails is the
 * host, whichever hotkey currently points at it.
 */

/** Options of the breakers. */
export interface BreakerOptions {
  /** Consecutive failures that open a breaker. */
  readonly threshold: number;
  /** How long an open breaker refuses before letting one trial through. */
  readonly coolDownMs: number;
  /** Breakers kept at most (the oldest is forgotten first); bounds memory against a churning metagraph. */
  readonly maxEntries: number;
}

interface Entry {
  failures: number;
  /** When the breaker opened (clock ms), or null while closed. */
  openedAt: number | null;
  trialInFlight: boolean;
}

/** Whether a request may go: `trial` marks the one request a half-open breaker lets through. */
export type Admission = { readonly ok: true; readonly trial: boolean } | { readonly ok: false; readonly reason: string };

/** The breakers of every axon a dendrite talks to. */
export class CircuitBreakers {
  private readonly entries = new Map<string, Entry>();

  /** @param now the clock in ms (injectable for tests) */
  constructor(private readonly o: BreakerOptions, private readonly now: () => number = () => performance.now()) {}

  /** Decides whether a request to `key` may be sent now; every admitted request must be followed by `record`. */
  admit(key: string): Admission {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt === null) return { ok: true, trial: false };
    const wait = e.openedAt + this.o.coolDownMs - this.now();
    if (wait > 0) return { ok: false, reason: `${e.failures} consecutive failures; next trial in ${Math.ceil(wait / 1000)} s` };
    if (e.trialInFlight) return { ok: false, reason: `${e.failures} consecutive failures; a trial request is in flight` };
    e.trialInFlight = true;
    return { ok: true, trial: true };
  }

  /** Records the outcome of an admitted request. */
  record(key: string, success: boolean, trial: boolean): void {
    if (success) {
      this.entries.delete(key);
      return;
    }
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { failures: 0, openedAt: null, trialInFlight: false };
      this.entries.set(key, e);
      if (this.entries.size > this.o.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    e.failures++;
    if (trial) e.trialInFlight = false;
    // A failed trial reopens at once; a closed breaker opens at the threshold. A failure of a request admitted before
    // the breaker opened does not push the reopening further out.
    if (trial || (e.openedAt === null && e.failures >= this.o.threshold)) e.openedAt = this.now();
  }

  /** The state of a key's breaker, for logs and tests. */
  state(key: string): 'closed' | 'open' | 'half-open' {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt === null) return 'closed';
    return e.openedAt + this.o.coolDownMs > this.now() ? 'open' : 'half-open';
  }

  /** How many keys have a breaker (closed ones with failures, open and half-open ones). */
  get size(): number {
    return this.entries.size;
  }
}

/*
 * Concurrency control inside a worker: a counting semaphore bounds the requests in flight, and requests to the same
 * axon are sent one after the other. The second matters for nonces: an axon rejects (401) a nonce at or below the
 * last one it accepted from our (hotkey, uuid), so two requests to one axon sent on two connections could arrive in
 * the wrong order and the later-signed one would be refused. Signing each only after the previous one is answered
 * makes its nonce arrive last.
 */

/** A counting semaphore with FIFO waiters. */
export class Limiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError(`Limiter: limit must be a positive integer, got ${limit}`);
  }

  /** Runs `f` when a slot is free; the slot is released when it settles. */
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.active++;
    try {
      return await f();
    } finally {
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter (active unchanged), so no newcomer can overtake it.
      if (next !== undefined) next();
      else this.active--;
    }
  }

  /** Requests running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }
}

/** Runs tasks with the same key one after the other (in call order), tasks with different keys independently. */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `f` after every earlier task of `key` has settled. */
  run<T>(key: string, f: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key);
    const p = prev === undefined ? f() : prev.then(f, f);
    const tail = p.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    // Forget the key once its last task is done, so the map holds only busy axons.
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return p;
  }

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size;
  }
}

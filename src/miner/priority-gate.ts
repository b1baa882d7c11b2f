/*
 * The axon's priority step. The SDK runs `priority_fn` and queues the request on a priority thread pool; a request
 * that waits past its timeout fails with 408, and a failing priority step with 503 (PriorityException). Here: at most
 * `slots` handlers run at once, waiting requests are served highest priority first (then first come), a wait longer
 * than the synapse timeout ends in 408, and a full queue refuses at once with 503.
 */

/** Why a request did not get a slot. */
export type GateRefusal = { status: 408; message: string } | { status: 503; message: string };

interface Waiter {
  priority: number;
  seq: number;
  grant: () => void;
}

/** A priority-ordered counting semaphore with deadlines. */
export class PriorityGate {
  private running = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly slots: number, private readonly maxQueue: number) {}

  /**
   * Waits for a slot; resolves to a release function, or to a refusal (408 after `timeoutMs`, 503 when the queue is
   * full or the signal aborts).
   */
  acquire(priority: number, timeoutMs: number, timeoutText: string, signal: AbortSignal): Promise<(() => void) | GateRefusal> {
    if (this.running < this.slots && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueue) return Promise.resolve({ status: 503, message: 'Priority queue is full' });
    return new Promise((resolve) => {
      const w: Waiter = { priority, seq: this.seq++, grant: () => { cleanup(); resolve(this.releaser()); } };
      const drop = (r: GateRefusal): void => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        cleanup();
        resolve(r);
      };
      const timer = setTimeout(() => drop({ status: 408, message: `Response timeout after: ${timeoutText}s` }), timeoutMs);
      const onAbort = (): void => drop({ status: 503, message: 'Request aborted while queued' });
      const cleanup = (): void => { clearTimeout(timer); signal.removeEventListener('abort', onAbort); };
      signal.addEventListener('abort', onAbort, { once: true });
      // Insert keeping highest priority first, FIFO among equals.
      let i = this.waiting.findIndex((x) => x.priority < priority);
      if (i < 0) i = this.waiting.length;
      this.waiting.splice(i, 0, w);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next !== undefined) next.grant();
      else this.running--;
    };
  }

  /** Handlers running now. */
  get active(): number {
    return this.running;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}

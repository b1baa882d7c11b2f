/*
 * Keeping the axon responsive while it is flooded (issue 15, "done means" 3: an unrelated request answered within
 * 100 ms under attack). Node answers every request that is ready in one pass of its event loop before it looks at the
 * network again, so a burst of a thousand requests that each verify a signature (about 1 ms of sr25519) would keep a
 * newcomer waiting for a second. Two tools:
 * - Turns: the expensive steps of a request (header checks with the signature, and later the body parse, hash and
 *   handler) each wait for a turn, and at most one turn is given per pass of the loop. The cheap answers (404, 405,
 *   413) need no turn, and new connections are accepted between turns, so they never queue behind the burst.
 * - A log limiter, so a flood of refused requests cannot flood the log (and the disk behind it) line for line.
 */

/** Grants turns one per event-loop pass, first come first served. */
export class Turns {
  private readonly waiting: Array<() => void> = [];
  private granted = false;

  /**
   * @param yieldPass true when this pass should be given up (AcceptPriority.yielder: connections are being accepted);
   *   never by default
   */
  constructor(private readonly yieldPass: () => boolean = () => false) {}

  /**
   * Resolves when it is this caller's turn: at once when nobody had one in this pass and the pass need not yield
   * (the yield check is asked first, so a request read in a pass that accepted a connection waits like the others).
   */
  turn(): Promise<void> {
    if (!this.granted && !this.yieldPass()) {
      this.granted = true;
      this.next();
      return Promise.resolve();
    }
    const p = new Promise<void>((resolve) => this.waiting.push(resolve));
    if (!this.granted) {
      // Nobody holds this pass's turn, but it was given up to accepting: the next pass decides again.
      this.granted = true;
      this.next();
    }
    return p;
  }

  /** Callers waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  private next(): void {
    // setImmediate runs after the loop's network pass, so every pass answers what is ready before the next turn.
    setImmediate(() => {
      if (this.waiting.length > 0 && this.yieldPass()) return this.next();
      const w = this.waiting.shift();
      if (w === undefined) {
        this.granted = false;
        return;
      }
      w();
      this.next();
    });
  }
}

/**
 * A log that writes at most `perWindow` lines per `windowMs`; the lines dropped are counted and reported by the
 * first line written after the window ends.
 */
export function limitedLog(log: (line: string) => void, perWindow: number, windowMs: number, nowMs: () => number = Date.now): (line: string) => void {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let dropped = 0;
  return (line: string) => {
    const now = nowMs();
    if (now - windowStart >= windowMs) {
      if (dropped > 0) log(`axon: ${dropped} log lines dropped in the last ${windowMs} ms (more than ${perWindow} per ${windowMs} ms)`);
      windowStart = now;
      written = 0;
      dropped = 0;
    }
    if (written >= perWindow) {
      dropped++;
      return;
    }
    written++;
    log(line);
  };
}

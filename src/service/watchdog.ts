import { WatchdogError } from './errors.js';
import type { ValidatorConfig } from './options.js';

/*
 * The watchdog: the service is never a live process that does nothing (the Python template's loop dies inside a
 * try/except and leaves a zombie; large subnets bolt on watchdogs that os._exit when no batch completed for 80 minutes,
 * or when block − last_update > 500). It gives up, once, with a WatchdogError naming why, when
 * - no step was applied for `stallSeconds` (counted from the start);
 * - no finalized head arrived for `stallSeconds` (a dead or half-open socket);
 * - after the warm-up, the finalized head is more than `maxBlocksWithoutWeights` past the last landed weights (or the
 *   start, when none landed yet).
 * The service then stops and `yumaval validator` exits with WATCHDOG_EXIT_CODE, for a supervisor to restart it. The
 * clock is injectable for tests.
 */

/** The watchdog of one validator. */
export class Watchdog {
  private lastStep: number;
  private lastHead: number;
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(
    private readonly config: Pick<ValidatorConfig, 'stallSeconds' | 'maxBlocksWithoutWeights'>,
    private readonly onFire: (e: WatchdogError) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastStep = now();
    this.lastHead = now();
  }

  /** Starts the periodic check (a few times per stall period, at most once a second). */
  start(): void {
    this.lastStep = this.now();
    this.lastHead = this.now();
    const every = Math.max(50, Math.min(1000, Math.floor((this.config.stallSeconds * 1000) / 4)));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A step was applied. */
  stepDone(): void {
    this.lastStep = this.now();
  }

  /** A finalized head arrived. */
  head(_block: number): void {
    this.lastHead = this.now();
  }

  /** The heads subscription saw nothing for `ms`. */
  chainStalled(ms: number): void {
    if (ms >= this.config.stallSeconds * 1000) this.fire(new WatchdogError('stalled-chain', `no finalized head for ${Math.round(ms / 1000)} s (stallSeconds ${this.config.stallSeconds})`));
  }

  /** Checks the weights limit at a head: `since` is the block of the last landed weights (or of the start). */
  noWeightsSince(since: number, head: number, warm: boolean): void {
    if (warm && head - since > this.config.maxBlocksWithoutWeights) {
      this.fire(new WatchdogError('no-weights', `no weights landed for ${head - since} blocks (maxBlocksWithoutWeights ${this.config.maxBlocksWithoutWeights})`));
    }
  }

  /** The periodic check of the time limits. */
  check(): void {
    const limit = this.config.stallSeconds * 1000;
    const t = this.now();
    if (t - this.lastStep > limit) this.fire(new WatchdogError('stalled-steps', `no step applied for ${Math.round((t - this.lastStep) / 1000)} s (stallSeconds ${this.config.stallSeconds})`));
    else if (t - this.lastHead > limit) this.chainStalled(t - this.lastHead);
  }

  private fire(e: WatchdogError): void {
    if (this.fired) return;
    this.fired = true;
    this.stop();
    this.onFire(e);
  }
}

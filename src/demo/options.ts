import { bool, intIn, nonEmptyString, nullOr, numberIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';

/*
 * The demo's options: frozen defaults, merged with a caller's partial options once and checked key by key. The defaults
 * are sized for `npm start` on a loaded 2-core machine: 250 ms blocks and tempo 11 make an epoch 3 s, and 24 epochs
 * plus the start-up take about 90 s, well inside 3 minutes.
 */

/** What `yumaval demo` runs. */
export interface DemoOptions {
  /** Epochs observed after the validators start (each epoch's chain output is recorded). */
  epochs: number;
  /** Where report.html goes. */
  out: string;
  /** The devnet's block time, ms. */
  blockTimeMs: number;
  /** The subnet's tempo (an epoch every tempo + 1 blocks). */
  tempo: number;
  /** Yuma3 (the chain's current default) or the original Yuma. */
  yuma3: boolean;
  liquidAlpha: boolean;
  commitReveal: boolean;
  /** The honest validators' deadline per miner query, seconds (the slow miner answers well past it). */
  queryTimeoutSeconds: number;
  /**
   * A replay archive (SQLite) the run's epochs are written to before the chain closes (`yumaval replay` of the demo's
   * devnet), so that `yumaval audit --archive` can read them; null writes none.
   */
  archive: string | null;
}

/** The defaults (see the header for where they come from). */
export const DEMO_DEFAULTS: Readonly<DemoOptions> = Object.freeze({
  epochs: 24,
  out: 'demo-report',
  blockTimeMs: 250,
  tempo: 11,
  // subtensor's default since Yuma3 shipped (EPOCH_DEFAULTS.yuma3 is the same).
  yuma3: true,
  liquidAlpha: false,
  commitReveal: false,
  // Generous for 16 axons and 2 validators in one process on 2 shared cores; short enough for a 5 s Ctrl-C.
  queryTimeoutSeconds: 2,
  // No archive unless asked: the replay adds a few seconds after the last epoch.
  archive: null,
});

const int = intIn;

const CHECKS: Readonly<Record<keyof DemoOptions, Check>> = {
  epochs: int(1, 10_000),
  out: nonEmptyString('a directory path'),
  blockTimeMs: int(50, 60_000),
  tempo: int(2, 1000),
  yuma3: bool,
  liquidAlpha: bool,
  commitReveal: bool,
  archive: nullOr(nonEmptyString('a file path')),
  queryTimeoutSeconds: numberIn(0, 60, { openLow: true, unit: 'seconds' }),
};

/**
 * Merges partial options over the defaults and checks each key (src/options).
 * @throws InvalidOptionError naming the key (an unknown key gets the list of valid ones)
 */
export function resolveDemoOptions(partial: Partial<DemoOptions> = {}): DemoOptions {
  return resolveOptions({ thing: 'a demo option', things: 'demo options', defaults: DEMO_DEFAULTS, checks: CHECKS, freeze: true }, partial);
}

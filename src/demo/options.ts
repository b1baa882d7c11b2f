import { InvalidOptionError, describeValue, nearestName } from '../errors/index.js';

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

type Check = (v: unknown) => string | null;
const int = (min: number, max: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `expected an integer in [${min}, ${max}], got ${describeValue(v)}`;
const bool: Check = (v) => (typeof v === 'boolean' ? null : `expected true or false, got ${describeValue(v)}`);

const CHECKS: Readonly<Record<keyof DemoOptions, Check>> = {
  epochs: int(1, 10_000),
  out: (v) => (typeof v === 'string' && v.length > 0 ? null : `expected a directory path, got ${describeValue(v)}`),
  blockTimeMs: int(50, 60_000),
  tempo: int(2, 1000),
  yuma3: bool,
  liquidAlpha: bool,
  commitReveal: bool,
  archive: (v) => (v === null || (typeof v === 'string' && v.length > 0) ? null : `expected a file path or null, got ${describeValue(v)}`),
  queryTimeoutSeconds: (v) => (typeof v === 'number' && v > 0 && v <= 60 ? null : `expected seconds in (0, 60], got ${describeValue(v)}`),
};

/**
 * Merges partial options over the defaults and checks each key.
 * @throws InvalidOptionError naming the key (an unknown key gets the list of valid ones)
 */
export function resolveDemoOptions(partial: Partial<DemoOptions> = {}): DemoOptions {
  const keys = Object.keys(CHECKS);
  for (const k of Object.keys(partial)) {
    if (!keys.includes(k)) {
      throw new InvalidOptionError(k, `unknown option (did you mean ${nearestName(k, keys)}?); valid: ${keys.join(', ')}`);
    }
  }
  const o = { ...DEMO_DEFAULTS, ...partial } as DemoOptions;
  for (const [k, check] of Object.entries(CHECKS) as Array<[keyof DemoOptions, Check]>) {
    const err = check(o[k]);
    if (err !== null) throw new InvalidOptionError(k, err);
  }
  return Object.freeze(o);
}

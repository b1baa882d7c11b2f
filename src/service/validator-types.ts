import type { Logger } from 'pino';
import type { TimelockPathOptions, WeightsPipelineOptions } from '../chain/index.js';
import type { KeySource } from '../keys/index.js';
import type { WatchdogError } from './errors.js';
import type { HealthReport, ListenAddress } from './http-server.js';
import type { ValidatorMetrics } from './metrics.js';
import type { ValidatorConfig } from './options.js';

/* The validator service's public types: its options, its events, its handle (validator.ts builds it). */

/** Options of createValidator. */
export interface ValidatorOptions {
  /** The node's ws:// or wss:// URL. */
  chain: string;
  netuid: number;
  /** The hotkey (a file, an environment variable, or with `dev` a dev URI). Never logged. */
  key: KeySource;
  dev?: boolean;
  /** The store file (default yumaval.db), shared with `yumaval weights set`. */
  db?: string;
  /** The validator config (options.ts), partial: the rest takes the defaults. */
  config?: unknown;
  /** `HOST:PORT` (or { host, port }) of the /metrics and /healthz listener; none by default. */
  metrics?: string | ListenAddress | null;
  /** Let the listener bind a non-loopback address. */
  allowNonLoopbackMetrics?: boolean;
  /** Let the dendrite dial private and loopback addresses (devnet, LAN). */
  allowPrivate?: boolean;
  /** Stop cleanly once this many weight submissions have landed. */
  epochs?: number | null;
  /** The logger (default: pino JSON lines on stderr). */
  logger?: Logger;
  /** Deadline of each chain call, in ms. */
  callTimeoutMs?: number;
  /** Options of the weight pipeline (poll interval, deadlines). */
  pipeline?: Omit<WeightsPipelineOptions, 'log'>;
  /**
   * Timelocked commits (runtimes with commit_timelocked_weights): the beacon (quicknet's key, genesis and period by
   * default), the clock and the encryption. Tests on devnet give a local beacon's key here.
   */
  timelock?: Partial<TimelockPathOptions>;
  /** Register the process default metrics (CPU, memory) in this validator's registry (default true). */
  processMetrics?: boolean;
}

/** Why the validator stopped. */
export type StopReason = { kind: 'stop' } | { kind: 'epochs'; landed: number } | { kind: 'watchdog'; error: WatchdogError } | { kind: 'error'; error: Error };

/** The validator's events and their payloads. */
export interface ValidatorEventMap {
  started: [{ uid: number; hotkey: string; block: number; restored: boolean; nextStep: number }];
  sync: [{ block: number; n: number; changedHotkeys: number[] }];
  /**
   * A step applied. `durationMs` is what the step record stores (up to the transaction); `appliedMs` runs to the
   * transaction's end; `slowestAnswerMs` is the slowest miner's answer, so `appliedMs − slowestAnswerMs` is the
   * step's own overhead (the cost benchmark's figure).
   */
  step: [{ step: number; block: number; task: string; queried: number; responsive: number; durationMs: number; appliedMs: number; slowestAnswerMs: number; shapley: ReadonlyMap<number, number> }];
  submitted: [{ call: string; outcome: string; intentId: number | null; block: number | null; error: string | null }];
  landed: [{ call: string; block: number; landed: number; uids: number[]; values: number[] }];
  prediction: [{ epochBlock: number; vtrust: number; dividends: number }];
  predictionChecked: [{ epochBlock: number; diffVtrust: number; diffDividends: number; maxDiffIncentive: number }];
  watchdog: [{ reason: string; message: string }];
  stopped: [StopReason];
}

/** A validator service. */
export interface Validator {
  /** Starts everything; resolves once the loop runs. @throws on bad options, a bad key, an unreachable chain, an unregistered hotkey */
  start(): Promise<void>;
  /** Stops (idempotent); resolves once everything is closed. */
  stop(): Promise<void>;
  /** Resolves with the reason once the validator has stopped (a stop, --epochs reached, the watchdog, a fatal error). */
  readonly stopped: Promise<StopReason>;
  on<E extends keyof ValidatorEventMap>(event: E, listener: (...args: ValidatorEventMap[E]) => void): this;
  off<E extends keyof ValidatorEventMap>(event: E, listener: (...args: ValidatorEventMap[E]) => void): this;
  /** The health report /healthz serves. */
  health(): HealthReport;
  readonly metrics: ValidatorMetrics;
  /** The admin listener's URL once started with `metrics`, else null. */
  readonly adminUrl: string | null;
  readonly config: ValidatorConfig;
}

import { fn, intIn, numberIn, resolveOptions } from '../../options/index.js';
import type { Check } from '../../options/index.js';

/** Options of the weight pipeline. */
export interface WeightsPipelineOptions {
  /** Blocks a signed extrinsic stays valid (its mortal era; a power of two from 4 to 65536). */
  eraPeriod?: number;
  /** Deadline for one send to reach a block (and for a block to become final). */
  inclusionTimeoutMs?: number;
  /** Transport failures tolerated per intent before giving up (the intent stays in the store for a restart). */
  maxRetries?: number;
  /** First pause after a transport failure; it doubles on each retry up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The longest the pipeline waits for a block (a rate limit opening, a reveal window). */
  maxWaitMs?: number;
  /** How often the head is read while waiting for a block. */
  pollMs?: number;
  /** Finalized and failed intents older than this many days are deleted when the pipeline opens (0 keeps all). */
  historyDays?: number;
  /** Where progress lines go (stderr by default). Never receives a secret. */
  log?: (line: string) => void;
  /**
   * Ends every wait of the pipeline (a block, an inclusion, a retry's pause) at once when aborted: the call rejects with
   * the signal's reason and its intent stays in the store, resumable. null (the default): no stop but the deadlines.
   */
  signal?: AbortSignal | null;
}

export const WEIGHTS_PIPELINE_DEFAULTS: Readonly<Required<WeightsPipelineOptions>> = Object.freeze({
  eraPeriod: 64,
  inclusionTimeoutMs: 60_000,
  maxRetries: 5,
  backoffMs: 500,
  maxBackoffMs: 15_000,
  maxWaitMs: 30 * 60_000,
  pollMs: 1_000,
  historyDays: 30,
  log: (line: string) => { process.stderr.write(`${line}\n`); },
  signal: null,
});

const ms: Check = intIn(1, 86_400_000);

const CHECKS: Readonly<Record<keyof WeightsPipelineOptions, Check>> = {
  // A mortal era's period is a power of two (sp_runtime's Era::mortal rounds to one).
  eraPeriod: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 4 && v <= 65536 && (v & (v - 1)) === 0 ? null : 'expected a power of two in [4, 65536]'),
  inclusionTimeoutMs: ms,
  maxRetries: intIn(0, 100),
  backoffMs: ms,
  maxBackoffMs: ms,
  maxWaitMs: ms,
  pollMs: ms,
  historyDays: numberIn(0, 36_500, { unit: 'days' }),
  log: fn('(line: string) => void'),
  signal: (v) => (v === null || v instanceof AbortSignal ? null : 'expected an AbortSignal or null'),
};

/** Merges options with the defaults and checks them key by key (src/options). */
export function resolvePipelineOptions(options: WeightsPipelineOptions): Required<WeightsPipelineOptions> {
  return resolveOptions({ thing: 'a weight pipeline option', things: 'weight pipeline options', defaults: WEIGHTS_PIPELINE_DEFAULTS, checks: CHECKS }, options) as Required<WeightsPipelineOptions>;
}

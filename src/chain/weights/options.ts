import { InvalidOptionError } from '../../errors/index.js';

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

/** Merges options with the defaults and checks them key by key. */
export function resolvePipelineOptions(options: WeightsPipelineOptions): Required<WeightsPipelineOptions> {
  const o = { ...WEIGHTS_PIPELINE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<WeightsPipelineOptions>;
  const p = o.eraPeriod;
  if (!(Number.isInteger(p) && p >= 4 && p <= 65536 && (p & (p - 1)) === 0)) throw new InvalidOptionError('eraPeriod', `expected a power of two in 4..65536, got ${p}`);
  for (const key of ['inclusionTimeoutMs', 'backoffMs', 'maxBackoffMs', 'maxWaitMs', 'pollMs'] as const) {
    const v = o[key];
    if (!(Number.isInteger(v) && v >= 1 && v <= 86_400_000)) throw new InvalidOptionError(key, `expected milliseconds in 1..86400000, got ${v}`);
  }
  if (!(Number.isInteger(o.maxRetries) && o.maxRetries >= 0 && o.maxRetries <= 100)) throw new InvalidOptionError('maxRetries', `expected an integer in 0..100, got ${o.maxRetries}`);
  if (!(Number.isFinite(o.historyDays) && o.historyDays >= 0 && o.historyDays <= 36_500)) throw new InvalidOptionError('historyDays', `expected days in 0..36500, got ${o.historyDays}`);
  if (typeof o.log !== 'function') throw new InvalidOptionError('log', 'expected a function');
  if (o.signal !== null && !(o.signal instanceof AbortSignal)) throw new InvalidOptionError('signal', 'expected an AbortSignal or null');
  return o;
}

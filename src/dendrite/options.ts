import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../errors/index.js';
import { bool, intIn, numberIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import type { KeySource } from '../keys/index.js';

/** Options of createDendrite. Everything but `key` has a default (DENDRITE_DEFAULTS). */
export interface DendriteOptions {
  /** Where the hotkey is: `{ file }`, `{ env }` or `{ uri }` (a dev URI, with `dev: true`). Each worker loads it. */
  key: KeySource;
  /** Accept dev URIs (//Alice) as the key. */
  dev?: boolean;
  /** Worker threads (each owns an undici Agent, a uuid and a nonce clock). Default: the machine's cores. */
  workers?: number;
  /** Requests in flight at once, over all workers. */
  concurrency?: number;
  /** Connections per axon origin in each worker's Agent. */
  connectionsPerOrigin?: number;
  /** The largest response body read, in bytes; past it the request fails (400, Payload error). */
  maxResponseBytes?: number;
  /** The default deadline of a query, in seconds (the SDK's default is 12). */
  timeout?: number;
  /** Dial private, loopback, link-local, CGNAT and unspecified addresses (devnet, demo, LAN). Off by default. */
  allowPrivate?: boolean;
  /** Consecutive transport failures that open an axon's circuit breaker. */
  breakerThreshold?: number;
  /** Milliseconds an open breaker waits before letting one trial request through. */
  breakerCoolDownMs?: number;
  /** Circuit breakers remembered at most. */
  breakerMaxEntries?: number;
  /** Our external IP as sent in `bt_header_dendrite_ip` (the axon overwrites it with the TCP peer address anyway). */
  externalIp?: string;
  /**
   * Each worker's V8 young generation, in MiB (the worker's `resourceLimits.maxYoungGenerationSizeMb`); 0 keeps V8's
   * default, which grows to 48 MiB or more per thread on 64-bit.
   */
  workerYoungGenerationMb?: number;
  /**
   * Each worker's V8 old generation cap, in MiB (`resourceLimits.maxOldGenerationSizeMb`); 0 (the default) keeps V8's.
   * A cap makes V8 collect sooner, but a worker that needs more (many large replies in flight) dies and its queries
   * fail: size it above `concurrency / workers × maxResponseBytes` plus about 30 MiB of code and state.
   */
  workerOldGenerationMb?: number;
}

/** DendriteOptions with every default filled in. */
export type ResolvedDendriteOptions = Required<DendriteOptions>;

export const DENDRITE_DEFAULTS: Readonly<Omit<ResolvedDendriteOptions, 'key' | 'workers'>> = Object.freeze({
  dev: false,
  concurrency: 1024,
  connectionsPerOrigin: 4,
  maxResponseBytes: 1024 * 1024,
  timeout: 12,
  allowPrivate: false,
  breakerThreshold: 5,
  breakerCoolDownMs: 60_000,
  breakerMaxEntries: 65_536,
  externalIp: '0.0.0.0',
  // A worker's garbage is short-lived (one request's strings and buffers): V8's default young generation lets each
  // thread's RSS grow by tens of MiB; 16 MiB halves it and still lets a request's garbage die young
  // (docs/validator.md, "Cost").
  workerYoungGenerationMb: 16,
  workerOldGenerationMb: 0,
});

/** The longest query deadline accepted, in seconds. */
export const MAX_TIMEOUT_SECONDS = 3600;

const timeoutCheck: Check = numberIn(0, MAX_TIMEOUT_SECONDS, { openLow: true, unit: 'seconds' });

/** Checks a timeout in seconds (the options' default, or one query's). */
export function checkTimeout(name: string, v: unknown): void {
  const problem = timeoutCheck(v);
  if (problem !== null) throw new InvalidOptionError(name, `${problem}, got ${JSON.stringify(v) ?? String(v)}`);
}

/** Exactly one key source; its value is never shown (a uri source is a secret: a dev one, but the habit matters). */
const keyCheck: Check = (v) => {
  const k = v as Record<string, unknown> | null;
  const ok = k !== null && typeof k === 'object' && Object.keys(k).length === 1
    && (typeof k['file'] === 'string' || typeof k['env'] === 'string' || typeof k['uri'] === 'string');
  return ok ? null : 'expected exactly one of { file: path }, { env: NAME } or { uri: "//Name" }';
};

const CHECKS: Readonly<Record<keyof ResolvedDendriteOptions, Check>> = {
  key: keyCheck,
  dev: bool,
  workers: intIn(1, 256),
  concurrency: intIn(1, 65_536),
  connectionsPerOrigin: intIn(1, 1024),
  maxResponseBytes: intIn(1, 1024 * 1024 * 1024),
  timeout: timeoutCheck,
  allowPrivate: bool,
  breakerThreshold: intIn(1, 1_000_000),
  breakerCoolDownMs: intIn(0, 86_400_000),
  breakerMaxEntries: intIn(1, 10_000_000),
  workerYoungGenerationMb: intIn(0, 1024),
  workerOldGenerationMb: intIn(0, 65_536),
  externalIp: (v) => (typeof v === 'string' && /^[\x21-\x7e]{1,64}$/.test(v) ? null : 'expected an IP address as text (visible ASCII, at most 64 characters)'),
};

/** Merges options over the defaults (workers: the machine's cores) and checks them key by key (src/options). */
export function resolveDendriteOptions(options: DendriteOptions): ResolvedDendriteOptions {
  return resolveOptions<ResolvedDendriteOptions>({
    thing: 'a dendrite option',
    things: 'dendrite options (at least `key`)',
    defaults: { ...DENDRITE_DEFAULTS, workers: availableParallelism() },
    checks: CHECKS,
    hidden: ['key'],
    across: (o) => (o.concurrency < o.workers ? ['concurrency', `must be at least workers (${o.workers}), got ${o.concurrency}`] : null),
  }, options);
}

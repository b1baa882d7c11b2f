import { InvalidOptionError, describeValue } from '../errors/index.js';
import type { LoadedKey } from '../keys/index.js';
import type { SynapseRoute } from './handler.js';

/*
 * startAxon's options: frozen defaults merged once with the caller's, and checked key by key (unknown keys refused).
 * The limits are what keeps a hostile caller from taking the axon's memory or time before it is authenticated
 * (issue 15); docs/limits.md lists them with their flags.
 */

/** Options of startAxon. */
export interface AxonOptions {
  /** The miner's hotkey: requests must be signed for its address. */
  key: LoadedKey;
  /** The routes served (one per synapse name). */
  synapses: readonly SynapseRoute[];
  /** TCP port; 0 picks a free one (read it from the handle). */
  port?: number;
  /** Address to listen on. */
  host?: string;
  /** Hotkeys allowed to call (the metagraph's registered ones); null lets everyone through (no blacklist). */
  allowedHotkeys?: ReadonlySet<string> | null;
  /** Priority of a request (higher first when handlers are all busy); null: all equal. */
  priority?: ((hotkey: string, synapse: string) => number) | null;
  /** Handlers running at once; further requests wait (in priority order) up to their timeout, then 408. */
  maxConcurrent?: number;
  /** Requests allowed to wait; beyond, 503 at once. */
  maxQueue?: number;
  /** Largest request body accepted; larger ones get 413 and the connection is closed. */
  maxBodyBytes?: number;
  /**
   * The most JSON values (numbers, strings, lists, dicts...) a body may hold; more gets 413. It bounds the event-loop
   * time one request takes (parse, body hash, reply), which the byte cap alone does not: a megabyte of short floats is
   * 200,000 values.
   */
  maxBodyValues?: number;
  /**
   * Bytes of request bodies held at once, over all requests (a body counts from when its reading starts, by its
   * declared Content-Length, until it is parsed). A request that would go past it gets 503 and its connection is
   * closed. At least maxBodyBytes.
   */
  maxBufferedBytes?: number;
  /** TCP connections open at once; further ones are closed as soon as they are accepted. */
  maxConnections?: number;
  /** TCP connections open at once from one IP address; null: no per-address cap (behind a proxy, every caller shares one). */
  maxConnectionsPerIp?: number | null;
  /** Time a client has to send the request headers (node's headersTimeout); then 408 and the connection is closed. */
  headersTimeoutMs?: number;
  /** Time a client has to send the whole request, body included (node's requestTimeout); a stalled upload is cut. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept (node's keepAliveTimeout). */
  keepAliveTimeoutMs?: number;
  /**
   * Largest `timeout` header accepted, in seconds. The header is not signed and widens the nonce window of an unseen
   * endpoint key (now − 4 s − timeout), so it is bounded; a larger, negative or non-finite one is refused as a header
   * that does not parse (500).
   */
  maxTimeoutSeconds?: number;
  /** Endpoint keys (hotkey:uuid) whose last nonce is remembered; least recently used forgotten beyond. */
  nonceCapacity?: number;
  /**
   * Refuse requests without a signature (401). The SDK's default_verify accepts unsigned requests (it checks a
   * signature only if one is present); false reproduces that.
   */
  requireSignature?: boolean;
  /** The wall clock in ns (tests inject one to age nonces); defaults to Date.now-based ns. */
  clockNs?: () => bigint;
  /** Where error lines go (never secrets, never request bodies). */
  log?: (line: string) => void;
}

const MIB = 1024 * 1024;

/**
 * The defaults: the SDK axon's port 8091, loopback unless told otherwise. The SDK has none of the limits; these let a
 * validator's normal traffic through (bodies of a few KB, timeouts of 12 to 60 s, a handful of connections per
 * validator) and keep a flood's memory far under 300 MB (bench/miner/miner-flood.bench.ts).
 */
export const AXON_DEFAULTS = Object.freeze({
  port: 8091,
  host: '127.0.0.1',
  allowedHotkeys: null,
  priority: null,
  maxConcurrent: 256,
  maxQueue: 4096,
  maxBodyBytes: MIB,
  maxBodyValues: 16_384,
  maxBufferedBytes: 32 * MIB,
  maxConnections: 2048,
  maxConnectionsPerIp: null,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxTimeoutSeconds: 120,
  nonceCapacity: 100_000,
  requireSignature: true,
  clockNs: (): bigint => BigInt(Date.now()) * 1_000_000n,
  log: (line: string): void => { process.stderr.write(`${line}\n`); },
});

/** Options after defaults. */
export type ResolvedAxonOptions = Required<AxonOptions>;

type Check = (v: unknown) => string | null;

const ROUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const int = (min: number, max: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `expected an integer in [${min}, ${max}]`;
const fn = (what: string): Check => (v) => (typeof v === 'function' ? null : `expected ${what}`);

function checkRoutes(v: unknown): string | null {
  if (!Array.isArray(v) || v.length === 0) return 'expected at least one route';
  const names = new Set<string>();
  for (const r of v as SynapseRoute[]) {
    if (!ROUTE_NAME.test(r?.spec?.name ?? '')) return `route name ${JSON.stringify(r?.spec?.name)} is not a Python class name`;
    if (names.has(r.spec.name)) return `route ${r.spec.name} is given twice`;
    if (typeof r.handler !== 'function') return `route ${r.spec.name} has no handler function`;
    names.add(r.spec.name);
  }
  return null;
}

const CHECKS: Readonly<Record<keyof AxonOptions, Check>> = {
  key: (v) => (typeof (v as LoadedKey | null)?.pair?.sign === 'function' ? null : 'expected a LoadedKey (from loadKey)'),
  synapses: checkRoutes,
  port: int(0, 65535),
  host: (v) => (typeof v === 'string' && v !== '' ? null : 'expected an address to listen on'),
  allowedHotkeys: (v) => (v === null || v instanceof Set ? null : 'expected a Set of ss58 hotkeys, or null to allow all'),
  priority: (v) => (v === null || typeof v === 'function' ? null : 'expected a function (hotkey, synapse) => number, or null'),
  maxConcurrent: int(1, 1_000_000),
  maxQueue: int(1, 10_000_000),
  maxBodyBytes: int(1, 1024 * MIB),
  maxBodyValues: int(1, 100_000_000),
  maxBufferedBytes: int(1, 64 * 1024 * MIB),
  maxConnections: int(1, 1_000_000),
  maxConnectionsPerIp: (v) => (v === null ? null : int(1, 1_000_000)(v)),
  // node refuses timers past 2^31 − 1 ms; a day is far beyond any upload.
  headersTimeoutMs: int(100, 86_400_000),
  requestTimeoutMs: int(100, 86_400_000),
  keepAliveTimeoutMs: int(1, 86_400_000),
  // The dendrite's own largest timeout is 3,600 s (src/dendrite/options.ts).
  maxTimeoutSeconds: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 3600 ? null : 'expected seconds in [0, 3600]'),
  nonceCapacity: int(1, 100_000_000),
  requireSignature: (v) => (typeof v === 'boolean' ? null : 'expected true or false'),
  clockNs: fn('a function returning bigint ns'),
  log: fn('a function (line: string) => void'),
};

const KEYS = Object.keys(CHECKS) as Array<keyof AxonOptions>;

/**
 * Merges the defaults once and checks every option.
 * @throws InvalidOptionError naming the option: an unknown key, a value of the wrong kind or range, limits that
 *   contradict each other
 */
export function resolveAxonOptions(options: AxonOptions): ResolvedAxonOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', `expected an object of axon options, got ${describeValue(options)}`);
  const out: Record<string, unknown> = { ...AXON_DEFAULTS };
  for (const [key, v] of Object.entries(options)) {
    if (!Object.prototype.hasOwnProperty.call(CHECKS, key)) throw new InvalidOptionError(key, `is not an axon option (expected one of ${KEYS.join(', ')})`);
    if (v === undefined) continue;
    out[key] = v;
  }
  for (const k of KEYS) {
    const problem = CHECKS[k](out[k]);
    if (problem !== null) throw new InvalidOptionError(k, `${problem}, got ${k === 'key' ? 'something else' : describeValue(out[k])}`);
  }
  const o = out as ResolvedAxonOptions;
  if (o.maxBufferedBytes < o.maxBodyBytes) throw new InvalidOptionError('maxBufferedBytes', `must be at least maxBodyBytes (${o.maxBodyBytes}), got ${o.maxBufferedBytes}`);
  if (o.headersTimeoutMs > o.requestTimeoutMs) throw new InvalidOptionError('headersTimeoutMs', `must be at most requestTimeoutMs (${o.requestTimeoutMs}), got ${o.headersTimeoutMs}`);
  return o;
}

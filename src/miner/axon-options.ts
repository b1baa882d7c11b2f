import { InvalidOptionError } from '../errors/index.js';
import type { LoadedKey } from '../keys/index.js';
import type { SynapseRoute } from './handler.js';

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

/** The defaults of AxonOptions (the SDK axon's port 8091; loopback unless told otherwise). */
export const AXON_DEFAULTS = Object.freeze({
  port: 8091,
  host: '127.0.0.1',
  allowedHotkeys: null,
  priority: null,
  maxConcurrent: 256,
  maxQueue: 4096,
  maxBodyBytes: 1 << 20,
  nonceCapacity: 100_000,
  requireSignature: true,
  clockNs: (): bigint => BigInt(Date.now()) * 1_000_000n,
  log: (line: string): void => { process.stderr.write(`${line}\n`); },
});

/** Options after defaults. */
export type ResolvedAxonOptions = Required<AxonOptions>;

const ROUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Merges the defaults once and checks every option with a message naming it. */
export function resolveAxonOptions(options: AxonOptions): ResolvedAxonOptions {
  const o = { ...AXON_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedAxonOptions;
  if (o.key === undefined || o.key === null || typeof o.key.pair?.sign !== 'function') throw new InvalidOptionError('key', 'expected a LoadedKey (from loadKey)');
  if (!Array.isArray(o.synapses) || o.synapses.length === 0) throw new InvalidOptionError('synapses', 'expected at least one route');
  const names = new Set<string>();
  for (const r of o.synapses) {
    if (!ROUTE_NAME.test(r?.spec?.name ?? '')) throw new InvalidOptionError('synapses', `route name ${JSON.stringify(r?.spec?.name)} is not a Python class name`);
    if (names.has(r.spec.name)) throw new InvalidOptionError('synapses', `route ${r.spec.name} is given twice`);
    if (typeof r.handler !== 'function') throw new InvalidOptionError('synapses', `route ${r.spec.name} has no handler function`);
    names.add(r.spec.name);
  }
  if (!(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) throw new InvalidOptionError('port', `expected 0..65535, got ${String(o.port)}`);
  if (typeof o.host !== 'string' || o.host === '') throw new InvalidOptionError('host', 'expected an address to listen on');
  if (o.allowedHotkeys !== null && !(o.allowedHotkeys instanceof Set)) throw new InvalidOptionError('allowedHotkeys', 'expected a Set of ss58 hotkeys, or null to allow all');
  if (o.priority !== null && typeof o.priority !== 'function') throw new InvalidOptionError('priority', 'expected a function (hotkey, synapse) => number, or null');
  for (const [k, max] of [['maxConcurrent', 1_000_000], ['maxQueue', 10_000_000], ['maxBodyBytes', 1 << 30], ['nonceCapacity', 100_000_000]] as const) {
    const v = o[k];
    if (!(Number.isInteger(v) && v >= 1 && v <= max)) throw new InvalidOptionError(k, `expected an integer in 1..${max}, got ${String(v)}`);
  }
  if (typeof o.requireSignature !== 'boolean') throw new InvalidOptionError('requireSignature', 'expected true or false');
  if (typeof o.clockNs !== 'function') throw new InvalidOptionError('clockNs', 'expected a function returning bigint ns');
  if (typeof o.log !== 'function') throw new InvalidOptionError('log', 'expected a function');
  return o;
}

import { InvalidOptionError, describeValue } from '../../errors/index.js';

/*
 * The JSON-RPC server's options: frozen defaults, merged with a caller's partial options once and checked key by key.
 * The limits follow a Substrate node's (jsonrpsee) defaults where it has one: 15 MiB requests, 1024 subscriptions per
 * connection, 100 connections.
 */

/** How the devnet's JSON-RPC server listens and what it lets one client do. */
export interface RpcServerOptions {
  /** The interface to listen on; the devnet is a loopback node. */
  host: string;
  /** The TCP port; 0 takes a free one (the server reports the real port). */
  port: number;
  /**
   * The largest request frame answered. A larger one gets JSON-RPC error −32007 "Request is too big" and the connection
   * stays open; one larger than twice this is not read at all and the connection is closed with 1009 (message too big).
   */
  maxFrameBytes: number;
  /** Subscriptions one connection may hold at once; the next gets −32006. */
  maxSubscriptionsPerConnection: number;
  /** Connections open at once; the next WebSocket upgrade gets HTTP 429. */
  maxConnections: number;
  /**
   * Bytes waiting to be written to one client: a client that reads so slowly that its queue grows past this is
   * disconnected, so it cannot hold the server's memory.
   */
  maxBufferedBytes: number;
  /**
   * The longest a watched extrinsic's `finalized` waits after its `inBlock` for the client to read that block's events
   * (finality-gate.ts: @polkadot/api drops inBlock when finalized follows at once); 0 sends both at once.
   */
  finalityHoldMs: number;
  /** Where the server reports what it does not answer to anyone (internal errors, dropped clients); stderr in the CLI. */
  log: (line: string) => void;
}

const MIB = 1024 * 1024;

/** The defaults: loopback, a free port, Substrate's limits. */
export const RPC_SERVER_DEFAULTS: Readonly<RpcServerOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  maxFrameBytes: 15 * MIB,
  maxSubscriptionsPerConnection: 1024,
  maxConnections: 100,
  maxBufferedBytes: 64 * MIB,
  finalityHoldMs: 250,
  log: () => {},
});

type Check = (v: unknown) => string | null;

const positiveInt = (max: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? null : `expected an integer in [1, ${max}]`;

const CHECKS: Readonly<Record<keyof RpcServerOptions, Check>> = {
  host: (v) => (typeof v === 'string' && v.length > 0 ? null : 'expected a non-empty host name or address'),
  port: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? null : 'expected an integer in [0, 65535]'),
  // ws keeps a whole message in memory before it is handled: 1 GiB is far beyond any real request.
  maxFrameBytes: positiveInt(1024 * MIB),
  maxSubscriptionsPerConnection: positiveInt(1_000_000),
  maxConnections: positiveInt(100_000),
  maxBufferedBytes: positiveInt(4096 * MIB),
  finalityHoldMs: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 60_000 ? null : 'expected an integer in [0, 60000]'),
  log: (v) => (typeof v === 'function' ? null : 'expected a function (line: string) => void'),
};

const KEYS = Object.keys(CHECKS) as Array<keyof RpcServerOptions>;

/**
 * Merges a caller's partial options with RPC_SERVER_DEFAULTS and checks every given value.
 * @throws InvalidOptionError naming the key: an unknown key or a value of the wrong kind or range
 */
export function resolveRpcServerOptions(partial: unknown = {}): RpcServerOptions {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new InvalidOptionError('rpc', `expected an object of server options, got ${describeValue(partial)}`);
  }
  const given = partial as Record<string, unknown>;
  const out: RpcServerOptions = { ...RPC_SERVER_DEFAULTS };
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(CHECKS, key)) {
      throw new InvalidOptionError(key, `is not an RPC server option (expected one of ${KEYS.join(', ')})`);
    }
    const v = given[key];
    if (v === undefined) continue;
    const k = key as keyof RpcServerOptions;
    const problem = CHECKS[k](v);
    if (problem !== null) throw new InvalidOptionError(key, `${problem}, got ${describeValue(v)}`);
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

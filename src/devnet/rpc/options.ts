import { InvalidOptionError, describeValue } from '../../errors/index.js';

/*
 * The JSON-RPC server's options: frozen defaults, merged with a caller's partial options once and checked key by key.
 * The limits follow a Substrate node's (jsonrpsee) defaults where it has one: 15 MiB requests and replies, 1024
 * subscriptions per connection, 100 connections. Where Substrate has no bound (batch length, bytes waiting to be sent,
 * a request's deadline), the devnet sets one: a hostile probe (issue 15) turned each missing one into gigabytes of RSS.
 * docs/limits.md lists them all with their flags.
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
  /**
   * The largest reply frame sent, checked on the reply itself as it is built: a larger answer to one request becomes
   * error −32008 "Response is too big" with the request's id; a batch whose replies add up to more stops there and is
   * answered with −32011 "The batch response was too large" (jsonrpsee's codes).
   */
  maxReplyBytes: number;
  /** Requests in one JSON-RPC batch; a longer batch is answered with −32010 "The batch request was too large", unrun. */
  maxBatchRequests: number;
  /** Subscriptions one connection may hold at once; the next gets −32006. */
  maxSubscriptionsPerConnection: number;
  /**
   * TCP connections open at once, WebSocket and HTTP together (as jsonrpsee counts them); the next one is answered
   * HTTP 429 and closed.
   */
  maxConnections: number;
  /**
   * Reply bytes one connection may have waiting to be sent: a reply that would take its queue past this closes the
   * connection (code 1008), so a client that does not read cannot hold the server's memory. At least maxReplyBytes.
   */
  maxBufferedBytes: number;
  /**
   * Bytes held for clients over all connections: replies not yet taken by the kernel plus HTTP request bodies being
   * received. A reply that would pass it first closes the connection holding the most unsent bytes; an HTTP body
   * that would pass it is refused with 503. At least maxBufferedBytes.
   */
  maxTotalBufferedBytes: number;
  /**
   * Milliseconds an HTTP request (headers and body) has to arrive in full; a slower one is answered 408 and its
   * connection closed, so unfinished POSTs cannot pile up.
   */
  requestTimeoutMs: number;
  /**
   * Browser origins (`scheme://host[:port]`) let in. A request carrying any other `Origin` header (WebSocket or HTTP)
   * is refused with 403: devnet_* is unauthenticated, and a web page must not reach it. `*` lets every origin in.
   */
  allowedOrigins: readonly string[];
  /**
   * Host names accepted in the `Host` header besides loopback ones (localhost, *.localhost, 127.0.0.0/8, ::1): any
   * other name is refused with 403 (DNS rebinding). `*` accepts every name.
   */
  allowedHosts: readonly string[];
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
  // Substrate's --rpc-max-response-size.
  maxReplyBytes: 15 * MIB,
  // Substrate has no default; clients (@polkadot/api, the Python SDK) send no batches at all.
  maxBatchRequests: 1000,
  maxSubscriptionsPerConnection: 1024,
  maxConnections: 100,
  // Two full-size replies: a reading client never comes near it.
  maxBufferedBytes: 32 * MIB,
  // Bounds what clients can make the server hold to half the size of the devnet itself (~120 MB).
  maxTotalBufferedBytes: 64 * MIB,
  // A 15 MiB body arrives over loopback in milliseconds.
  requestTimeoutMs: 10_000,
  allowedOrigins: Object.freeze([]) as readonly string[],
  allowedHosts: Object.freeze([]) as readonly string[],
  finalityHoldMs: 250,
  log: () => {},
});

type Check = (v: unknown) => string | null;

const positiveInt = (max: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? null : `expected an integer in [1, ${max}]`;

const stringList = (what: string): Check => (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0 && !/\s/.test(x)) ? null : `expected an array of ${what} (or "*")`;

const CHECKS: Readonly<Record<keyof RpcServerOptions, Check>> = {
  host: (v) => (typeof v === 'string' && v.length > 0 ? null : 'expected a non-empty host name or address'),
  port: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? null : 'expected an integer in [0, 65535]'),
  // ws keeps a whole message in memory before it is handled: 1 GiB is far beyond any real request.
  maxFrameBytes: positiveInt(1024 * MIB),
  maxReplyBytes: positiveInt(1024 * MIB),
  maxBatchRequests: positiveInt(10_000_000),
  maxSubscriptionsPerConnection: positiveInt(1_000_000),
  maxConnections: positiveInt(100_000),
  maxBufferedBytes: positiveInt(4096 * MIB),
  maxTotalBufferedBytes: positiveInt(65_536 * MIB),
  requestTimeoutMs: positiveInt(3_600_000),
  allowedOrigins: stringList('origins such as "http://localhost:3000"'),
  allowedHosts: stringList('host names'),
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
  // A full-size reply must fit one connection's queue, and one connection's queue the total.
  if (out.maxBufferedBytes < out.maxReplyBytes) {
    throw new InvalidOptionError('maxBufferedBytes', `must be at least maxReplyBytes (${out.maxReplyBytes}), got ${out.maxBufferedBytes}`);
  }
  if (out.maxTotalBufferedBytes < out.maxBufferedBytes) {
    throw new InvalidOptionError('maxTotalBufferedBytes', `must be at least maxBufferedBytes (${out.maxBufferedBytes}), got ${out.maxTotalBufferedBytes}`);
  }
  return out;
}

import { fn, intIn, nonEmptyString, resolveOptions } from '../../options/index.js';
import type { Check } from '../../options/index.js';

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

const positiveInt = (max: number): Check => intIn(1, max);

const stringList = (what: string): Check => (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0 && !/\s/.test(x)) ? null : `expected an array of ${what} (or "*")`;

const CHECKS: Readonly<Record<keyof RpcServerOptions, Check>> = {
  host: nonEmptyString('a non-empty host name or address'),
  port: intIn(0, 65535),
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
  finalityHoldMs: intIn(0, 60_000),
  log: fn('(line: string) => void'),
};

/**
 * Merges a caller's partial options with RPC_SERVER_DEFAULTS and checks every value (src/options).
 * @throws InvalidOptionError naming the key: an unknown key or a value of the wrong kind or range
 */
export function resolveRpcServerOptions(partial: unknown = {}): RpcServerOptions {
  return resolveOptions({
    thing: 'an RPC server option',
    things: 'server options',
    name: 'rpc',
    defaults: RPC_SERVER_DEFAULTS,
    checks: CHECKS,
    // A full-size reply must fit one connection's queue, and one connection's queue the total.
    across: (o) => {
      if (o.maxBufferedBytes < o.maxReplyBytes) return ['maxBufferedBytes', `must be at least maxReplyBytes (${o.maxReplyBytes}), got ${o.maxBufferedBytes}`];
      if (o.maxTotalBufferedBytes < o.maxBufferedBytes) return ['maxTotalBufferedBytes', `must be at least maxBufferedBytes (${o.maxBufferedBytes}), got ${o.maxTotalBufferedBytes}`];
      return null;
    },
  }, partial, undefined);
}

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { DevnetNode } from '../node-types.js';
import { BlockFeed } from './block-feed.js';
import { ByteBudget } from './byte-budget.js';
import { FinalityGate } from './finality-gate.js';
import type { RpcDef } from './method-types.js';
import { authorMethods } from './methods-author.js';
import { chainMethods } from './methods-chain.js';
import { stateMethods } from './methods-state.js';
import { systemMethods } from './methods-system.js';
import type { ServedNode } from './node-extensions.js';
import { resolveRpcServerOptions } from './options.js';
import type { RpcServerOptions } from './options.js';
import { readBody } from './http-body.js';
import { corsHeaders, refuseBrowser } from './request-guard.js';
import { oversizedRequest, serverIsBusy } from './rpc-error.js';
import type { RpcError } from './rpc-error.js';
import { RpcHandler } from './rpc-handler.js';
import type { ConnectionState } from './rpc-handler.js';
import { ConnectionSubscriptions } from './subscriptions.js';

/*
 * The devnet's JSON-RPC server: WebSocket and HTTP POST on one port, as a Substrate node serves both. Each WebSocket
 * connection has its own subscriptions, ended when it closes. A client cannot hurt the others: every frame is answered
 * or refused without throwing; requests, batches and replies are capped in size (the reply as it is built); a client
 * whose replies pile up is no longer read from, and is closed (1008) before its queue passes its cap or the server's
 * total; HTTP bodies count towards that total while they arrive and must arrive within a deadline; connections and
 * subscriptions are capped; and requests from web pages (an Origin header) or under a foreign Host name are refused,
 * since devnet_* is unauthenticated (request-guard.ts). docs/limits.md lists every bound.
 */

/** A running server. */
export interface RpcServer {
  /** ws://host:port */
  readonly url: string;
  readonly host: string;
  /** The real port (also when 0 was asked). */
  readonly port: number;
  /** The method names served (rpc_methods). */
  readonly methods: readonly string[];
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** Subscriptions open over all connections. */
  subscriptionCount(): number;
  /** Stops accepting, closes every connection (code 1001) and stops following the chain. */
  close(): Promise<void>;
}

/** How long a closing connection may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 500;
/** How long a connection closed for not reading keeps its queue (for the close frame to go out) before it is cut. */
const DROP_GRACE_MS = 200;
/**
 * A connection with more unsent bytes than this is not read from until they drain: a client that sends requests
 * without reading the replies makes the server do no more work for it (backpressure, as jsonrpsee applies it).
 */
const READ_PAUSE_BYTES = 1024 * 1024;
/** How often Node checks HTTP requests against their deadline (requestTimeoutMs). */
const DEADLINE_CHECK_MS = 500;

/** Every method and subscription the server declares for `node`. */
function declarations(node: ServedNode): RpcDef[] {
  return [...systemMethods(), ...chainMethods(), ...stateMethods(node), ...authorMethods()];
}

/** One WebSocket client. */
class Connection implements ConnectionState {
  readonly subs: ConnectionSubscriptions;
  readonly gate: FinalityGate;
  /**
   * Frames received and not handled yet, with their sizes reserved in the byte budget: one frame is handled at a
   * time, and nothing more is read meanwhile.
   */
  private readonly inbox: Array<{ frame: Buffer; bytes: number }> = [];
  private handling = false;
  /** Being closed for holding too much: nothing more is read, run or written. */
  private dropping = false;
  /**
   * Bytes received since the last whole frame (a frame still arriving, which ws holds until it is complete), reserved
   * in the byte budget; the frame must then arrive within requestTimeoutMs of reading, as an HTTP body must.
   */
  private partial = 0;
  private partialTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly handler: RpcHandler,
    private readonly options: RpcServerOptions,
    private readonly budget: ByteBudget,
  ) {
    this.subs = new ConnectionSubscriptions(options.maxSubscriptionsPerConnection, (frame) => this.write(frame));
    this.gate = new FinalityGate(options.finalityHoldMs, () => {
      if (ws.readyState === ws.OPEN) ws.ping();
    });
    ws.on('pong', () => {
      this.frameDone();
      this.gate.pong();
    });
    ws.on('ping', () => this.frameDone());
    // Before ws's own listener, so a chunk that completes a frame is counted before the frame is released.
    socket.prependListener('data', (chunk: Buffer) => this.received(chunk.length));
    ws.on('message', (data) => {
      this.frameDone();
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      // A frame waiting here is memory a client makes the server hold, like an HTTP body: it needs room in the budget.
      if (!this.budget.takeBody(frame.length)) {
        this.write(errorFrameOf(serverIsBusy()));
        return;
      }
      this.inbox.push({ frame, bytes: frame.length });
      this.reading();
      if (!this.handling) void this.handleInbox();
    });
    ws.on('error', (err) => options.log(`rpc: connection error: ${err.message}`));
  }

  /**
   * Queues one frame, checked on the frame itself: one that would take this connection's queue past maxBufferedBytes,
   * or the server's past maxTotalBufferedBytes when this connection holds the most, closes the connection instead.
   */
  private write(frame: string): void {
    const ws = this.ws;
    if (this.dropping || ws.readyState !== ws.OPEN) return;
    const bytes = Buffer.byteLength(frame);
    const max = this.options.maxBufferedBytes;
    if (ws.bufferedAmount + bytes > max) {
      this.budget.drop(this.socket, `closed a client that does not read its replies (${ws.bufferedAmount} bytes waiting and a ${bytes}-byte reply to add; the limit is ${max})`);
      return;
    }
    if (!this.budget.makeRoom(bytes, this.socket)) {
      this.budget.drop(this.socket, `closed a client that does not read its replies: the server holds ${this.budget.total()} unsent bytes over all connections (limit ${this.budget.limit}), this one the most`);
      return;
    }
    ws.send(frame, () => this.reading());
    this.reading();
  }

  /** Reserves bytes of a frame still arriving; no room in the budget closes the connection (as HTTP's 503 does). */
  private received(bytes: number): void {
    if (this.dropping) return;
    if (!this.budget.takeBody(bytes)) {
      this.budget.drop(this.socket, `closed a client sending a frame: the server holds ${this.budget.total()} bytes for its clients (limit ${this.budget.limit})`);
      return;
    }
    this.partial += bytes;
    this.partialTimer ??= setTimeout(() => {
      this.budget.drop(this.socket, `closed a client whose frame did not arrive in full within ${this.options.requestTimeoutMs} ms`);
    }, this.options.requestTimeoutMs);
  }

  /** A whole frame (or a control frame) arrived: what was reserved for it is released, and its clock stopped. */
  private frameDone(): void {
    this.budget.releaseBody(this.partial);
    this.partial = 0;
    if (this.partialTimer !== null) clearTimeout(this.partialTimer);
    this.partialTimer = null;
  }

  /**
   * Reads from the client only while it has nothing waiting: no frame being handled (one at a time bounds the work
   * and memory one client can cause) and at most READ_PAUSE_BYTES of replies unsent (backpressure).
   */
  private reading(): void {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    const hold = this.dropping || this.inbox.length > 0 || this.handling || ws.bufferedAmount > READ_PAUSE_BYTES;
    if (hold && !ws.isPaused) {
      ws.pause();
      // The rest of a frame that is not read is not the client's delay: its clock stops until reading resumes.
      if (this.partialTimer !== null) clearTimeout(this.partialTimer);
      this.partialTimer = null;
    } else if (!hold && ws.isPaused) {
      ws.resume();
      if (this.partial > 0) this.received(0);
    }
  }

  /** Handles the frames received, in order, one at a time. */
  private async handleInbox(): Promise<void> {
    this.handling = true;
    for (let next = this.inbox.shift(); next !== undefined; next = this.inbox.shift()) {
      try {
        if (!this.dropping) await this.onMessage(next.frame);
      } finally {
        this.budget.releaseBody(next.bytes);
      }
    }
    this.handling = false;
    this.reading();
  }

  /**
   * Closes a connection that holds too much: logged, no longer read, its subscriptions ended. With nothing waiting
   * to be sent, it gets close code 1008 (policy violation) and DROP_GRACE_MS to take it. With replies still waiting,
   * a close frame would only queue behind them, unread: the socket is cut at once, which frees them.
   */
  drop(reason: string): void {
    if (this.dropping) return;
    this.dropping = true;
    this.options.log(`rpc: ${reason}`);
    this.end();
    this.ws.pause();
    if (this.ws.bufferedAmount > 0) {
      this.ws.terminate();
      return;
    }
    this.ws.close(1008, 'replies not read: too many bytes waiting');
    setTimeout(() => this.ws.terminate(), DROP_GRACE_MS).unref();
  }

  /** Ends every subscription and hold, and releases a frame half received (the connection closed or is being dropped). */
  end(): void {
    this.gate.clear();
    this.subs.closeAll();
    this.frameDone();
  }

  private async onMessage(buf: Buffer): Promise<void> {
    if (buf.length > this.options.maxFrameBytes) {
      this.write(`{"jsonrpc":"2.0","id":null,"error":${JSON.stringify(oversizedRequest(this.options.maxFrameBytes).toObject())}}`);
      return;
    }
    try {
      const { reply, after } = await this.handler.handle(buf, this);
      if (reply !== null) this.write(reply);
      for (const fn of after) fn();
    } catch (err) {
      // The handler answers every error itself; reaching here is a bug, reported and survived.
      this.options.log(`rpc: frame handling failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
}

/** A JSON-RPC error frame without an id. */
const errorFrameOf = (err: RpcError): string => `{"jsonrpc":"2.0","id":null,"error":${JSON.stringify(err.toObject())}}`;

/** The raw answer to a connection over maxConnections, written before Node's HTTP parser sees anything. */
const TOO_MANY = 'Too many connections. Please try again later.';
const TOO_MANY_RESPONSE = `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${TOO_MANY.length}\r\n\r\n${TOO_MANY}`;

/**
 * Starts the JSON-RPC server for `node` (WebSocket and HTTP POST on one port).
 * @throws InvalidOptionError for a bad option; the listen error (e.g. EADDRINUSE) when the port is taken
 */
export async function startRpcServer(node: DevnetNode, options?: Partial<RpcServerOptions>): Promise<RpcServer> {
  const opts = resolveRpcServerOptions(options ?? {});
  const served = node as ServedNode;
  const feed = new BlockFeed(served.chain, opts.log);
  const handler = new RpcHandler(declarations(served), { node: served, feed }, opts.log, opts);
  const sockets = new Map<WebSocket, Connection>();
  const budget = new ByteBudget(opts.maxTotalBufferedBytes);
  // Connections over maxConnections: answered 429 at once; whatever they send next is ignored.
  const refused = new WeakSet<object>();

  const onHttp = (req: IncomingMessage, res: ServerResponse): void => {
    if (refused.has(req.socket)) return;
    /** Answers and closes the connection once the answer is out (the body may not have been read). */
    const answerAndClose = (status: number, type: string, body: string): void => {
      res.shouldKeepAlive = false;
      res.on('finish', () => req.socket.destroy());
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    const refusal = refuseBrowser(req.headers, opts);
    if (refusal !== null) {
      answerAndClose(refusal.status, 'text/plain', `${refusal.reason}\n`);
      return;
    }
    const cors = corsHeaders(req.headers);
    const json = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...cors }).end(body);
    };
    if (req.method === 'OPTIONS') {
      // A CORS preflight from an allowed origin.
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' }).end();
      return;
    }
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/health/readiness')) {
      json(200, JSON.stringify({ peers: 0, isSyncing: false, shouldHavePeers: false }));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('Used HTTP Method is not allowed. POST is required');
      return;
    }
    readBody(req, opts.maxFrameBytes, budget)
      .then(async (body) => {
        if (body.kind === 'aborted') return;
        if (body.kind === 'refused') {
          const err = body.status === 413 ? oversizedRequest(opts.maxFrameBytes) : serverIsBusy();
          answerAndClose(body.status, 'application/json; charset=utf-8', errorFrameOf(err));
          return;
        }
        const { reply } = await handler.handle(body.text, null);
        const text = reply ?? '';
        // The reply waits in the socket until the client reads it: it needs room in the budget like a WebSocket's.
        if (!budget.makeRoom(Buffer.byteLength(text), req.socket)) {
          answerAndClose(503, 'application/json; charset=utf-8', errorFrameOf(serverIsBusy()));
          return;
        }
        json(200, text);
      })
      .catch((err: unknown) => {
        opts.log(`rpc: HTTP request failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  };

  // Node cuts a request that has not arrived in full by requestTimeout (408), checked every DEADLINE_CHECK_MS.
  const http: Server = createServer({ connectionsCheckingInterval: DEADLINE_CHECK_MS }, onHttp);
  http.requestTimeout = opts.requestTimeoutMs;
  http.headersTimeout = Math.min(opts.requestTimeoutMs, 60_000);
  // Frames up to twice the answered size are read (and refused with −32007); beyond that ws closes with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes * 2, perMessageDeflate: false });

  http.on('connection', (socket: Socket) => {
    socket.on('error', () => socket.destroy());
    if (budget.size >= opts.maxConnections) {
      refused.add(socket);
      socket.end(TOO_MANY_RESPONSE);
      return;
    }
    budget.add(socket, (reason) => {
      opts.log(`rpc: ${reason}`);
      socket.destroy();
    });
  });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (refused.has(socket)) {
      socket.destroy();
      return;
    }
    const refusal = refuseBrowser(req.headers, opts);
    if (refusal !== null) {
      socket.end(`HTTP/1.1 ${refusal.status} Forbidden\r\nConnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${refusal.reason.length + 1}\r\n\r\n${refusal.reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, socket as Socket, handler, opts, budget);
      budget.setDrop(socket as Socket, (reason) => conn.drop(reason));
      sockets.set(ws, conn);
      ws.on('close', () => {
        sockets.delete(ws);
        conn.end();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      feed.detach();
      reject(err);
    };
    http.once('error', onError);
    http.listen(opts.port, opts.host, () => {
      http.off('error', onError);
      resolve();
    });
  });
  http.on('error', (err) => opts.log(`rpc: server error: ${err.message}`));
  const port = (http.address() as AddressInfo).port;
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  let closing: Promise<void> | null = null;
  return {
    url: `ws://${hostInUrl}:${port}`,
    host: opts.host,
    port,
    methods: handler.methodNames,
    connectionCount: () => sockets.size,
    subscriptionCount: () => [...sockets.values()].reduce((n, c) => n + c.subs.size, 0),
    close: () => {
      closing ??= (async () => {
        feed.detach();
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        await Promise.all(
          [...sockets.keys()].map(
            (ws) =>
              new Promise<void>((resolve) => {
                if (ws.readyState === ws.CLOSED) {
                  resolve();
                  return;
                }
                const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
                ws.once('close', () => {
                  clearTimeout(timer);
                  resolve();
                });
                ws.close(1001, 'server shutting down');
              }),
          ),
        );
        http.closeAllConnections();
        wss.close();
        await httpClosed;
      })();
      return closing;
    },
  };
}

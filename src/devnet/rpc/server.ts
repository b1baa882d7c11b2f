import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { DevnetNode } from '../node-types.js';
import { BlockFeed } from './block-feed.js';
import { FinalityGate } from './finality-gate.js';
import type { RpcDef } from './method-types.js';
import { authorMethods } from './methods-author.js';
import { chainMethods } from './methods-chain.js';
import { stateMethods } from './methods-state.js';
import { systemMethods } from './methods-system.js';
import type { ServedNode } from './node-extensions.js';
import { resolveRpcServerOptions } from './options.js';
import type { RpcServerOptions } from './options.js';
import { oversizedRequest } from './rpc-error.js';
import { RpcHandler } from './rpc-handler.js';
import type { ConnectionState } from './rpc-handler.js';
import { ConnectionSubscriptions } from './subscriptions.js';

/*
 * The devnet's JSON-RPC server: WebSocket and HTTP POST on one port, as a Substrate node serves both. Each WebSocket
 * connection has its own subscriptions, ended when it closes. A client cannot hurt the others: every frame is answered
 * or refused without throwing, oversized frames are refused, a client that stops reading is dropped before its queue
 * grows without bound, and connections and subscriptions are capped.
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

/** Every method and subscription the server declares for `node`. */
function declarations(node: ServedNode): RpcDef[] {
  return [...systemMethods(), ...chainMethods(), ...stateMethods(node), ...authorMethods()];
}

/** One WebSocket client. */
class Connection implements ConnectionState {
  readonly subs: ConnectionSubscriptions;
  readonly gate: FinalityGate;

  constructor(
    private readonly ws: WebSocket,
    private readonly handler: RpcHandler,
    private readonly options: RpcServerOptions,
  ) {
    this.subs = new ConnectionSubscriptions(options.maxSubscriptionsPerConnection, (frame) => this.write(frame));
    this.gate = new FinalityGate(options.finalityHoldMs, () => {
      if (ws.readyState === ws.OPEN) ws.ping();
    });
    ws.on('pong', () => this.gate.pong());
    ws.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    ws.on('error', (err) => options.log(`rpc: connection error: ${err.message}`));
  }

  private write(frame: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.options.log(`rpc: dropped a client that stopped reading (${this.ws.bufferedAmount} bytes waiting)`);
      this.end();
      this.ws.terminate();
      return;
    }
    this.ws.send(frame);
  }

  /** Ends every subscription and hold (the connection closed or is being dropped). */
  end(): void {
    this.gate.clear();
    this.subs.closeAll();
  }

  private async onMessage(data: RawData, _isBinary: boolean): Promise<void> {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (buf.length > this.options.maxFrameBytes) {
      this.write(`{"jsonrpc":"2.0","id":null,"error":${JSON.stringify(oversizedRequest(this.options.maxFrameBytes).toObject())}}`);
      return;
    }
    try {
      const { reply, after } = await this.handler.handle(buf.toString('utf8'), this);
      if (reply !== null) this.write(reply);
      for (const fn of after) fn();
    } catch (err) {
      // The handler answers every error itself; reaching here is a bug, reported and survived.
      this.options.log(`rpc: frame handling failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
}

/** Reads an HTTP request body up to `limit` bytes; null when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the caller answers 413 and closes the connection once the answer is out.
        req.pause();
        req.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the JSON-RPC server for `node` (WebSocket and HTTP POST on one port).
 * @throws InvalidOptionError for a bad option; the listen error (e.g. EADDRINUSE) when the port is taken
 */
export async function startRpcServer(node: DevnetNode, options?: Partial<RpcServerOptions>): Promise<RpcServer> {
  const opts = resolveRpcServerOptions(options ?? {});
  const served = node as ServedNode;
  const feed = new BlockFeed(served.chain, opts.log);
  const handler = new RpcHandler(declarations(served), { node: served, feed }, opts.log);
  const sockets = new Map<WebSocket, Connection>();

  const onHttp = (req: IncomingMessage, res: ServerResponse): void => {
    const json = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    };
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/health/readiness')) {
      json(200, JSON.stringify({ peers: 0, isSyncing: false, shouldHavePeers: false }));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('Used HTTP Method is not allowed. POST is required');
      return;
    }
    readBody(req, opts.maxFrameBytes)
      .then(async (body) => {
        if (body === null) {
          res.shouldKeepAlive = false;
          res.on('finish', () => req.socket.destroy());
          json(413, `{"jsonrpc":"2.0","id":null,"error":${JSON.stringify(oversizedRequest(opts.maxFrameBytes).toObject())}}`);
          return;
        }
        const { reply } = await handler.handle(body, null);
        json(200, reply ?? '');
      })
      .catch((err: unknown) => {
        opts.log(`rpc: HTTP request failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  };

  const http: Server = createServer(onHttp);
  // Frames up to twice the answered size are read (and refused with −32007); beyond that ws closes with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes * 2, perMessageDeflate: false });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (sockets.size >= opts.maxConnections) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\ncontent-type: text/plain\r\n\r\nToo many connections. Please try again later.');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, handler, opts);
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

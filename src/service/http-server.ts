import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from '../errors/index.js';
import { MetricsListenError } from './errors.js';

/*
 * The admin listener: `/metrics` (Prometheus text from the validator's own registry) and `/healthz` (JSON, 200 when
 * healthy, 503 otherwise). It binds loopback only unless the caller allows more: the house rule for admin endpoints
 * (a metrics port on 0.0.0.0 tells anyone the validator's hotkey, stake and timing).
 */

/** Where the listener binds. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** What /healthz answers. */
export interface HealthReport {
  status: 'ok' | 'starting' | 'unhealthy' | 'stopping';
  reasons: string[];
  lastStepAt: string | null;
  lastWeightsBlock: number | null;
  head: number | null;
  blocksSinceLastUpdate: number | null;
  chain: 'connected' | 'disconnected';
}

/** A running admin listener. */
export interface AdminServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Whether a host is a loopback address (or `localhost`). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/**
 * Parses `HOST:PORT` (IPv6 in brackets: `[::1]:9100`).
 * @throws InvalidOptionError naming `option` (e.g. `--metrics`)
 */
export function parseListenAddress(text: string, option = '--metrics'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 0 && port <= 65535)) throw new InvalidOptionError(option, `expected HOST:PORT (e.g. 127.0.0.1:9100), got ${JSON.stringify(text)}`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/**
 * Starts the listener.
 * @param allowNonLoopback bind a non-loopback address (refused otherwise)
 * @throws MetricsListenError for a refused address or a port in use
 */
export async function startAdminServer(at: ListenAddress, registry: Registry, health: () => HealthReport, allowNonLoopback = false): Promise<AdminServer> {
  if (!allowNonLoopback && !isLoopback(at.host)) {
    throw new MetricsListenError(`${at.host} is not a loopback address; the metrics and health endpoints listen on loopback unless explicitly allowed`);
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const h = health();
      res.writeHead(h.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(h)}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new MetricsListenError(`cannot listen on ${at.host}:${at.port}: ${e.message}`)));
    server.listen(at.port, at.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

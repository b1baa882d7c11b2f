import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/*
 * Who may talk to the devnet. devnet_* (newBlock, setStorage, ...) is unauthenticated by design: the devnet is a
 * loopback tool, and whoever can reach the port owns the chain. Loopback alone does not keep web pages out, though:
 * a page can open a WebSocket to ws://127.0.0.1:9944 and can POST text/plain to it without a CORS preflight, and a
 * DNS-rebinding page reaches 127.0.0.1 under its own host name. Browsers always say where a request comes from, so
 * both are refused by their headers: an `Origin` header not allowed by name, or a `Host` that is not a loopback name
 * nor allowed by name. Programs (@polkadot/api in Node, the Python SDK, curl) send no Origin and a loopback Host.
 */

/** What a request is checked against (RpcServerOptions.allowedOrigins / allowedHosts). */
export interface GuardOptions {
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
}

/** Lower-cased, without a trailing slash: `http://App.local:3000/` and `http://app.local:3000` are one origin. */
const normaliseOrigin = (origin: string): string => origin.trim().toLowerCase().replace(/\/+$/, '');

/** The host name of a Host header, without its port and brackets (`[::1]:9944` → `::1`). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  // Two colons or more: a bare IPv6 address (not valid in a Host header, but not a port either).
  if (colon >= 0 && h.indexOf(':', colon + 1) < 0) return h.slice(0, colon);
  return h;
}

/** Whether `name` always means this machine: localhost, *.localhost (RFC 6761), 127.0.0.0/8, ::1. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1';
  return false;
}

/** Whether an allow-list lets `value` in: `*`, or the value itself (compared by `norm`). */
function allowed(list: readonly string[], value: string, norm: (s: string) => string): boolean {
  return list.some((entry) => entry === '*' || norm(entry) === value);
}

/** The response to a refused request: the status and a one-line reason (never echoing the header's value). */
export interface Refusal {
  status: 403;
  reason: string;
}

/**
 * Checks a WebSocket upgrade's or an HTTP request's headers; null when it may go on.
 * A request without a Host header (HTTP/1.0, not a browser) is not refused for it.
 */
export function refuseBrowser(headers: IncomingHttpHeaders, opts: GuardOptions): Refusal | null {
  const origin = headers.origin;
  if (origin !== undefined && !allowed(opts.allowedOrigins, normaliseOrigin(origin), normaliseOrigin)) {
    return {
      status: 403,
      reason: 'this Origin is not allowed: devnet_* is unauthenticated, so browser pages are refused (yumaval devnet --rpc-allow-origin lets one in)',
    };
  }
  const host = headers.host;
  if (host !== undefined) {
    const name = hostName(host);
    if (!isLoopbackName(name) && !allowed(opts.allowedHosts, name, hostName)) {
      return {
        status: 403,
        reason: 'this Host is not allowed: the devnet answers loopback names only (yumaval devnet --rpc-allow-host lets one in)',
      };
    }
  }
  return null;
}

/** CORS headers for an allowed origin (none without an Origin header), so a page allowed by name can read replies. */
export function corsHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const origin = headers.origin;
  if (origin === undefined) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { BuiltRequest } from '../protocol/index.js';
import { classifyError, type FailureKind } from './status.js';

/*
 * One request to one axon over undici, with the guarantees a validator needs against hostile miners:
 * - a total deadline: one timer aborts the request whatever phase it is in (connect, waiting for headers, reading
 *   the body), so a miner trickling one byte every second cannot stretch it; undici's own per-read timeouts are only
 *   a backstop behind it;
 * - a size cap on the body, counted while it streams: reading stops (and the socket is dropped) at the first byte
 *   past the cap, and a Content-Length above the cap is refused before reading anything;
 * - no redirects: undici's dispatcher follows none unless given a redirect interceptor, and none is given;
 * - it never throws: every outcome, including programming errors in the request, comes back as a value.
 */

/** Options of createAgent. */
export interface AgentOptions {
  /** Connections per axon origin (undici keeps one pool per origin). */
  connectionsPerOrigin: number;
  /** The connect timeout; the request's total deadline normally fires first. */
  connectTimeoutMs: number;
}

/**
 * An undici Agent: one keep-alive Pool per axon origin, created on first use and dropped when it has no connection
 * left. Keep-alive uses undici's defaults (4 s idle, shortened by the server's Keep-Alive hint), below uvicorn's 5 s,
 * so an idle connection is closed by us before the miner closes it under a request.
 */
export function createAgent(o: AgentOptions): Agent {
  return new Agent({ connections: o.connectionsPerOrigin, connect: { timeout: o.connectTimeoutMs }, pipelining: 1 });
}

/** What came back: an HTTP response read in full (under the cap), or a failure. Never an exception. */
export type SendOutcome =
  | {
    readonly kind: 'response';
    readonly status: number;
    /** Lower-case names; repeated headers joined with ", ". */
    readonly headers: Readonly<Record<string, string>>;
    /** The body decoded as UTF-8 (strictly: invalid UTF-8 is a `parse` failure, as aiohttp's json() fails). */
    readonly body: string;
    readonly elapsedMs: number;
  }
  | { readonly kind: 'failure'; readonly failure: FailureKind; readonly detail: string; readonly elapsedMs: number };

/** Limits of one request. */
export interface SendLimits {
  /** The total deadline, from the call: connect, headers and body together. */
  readonly timeoutMs: number;
  /** The largest body read; one byte more and the request fails as `too-large`. */
  readonly maxResponseBytes: number;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Sends a built request and reads the answer under the limits.
 * @param dispatcher an Agent from createAgent (or any undici dispatcher; tests pass their own)
 */
export async function send(dispatcher: Dispatcher, req: BuiltRequest, limits: SendLimits): Promise<SendOutcome> {
  const t0 = performance.now();
  const elapsed = (): number => performance.now() - t0;
  const fail = (failure: FailureKind, detail: string): SendOutcome => ({ kind: 'failure', failure, detail, elapsedMs: elapsed() });
  if (!(limits.timeoutMs > 0)) return fail('timeout', 'no time left before the deadline');

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, limits.timeoutMs);
  let phase: 'connect' | 'body' = 'connect';
  let body: Dispatcher.ResponseData['body'] | undefined;
  try {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail('client', `invalid URL ${JSON.stringify(req.url.slice(0, 100))}`);
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', ...req.headers };
    const res = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      body: req.body,
      signal: controller.signal,
      // Backstops only: the total deadline above is the real limit.
      headersTimeout: limits.timeoutMs + 1_000,
      bodyTimeout: limits.timeoutMs + 1_000,
    });
    phase = 'body';
    body = res.body;
    // Destroying the body (cap reached) makes undici emit an abort error on it; nothing else listens.
    body.on('error', () => undefined);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxResponseBytes) {
      body.destroy();
      return fail('too-large', `Content-Length ${declared} exceeds the cap of ${limits.maxResponseBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxResponseBytes) {
        body.destroy();
        return fail('too-large', `response body exceeds the cap of ${limits.maxResponseBytes} bytes`);
      }
      chunks.push(chunk);
    }
    let text: string;
    try {
      text = UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    } catch {
      return fail('parse', 'the body is not valid UTF-8');
    }
    return { kind: 'response', status: res.statusCode, headers: flatHeaders(res.headers), body: text, elapsedMs: elapsed() };
  } catch (err) {
    body?.destroy();
    if (timedOut) return fail('timeout', `deadline of ${limits.timeoutMs} ms passed while ${phase === 'connect' ? 'connecting or waiting for headers' : 'reading the body'}`);
    const code = (err as { code?: unknown }).code;
    return fail(classifyError(err, phase), typeof code === 'string' ? code : (err as Error).message ?? String(err));
  } finally {
    clearTimeout(timer);
  }
}

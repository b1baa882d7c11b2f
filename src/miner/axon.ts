import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  bodyHash,
  checkSpec,
  coerceValue,
  fromHeaders,
  isNullable,
  jsonDumps,
  parsePyJsonBytes,
  PyFloat,
  PyJsonSizeError,
  PyJsonValueError,
  pyRepr,
  type PyValue,
  signerFromPair,
  signMessage,
  synapseFromDict,
  type SynapseSpec,
  toHeaders,
  toPlain,
} from '../protocol/index.js';
import { BASE_SPEC, baseDump, jsonModeDump, terminal } from './reply-model.js';
import { resolveAxonOptions, type AxonOptions, type ResolvedAxonOptions } from './axon-options.js';
import { AxonListenError, HandlerResultError } from './errors.js';
import type { HandlerResult, RawBody, SynapseRoute } from './handler.js';
import { declaredLength, readBody } from './body-reader.js';
import { AcceptPriority, ByteBudget, capConnectionsPerIp } from './admission.js';
import { Turns, limitedLog } from './fairness.js';
import { NonceStore } from './nonce-store.js';
import { Refusal, defaultVerify, pyInt, pyText } from './verify.js';
import { PriorityGate } from './priority-gate.js';

/*
 * A reference axon on node:http that answers as the SDK 10.2.0 axon does (AxonMiddleware.dispatch, §1.6 of the
 * spec), in its order: route lookup (404), headers → synapse (failure: 500 "Internal Server Error #id"), blacklist
 * (403), verify (401: nonce, nonce window, signature), priority (408/503), body integrity (hash mismatch or a body
 * pydantic refuses: 500), then the handler; the reply is the full synapse as JSON with to_headers() headers, an error
 * is {"message": …} with the same headers. Differences from the SDK are listed in docs/axon-protocol.md.
 *
 * Unlike the SDK, nothing of the body is read until the headers have passed the blacklist and the signature check
 * (issue 15): a refusal before that point answers at once and closes the connection, so an unauthenticated caller
 * costs no memory for the body it announces. The bodies that are read share one byte budget (admission.ts).
 */

/**
 * Passes in a row the header-check turns give up to accepting connections. At 32, a burst of 1,000 still had 30 turns
 * (up to 1 ms each, signed) spread through it, and a 404 behind it waited up to 175 ms; at 256 the worst was 116 ms
 * over six floods (bench/miner/miner-flood.bench.ts). A flood that never stops still leaves a turn every 256 accepts,
 * about every 15 ms.
 */
const ACCEPT_PRIORITY_MAX_YIELDS = 256;

/** The version this axon reports (SDK 10.2.0 as version_as_int). */
export const AXON_VERSION = 10_002_000;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** The content types FastAPI reads as JSON: application/json and application/*+json (parameters allowed). */
const FASTAPI_JSON_BODY = /^\s*application\/(?:json|[^\s;/]*\+json)\s*(?:;.*)?$/is;

/** Counters of what the axon answered. */
export interface AxonStats {
  requests: number;
  byStatus: Record<number, number>;
  /** Requests left unanswered on purpose (hang), or whose client left first. */
  unanswered: number;
}

/** A running axon. */
export interface AxonHandle {
  /** The port it listens on (the chosen one when port 0 was asked). */
  readonly port: number;
  readonly host: string;
  /** The miner hotkey (ss58) requests must be signed for. */
  readonly hotkey: string;
  /** Counters, updated live. */
  readonly stats: AxonStats;
  /** Handlers running now, and requests waiting for one (the priority queue). */
  load(): { active: number; queued: number };
  /** Replaces the allowed hotkeys (null: allow all), e.g. after a metagraph refresh. */
  setAllowedHotkeys(hotkeys: ReadonlySet<string> | null): void;
  /** Stops listening, ends hung requests and closes every connection. */
  close(): Promise<void>;
}


function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Starts a reference axon; resolves once it listens. */
export async function startAxon(options: AxonOptions): Promise<AxonHandle> {
  const o: ResolvedAxonOptions = resolveAxonOptions(options);
  for (const r of o.synapses) checkSpec(r.spec);
  const routes = new Map<string, SynapseRoute>(o.synapses.map((r) => [r.spec.name, r]));
  const routeNames = pyRepr([...routes.keys()]);
  const signer = signerFromPair(o.key.pair);
  const myHotkey = o.key.address;
  const axonUuid = randomUUID();
  const nonces = new NonceStore(o.nonceCapacity);
  const gate = new PriorityGate(o.maxConcurrent, o.maxQueue);
  const budget = new ByteBudget(o.maxBufferedBytes);
  // Accepting a burst of connections goes first; the header-check turns and the admission to the parser wait for it.
  const priority = new AcceptPriority(ACCEPT_PRIORITY_MAX_YIELDS);
  const turns = new Turns(priority.yielder());
  // Refusals are logged (with the id the client sees), but a flood of them is not written line for line.
  const log = limitedLog(o.log, 50, 1_000);
  let allowed: ReadonlySet<string> | null = o.allowedHotkeys;
  const stats: AxonStats = { requests: 0, byStatus: {}, unanswered: 0 };
  const inflight = new Set<AbortController>();

  function internalError(kind: string, detail: string): Refusal {
    const id = randomUUID();
    log(`axon: ${kind}#${id}: ${detail.slice(0, 300)}`);
    return new Refusal(500, `Internal Server Error #${id}`);
  }

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Uint8Array, contentType: string): void {
    if (res.headersSent || res.destroyed) return;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (HEADER_VALUE.test(v)) out[k] = v;
    out['content-type'] = contentType;
    out['content-length'] = String(bytes.length);
    // An answer before the body was read (a refusal): the connection is closed after it, so the unread body is never
    // taken in (node drops what is left and destroys the socket once the answer is out).
    if (!res.req.complete) out.connection = 'close';
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, out);
    res.end(bytes);
  }

  /** Raw bytes; an iterable body is streamed (chunked) with backpressure and stops when the client leaves. */
  async function sendRaw(res: ServerResponse, status: number, contentType: string, body: RawBody): Promise<void> {
    if (typeof body === 'string' || body instanceof Uint8Array) return send(res, status, {}, body, contentType);
    if (res.headersSent || res.destroyed) return;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, { 'content-type': contentType });
    try {
      await pipeline(Readable.from(body as Iterable<Uint8Array> | AsyncIterable<Uint8Array>, { objectMode: false }), res);
    } catch {
      // The client closed first (the usual end of an oversized answer): nothing to report.
      res.destroy();
    }
  }

  /** An error answer: {"message": …} with to_headers() of the synapse as it stands (create_error_response). */
  function sendRefusal(res: ServerResponse, spec: SynapseSpec, dump: Map<string, PyValue>, r: Refusal, startMs: number, signAxon: boolean): void {
    const axon = terminal(dump, 'axon');
    axon.set('status_code', r.status);
    axon.set('status_message', r.message);
    axon.set('process_time', new PyFloat((performance.now() - startMs) / 1000));
    if (signAxon) {
      // preprocess() signs "{axon.nonce}.{dendrite.hotkey}.{axon.hotkey}.{axon.uuid}"; it shows only in these headers.
      const d = terminal(dump, 'dendrite');
      const msg = `${String(axon.get('nonce'))}.${pyText(d.get('hotkey'))}.${pyText(axon.get('hotkey'))}.${pyText(axon.get('uuid'))}`;
      axon.set('signature', signMessage(signer, msg));
    }
    const body = jsonDumps(new Map([['message', r.message]]), { compact: true, ensureAscii: false });
    let headers: Record<string, string> = {};
    try {
      dump.set('total_size', Buffer.byteLength(body));
      headers = toHeaders(spec, dump);
    } catch {
      headers = {};
    }
    send(res, r.status, headers, body, 'application/json');
  }

  /** Validates the handler's output fields as pydantic's validate_assignment would. */
  function withOutputs(spec: SynapseSpec, dump: Map<string, PyValue>, fields: Readonly<Record<string, unknown>>): Map<string, PyValue> {
    if (fields === null || typeof fields !== 'object') throw new HandlerResultError(spec.name, 'fields must be an object');
    const out = new Map(dump);
    for (const [k, v] of Object.entries(fields)) {
      const s = spec.fields[k];
      if (s === undefined) throw new HandlerResultError(spec.name, `${k} is not a field of ${spec.name}`);
      const r = coerceValue(s.type, v, isNullable(s));
      if (!r.ok) throw new HandlerResultError(spec.name, `${k}: ${r.reason}`);
      out.set(k, r.value);
    }
    return out;
  }

  async function answer(res: ServerResponse, route: SynapseRoute, bodyDump: Map<string, PyValue>, result: HandlerResult, handlerStart: number, signal: AbortSignal): Promise<void> {
    const spec = route.spec;
    switch (result?.kind) {
      case 'delay': {
        if (!(Number.isFinite(result.ms) && result.ms >= 0)) throw new HandlerResultError(spec.name, `delay of ${String(result.ms)} ms`);
        await sleep(result.ms, signal);
        if (signal.aborted) return;
        return answer(res, route, bodyDump, result.then, handlerStart, signal);
      }
      case 'hang':
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        return;
      case 'raw':
        await sendRaw(res, result.status, result.contentType, result.body);
        return;
      case 'status':
        sendRefusal(res, spec, bodyDump, new Refusal(result.status, result.message), handlerStart, false);
        return;
      case 'fields': {
        await turns.turn();
        if (signal.aborted) return;
        const dump = jsonModeDump(spec, withOutputs(spec, bodyDump, result.fields));
        const axon = new Map(terminal(dump, 'axon'));
        dump.set('axon', axon);
        if (axon.get('status_code') === null) axon.set('status_code', 200);
        if (axon.get('status_code') === 200 && !axon.get('status_message')) axon.set('status_message', 'Success');
        axon.set('process_time', new PyFloat((performance.now() - handlerStart) / 1000));
        // Starlette's JSONResponse: compact, UTF-8, allow_nan=False (a NaN output is a 500, as in the SDK).
        const body = jsonDumps(dump, { compact: true, ensureAscii: false, allowNan: false });
        const headerDump = new Map(dump);
        headerDump.set('total_size', Buffer.byteLength(body));
        const status = Number(pyInt(axon.get('status_code')) ?? 200n);
        send(res, status, toHeaders(spec, headerDump), body, 'application/json');
        return;
      }
      default:
        throw new HandlerResultError(spec.name, 'the handler returned no HandlerResult');
    }
  }

  /** 413, and the connection closed: the rest of the body is never read. */
  function tooLarge(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('connection', 'close');
    send(res, 413, {}, `{"message":"Request body larger than ${o.maxBodyBytes} bytes"}`, 'application/json');
    req.socket.end();
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const startMs = performance.now();
    stats.requests++;
    const path = (req.url ?? '/').split('?')[0]!;
    const name = path.split('/')[1] ?? '';
    const route = routes.get(name);
    if (route === undefined || path !== `/${name}`) {
      sendRefusal(res, BASE_SPEC, baseDump(), new Refusal(404, `Synapse name '${name}' not found. Available synapses ${routeNames}`), startMs, false);
      return;
    }
    if (req.method !== 'POST' && req.method !== 'GET') {
      send(res, 405, { allow: 'GET, POST' }, '{"detail":"Method Not Allowed"}', 'application/json');
      return;
    }
    // A body announced over the cap is refused before anything else is looked at.
    if ((declaredLength(req) ?? 0) > o.maxBodyBytes) return tooLarge(req, res);
    // The header checks verify a signature (about 1 ms): one request's turn per pass of the event loop.
    await turns.turn();
    if (signal.aborted) return;
    const spec = route.spec;
    // preprocess: the synapse from the headers alone.
    let dump: Map<string, PyValue>;
    try {
      dump = fromHeaders(spec, req.headers).dump;
    } catch (e) {
      sendRefusal(res, BASE_SPEC, baseDump(), internalError('SynapseParsingError', (e as Error).message), startMs, false);
      return;
    }
    const axon = terminal(dump, 'axon');
    axon.set('version', AXON_VERSION);
    axon.set('uuid', axonUuid);
    axon.set('nonce', o.clockNs());
    axon.set('status_code', 100);
    const dendrite = terminal(dump, 'dendrite');
    dendrite.set('port', req.socket.remotePort ?? null);
    dendrite.set('ip', req.socket.remoteAddress ?? null);
    const timeoutV = dump.get('timeout');
    const timeout = timeoutV instanceof PyFloat ? timeoutV.value : null;
    // The timeout header is not signed and widens the nonce window of an unseen key: beyond the maximum (or not a
    // number at all: nan, inf) it is refused as a header that does not parse, which is what the SDK answers for one.
    if (timeout !== null && !(Number.isFinite(timeout) && timeout >= 0 && timeout <= o.maxTimeoutSeconds)) {
      const detail = `the timeout header ${JSON.stringify(String(req.headers.timeout).slice(0, 40))} is not a number of seconds in [0, ${o.maxTimeoutSeconds}] (maxTimeoutSeconds)`;
      return sendRefusal(res, BASE_SPEC, baseDump(), internalError('SynapseParsingError', detail), startMs, false);
    }
    // blacklist
    const hotkey = dendrite.get('hotkey');
    if (allowed !== null) {
      const reason = typeof hotkey !== 'string' ? 'Missing dendrite or hotkey' : allowed.has(hotkey) ? null : 'Unrecognized hotkey';
      if (reason !== null) return sendRefusal(res, spec, dump, new Refusal(403, `Forbidden. Key is blacklisted: ${reason}.`), startMs, true);
    }
    // verify
    const notVerified = defaultVerify(dump, timeout, { nonces, clockNs: o.clockNs, myHotkey, requireSignature: o.requireSignature });
    if (notVerified !== null) return sendRefusal(res, spec, dump, notVerified, startMs, true);
    // priority
    let priority = 0;
    if (o.priority !== null) {
      try {
        priority = Number(o.priority(hotkey as string, spec.name));
      } catch (e) {
        return sendRefusal(res, spec, dump, internalError('PriorityError', (e as Error).message), startMs, true);
      }
    }
    // Only now, for a caller that passed the checks, is the body read (within the shared byte budget).
    const body = await readBody(req, o.maxBodyBytes, budget);
    if (body === 'aborted') return;
    if (body === 'too-large') return tooLarge(req, res);
    if (body === 'busy') {
      return sendRefusal(res, spec, dump, new Refusal(503, `Server busy: request bodies in memory are at their limit (${o.maxBufferedBytes} bytes); retry later`), startMs, true);
    }
    const t = timeout ?? 12;
    const slot = await gate.acquire(Number.isFinite(priority) ? priority : 0, t * 1000, timeout === null ? 'None' : pyRepr(new PyFloat(t)), signal);
    if (typeof slot !== 'function') {
      body.release();
      return sendRefusal(res, spec, dump, new Refusal(slot.status, slot.message), startMs, true);
    }
    try {
      // Parsing, hashing and the handler are the other expensive step: a turn again.
      await turns.turn();
      if (signal.aborted) {
        body.release();
        return;
      }
      // verify_body_integrity: the body must validate as the synapse and hash to the computed_body_hash header.
      let bodyDump: Map<string, PyValue>;
      try {
        bodyDump = synapseFromDict(spec, parsePyJsonBytes(body.bytes, { maxValues: o.maxBodyValues }), 'body');
        const h = bodyHash(spec, bodyDump);
        const claimed = dump.get('computed_body_hash');
        const header = typeof claimed === 'string' ? claimed : '';
        // Internal: caught just below and answered as the Python axon's 500 (its error name and message, not a code).
        if (h !== header) throw new Error(`Hash mismatch between header body hash ${header} and parsed body hash ${h}`);
      } catch (e) {
        if (e instanceof PyJsonSizeError) {
          return sendRefusal(res, spec, dump, new Refusal(413, `Request body has more than ${o.maxBodyValues} JSON values (maxBodyValues)`), startMs, true);
        }
        // FastAPI parses a JSON body (or one without a content type) before the route's dependencies; json.loads
        // failing with a plain ValueError there (an int past 4,300 digits, bytes that are not UTF-8) is its 400.
        if (e instanceof PyJsonValueError && FASTAPI_JSON_BODY.test(req.headers['content-type'] ?? 'application/json')) {
          return send(res, 400, {}, '{"detail":"There was an error parsing the body"}', 'application/json');
        }
        return sendRefusal(res, spec, dump, internalError((e as Error).name || 'ValueError', (e as Error).message), startMs, true);
      } finally {
        body.release();
      }
      const fields: Record<string, unknown> = {};
      for (const f of Object.keys(spec.fields)) fields[f] = toPlain(bodyDump.get(f) ?? null);
      // A large body's parse and hash, the handler, and the reply's serialization are three turns, not one long run.
      await turns.turn();
      if (signal.aborted) return;
      const handlerStart = performance.now();
      try {
        const result = await route.handler({ fields, synapse: spec.name, dendriteHotkey: hotkey as string, timeoutSeconds: timeout, signal });
        await answer(res, route, bodyDump, result, handlerStart, signal);
      } catch (e) {
        if (!res.headersSent) sendRefusal(res, spec, dump, internalError((e as Error).name || 'Error', (e as Error).message), startMs, true);
      }
    } finally {
      slot();
    }
  }

  const server = createServer({
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    // How often node looks for requests past these timeouts (its default, 30 s, would let a stall last twice as long).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(o.headersTimeoutMs / 4))),
  }, (req, res) => {
    const ac = new AbortController();
    inflight.add(ac);
    res.on('close', () => {
      if (!res.headersSent) stats.unanswered++;
      ac.abort();
      inflight.delete(ac);
    });
    dispatch(req, res, ac.signal).catch((e: unknown) => {
      // Nothing above should throw; if it does, the client still gets an answer and the axon keeps serving.
      log(`axon: unexpected error: ${(e as Error)?.message ?? String(e)}`);
      if (!res.headersSent && !res.destroyed) send(res, 500, {}, '{"message":"Internal Server Error"}', 'application/json');
    });
  });
  server.keepAliveTimeout = o.keepAliveTimeoutMs;
  server.maxConnections = o.maxConnections;
  capConnectionsPerIp(server, o.maxConnectionsPerIp);
  server.on('connection', () => priority.noteAccept());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new AxonListenError(`${o.host}:${o.port}`, e.code ?? e.message)));
    // A flood of connections must not fill the accept queue (node's default backlog is 511): a connection turned away
    // there waits for a SYN retransmit (1 s, then 3 s, 7 s), which is what an honest caller would see.
    server.listen({ port: o.port, host: o.host, backlog: Math.min(o.maxConnections, 65_535) }, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    port: addr.port,
    host: o.host,
    hotkey: myHotkey,
    stats,
    load: () => ({ active: gate.active, queued: gate.queued }),
    setAllowedHotkeys(hotkeys: ReadonlySet<string> | null): void {
      allowed = hotkeys;
    },
    close(): Promise<void> {
      for (const ac of inflight) ac.abort();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

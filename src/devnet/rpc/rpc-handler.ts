import { InvalidInputError } from '../../errors/index.js';
import { TxRejected } from '../node-types.js';
import { ADMIN_PREFIX, callAdmin } from './methods-devnet.js';
import type { CallContext, MethodDef, RpcDef, SubscriptionDef } from './method-types.js';
import { Params } from './params.js';
import type { RpcErrorObject } from './rpc-error.js';
import {
  RpcError,
  internalError,
  invalidParams,
  invalidRequest,
  methodNotFound,
  oversizedResponse,
  parseError,
  tooBigBatchRequest,
  tooBigBatchResponse,
} from './rpc-error.js';
import type { FinalityGate } from './finality-gate.js';
import type { ConnectionSubscriptions } from './subscriptions.js';

/*
 * JSON-RPC 2.0 over text frames, transport-free: a frame in, the reply frame out (or none), plus what to run once the
 * reply is sent (a new subscription's first notifications must follow the reply that carries its id). Requests and
 * batches are checked as jsonrpsee checks them; notifications (requests without an id) get no reply and run nothing,
 * as jsonrpsee ignores them. Whatever a method throws becomes an error reply: nothing a client sends escapes here.
 * Replies are bounded as they are built, not after: a batch is refused unrun past `maxBatchRequests`, and stops as
 * soon as its replies pass `maxReplyBytes` (a 15 MB batch of chain_getHeader once built a 74 MB reply).
 */

type Entry =
  | { type: 'method'; def: MethodDef }
  | { type: 'subscribe'; def: SubscriptionDef }
  | { type: 'unsubscribe'; def: SubscriptionDef };

/** The outcome of one frame. */
export interface HandledFrame {
  /** The reply frame, or null when nothing is to be answered (only notifications). */
  reply: string | null;
  /** To run, in order, after the reply was written. */
  after: Array<() => void>;
}

/** What a connection keeps between frames: its subscriptions and finality holds. */
export interface ConnectionState {
  subs: ConnectionSubscriptions;
  gate: FinalityGate;
}

/** The server-wide part of a call's context. */
export type SharedContext = Pick<CallContext, 'node' | 'feed'>;

/** How long a batch runs before it lets the event loop serve others. */
const BATCH_SLICE_MS = 10;

/** What the calls of one frame leave to do once its reply is written, or to undo if the reply is refused. */
interface FrameWork {
  after: Array<() => void>;
  undo: Array<() => void>;
}

/** How much one frame may ask for and answer with. */
export interface HandlerLimits {
  /** The largest reply frame, in UTF-8 bytes. */
  maxReplyBytes: number;
  /** The most requests in one batch. */
  maxBatchRequests: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON-RPC id is a string, a number or null. */
const isValidId = (id: unknown): boolean => id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

/**
 * Whether `text`, when it is a JSON array, has more than `limit` items: its top-level commas are counted (strings
 * skipped) without parsing it, so a batch over the limit costs a scan rather than the objects of a 15 MB parse.
 */
function batchLongerThan(input: string | Buffer, limit: number): boolean {
  const at = typeof input === 'string' ? (i: number): number => input.charCodeAt(i) : (i: number): number => input[i] as number;
  let i = firstChar(input);
  if (at(i) !== 91) return false;
  let depth = 0;
  let commas = 0;
  let inString = false;
  for (; i < input.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      if (--depth === 0) return false;
    } else if (c === 44 && depth === 1 && ++commas >= limit) return true;
  }
  return false;
}

/** The index of the first character that is not whitespace (a UTF-8 buffer's ASCII bytes are its characters). */
function firstChar(input: string | Buffer): number {
  let i = 0;
  while (i < input.length && (typeof input === 'string' ? input.charCodeAt(i) : (input[i] as number)) <= 32) i++;
  return i;
}

/** Whether a frame is a batch (a JSON array), by its first character. */
function isBatch(input: string | Buffer): boolean {
  const i = firstChar(input);
  return (typeof input === 'string' ? input.charCodeAt(i) : input[i]) === 91;
}

function errorFrame(id: unknown, error: RpcErrorObject): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"error":${JSON.stringify(error)}}`;
}

/** The method table of one server and the processing of frames against it. */
export class RpcHandler {
  private readonly table = new Map<string, Entry>();
  /** Every method name served, sorted (what rpc_methods returns). */
  readonly methodNames: readonly string[];

  constructor(
    defs: readonly RpcDef[],
    private readonly shared: SharedContext,
    private readonly log: (line: string) => void,
    private readonly limits: HandlerLimits,
  ) {
    const add = (name: string, entry: Entry): void => {
      if (this.table.has(name)) throw new RangeError(`rpc: method ${name} is declared twice`);
      this.table.set(name, entry);
    };
    for (const def of defs) {
      if (def.kind === 'method') {
        for (const name of [def.name, ...(def.aliases ?? [])]) add(name, { type: 'method', def });
      } else {
        for (const name of [def.name, ...(def.aliases ?? [])]) add(name, { type: 'subscribe', def });
        for (const name of [def.unsubscribe, ...(def.unsubscribeAliases ?? [])]) add(name, { type: 'unsubscribe', def });
      }
    }
    const admin = (shared.node.adminMethods?.() ?? []).map((m) => `${ADMIN_PREFIX}${m}`);
    const names = [...new Set([...this.table.keys(), 'rpc_methods', ...admin])].sort();
    this.methodNames = names;
    // Current Substrate nodes answer { methods } only (the old `version: 1` field is gone).
    add('rpc_methods', { type: 'method', def: { kind: 'method', name: 'rpc_methods', params: [], call: () => ({ methods: names }) } });
  }

  /**
   * Handles one frame from a client (its text, or its UTF-8 bytes as received).
   * @param conn the connection's state, or null on a transport without subscriptions (HTTP)
   */
  async handle(input: string | Buffer, conn: ConnectionState | null): Promise<HandledFrame> {
    const { maxBatchRequests } = this.limits;
    if (batchLongerThan(input, maxBatchRequests)) return { reply: errorFrame(null, tooBigBatchRequest(maxBatchRequests).toObject()), after: [] };
    const text = (): string => (typeof input === 'string' ? input : input.toString('utf8'));
    if (!isBatch(input)) return this.handleText(text(), conn);
    // Batches run one at a time over the whole server: a few clients sending big batches cost the memory of one.
    const previous = this.batchTail;
    let release!: () => void;
    this.batchTail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    try {
      return await this.handleText(text(), conn);
    } finally {
      release();
    }
  }

  /** The last batch started: the next waits for it. */
  private batchTail: Promise<void> = Promise.resolve();

  private async handleText(text: string, conn: ConnectionState | null): Promise<HandledFrame> {
    const after: Array<() => void> = [];
    // What to undo if the reply is refused: subscriptions whose ids the client would never learn.
    const undo: Array<() => void> = [];
    const work = { after, undo };
    const { maxReplyBytes, maxBatchRequests } = this.limits;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return { reply: errorFrame(null, parseError().toObject()), after };
    }
    if (!Array.isArray(message)) {
      const reply = await this.request(message, conn, work);
      if (reply === null || Buffer.byteLength(reply) <= maxReplyBytes) return { reply, after };
      for (const fn of undo) fn();
      const id = (message as { id?: unknown }).id;
      return { reply: errorFrame(isValidId(id) ? id : null, oversizedResponse(maxReplyBytes).toObject()), after: [] };
    }
    if (message.length === 0) return { reply: errorFrame(null, invalidRequest().toObject()), after };
    if (message.length > maxBatchRequests) return { reply: errorFrame(null, tooBigBatchRequest(maxBatchRequests).toObject()), after };
    const replies: string[] = [];
    // "[" and "]", and a comma between replies.
    let bytes = 1;
    let sliceStart = performance.now();
    for (const item of message) {
      // A long batch lets the event loop run every BATCH_SLICE_MS: other clients are served meanwhile.
      if (performance.now() - sliceStart >= BATCH_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const reply = await this.request(item, conn, work);
      if (reply === null) continue;
      bytes += Buffer.byteLength(reply) + 1;
      if (bytes > maxReplyBytes) {
        for (const fn of undo) fn();
        return { reply: errorFrame(null, tooBigBatchResponse(maxReplyBytes).toObject()), after: [] };
      }
      replies.push(reply);
    }
    return { reply: replies.length === 0 ? null : `[${replies.join(',')}]`, after };
  }


  /** One request object: its response frame, or null for a notification. */
  private async request(req: unknown, conn: ConnectionState | null, work: FrameWork): Promise<string | null> {
    if (!isObject(req)) return errorFrame(null, invalidRequest().toObject());
    const hasId = Object.prototype.hasOwnProperty.call(req, 'id');
    if (hasId && !isValidId(req.id)) return errorFrame(null, invalidRequest().toObject());
    const id = hasId ? req.id : null;
    if (req.jsonrpc !== '2.0' || typeof req.method !== 'string') return errorFrame(id, invalidRequest().toObject());
    if (!hasId) return null;
    try {
      const result = await this.call(req.method, req.params, conn, work);
      return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${JSON.stringify(result ?? null)}}`;
    } catch (err) {
      return errorFrame(id, this.errorObject(err, req.method));
    }
  }

  private call(method: string, params: unknown, conn: ConnectionState | null, work: FrameWork): unknown {
    const entry = this.table.get(method);
    if (entry === undefined) {
      if (method.startsWith(ADMIN_PREFIX) && method.length > ADMIN_PREFIX.length) {
        return callAdmin(this.shared.node, method.slice(ADMIN_PREFIX.length), params);
      }
      throw methodNotFound();
    }
    const ctx: CallContext = { ...this.shared, gate: conn?.gate ?? null, afterReply: (fn) => work.after.push(fn) };
    switch (entry.type) {
      case 'method':
        return entry.def.call(ctx, Params.from(params, entry.def.params));
      case 'subscribe': {
        if (conn === null) throw new RpcError(-32601, 'Method not found', 'subscriptions need a WebSocket connection');
        const opened = conn.subs.open(entry.def, ctx, Params.from(params, entry.def.params));
        work.after.push(opened.activate);
        work.undo.push(() => conn.subs.unsubscribe(opened.id, entry.def));
        return opened.id;
      }
      case 'unsubscribe':
        // jsonrpsee answers false, not an error, for an id it does not know or cannot read.
        return conn === null ? false : conn.subs.unsubscribe(Params.from(params, ['subscription']).raw(0), entry.def);
    }
  }

  /** The error object for whatever a method threw. */
  private errorObject(err: unknown, method: string): RpcErrorObject {
    if (err instanceof RpcError) return err.toObject();
    if (err instanceof TxRejected) {
      return err.data === '' ? { code: err.rpcCode, message: err.message } : { code: err.rpcCode, message: err.message, data: err.data };
    }
    if (err instanceof InvalidInputError) return invalidParams(err.message).toObject();
    const detail = err instanceof Error ? err.message : String(err);
    this.log(`rpc: ${method} failed: ${err instanceof Error && err.stack !== undefined ? err.stack : detail}`);
    return internalError(detail).toObject();
  }
}

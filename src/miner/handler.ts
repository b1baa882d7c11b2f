import type { SynapseSpec } from '../protocol/index.js';

/*
 * What a miner's route handler sees and returns. A handler gets the request's synapse fields (validated and coerced
 * as pydantic would, plain JS values) and answers with its output fields, or, for the test profiles, with a
 * misbehaviour: an error status, raw bytes, a hang, or a delay before any of these.
 */

/** One request as a handler sees it. */
export interface HandlerRequest {
  /** The synapse's own fields from the request body (plain JS values; ints beyond 2^53 as bigint). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The route (synapse class name). */
  readonly synapse: string;
  /** The caller's hotkey (ss58), verified. */
  readonly dendriteHotkey: string;
  /** The synapse timeout the caller sent, in seconds (null if none). */
  readonly timeoutSeconds: number | null;
  /** Aborted when the client goes away or the axon closes; long handlers should stop then. */
  readonly signal: AbortSignal;
}

/** A raw response body: whole, or chunks produced lazily (streamed with backpressure, so a huge body costs no memory). */
export type RawBody = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** What a handler answers. */
export type HandlerResult =
  /** Success: these output fields are merged over the request's and the full synapse is returned with 200. */
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, unknown>> }
  /** An error answer as the SDK sends one: this HTTP status, body {"message": message}, to_headers() headers. */
  | { readonly kind: 'status'; readonly status: number; readonly message: string }
  /** Exactly these bytes with this status and content type (malformed or oversized answers). */
  | { readonly kind: 'raw'; readonly status: number; readonly contentType: string; readonly body: RawBody }
  /** Never answers; the socket stays open until the client or the axon closes it. */
  | { readonly kind: 'hang' }
  /** Waits `ms` milliseconds (cut short if the client leaves), then answers with `then`. */
  | { readonly kind: 'delay'; readonly ms: number; readonly then: HandlerResult };

/** A route handler. */
export type Handler = (request: HandlerRequest) => HandlerResult | Promise<HandlerResult>;

/** A route of an axon: the synapse it accepts and the handler answering it. */
export interface SynapseRoute {
  readonly spec: SynapseSpec;
  readonly handler: Handler;
}

/** The template's Dummy forward: dummy_output = 2 * dummy_input. */
export const dummyHandler: Handler = (req) => {
  const x = req.fields.dummy_input;
  const doubled = typeof x === 'bigint' ? x * 2n : typeof x === 'number' ? x * 2 : null;
  // Past 2^53 a number would lose digits: answer in bigint then (it serializes as a Python int).
  const out = typeof doubled === 'number' && !Number.isSafeInteger(doubled) ? BigInt(x as number) * 2n : doubled;
  return { kind: 'fields', fields: { dummy_output: out } };
};

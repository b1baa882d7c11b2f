/*
 * What a miner profile asks the reference axon to do with one request. The variants are those of the miner's
 * HandlerResult (src/miner/handler.ts); the task module declares its own copy so it does not depend on the server.
 */

/** A response body given as bytes: whole, or as chunks produced lazily (an iterable may be iterated again). */
export type RawBody = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** One request's fate. */
export type ProfileAction =
  /** Answer 200 with these output fields set on the synapse. */
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, unknown>> }
  /** Fail with this HTTP status and message (the SDK's error body `{ "message": ... }`). */
  | { readonly kind: 'status'; readonly status: number; readonly message: string }
  /** Send these bytes as the body, as they are (malformed, oversized, non-JSON...). */
  | { readonly kind: 'raw'; readonly status: number; readonly contentType: string; readonly body: RawBody }
  /** Never answer (the connection stays open until the client gives up). */
  | { readonly kind: 'hang' }
  /** Wait `ms`, then do `then`. */
  | { readonly kind: 'delay'; readonly ms: number; readonly then: ProfileAction };

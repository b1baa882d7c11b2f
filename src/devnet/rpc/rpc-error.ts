import { YumavalError } from '../../errors/index.js';

/*
 * JSON-RPC errors as a Substrate node (jsonrpsee + sc-rpc) answers them: the standard codes with jsonrpsee's messages,
 * the Substrate module bases (chain 3000, state 4000) and their messages, so a client's error handling sees what it
 * would see against subtensor.
 */

/** The error object of a JSON-RPC response. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A call that fails with a JSON-RPC error: `rpcCode`, `message` and optional `data` go on the wire as they are. */
export class RpcError extends YumavalError {
  constructor(
    /** The JSON-RPC error code (−32601, 4003, ...). */
    readonly rpcCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message, 'ERR_RPC');
  }

  /** The error object to send. */
  toObject(): RpcErrorObject {
    return this.data === undefined ? { code: this.rpcCode, message: this.message } : { code: this.rpcCode, message: this.message, data: this.data };
  }
}

/** jsonrpsee's codes and messages for the protocol-level errors. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
export const TOO_MANY_SUBSCRIPTIONS = -32006;
export const OVERSIZED_REQUEST = -32007;
export const OVERSIZED_RESPONSE = -32008;
export const SERVER_IS_BUSY = -32009;
export const TOO_BIG_BATCH_REQUEST = -32010;
export const TOO_BIG_BATCH_RESPONSE = -32011;

/** "Parse error" (−32700): the frame is not JSON. */
export function parseError(): RpcError {
  return new RpcError(PARSE_ERROR, 'Parse error');
}

/** "Invalid request" (−32600): JSON, but not a JSON-RPC 2.0 request object. */
export function invalidRequest(): RpcError {
  return new RpcError(INVALID_REQUEST, 'Invalid request');
}

/** "Method not found" (−32601). */
export function methodNotFound(): RpcError {
  return new RpcError(METHOD_NOT_FOUND, 'Method not found');
}

/** "Invalid params" (−32602) with the reason as data, as jsonrpsee reports a parameter that does not deserialize. */
export function invalidParams(reason: string): RpcError {
  return new RpcError(INVALID_PARAMS, 'Invalid params', reason);
}

/** "Internal error" (−32603): a bug on our side; the reason goes in data. */
export function internalError(reason: string): RpcError {
  return new RpcError(INTERNAL_ERROR, 'Internal error', reason);
}

/** jsonrpsee's answer when a connection would exceed its subscription limit. */
export function tooManySubscriptions(limit: number): RpcError {
  return new RpcError(TOO_MANY_SUBSCRIPTIONS, 'Too many subscriptions on the connection', `Exceeded max limit of ${limit}`);
}

/** jsonrpsee's answer to a request larger than the server's request limit. */
export function oversizedRequest(limit: number): RpcError {
  return new RpcError(OVERSIZED_REQUEST, 'Request is too big', `Exceeded max limit of ${limit}`);
}

/** jsonrpsee's answer to one request whose reply is larger than the server's reply limit (with the request's id). */
export function oversizedResponse(limit: number): RpcError {
  return new RpcError(OVERSIZED_RESPONSE, 'Response is too big', `Exceeded max limit of ${limit}`);
}

/** jsonrpsee's answer when the bytes the server holds for its clients are at their limit. */
export function serverIsBusy(): RpcError {
  return new RpcError(SERVER_IS_BUSY, 'Server is busy, try again later');
}

/** jsonrpsee's answer to a batch with more requests than the server's batch limit (none of them is run). */
export function tooBigBatchRequest(limit: number): RpcError {
  return new RpcError(TOO_BIG_BATCH_REQUEST, 'The batch request was too large', `Exceeded max limit of ${limit}`);
}

/** jsonrpsee's answer to a batch whose replies add up to more than the server's reply limit. */
export function tooBigBatchResponse(limit: number): RpcError {
  return new RpcError(TOO_BIG_BATCH_RESPONSE, 'The batch response was too large', `Exceeded max limit of ${limit}`);
}

/**
 * A block the devnet no longer holds (history retention, --keep-blocks): code 3000 from chain_* and 4003 from state_*,
 * worded as a pruning node words discarded state, with the devnet's reason after it.
 */
export function prunedBlock(module: 'chain' | 'state', number: number, hash: string | null, keep: number): RpcError {
  const what = hash === null ? `block #${number}` : hash;
  return new RpcError(
    module === 'chain' ? 3000 : 4003,
    `Client error: UnknownBlock: State already discarded for ${what}: block #${number} was pruned: this devnet keeps the last ${keep} blocks (--keep-blocks)`,
  );
}

/** sc-client-db's message for a hash it has no header for. */
function headerNotFound(hash: string): string {
  return `Header was not found in the database: ${hash}`;
}

/** State RPC (4003) for a storage read at an unknown block: "Client error: UnknownBlock: Header was not found ...". */
export function unknownBlockState(hash: string): RpcError {
  return new RpcError(4003, `Client error: UnknownBlock: ${headerNotFound(hash)}`);
}

/** State RPC (4003) for a runtime API (metadata, version) at an unknown block: "... Api called for an unknown Block ...". */
export function unknownBlockApi(hash: string): RpcError {
  return new RpcError(4003, `Client error: Api called for an unknown Block: ${headerNotFound(hash)}`);
}

/**
 * State RPC (4001) for a block range with an unknown end (state_queryStorage, state_queryStorageAt). sc-rpc formats the
 * hashes with `{:?}` twice, once into a String and once more in the message, hence the quotes inside quotes.
 */
export function invalidBlockRange(from: string, to: string | null, unknown: string): RpcError {
  const toText = to === null ? 'None' : `Some(${to})`;
  return new RpcError(4001, `Cannot resolve a block range ['"${from}"' ... '"${toText}"]. UnknownBlock: ${headerNotFound(unknown)}`);
}

/** State RPC (4001) for a range whose start is after its end (each end as "number (hash)"). */
export function reversedBlockRange(from: { number: number; hash: string }, to: { number: number; hash: string }): RpcError {
  const text = (b: { number: number; hash: string }): string => `${b.number} (${b.hash})`;
  return new RpcError(4001, `Cannot resolve a block range ['"${text(from)}"' ... '"${text(to)}"]. from number > to number`);
}

/** State RPC (4002) for state_getKeysPaged with a count above the node's maximum. */
export function invalidCount(value: number, max: number): RpcError {
  return new RpcError(4002, `count exceeds maximum value. value: ${value}, max: ${max}`);
}

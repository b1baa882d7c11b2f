/*
 * Every `code` a YumavalError may carry, in one list: the type ErrorCode is its union, YumavalError's constructor
 * takes only these, and src/cli/exit-codes.ts classifies each (input error, exit 2, or failure, exit 1) in a table
 * typed by it, so a new code does not compile until it is added here and classified there. Grouped by module.
 */

/** The stable error codes, one per YumavalError subclass (or per YumavalError made directly). */
export const ERROR_CODES = [
  // src/errors
  'ERR_INVALID_INPUT', 'ERR_INVALID_JSON', 'ERR_INVALID_OPTION', 'ERR_WASM_LOAD', 'ERR_ENGINE_ABORT', 'ERR_FILE_READ',
  'ERR_FILE_WRITE', 'ERR_RUNTIME_DATA',
  // src/chain (connection, storage, subnet reads) and src/chain/weights
  'ERR_CHAIN_CONNECT', 'ERR_CHAIN_TIMEOUT', 'ERR_BLOCK_NOT_FOUND', 'ERR_CHAIN_RUNTIME', 'ERR_SUBNET_NOT_FOUND',
  'ERR_WEIGHTS_PREVALIDATION', 'ERR_WEIGHTS_DISPATCH', 'ERR_WEIGHTS_REJECTED', 'ERR_WEIGHTS_UNCONFIRMED', 'ERR_WEIGHTS_WAIT',
  'ERR_REVEAL_EXPIRED', 'ERR_EXTRINSIC_NOT_IN_BLOCK',
  // src/timelock
  'ERR_TIMELOCK_ROUND', 'ERR_TIMELOCK_CIPHERTEXT', 'ERR_TIMELOCK_KEY', 'ERR_TIMELOCK_PAYLOAD', 'ERR_TIMELOCK_WORKER',
  // src/store
  'ERR_STORE_OPEN', 'ERR_STORE_VERSION', 'ERR_STORE_KIND', 'ERR_STORE_NOT_FOUND', 'ERR_STORE_INPUT', 'ERR_STORE_TRANSITION',
  // src/replay
  'ERR_ARCHIVE_CONTENT', 'ERR_REPLAY_ABORTED',
  // src/dendrite (and its wire protocol)
  'ERR_DENDRITE_START', 'ERR_DENDRITE_QUERY', 'ERR_DENDRITE_CLOSED', 'ERR_PY_JSON', 'ERR_PY_VALUE', 'ERR_RESPONSE_PARSE',
  'ERR_SIGNATURE_FORMAT', 'ERR_SYNAPSE_HEADERS', 'ERR_SYNAPSE_INPUT', 'ERR_SYNAPSE_SPEC',
  // src/miner, src/task, src/keys
  'ERR_AXON_LISTEN', 'ERR_HANDLER_RESULT', 'ERR_UNKNOWN_PROFILE', 'ERR_KEY',
  // src/service
  'ERR_WATCHDOG', 'ERR_NOT_REGISTERED', 'ERR_METRICS_LISTEN',
  // src/tune
  'ERR_TUNE_QUEUE',
  // src/devnet
  'ERR_DISPATCH', 'ERR_RPC', 'ERR_TX_REJECTED',
] as const;

/** A stable machine-readable error code: one of ERROR_CODES. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** True when a string (a code that crossed a thread or process boundary) is one of ERROR_CODES. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

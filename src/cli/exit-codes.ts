import type { ErrorCode } from '../errors/index.js';

/*
 * How the CLI exits on a YumavalError: 2 for input the user can fix (bad JSON, bad fields, bad options, a file that
 * cannot be read or written, an archive or store of the wrong kind), 1 for anything else. The table is typed by
 * ErrorCode, so a code added to src/errors/codes.ts does not compile until it is classified here. (Commands with their
 * own exit codes, such as `validator`'s watchdog code, return them before this table is consulted.)
 */

/** `input`: the user can fix it (exit 2); `failure`: anything else (exit 1). */
export type ErrorKind = 'input' | 'failure';

/** Every error code's kind. */
export const ERROR_KINDS: Readonly<Record<ErrorCode, ErrorKind>> = Object.freeze({
  ERR_INVALID_INPUT: 'input',
  ERR_INVALID_JSON: 'input',
  ERR_INVALID_OPTION: 'input',
  ERR_FILE_READ: 'input',
  ERR_FILE_WRITE: 'input',
  ERR_ARCHIVE_CONTENT: 'input',
  ERR_STORE_KIND: 'input',
  ERR_WASM_LOAD: 'failure',
  ERR_ENGINE_ABORT: 'failure',
  ERR_RUNTIME_DATA: 'failure',
  ERR_CHAIN_CONNECT: 'failure',
  ERR_CHAIN_TIMEOUT: 'failure',
  ERR_BLOCK_NOT_FOUND: 'failure',
  ERR_CHAIN_RUNTIME: 'failure',
  ERR_SUBNET_NOT_FOUND: 'failure',
  ERR_WEIGHTS_PREVALIDATION: 'failure',
  ERR_WEIGHTS_DISPATCH: 'failure',
  ERR_WEIGHTS_REJECTED: 'failure',
  ERR_WEIGHTS_UNCONFIRMED: 'failure',
  ERR_WEIGHTS_WAIT: 'failure',
  ERR_REVEAL_EXPIRED: 'failure',
  ERR_EXTRINSIC_NOT_IN_BLOCK: 'failure',
  // The timelock command re-labels these as ERR_INVALID_INPUT naming the option (timelock-command.ts).
  ERR_TIMELOCK_ROUND: 'failure',
  ERR_TIMELOCK_CIPHERTEXT: 'failure',
  ERR_TIMELOCK_KEY: 'failure',
  ERR_TIMELOCK_PAYLOAD: 'failure',
  ERR_TIMELOCK_WORKER: 'failure',
  ERR_STORE_OPEN: 'failure',
  ERR_STORE_VERSION: 'failure',
  ERR_STORE_NOT_FOUND: 'failure',
  ERR_STORE_INPUT: 'failure',
  ERR_STORE_TRANSITION: 'failure',
  ERR_REPLAY_ABORTED: 'failure',
  ERR_DENDRITE_START: 'failure',
  ERR_DENDRITE_QUERY: 'failure',
  ERR_DENDRITE_CLOSED: 'failure',
  ERR_PY_JSON: 'failure',
  ERR_PY_VALUE: 'failure',
  ERR_RESPONSE_PARSE: 'failure',
  ERR_SIGNATURE_FORMAT: 'failure',
  ERR_SYNAPSE_HEADERS: 'failure',
  ERR_SYNAPSE_INPUT: 'failure',
  ERR_SYNAPSE_SPEC: 'failure',
  ERR_AXON_LISTEN: 'failure',
  ERR_HANDLER_RESULT: 'failure',
  ERR_UNKNOWN_PROFILE: 'failure',
  ERR_KEY: 'failure',
  ERR_WATCHDOG: 'failure',
  ERR_NOT_REGISTERED: 'failure',
  ERR_METRICS_LISTEN: 'failure',
  ERR_TUNE_QUEUE: 'failure',
  ERR_DISPATCH: 'failure',
  ERR_RPC: 'failure',
  ERR_TX_REJECTED: 'failure',
});

/** The codes that exit 2, derived from ERROR_KINDS. */
export const INPUT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set(
  (Object.keys(ERROR_KINDS) as ErrorCode[]).filter((code) => ERROR_KINDS[code] === 'input'),
);

/** The CLI's exit code for an error code: 2 for an input error, 1 otherwise. */
export function exitCodeFor(code: ErrorCode): 1 | 2 {
  return ERROR_KINDS[code] === 'input' ? 2 : 1;
}

import type { ErrorCode } from './codes.js';

/**
 * Every failure yumaval reports is a YumavalError subclass with a stable `code`, one class per failure,
 * so callers can branch on `err.code` instead of parsing messages.
 */
export class YumavalError extends Error {
  /** A stable machine-readable identifier, e.g. `ERR_INVALID_INPUT` (one of codes.ts's ERROR_CODES). */
  readonly code: ErrorCode;

  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that breaks a contract: the message names the field path (and index) that is wrong. */
export class InvalidInputError extends YumavalError {
  /** Path of the offending field, e.g. `weights[3][1][0]`, or `` for the whole document. */
  readonly path: string;

  constructor(path: string, detail: string) {
    super(path === '' ? detail : `${path}: ${detail}`, 'ERR_INVALID_INPUT');
    this.path = path;
  }
}

/** Input that is not JSON at all. */
export class InvalidJsonError extends YumavalError {
  constructor(source: string, detail: string) {
    super(`${source}: not valid JSON (${detail})`, 'ERR_INVALID_JSON');
  }
}

/** An option value given to a library call or the CLI that is not one of the accepted values. */
export class InvalidOptionError extends YumavalError {
  constructor(option: string, detail: string) {
    super(`option ${option}: ${detail}`, 'ERR_INVALID_OPTION');
  }
}

/** The WebAssembly engine could not be loaded (missing build, failed instantiation). */
export class WasmLoadError extends YumavalError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`cannot load the wasm engine: ${detail}`, 'ERR_WASM_LOAD', options);
  }
}

/** The wasm engine stopped on an internal abort (out of memory, or a bug): the run produced nothing. */
export class EngineAbortError extends YumavalError {
  constructor(detail: string) {
    super(`the wasm engine aborted: ${detail}`, 'ERR_ENGINE_ABORT');
  }
}

/** A file the caller named could not be read. */
export class FileReadError extends YumavalError {
  constructor(file: string, detail: string) {
    super(`cannot read ${file}: ${detail}`, 'ERR_FILE_READ');
  }
}

/** A result file or folder could not be written (the path, then the system's reason). */
export class FileWriteError extends YumavalError {
  constructor(path: string, detail: string) {
    super(`cannot write ${path}: ${detail}`, 'ERR_FILE_WRITE');
  }
}

/** The devnet's runtime data (metadata, its constants) is missing or unusable. */
export class RuntimeDataError extends YumavalError {
  constructor(detail: string) {
    super(`the devnet runtime data is unusable: ${detail}`, 'ERR_RUNTIME_DATA');
  }
}

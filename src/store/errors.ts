import { showPath, YumavalError } from '../errors/index.js';

/** The store file cannot be opened or migrated (path, then the reason). */
export class StoreOpenError extends YumavalError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(`cannot open the store ${showPath(file)}: ${detail}`, 'ERR_STORE_OPEN', options);
  }
}

/** The store was written by a newer yumaval (a schema version this build does not know). */
export class StoreVersionError extends YumavalError {
  constructor(file: string, found: number, known: number) {
    super(`the store ${file} has schema version ${found}, newer than this yumaval knows (${known}): upgrade yumaval or use another --db`, 'ERR_STORE_VERSION');
  }
}

/** The file is a SQLite file of another kind (a replay archive given as a validator store, or the reverse). */
export class StoreKindError extends YumavalError {
  constructor(file: string, expected: string, found: string) {
    super(`${showPath(file)} is not a ${expected} (it is ${found}): give the right file`, 'ERR_STORE_KIND');
  }
}

/** A row the caller named does not exist. */
export class StoreNotFoundError extends YumavalError {
  constructor(what: string, id: number) {
    super(`${what} ${id} is not in the store`, 'ERR_STORE_NOT_FOUND');
  }
}

/** A state change the commit-intent state machine does not allow (e.g. finalized → submitted). */
export class InvalidTransitionError extends YumavalError {
  constructor(readonly intentId: number, readonly from: string, readonly to: string) {
    super(`commit intent ${intentId}: cannot go from ${from} to ${to}`, 'ERR_STORE_TRANSITION');
  }
}

/** A value handed to a repository that cannot be stored as given (the field, then why). */
export class StoreInputError extends YumavalError {
  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`, 'ERR_STORE_INPUT');
  }
}

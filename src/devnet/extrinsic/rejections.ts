import { TxRejected } from '../node-types.js';

/*
 * How a Substrate node answers a refused extrinsic over JSON-RPC, reproduced exactly: the codes and messages of
 * polkadot-sdk `substrate/client/rpc-api/src/author/error.rs` (base 1000: BAD_FORMAT 1001, POOL_INVALID_TX 1010,
 * POOL_UNKNOWN_VALIDITY 1011, POOL_TEMPORARILY_BANNED 1012, POOL_ALREADY_IMPORTED 1013, POOL_TOO_LOW_PRIORITY 1014, POOL_IMMEDIATELY_DROPPED 1016,
 * OTHER_ERR 1040) and, as `data`, the `&'static str` forms of `InvalidTransaction` from sp-runtime
 * `transaction_validity.rs` (for 1011 the data is the Debug form of `UnknownTransaction`, e.g. "CannotLookup").
 */

/** sp-runtime's InvalidTransaction variants this node can produce, with their exact strings. */
export const INVALID_TRANSACTION = Object.freeze({
  Call: 'Transaction call is not expected',
  Payment: 'Inability to pay some fees (e.g. account balance too low)',
  Future: 'Transaction will be valid in the future',
  Stale: 'Transaction is outdated',
  BadProof: 'Transaction has a bad signature',
  AncientBirthBlock: 'Transaction has an ancient birth block',
  ExhaustsResources: 'Transaction would exhaust the block limits',
  BadSigner: 'Invalid signing address',
  MandatoryValidation: 'Transaction dispatch is mandatory; transactions must not be validated.',
});

/** An InvalidTransaction variant's name. */
export type InvalidKind = keyof typeof INVALID_TRANSACTION;

/** sp-runtime's UnknownTransaction variants this node can produce (the RPC data is the variant's Debug form). */
export type UnknownKind = 'CannotLookup' | 'NoUnsignedValidator';

/** 1010 "Invalid Transaction" with the variant's string as data (author/error.rs, `PoolError::InvalidTransaction`). */
export function invalidTransaction(kind: InvalidKind): TxRejected {
  return new TxRejected(1010, 'Invalid Transaction', INVALID_TRANSACTION[kind]);
}

/** 1010 "Invalid Transaction" for `InvalidTransaction::Custom(code)` (a runtime's own signed extension refusing). */
export function customInvalid(code: number): TxRejected {
  return new TxRejected(1010, 'Invalid Transaction', `Custom error: ${code}`);
}

/** 1011 "Unknown Transaction Validity" with the variant's Debug form as data. */
export function unknownTransaction(kind: UnknownKind): TxRejected {
  return new TxRejected(1011, 'Unknown Transaction Validity', kind);
}

/** 1013 "Transaction Already Imported"; the data is the hash's Debug form (full 0x hex). */
export function alreadyImported(hash: string): TxRejected {
  return new TxRejected(1013, 'Transaction Already Imported', hash);
}

/** 1012 "Transaction is temporarily banned": the pool recently included or dropped this very transaction. */
export function temporarilyBanned(): TxRejected {
  return new TxRejected(1012, 'Transaction is temporarily banned', '');
}

/** 1014: another transaction with the same sender and nonce is in the pool, with a priority at least as high. */
export function tooLowPriority(old: bigint, next: bigint): TxRejected {
  return new TxRejected(
    1014,
    `Priority is too low: (${old} vs ${next})`,
    'The transaction has too low priority to replace another transaction already in the pool.',
  );
}

/** 1016 "Immediately Dropped": the pool is full. */
export function immediatelyDropped(): TxRejected {
  return new TxRejected(1016, 'Immediately Dropped', "The transaction couldn't enter the pool because of the limit");
}

/**
 * Bytes that do not decode as an extrinsic. A node answers author_submitExtrinsic with `Error::Client` (1040,
 * "Client error: <codec error>") and author_submitAndWatchExtrinsic with `Error::BadFormat` (1001, "Extrinsic has
 * invalid format: <codec error>"); the codec's own wording is not reproduced, the decoder's is given instead.
 */
export function badFormat(detail: string, watched: boolean): TxRejected {
  return watched
    ? new TxRejected(1001, `Extrinsic has invalid format: ${detail}`, '')
    : new TxRejected(1040, `Client error: ${detail}`, '');
}

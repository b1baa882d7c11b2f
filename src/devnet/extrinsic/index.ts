export { checkExtrinsic, decodeExtrinsic, runValidators } from './check.js';
export type { Call, CheckEnv, CheckedTx, TransactionValidator } from './check.js';
export { eraBirth, eraDeath, eraRecheck, mortalityOf } from './era.js';
export type { Mortality } from './era.js';
export { TxPool } from './pool.js';
export type { PoolEntry, PoolLimits } from './pool.js';
export {
  INVALID_TRANSACTION,
  invalidTransaction,
  unknownTransaction,
  alreadyImported,
  temporarilyBanned,
  tooLowPriority,
  immediatelyDropped,
  badFormat,
  customInvalid,
} from './rejections.js';
export type { InvalidKind, UnknownKind } from './rejections.js';
export { signingPayload } from './signing-payload.js';

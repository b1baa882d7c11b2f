export {
  YumavalError,
  InvalidInputError,
  InvalidJsonError,
  InvalidOptionError,
  WasmLoadError,
  EngineAbortError,
  FileReadError,
  FileWriteError,
  RuntimeDataError,
} from './errors.js';
export { ERROR_CODES, isErrorCode } from './codes.js';
export type { ErrorCode } from './codes.js';
export { describeValue } from './describe-value.js';
export { nearestName } from './nearest-name.js';
export { looksLikeSecret, scrubSecrets, showPath, showValue } from './secret-text.js';

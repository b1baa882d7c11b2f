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
export { describeValue } from './describe-value.js';

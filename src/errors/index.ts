export {
  YumavalError,
  InvalidInputError,
  InvalidJsonError,
  InvalidOptionError,
  WasmLoadError,
  EngineAbortError,
  FileReadError,
  FileWriteError,
} from './errors.js';
export { describeValue } from './describe-value.js';

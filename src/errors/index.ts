export {
  YumavalError,
  InvalidInputError,
  InvalidJsonError,
  InvalidOptionError,
  WasmLoadError,
  EngineAbortError,
  FileReadError,
} from './errors.js';

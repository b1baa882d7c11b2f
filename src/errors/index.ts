export {
  YumavalError,
  InvalidInputError,
  InvalidJsonError,
  InvalidOptionError,
  WasmLoadError,
  FileReadError,
} from './errors.js';

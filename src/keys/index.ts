export { loadKey, KeyError, LOAD_KEY_DEFAULTS } from './load-key.js';
export type { KeySource, LoadKeyOptions, LoadedKey } from './load-key.js';

export { currentGeneration, ensureHelper, getEngine, MEMORY_PAGES, startRun, WASM_URL } from './engine.js';
export { helperFailed } from './helper.js';
export type { YumaWasmExports } from './engine.js';
export { P, R, V, PARAM_SLOTS, RESULT_SLOTS, LAYOUT_VERSION } from './layout.js';

import { readFileSync } from 'node:fs';
import { instantiateSync } from '@assemblyscript/loader';
import { EngineAbortError, WasmLoadError } from '../errors/index.js';
import { startHelper } from './helper.js';
import { LAYOUT_VERSION } from './layout.js';

/** The functions the wasm module exports (assembly/index.ts). i64 values cross the boundary as bigint. */
export interface YumaWasmExports {
  memory: { readonly buffer: ArrayBuffer };
  controlBlock(): number;
  setHelpers(k: number): void;
  helperTask(seq: number): number;
  settle(): void;
  alloc(bytes: number): number;
  reset(): void;
  layoutVersion(): number;
  epochExact(params: number): number;
  epochF64(params: number): number;
  scoreRun(desc: number): number;
  scoreMirror(result: number): void;
  fxMulSat(a: bigint, b: bigint): bigint;
  fxMulCheckedOrZero(a: bigint, b: bigint): bigint;
  fxSafeDiv(a: bigint, b: bigint): bigint;
  fxDivSat(a: bigint, b: bigint): bigint;
  fxExpSafe(x: bigint): bigint;
  fxEmissionRao(x: bigint, rao: bigint): bigint;
  fxProportionToU16(x: bigint): number;
}

/** Where the release build puts the module: build/ at the package root (two levels above src/wasm and dist/wasm). */
export const WASM_URL = new URL('../../build/yuma.wasm', import.meta.url);

/**
 * The engine's memory: 2 GiB, shared with the helper thread, and fixed in size. V8 compiles accesses to a growable
 * shared memory with bounds checks that cost a third of the engine's speed; a fixed reservation costs only address
 * space, since pages are backed on first touch.
 */
export const MEMORY_PAGES = 32768;

let engine: YumaWasmExports | undefined;
let compiled: { module: WebAssembly.Module; memory: WebAssembly.Memory } | undefined;
/** 'off' before a helper is asked for, then 'on' or the reason there is none. */
let helperState = 'off';

/**
 * The engine of this thread, instantiated on first use and then reused: one instance per thread (each worker
 * thread has its own module state, so it gets its own instance).
 */
export function getEngine(): YumaWasmExports {
  if (engine !== undefined) return engine;
  let bytes: Buffer;
  try {
    bytes = readFileSync(WASM_URL);
  } catch (err) {
    throw new WasmLoadError(`${WASM_URL.pathname} is missing; run \`npm run build\` first`, { cause: err });
  }
  let exports: YumaWasmExports;
  try {
    const module = new WebAssembly.Module(bytes);
    const memory = new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES, shared: true });
    compiled = { module, memory };
    const instance = instantiateSync<Record<string, unknown>>(module, {
      env: {
        memory,
        abort(msg: number, file: number, line: number, column: number): never {
          const text = readString(memory, msg), where = readString(memory, file);
          throw new EngineAbortError(`${text === '' ? 'abort' : text} at ${where === '' ? 'assembly' : where}:${line}:${column}`);
        },
      },
    });
    exports = instance.exports as unknown as YumaWasmExports;
  } catch (err) {
    throw new WasmLoadError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  if (exports.layoutVersion() !== LAYOUT_VERSION) {
    throw new WasmLoadError(
      `build/yuma.wasm has call layout ${exports.layoutVersion()}, this code expects ${LAYOUT_VERSION}: rebuild with \`npm run build\``,
    );
  }
  engine = exports;
  return engine;
}

/**
 * Starts the helper thread that runs half of the big steps, once, when a run is large enough to gain from it. Not
 * on one core, nor with YUMAVAL_THREADS=1, nor on a worker thread unless YUMAVAL_THREADS=2. Returns 'on' or the
 * reason there is no helper.
 */
export function ensureHelper(): string {
  if (helperState !== 'off') return helperState;
  const e = getEngine();
  const { module, memory } = compiled as { module: WebAssembly.Module; memory: WebAssembly.Memory };
  helperState = startHelper(module, memory);
  e.setHelpers(helperState === 'on' ? 1 : 0);
  return helperState;
}

/** An AssemblyScript string (UTF-16, byte length in the word before it) from the engine's memory, or ''. */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  const buf = memory.buffer;
  if (ptr < 4 || ptr >= buf.byteLength) return '';
  const bytes = new Uint32Array(buf, ptr - 4, 1)[0] as number;
  if (bytes > 4096 || ptr + bytes > buf.byteLength) return '';
  return String.fromCharCode(...new Uint16Array(buf.slice(ptr, ptr + (bytes & ~1))));
}

let generation = 0;

/**
 * Resets the engine's heap for a new run and returns the run's generation. A result block stays readable until the
 * next run starts: readers compare their generation with `currentGeneration()` before trusting the heap.
 */
export function startRun(): { engine: YumaWasmExports; generation: number } {
  const e = getEngine();
  e.reset();
  generation++;
  return { engine: e, generation };
}

/** The generation of the latest run on this thread's engine (0 before the first). */
export function currentGeneration(): number {
  return generation;
}

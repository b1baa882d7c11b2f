import { readFileSync } from 'node:fs';
import { instantiateSync } from '@assemblyscript/loader';
import { EngineAbortError, WasmLoadError } from '../errors/index.js';
import { LAYOUT_VERSION } from './layout.js';

/** The functions the wasm module exports (assembly/index.ts). i64 values cross the boundary as bigint. */
export interface YumaWasmExports {
  memory: { readonly buffer: ArrayBuffer };
  alloc(bytes: number): number;
  reset(): void;
  layoutVersion(): number;
  epochExact(params: number): number;
  epochF64(params: number): number;
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

let engine: YumaWasmExports | undefined;

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
    const module = instantiateSync<Record<string, unknown>>(bytes, {
      env: {
        abort(_msg: number, _file: number, line: number, column: number): never {
          throw new EngineAbortError(`at assembly line ${line}:${column}`);
        },
      },
    });
    exports = module.exports as unknown as YumaWasmExports;
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

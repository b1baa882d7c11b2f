// The wasm module's exports: memory management for the host, the epoch engines, and the fixed-point primitives
// (exported so that tests can check each one against the BigInt reference).
import { LAYOUT_VERSION } from './layout';

export { epochExact } from './epoch';
export { epochF64 } from './epoch-f64';
export { scoreMirror, scoreRun } from './infovalue';
export {
  mulSat as fxMulSat,
  mulCheckedOrZero as fxMulCheckedOrZero,
  safeDiv as fxSafeDiv,
  divSat as fxDivSat,
  emissionRao as fxEmissionRao,
  proportionToU16 as fxProportionToU16,
} from './fixed';
export { expSafe as fxExpSafe } from './exp';
export { controlBlock, helperTask, setHelpers, settle } from './parallel';

/** The layout version of the parameter and result blocks; the host refuses a mismatch. */
export function layoutVersion(): i32 {
  return LAYOUT_VERSION;
}

/** Allocates `bytes` for the host to fill. Valid until the next `reset`. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes < 8 ? <usize>8 : bytes);
}

/** Frees everything allocated since the module started: call before each run. */
export function reset(): void {
  heap.reset();
}

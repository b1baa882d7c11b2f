// The result block both engines return (layout.ts): pointers to the output vectors, packed for bulk reads.
import * as L from './layout';
import { allocRaw, allocZeroed, setI64 } from './mem';

/** Allocates the six output vectors of n 8-byte values as one block (see L.R_VECTORS). */
export function allocVectors(n: i32): usize {
  return allocZeroed(<usize>(6 * n) << 3);
}

/** The address of vector `which` (L.V_*) in a block from allocVectors. */
// @ts-ignore: decorator
@inline export function vectorAt(block: usize, n: i32, which: i32): usize {
  return block + (<usize>(which * n) << 3);
}

/** Allocates the u16 outputs (5n) and the emissions (3n u64). */
export function allocU16s(n: i32): usize {
  return allocRaw(<usize>(5 * n) << 1);
}

export function allocEmissions(n: i32): usize {
  return allocRaw(<usize>(3 * n) << 3);
}

/** Fills the result block. */
export function resultBlock(
  active: usize, permits: usize, vectors: usize, u16s: usize, emissions: usize, bondsPtr: usize, bonds: usize,
): usize {
  const res = allocZeroed(<usize>L.RESULT_SLOTS << 3);
  setI64(res, L.R_ACTIVE, <i64>active);
  setI64(res, L.R_PERMIT, <i64>permits);
  setI64(res, L.R_VECTORS, <i64>vectors);
  setI64(res, L.R_U16, <i64>u16s);
  setI64(res, L.R_EMISSIONS, <i64>emissions);
  setI64(res, L.R_BONDS_PTR, <i64>bondsPtr);
  setI64(res, L.R_BONDS, <i64>bonds);
  return res;
}

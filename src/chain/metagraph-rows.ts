import { csrToPairs } from '../yuma/index.js';
import type { CsrArrays } from '../yuma/index.js';
import type { Metagraph } from './types.js';

/*
 * The weights and bonds of a synced metagraph, kept as the sync decodes them: CSR arrays (row offsets, uids, values).
 * `Metagraph.weights` and `.bonds` stay what the type says, rows of `[uid, u16]` pairs, but are built from the arrays
 * on first read. At n = 4096 a dense subnet stores a million pairs; a caller that goes straight to the engine
 * (metagraphToEpochArrays: the replay, `metagraph --epoch-input`) never reads them, so never pays for them.
 *
 * The arrays are held beside the metagraph (a WeakMap, so JSON, spreads and structured clones see only the plain
 * fields) and forgotten once the rows are built or assigned: after that the rows may be changed in place, and they,
 * not the arrays, are the metagraph's state.
 */

type Matrix = 'weights' | 'bonds';

const held = new WeakMap<Metagraph, Partial<Record<Matrix, CsrArrays>>>();

/** Replaces a lazy field by a plain data property holding `rows`, and forgets its arrays. */
function settle(m: Metagraph, key: Matrix, rows: Metagraph[Matrix]): void {
  const h = held.get(m);
  if (h !== undefined) delete h[key];
  Object.defineProperty(m, key, { value: rows, writable: true, enumerable: true, configurable: true });
}

/**
 * Makes `m.weights` and `m.bonds` lazy views of CSR arrays (the fields must already exist, so that their place in the
 * key order, and with it JSON output, is unchanged). Returns `m`.
 */
export function withCsrRows(m: Metagraph, matrices: Record<Matrix, CsrArrays>): Metagraph {
  held.set(m, { ...matrices });
  for (const key of ['weights', 'bonds'] as const) {
    const csr = matrices[key];
    Object.defineProperty(m, key, {
      enumerable: true,
      configurable: true,
      get(this: Metagraph) {
        const rows = csrToPairs(csr);
        settle(this, key, rows);
        return rows;
      },
      set(this: Metagraph, rows: Metagraph[Matrix]) {
        settle(this, key, rows);
      },
    });
  }
  return m;
}

/** The CSR arrays of a metagraph's weights or bonds as the sync decoded them, while their rows have not been built. */
export function csrOf(m: Metagraph, key: Matrix): CsrArrays | undefined {
  return held.get(m)?.[key];
}

import type { CsrArrays } from './arrays.js';
import type { SparseRow } from './types.js';

/*
 * Weights and bonds held as CSR arrays (row offsets, uids, values) behind fields typed as rows of `[uid, u16]` pairs
 * (a synced Metagraph, a replay snapshot's EpochInput). The rows are built on first read; a caller that goes straight
 * to the engine's typed-array entry never reads them, so never pays for them: at n = 4096 a dense subnet has a
 * million pairs, several times the epoch's own cost to build.
 *
 * The arrays are held beside the object (a WeakMap, so JSON, spreads and structured clones see only the plain fields)
 * and forgotten once the rows are built or assigned: from then on the rows may be changed in place, and they, not the
 * arrays, are the object's state.
 */

/** The fields that may be lazy. */
export type RowsKey = 'weights' | 'bonds';

type WithRows = Record<RowsKey, SparseRow[]>;

const held = new WeakMap<object, Partial<Record<RowsKey, CsrArrays>>>();

/** Replaces a lazy field by a plain data property holding `rows`, and forgets its arrays. */
function settle(o: object, key: RowsKey, rows: SparseRow[]): void {
  const h = held.get(o);
  if (h !== undefined) delete h[key];
  Object.defineProperty(o, key, { value: rows, writable: true, enumerable: true, configurable: true });
}

/**
 * Makes `o.weights` and `o.bonds` lazy views of CSR arrays, which must not change afterwards. The fields must already
 * exist, so that their place in the key order (and with it JSON output) is unchanged. Returns `o`.
 */
export function withLazyRows<T extends WithRows>(o: T, matrices: Record<RowsKey, CsrArrays>): T {
  held.set(o, { ...matrices });
  for (const key of ['weights', 'bonds'] as const) {
    const csr = matrices[key];
    Object.defineProperty(o, key, {
      enumerable: true,
      configurable: true,
      get(this: T) {
        const rows = csrToPairs(csr);
        settle(this, key, rows);
        return rows;
      },
      set(this: T, rows: SparseRow[]) {
        settle(this, key, rows);
      },
    });
  }
  return o;
}

/** The CSR arrays behind a lazy `weights` or `bonds` field, while its rows have not been built (else undefined). */
export function lazyRowsCsr(o: object, key: RowsKey): CsrArrays | undefined {
  return held.get(o)?.[key];
}

/** CSR arrays back to rows of `[uid, u16]` pairs (row i: entries offsets[i]..offsets[i+1]), in their order. */
export function csrToPairs(csr: CsrArrays): SparseRow[] {
  const { offsets, uids, values } = csr;
  const n = offsets.length - 1;
  const rows = new Array<SparseRow>(Math.max(n, 0));
  for (let i = 0; i < n; i++) {
    const start = offsets[i] as number;
    const row: SparseRow = new Array<[number, number]>((offsets[i + 1] as number) - start);
    for (let k = 0; k < row.length; k++) row[k] = [uids[start + k] as number, values[start + k] as number];
    rows[i] = row;
  }
  return rows;
}

import { arraysToEpochInput, lazyRowsCsr } from '../yuma/index.js';
import type { CsrArrays, EpochArrays, EpochInput, SparseRow } from '../yuma/index.js';

/*
 * A snapshot read from a chain keeps the typed-array form its input was built from (the metagraph sync's CSR arrays
 * and BigUint64Array stakes), and one read from the archive the typed sections it was packed in, so the replay runs
 * the engine's typed-array entry, and the snapshot's `[uid, u16]` rows
 * are built only when something reads them (the bonds by the diff, the weights only by a diagnosis, neither by the
 * archive, which packs the arrays). The form is kept beside the input (a WeakMap), never in the snapshot's JSON.
 *
 * An input's typed form is used only while its rows are unbuilt: rows once read may be changed in place, and then
 * the rows are the input. Its other fields must not be changed (the replay never does; overrides make a new input).
 */

const typed = new WeakMap<EpochInput, EpochArrays>();

/** The EpochInput of a typed-array input (rows built on first read), remembered with it. */
export function typedSnapshotInput(x: EpochArrays): EpochInput {
  const input = arraysToEpochInput(x);
  typed.set(input, x);
  return input;
}

/** Remembers the typed-array form of an input whose rows are lazy views of the same CSR arrays (an archived snapshot). */
export function rememberTypedForm(input: EpochInput, x: EpochArrays): void {
  typed.set(input, x);
}

/** The typed-array form an input was built from, while its rows are unbuilt; undefined otherwise. */
export function typedFormOf(input: EpochInput): EpochArrays | undefined {
  const x = typed.get(input);
  if (x === undefined || lazyRowsCsr(input, 'weights') === undefined || lazyRowsCsr(input, 'bonds') === undefined) return undefined;
  return x;
}

/** A CSR matrix without the entries whose uid is n or more (the same arrays when there are none). */
export function dropUidsFrom(csr: CsrArrays, n: number): CsrArrays {
  const { offsets, uids, values } = csr;
  let kept = 0;
  for (let k = 0; k < uids.length; k++) if ((uids[k] as number) < n) kept++;
  if (kept === uids.length) return csr;
  const rows = offsets.length - 1;
  const out = { offsets: new Int32Array(rows + 1), uids: new Uint16Array(kept), values: new Uint16Array(kept) };
  let w = 0;
  for (let i = 0; i < rows; i++) {
    for (let k = offsets[i] as number; k < (offsets[i + 1] as number); k++) {
      if ((uids[k] as number) >= n) continue;
      out.uids[w] = uids[k] as number;
      out.values[w++] = values[k] as number;
    }
    out.offsets[i + 1] = w;
  }
  return out;
}

/** A CSR matrix with some rows replaced (new arrays; the given ones are not changed). */
export function replaceRows(csr: CsrArrays, replaced: ReadonlyMap<number, SparseRow>): CsrArrays {
  if (replaced.size === 0) return csr;
  const { offsets, uids, values } = csr;
  const rows = offsets.length - 1;
  const lengthOf = (i: number): number => replaced.get(i)?.length ?? (offsets[i + 1] as number) - (offsets[i] as number);
  const out = { offsets: new Int32Array(rows + 1), uids: new Uint16Array(0), values: new Uint16Array(0) };
  for (let i = 0; i < rows; i++) out.offsets[i + 1] = (out.offsets[i] as number) + lengthOf(i);
  out.uids = new Uint16Array(out.offsets[rows] as number);
  out.values = new Uint16Array(out.uids.length);
  for (let i = 0; i < rows; i++) {
    const at = out.offsets[i] as number;
    const row = replaced.get(i);
    if (row === undefined) {
      out.uids.set(uids.subarray(offsets[i] as number, offsets[i + 1] as number), at);
      out.values.set(values.subarray(offsets[i] as number, offsets[i + 1] as number), at);
      continue;
    }
    row.forEach(([j, v], k) => { out.uids[at + k] = j; out.values[at + k] = v; });
  }
  return out;
}

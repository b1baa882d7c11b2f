import { currentGeneration, getEngine, R, RESULT_SLOTS, V } from '../wasm/index.js';
import { pairsToCsr } from './arrays.js';
import type { EpochBits, EpochMode, EpochOutput, SparseRow } from './types.js';

const TWO32 = 4294967296;

/** Decimal strings of n signed 64-bit values (pairs of 32-bit words), without a BigInt per value where a double is exact. */
function i64Strings(words: Int32Array, from: number, n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * (from + i)] as number;
    const hi = words[2 * (from + i) + 1] as number;
    // Below 2^53 in magnitude, hi·2^32 + lo (lo read unsigned) is exact.
    if (hi >= -0x200000 && hi < 0x200000) out[i] = String(hi * TWO32 + (lo >>> 0));
    else out[i] = (BigInt(hi) * 4294967296n + BigInt(lo >>> 0)).toString();
  }
  return out;
}

/** Decimal strings of n unsigned 64-bit values. */
function u64Strings(words: Uint32Array, from: number, n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * (from + i)] as number;
    const hi = words[2 * (from + i) + 1] as number;
    if (hi < 0x200000) out[i] = String(hi * TWO32 + lo);
    else out[i] = (BigInt(hi) * 4294967296n + BigInt(lo)).toString();
  }
  return out;
}

function bools(v: Uint8Array): boolean[] {
  const n = v.length;
  const out = new Array<boolean>(n);
  for (let i = 0; i < n; i++) out[i] = v[i] !== 0;
  return out;
}

function u16s(view: Uint16Array, from: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = view[from + i] as number;
  return out;
}

/** Rows of `[uid, u16]` pairs from the packed bonds ((uid << 16) | value). */
function bondRows(ptr: Int32Array, packed: Uint32Array, n: number): SparseRow[] {
  const rows = new Array<SparseRow>(n);
  for (let i = 0; i < n; i++) {
    const row: SparseRow = [];
    for (let k = ptr[i] as number, e = ptr[i + 1] as number; k < e; k++) {
      const x = packed[k] as number;
      row.push([x >>> 16, x & 0xffff]);
    }
    rows[i] = row;
  }
  return rows;
}

/** The regions of one result block, as views on the engine's heap or as copies the output owns. */
interface Regions {
  active: Uint8Array;
  permit: Uint8Array;
  u16: Uint16Array;
  emissions: Uint32Array;
  bondsPtr: Int32Array;
  bonds: Uint32Array;
  words: Int32Array;
}

function regionsAt(buf: ArrayBuffer, resPtr: number, n: number, copy: boolean): Regions {
  const slots = new BigInt64Array(buf, resPtr, RESULT_SLOTS);
  const at = (slot: number): number => Number(slots[slot]);
  const bondsPtr = new Int32Array(buf, at(R.BONDS_PTR), n + 1);
  const r: Regions = {
    active: new Uint8Array(buf, at(R.ACTIVE), n),
    permit: new Uint8Array(buf, at(R.PERMIT), n),
    u16: new Uint16Array(buf, at(R.U16), 5 * n),
    emissions: new Uint32Array(buf, at(R.EMISSIONS), 6 * n),
    bondsPtr,
    bonds: new Uint32Array(buf, at(R.BONDS), bondsPtr[n] as number),
    words: new Int32Array(buf, at(R.VECTORS), 12 * n),
  };
  if (!copy) return r;
  return {
    active: r.active.slice(), permit: r.permit.slice(), u16: r.u16.slice(), emissions: r.emissions.slice(),
    bondsPtr: r.bondsPtr.slice(), bonds: r.bonds.slice(), words: r.words.slice(),
  };
}

/** Runs the engine again on the same prepared input; returns the new result block's address. */
export type Recompute = () => number;

/**
 * Where an output's fields come from. The result block is read in place while no later run has reused the engine's
 * heap; after that, the first read recomputes the epoch from its prepared input (the engine is deterministic, so
 * the values are the same, bit for bit) and keeps a copy. Copying every result out eagerly would cost a fresh
 * multi-megabyte buffer per run at n = 4096, and garbage collections over the caller's live inputs.
 */
export class ResultSource {
  private copy: Regions | undefined;
  private recompute: Recompute | undefined;

  constructor(
    private readonly resPtr: number,
    private readonly generation: number,
    readonly n: number,
    recompute: Recompute,
  ) {
    this.recompute = recompute;
  }

  /** The result's regions, valid until the caller's next engine run. */
  regions(): Regions {
    if (this.copy !== undefined) return this.copy;
    if (currentGeneration() === this.generation) return regionsAt(getEngine().memory.buffer, this.resPtr, this.n, false);
    const res = (this.recompute as Recompute)();
    this.copy = regionsAt(getEngine().memory.buffer, res, this.n, true);
    return this.copy;
  }

  /** Drops the prepared input once every field has been built. */
  release(): void {
    this.recompute = undefined;
  }
}

type Key = keyof EpochOutput;

/**
 * Defines each key as an enumerable property built on first read, then stored as a plain value. JSON.stringify,
 * spreading and deep equality still see the full values; callers that read only a few fields pay only for those.
 */
function defineLazy(out: EpochOutput, source: ResultSource, builders: Partial<{ [K in Key]: (r: Regions) => EpochOutput[K] }>): void {
  let pending = Object.keys(builders).length;
  for (const [key, build] of Object.entries(builders) as Array<[Key, (r: Regions) => EpochOutput[Key]]>) {
    const store = (value: EpochOutput[Key]): EpochOutput[Key] => {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      if (--pending === 0) source.release();
      return value;
    };
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => store(build(source.regions())),
      set: (value: EpochOutput[Key]) => void store(value),
    });
  }
}

/** The result source of each lazy output, for the typed-array reads (bondsArrays). */
const sources = new WeakMap<EpochOutput, ResultSource>();

/** The stored bonds in CSR form (row i: entries offsets[i]..offsets[i+1]), as the typed-array entry takes them. */
export interface BondsArrays {
  offsets: Int32Array;
  uids: Uint16Array;
  values: Uint16Array;
}

/**
 * The bonds of an output of `runEpoch` as typed arrays, without building a `[uid, u16]` pair per entry (a million at
 * n = 4096): what a replay feeds to its next epoch. Read from the result block, or from `bonds` once that was built.
 */
export function bondsArrays(output: EpochOutput): BondsArrays {
  const built = Object.getOwnPropertyDescriptor(output, 'bonds');
  const source = sources.get(output);
  if (source === undefined || built === undefined || built.get === undefined) {
    return pairsToCsr(output.bonds);
  }
  const r = source.regions();
  const nnz = r.bondsPtr[source.n] as number;
  const uids = new Uint16Array(nnz), values = new Uint16Array(nnz);
  // Each packed entry is (uid << 16) | value: the little-endian halves of a u32.
  const halves = new Uint16Array(r.bonds.buffer, r.bonds.byteOffset, 2 * nnz);
  for (let k = 0; k < nnz; k++) {
    values[k] = halves[2 * k] as number;
    uids[k] = halves[2 * k + 1] as number;
  }
  return { offsets: r.bondsPtr.slice(), uids, values };
}

type Builders = Partial<{ [K in Key]: (r: Regions) => EpochOutput[K] }>;

/** How each EpochOutput field is built from a result block's regions. */
function builders(n: number, mode: EpochMode): Builders {
  const vec = (from: number) => (r: Regions): number[] => u16s(r.u16, from * n, n);
  const bits = (v: number) => (r: Regions): string[] => i64Strings(r.words, v * n, n);
  return {
    active: (r) => bools(r.active),
    validatorPermit: (r) => bools(r.permit),
    consensus: vec(1),
    incentive: vec(2),
    dividends: vec(3),
    validatorTrust: vec(4),
    stakeWeight: vec(0),
    serverEmission: (r) => u64Strings(r.emissions, 0, n),
    validatorEmission: (r) => u64Strings(r.emissions, n, n),
    emission: (r) => u64Strings(r.emissions, 2 * n, n),
    bonds: (r) => bondRows(r.bondsPtr, r.bonds, n),
    ...(mode === 'exact'
      ? {
          bits: (r: Regions): EpochBits => ({
            stake: bits(V.STAKE)(r),
            activeStake: bits(V.ACTIVE_STAKE)(r),
            consensus: bits(V.CONSENSUS)(r),
            incentive: bits(V.INCENTIVE)(r),
            dividends: bits(V.DIVIDENDS)(r),
            validatorTrust: bits(V.TRUST)(r),
          }),
        }
      : {}),
  };
}

/** The EpochOutput of the contract over a result block, with every field built on first read. */
export function lazyOutput(source: ResultSource, mode: EpochMode): EpochOutput {
  const out = {} as EpochOutput;
  sources.set(out, source);
  defineLazy(out, source, builders(source.n, mode));
  return out;
}

/**
 * Only the given fields of the latest run's result block, built at once as plain values (sweeps read a few fields of
 * many runs; the lazy layer would cost more than they do). `bits` is built in exact mode only.
 */
export function eagerFields<K extends Key>(resPtr: number, n: number, mode: EpochMode, keys: readonly K[]): Pick<EpochOutput, K> {
  const r = regionsAt(getEngine().memory.buffer, resPtr, n, false);
  const build = builders(n, mode);
  const out = {} as Pick<EpochOutput, K>;
  for (const k of keys) {
    const b = build[k] as ((r: Regions) => EpochOutput[K]) | undefined;
    if (b !== undefined) out[k] = b(r);
  }
  return out;
}

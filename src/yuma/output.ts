import { R, RESULT_SLOTS, V } from '../wasm/index.js';
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

function bools(buf: ArrayBuffer, ptr: number, n: number): boolean[] {
  const v = new Uint8Array(buf, ptr, n);
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

/**
 * Defines `key` as an enumerable property built on first read, then stored as a plain value. A subnet of 4096 uids
 * has a million bond entries and 24,576 raw-bit strings; callers that only read incentives or dividends do not pay
 * for them, while JSON.stringify, spreading and deep equality still see the full values.
 */
function defineLazy<K extends 'bonds' | 'bits'>(out: EpochOutput, key: K, build: () => EpochOutput[K]): void {
  const store = (value: EpochOutput[K]): EpochOutput[K] => {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    return value;
  };
  Object.defineProperty(out, key, {
    enumerable: true,
    configurable: true,
    get: () => store(build()),
    set: (value: EpochOutput[K]) => void store(value),
  });
}

/** Builds the EpochOutput of the contract from the engine's result block. */
export function readOutput(buf: ArrayBuffer, resPtr: number, n: number, mode: EpochMode): EpochOutput {
  const slots = new BigInt64Array(buf, resPtr, RESULT_SLOTS);
  const at = (slot: number): number => Number(slots[slot]);
  const u16 = new Uint16Array(buf, at(R.U16), 5 * n);
  const emissions = new Uint32Array(buf, at(R.EMISSIONS), 6 * n);
  // The wasm heap is reused by the next run, so what is built lazily is copied out now.
  const bondsPtr = new Int32Array(buf, at(R.BONDS_PTR), n + 1).slice();
  const bonds = new Uint32Array(buf, at(R.BONDS), bondsPtr[n] as number).slice();
  const out = {
    active: bools(buf, at(R.ACTIVE), n),
    validatorPermit: bools(buf, at(R.PERMIT), n),
    consensus: u16s(u16, n, n),
    incentive: u16s(u16, 2 * n, n),
    dividends: u16s(u16, 3 * n, n),
    validatorTrust: u16s(u16, 4 * n, n),
    stakeWeight: u16s(u16, 0, n),
    serverEmission: u64Strings(emissions, 0, n),
    validatorEmission: u64Strings(emissions, n, n),
    emission: u64Strings(emissions, 2 * n, n),
  } as EpochOutput;
  defineLazy(out, 'bonds', () => bondRows(bondsPtr, bonds, n));
  if (mode === 'exact') {
    const words = new Int32Array(buf, at(R.VECTORS), 12 * n).slice();
    defineLazy(out, 'bits', (): EpochBits => ({
      stake: i64Strings(words, V.STAKE * n, n),
      activeStake: i64Strings(words, V.ACTIVE_STAKE * n, n),
      consensus: i64Strings(words, V.CONSENSUS * n, n),
      incentive: i64Strings(words, V.INCENTIVE * n, n),
      dividends: i64Strings(words, V.DIVIDENDS * n, n),
      validatorTrust: i64Strings(words, V.TRUST * n, n),
    }));
  }
  return out;
}

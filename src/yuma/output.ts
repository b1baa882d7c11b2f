import { R, RESULT_SLOTS } from '../wasm/index.js';
import type { EpochBits, EpochMode, EpochOutput, SparseRow } from './types.js';

const TWO32 = 4294967296;

/** Decimal strings of n signed 64-bit values at byte offset `ptr`, without a BigInt per value where a double is exact. */
function i64Strings(buf: ArrayBuffer, ptr: number, n: number): string[] {
  const w = new Int32Array(buf, ptr, n * 2);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const lo = w[2 * i] as number;
    const hi = w[2 * i + 1] as number;
    // Below 2^53 in magnitude, hi·2^32 + lo (lo read unsigned) is exact.
    if (hi >= -0x200000 && hi < 0x200000) out[i] = String(hi * TWO32 + (lo >>> 0));
    else out[i] = new BigInt64Array(buf, ptr + i * 8, 1)[0]!.toString();
  }
  return out;
}

/** Decimal strings of n unsigned 64-bit values at byte offset `ptr`. */
function u64Strings(buf: ArrayBuffer, ptr: number, n: number): string[] {
  const w = new Uint32Array(buf, ptr, n * 2);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const hi = w[2 * i + 1] as number;
    if (hi < 0x200000) out[i] = String(hi * TWO32 + (w[2 * i] as number));
    else out[i] = new BigUint64Array(buf, ptr + i * 8, 1)[0]!.toString();
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

/** Rows of `[uid, u16]` pairs from a CSR copy. */
function bondRows(ptr: Int32Array, col: Uint16Array, val: Uint16Array, n: number): SparseRow[] {
  const rows = new Array<SparseRow>(n);
  for (let i = 0; i < n; i++) {
    const s = ptr[i] as number;
    const e = ptr[i + 1] as number;
    const row: SparseRow = [];
    for (let k = s; k < e; k++) row.push([col[k] as number, val[k] as number]);
    rows[i] = row;
  }
  return rows;
}

/**
 * Defines `bonds` as an enumerable property built on first read (and then stored as a plain value). A subnet of 4096
 * uids has a million bond entries; callers that only read incentives or dividends do not pay for a million small
 * arrays, while JSON.stringify, spreading and deep equality still see the full rows.
 */
function defineBonds(out: object, build: () => SparseRow[]): void {
  const store = (value: SparseRow[]): SparseRow[] => {
    Object.defineProperty(out, 'bonds', { value, enumerable: true, writable: true, configurable: true });
    return value;
  };
  Object.defineProperty(out, 'bonds', {
    enumerable: true,
    configurable: true,
    get: () => store(build()),
    set: (value: SparseRow[]) => void store(value),
  });
}

/** Builds the EpochOutput of the contract from the engine's result block. */
export function readOutput(buf: ArrayBuffer, resPtr: number, n: number, mode: EpochMode): EpochOutput {
  const slots = new BigInt64Array(buf, resPtr, RESULT_SLOTS);
  const at = (slot: number): number => Number(slots[slot]);
  const u16 = new Uint16Array(buf, at(R.U16), 5 * n);
  // The wasm heap is reused by the next run, so the bonds are copied out now and turned into rows later.
  const bPtr = new Int32Array(buf, at(R.BONDS_PTR), n + 1).slice();
  const nnz = bPtr[n] as number;
  const bCol = new Uint16Array(buf, at(R.BONDS_COL), nnz).slice();
  const bVal = new Uint16Array(buf, at(R.BONDS_VAL), nnz).slice();
  const out = {
    active: bools(buf, at(R.ACTIVE), n),
    validatorPermit: bools(buf, at(R.PERMIT), n),
    consensus: u16s(u16, n, n),
    incentive: u16s(u16, 2 * n, n),
    dividends: u16s(u16, 3 * n, n),
    validatorTrust: u16s(u16, 4 * n, n),
    stakeWeight: u16s(u16, 0, n),
    serverEmission: u64Strings(buf, at(R.SERVER_EMISSION), n),
    validatorEmission: u64Strings(buf, at(R.VALIDATOR_EMISSION), n),
    emission: u64Strings(buf, at(R.EMISSION), n),
  } as EpochOutput;
  defineBonds(out, () => bondRows(bPtr, bCol, bVal, n));
  if (mode === 'exact') {
    const bits: EpochBits = {
      stake: i64Strings(buf, at(R.STAKE), n),
      activeStake: i64Strings(buf, at(R.ACTIVE_STAKE), n),
      consensus: i64Strings(buf, at(R.CONSENSUS), n),
      incentive: i64Strings(buf, at(R.INCENTIVE), n),
      dividends: i64Strings(buf, at(R.DIVIDENDS), n),
      validatorTrust: i64Strings(buf, at(R.TRUST), n),
    };
    out.bits = bits;
  }
  return out;
}

import { describeValue, InvalidInputError } from '../errors/index.js';
import { U64_MAX } from './defaults.js';
import { PreparedEpoch, scalarBlock } from './prepare.js';
import type { CsrU16 } from './prepare.js';
import type { EpochInput, SparseRow } from './types.js';
import { readBlock, readInt, readScalars, validateEpochInput } from './validate.js';
import type { Obj } from './validate.js';
import { withLazyRows } from './lazy-rows.js';

/*
 * The typed-array entry: an epoch's inputs as a chain client decodes them (CSR rows, u64 vectors as BigUint64Array),
 * validated and prepared without building a JavaScript array per row or pair. At n = 4096 a dense subnet has a
 * million weight pairs: from an EpochInput, building and checking those pairs costs several times the epoch itself.
 */

/**
 * A sparse matrix in CSR form: row i holds the entries offsets[i]..offsets[i+1] of `uids` and `values`, in storage
 * order (the chain's order; rows need not be sorted, but a uid appears at most once per row).
 */
export interface CsrArrays {
  offsets: Int32Array | Uint32Array;
  uids: Uint16Array;
  values: Uint16Array;
}

/**
 * An EpochInput with its per-uid vectors and matrices as typed arrays. The hyperparameters are those of EpochInput,
 * with the same defaults. `commitBlock` holds 2^64 − 1 for a uid without a live commit.
 */
export type EpochArrays = Omit<
  EpochInput,
  'stake' | 'lastUpdate' | 'blockAtRegistration' | 'validatorPermit' | 'weights' | 'bonds' | 'commitBlock' | 'block'
  | 'activityCutoff' | 'lastMechanismStepBlock'
> & {
  /** Blocks: numbers, decimal strings or bigints, as readBlock takes them. */
  block: number | string | bigint;
  activityCutoff?: number | string | bigint | null;
  lastMechanismStepBlock?: number | string | bigint;
  stake: BigUint64Array;
  lastUpdate: BigUint64Array;
  blockAtRegistration: BigUint64Array;
  /** 1 for a uid with a validator permit, 0 without. */
  validatorPermit: Uint8Array;
  weights: CsrArrays;
  bonds: CsrArrays;
  commitBlock?: BigUint64Array | null;
};

/** Whether an epoch input is in the typed-array form (its stakes are a BigUint64Array). */
export function isEpochArrays(input: unknown): input is EpochArrays {
  return typeof input === 'object' && input !== null && (input as { stake?: unknown }).stake instanceof BigUint64Array;
}

function typedVector<T>(o: Obj, key: string, n: number, type: { new (len: number): T; name: string }, what: string): T {
  const v = o[key];
  if (!(v instanceof type)) throw new InvalidInputError(key, `expected a ${type.name} of ${n} ${what}, got ${describeValue(v)}`);
  const len = (v as unknown as { length: number }).length;
  if (len !== n) throw new InvalidInputError(key, `expected ${n} entries (one per uid, n = ${n}), got ${len}`);
  return v;
}

/**
 * Checks a CSR matrix of n rows: n + 1 offsets from 0, non-decreasing, ending at the entry count; uids below n and
 * unique within a row; as many values as uids. Returns the engine's form (a copy: the prepared epoch must not change
 * while its outputs are read).
 */
function readCsr(v: unknown, path: string, n: number): CsrU16 {
  if (typeof v !== 'object' || v === null) throw new InvalidInputError(path, `expected { offsets, uids, values }, got ${describeValue(v)}`);
  const { offsets, uids, values } = v as Record<string, unknown>;
  if (!(offsets instanceof Int32Array || offsets instanceof Uint32Array)) {
    throw new InvalidInputError(`${path}.offsets`, `expected an Int32Array or Uint32Array of n + 1 = ${n + 1} row offsets, got ${describeValue(offsets)}`);
  }
  if (!(uids instanceof Uint16Array)) throw new InvalidInputError(`${path}.uids`, `expected a Uint16Array, got ${describeValue(uids)}`);
  if (!(values instanceof Uint16Array)) throw new InvalidInputError(`${path}.values`, `expected a Uint16Array, got ${describeValue(values)}`);
  if (offsets.length !== n + 1) throw new InvalidInputError(`${path}.offsets`, `expected n + 1 = ${n + 1} row offsets, got ${offsets.length}`);
  if (values.length !== uids.length) {
    throw new InvalidInputError(`${path}.values`, `expected one value per uid (${uids.length}), got ${values.length}`);
  }
  if (offsets[0] !== 0) throw new InvalidInputError(`${path}.offsets[0]`, `expected 0, got ${offsets[0]}`);
  if (offsets[n] !== uids.length) {
    throw new InvalidInputError(`${path}.offsets[${n}]`, `expected the entry count ${uids.length}, got ${offsets[n]}`);
  }
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const a = offsets[i] as number, b = offsets[i + 1] as number;
    if (b < a) throw new InvalidInputError(`${path}.offsets[${i + 1}]`, `row offsets must not decrease: ${b} follows ${a}`);
    if (b - a > n) throw new InvalidInputError(`${path}.offsets[${i + 1}]`, `row ${i} has ${b - a} entries, more than n = ${n} uids`);
    for (let k = a; k < b; k++) {
      const uid = uids[k] as number;
      if (uid >= n) throw new InvalidInputError(`${path}.uids[${k}]`, `uid ${uid} in row ${i} is not below n = ${n}`);
      // The chain refuses duplicate uids on write (DuplicateUids), so a stored row never holds one.
      if (seen[uid] === i) throw new InvalidInputError(`${path}.uids[${k}]`, `uid ${uid} appears twice in row ${i}`);
      seen[uid] = i;
    }
  }
  return { ptr: Int32Array.from(offsets), col: uids.slice(), val: values.slice() };
}

/**
 * Validates an epoch's inputs in the typed-array form and prepares them for `runEpoch`, as `prepareEpoch` does for
 * an EpochInput (the result is the same to the bit). The arrays are copied, so the caller may reuse them.
 */
export function prepareEpochArrays(input: EpochArrays): PreparedEpoch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError('', `expected an epoch input in typed arrays, got ${describeValue(input)}`);
  }
  const o = input as unknown as Obj;
  if (o.n === undefined) throw new InvalidInputError('n', 'is required');
  if (o.block === undefined) throw new InvalidInputError('block', 'is required');
  const n = readInt(o.n, 'n', 0, 65535);
  const block = readBlock(o.block, 'block');
  const stake = typedVector(o, 'stake', n, BigUint64Array, 'stakes (rao)');
  const lastUpdate = typedVector(o, 'lastUpdate', n, BigUint64Array, 'blocks');
  const registration = typedVector(o, 'blockAtRegistration', n, BigUint64Array, 'blocks');
  const permit = typedVector(o, 'validatorPermit', n, Uint8Array, 'permits (0 or 1)');
  for (let i = 0; i < n; i++) {
    if ((permit[i] as number) > 1) throw new InvalidInputError(`validatorPermit[${i}]`, `expected 0 or 1, got ${permit[i]}`);
  }
  const commitBlock = o.commitBlock === undefined || o.commitBlock === null
    ? new BigUint64Array(n).fill(U64_MAX)
    : typedVector(o, 'commitBlock', n, BigUint64Array, 'blocks (2^64 - 1 for none)').slice();
  const weights = readCsr(o.weights, 'weights', n);
  const bonds = readCsr(o.bonds, 'bonds', n);
  return new PreparedEpoch(
    n, scalarBlock(n, block, readScalars(o, n, '')), stake.slice(), lastUpdate.slice(), registration.slice(), permit.slice(),
    commitBlock, weights, bonds,
  );
}

/** Rows of `[uid, u16]` pairs in CSR form (row i: entries offsets[i]..offsets[i+1]), in their order. */
export function pairsToCsr(rows: readonly SparseRow[]): { offsets: Int32Array; uids: Uint16Array; values: Uint16Array } {
  const offsets = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) offsets[i + 1] = (offsets[i] as number) + (rows[i] as SparseRow).length;
  const uids = new Uint16Array(offsets[rows.length] as number), values = new Uint16Array(uids.length);
  let k = 0;
  for (const row of rows) {
    for (const [j, v] of row) {
      uids[k] = j;
      values[k++] = v;
    }
  }
  return { offsets, uids, values };
}

/** The typed-array form of an EpochInput (for callers that hold one, and for benchmarks), validated on the way. */
export function epochInputToArrays(input: EpochInput): EpochArrays {
  const x = validateEpochInput(input);
  return {
    n: x.n,
    block: x.block,
    stake: BigUint64Array.from(x.stake),
    lastUpdate: BigUint64Array.from(x.lastUpdate),
    blockAtRegistration: BigUint64Array.from(x.blockAtRegistration),
    validatorPermit: Uint8Array.from(x.validatorPermit, (p) => (p ? 1 : 0)),
    weights: pairsToCsr(x.weights),
    bonds: pairsToCsr(x.bonds),
    commitBlock: BigUint64Array.from(x.commitBlock, (b) => b ?? U64_MAX),
    tempo: x.tempo,
    activityCutoffFactorMilli: Number(x.activityCutoffFactorMilli),
    activityCutoff: x.activityCutoff,
    stakeThreshold: x.stakeThreshold,
    ownerUid: x.ownerUid,
    maxAllowedValidators: x.maxAllowedValidators,
    kappa: x.kappa,
    bondsPenalty: x.bondsPenalty,
    bondsMovingAverage: x.bondsMovingAverage,
    yuma3: x.yuma3,
    liquidAlpha: x.liquidAlpha,
    alphaLow: x.alphaLow,
    alphaHigh: x.alphaHigh,
    alphaSigmoidSteepness: x.alphaSigmoidSteepness,
    lastMechanismStepBlock: x.lastMechanismStepBlock,
    commitRevealEnabled: x.commitRevealEnabled,
    raoEmission: x.raoEmission,
    winnerTakesAll: x.winnerTakesAll,
  };
}

/** A block of the typed-array form as an EpochInput's number (refused beyond 2^53). */
function blockNumber(v: number | string | bigint, path: string): number {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(x) || x < 0) throw new InvalidInputError(path, `expected a block in 0..2^53 - 1 for an EpochInput, got ${describeValue(v)}`);
  return x;
}

/**
 * The EpochInput that a typed-array input stands for, in metagraphToEpochInput's field order (absent fields stay
 * absent; a null commitBlock is left out). Its weights and bonds are lazy views of the CSR arrays (withLazyRows): a
 * caller that runs the arrays and reads the rows only when it must (a replay's diff, its diagnosis) builds no pair
 * it does not read. The arrays are shared, not copied, and must not change afterwards.
 */
export function arraysToEpochInput(x: EpochArrays): EpochInput {
  const { n, block, stake, lastUpdate, blockAtRegistration, validatorPermit, weights, bonds, commitBlock, ...scalars } = x;
  const input: EpochInput = {
    n,
    block: blockNumber(block, 'block'),
    stake: Array.from(stake, String),
    lastUpdate: Array.from(lastUpdate, Number),
    blockAtRegistration: Array.from(blockAtRegistration, Number),
    validatorPermit: Array.from(validatorPermit, (p) => p === 1),
    weights: [],
    bonds: [],
  };
  // The hyperparameters in their own order; the two that are blocks become numbers.
  const out = input as unknown as Record<string, unknown>;
  for (const [key, v] of Object.entries(scalars)) {
    const isBlock = (key === 'activityCutoff' || key === 'lastMechanismStepBlock') && v !== undefined && v !== null;
    out[key] = isBlock ? blockNumber(v as number | string | bigint, key) : v;
  }
  if (commitBlock !== undefined && commitBlock !== null) input.commitBlock = Array.from(commitBlock, (b) => (b === U64_MAX ? null : blockNumber(b, 'commitBlock')));
  return withLazyRows(input, { weights, bonds });
}

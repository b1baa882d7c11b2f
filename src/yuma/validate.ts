import { describeValue, InvalidInputError, nearestName } from '../errors/index.js';
import { EPOCH_DEFAULTS, U64_MAX } from './defaults.js';
import type { NormalizedEpochInput, SparseRow } from './types.js';

/*
 * Validation of an EpochInput (contracts/epoch-io.md). Every rule names the field and index that breaks it, so an
 * operator can find the bad value in a large snapshot. The result is the normalized form both engines read.
 */

/** A parsed JSON object (or the typed-array form's object), read field by field. */
export type Obj = Record<string, unknown>;

const DECIMAL = /^[0-9]+$/;

/** Every EpochInput field (contracts/epoch-io.md, and the simulation-only winnerTakesAll); any other is refused. */
export const EPOCH_INPUT_FIELDS: ReadonlySet<string> = new Set([
  'n', 'block', 'stake', 'lastUpdate', 'blockAtRegistration', 'validatorPermit', 'weights', 'bonds', 'activityCutoff',
  'commitBlock', ...Object.keys(EPOCH_DEFAULTS),
]);


/** Reads an unsigned integer that may exceed 2^53: a number, a decimal string or a bigint, in 0..max. */
export function readU64(v: unknown, path: string, max: bigint = U64_MAX): bigint {
  let out: bigint | undefined;
  if (typeof v === 'bigint') out = v;
  else if (typeof v === 'number' && Number.isInteger(v)) out = BigInt(v);
  else if (typeof v === 'string' && DECIMAL.test(v)) out = BigInt(v);
  if (out === undefined || out < 0n || out > max) {
    throw new InvalidInputError(path, `expected an integer in 0..${max} (number or decimal string), got ${describeValue(v)}`);
  }
  return out;
}

/** Reads a plain JSON integer in [min, max]. */
export function readInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidInputError(path, `expected an integer in ${min}..${max}, got ${describeValue(v)}`);
  }
  return v;
}

/** Reads a block number: a non-negative integer, as a number or a decimal string. */
export function readBlock(v: unknown, path: string): bigint {
  if (typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)) {
    throw new InvalidInputError(path, `block number ${v} is above 2^53 and would lose precision: give it as a decimal string`);
  }
  return readU64(v, path);
}

function readBool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new InvalidInputError(path, `expected true or false, got ${describeValue(v)}`);
  return v;
}

function readArray(v: unknown, path: string, length: number, what: string): unknown[] {
  if (!Array.isArray(v)) throw new InvalidInputError(path, `expected an array of ${length} ${what}, got ${describeValue(v)}`);
  if (v.length !== length) {
    throw new InvalidInputError(path, `expected ${length} entries (one per uid, n = ${length}), got ${v.length}`);
  }
  return v;
}

/**
 * Checks a sparse matrix: n rows of [uid, u16] pairs, uids below n and unique within a row. The rows are returned as
 * they are (validated, not copied): a subnet of 4096 uids can carry a million pairs.
 */
function readSparseMatrix(v: unknown, path: string, n: number): SparseRow[] {
  const rows = readArray(v, path, n, 'rows of [uid, value] pairs');
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row)) throw new InvalidInputError(`${path}[${i}]`, `expected an array of [uid, value] pairs, got ${describeValue(row)}`);
    if (row.length > n) throw new InvalidInputError(`${path}[${i}]`, `has ${row.length} entries, more than n = ${n} uids`);
    for (let k = 0; k < row.length; k++) {
      const pair: unknown = row[k];
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new InvalidInputError(`${path}[${i}][${k}]`, `expected a [uid, value] pair, got ${describeValue(pair)}`);
      }
      const uid: unknown = pair[0];
      const value: unknown = pair[1];
      // The fast test covers valid entries; the slow readers only run to build the error message.
      if (!(typeof uid === 'number' && Number.isInteger(uid) && uid >= 0 && uid < n)) readInt(uid, `${path}[${i}][${k}][0]`, 0, n - 1);
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535)) {
        readInt(value, `${path}[${i}][${k}][1]`, 0, 65535);
      }
      // The chain refuses duplicate uids on write (DuplicateUids), so a stored row never holds one.
      if (seen[uid as number] === i) throw new InvalidInputError(`${path}[${i}][${k}][0]`, `uid ${uid as number} appears twice in row ${i}`);
      seen[uid as number] = i;
    }
  }
  return rows as SparseRow[];
}

function field(obj: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function optional<T>(obj: Obj, key: string, fallback: T, read: (v: unknown, path: string) => T, prefix: string): T {
  const v = field(obj, key);
  return v === undefined ? fallback : read(v, prefix + key);
}

/**
 * Validates one EpochInput and applies the defaults of omitted hyperparameters.
 * @param raw the parsed JSON value
 * @param prefix a path prefix for messages, e.g. `[3].` for the fourth element of an array input
 */
export function validateEpochInput(raw: unknown, prefix = ''): NormalizedEpochInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(prefix.replace(/\.$/, ''), `expected an EpochInput object, got ${describeValue(raw)}`);
  }
  const o = raw as Obj;
  const p = prefix;
  // A misspelt hyperparameter must not silently fall back to its default (contracts/epoch-io.md).
  for (const key of Object.keys(o)) {
    if (!EPOCH_INPUT_FIELDS.has(key)) {
      throw new InvalidInputError(p + key.slice(0, 64), `is not an EpochInput field (did you mean ${nearestName(key, EPOCH_INPUT_FIELDS)}?)`);
    }
  }
  const req = (key: string): unknown => {
    const v = field(o, key);
    if (v === undefined) throw new InvalidInputError(p + key, 'is required');
    return v;
  };

  const n = readInt(req('n'), `${p}n`, 0, 65535);
  const block = readBlock(req('block'), `${p}block`);
  const stake = readArray(req('stake'), `${p}stake`, n, 'stakes').map((s, i) => readU64(s, `${p}stake[${i}]`));
  const lastUpdate = readArray(req('lastUpdate'), `${p}lastUpdate`, n, 'blocks').map((b, i) =>
    readBlock(b, `${p}lastUpdate[${i}]`),
  );
  const blockAtRegistration = readArray(req('blockAtRegistration'), `${p}blockAtRegistration`, n, 'blocks').map(
    (b, i) => readBlock(b, `${p}blockAtRegistration[${i}]`),
  );
  const validatorPermit = readArray(req('validatorPermit'), `${p}validatorPermit`, n, 'booleans').map((b, i) =>
    readBool(b, `${p}validatorPermit[${i}]`),
  );
  const weights = readSparseMatrix(req('weights'), `${p}weights`, n);
  const bonds = readSparseMatrix(req('bonds'), `${p}bonds`, n);

  const commitRaw = field(o, 'commitBlock');
  const commitBlock =
    commitRaw === undefined || commitRaw === null
      ? new Array<bigint | null>(n).fill(null)
      : readArray(commitRaw, `${p}commitBlock`, n, 'blocks or nulls').map((b, i) =>
          b === null ? null : readBlock(b, `${p}commitBlock[${i}]`),
        );

  return { n, block, stake, lastUpdate, blockAtRegistration, validatorPermit, weights, bonds, commitBlock, ...readScalars(o, n, p) };
}

/** The scalar part of a normalized EpochInput: the hyperparameters, every default applied. */
export type NormalizedScalars = Omit<
  NormalizedEpochInput,
  'n' | 'block' | 'stake' | 'lastUpdate' | 'blockAtRegistration' | 'validatorPermit' | 'weights' | 'bonds' | 'commitBlock'
>;

/**
 * Reads the optional hyperparameters of an EpochInput (or of the typed-array form, which has the same ones) for a
 * subnet of n uids, applying the defaults of the omitted ones. `p` prefixes the field names in messages.
 */
export function readScalars(o: Obj, n: number, p: string): NormalizedScalars {
  const u16 = (v: unknown, path: string): number => readInt(v, path, 0, 65535);
  const bool = (v: unknown, path: string): boolean => readBool(v, path);
  const d = EPOCH_DEFAULTS;

  const ownerRaw = field(o, 'ownerUid');
  const ownerUid = ownerRaw === undefined || ownerRaw === null ? null : readInt(ownerRaw, `${p}ownerUid`, 0, n - 1);
  const cutoffRaw = field(o, 'activityCutoff');
  const activityCutoff = cutoffRaw === undefined || cutoffRaw === null ? null : readBlock(cutoffRaw, `${p}activityCutoff`);

  return {
    tempo: optional(o, 'tempo', d.tempo, u16, p),
    // Stored as a u32 on chain (ActivityCutoffFactorMilli).
    activityCutoffFactorMilli: optional(o, 'activityCutoffFactorMilli', BigInt(d.activityCutoffFactorMilli), (v, path) =>
      BigInt(readInt(v, path, 0, 0xffff_ffff)),
    p),
    activityCutoff,
    stakeThreshold: optional(o, 'stakeThreshold', d.stakeThreshold, (v, path) => readU64(v, path), p),
    ownerUid,
    maxAllowedValidators: optional(o, 'maxAllowedValidators', d.maxAllowedValidators, u16, p),
    kappa: optional(o, 'kappa', d.kappa, u16, p),
    bondsPenalty: optional(o, 'bondsPenalty', d.bondsPenalty, u16, p),
    bondsMovingAverage: optional(o, 'bondsMovingAverage', d.bondsMovingAverage, (v, path) => readInt(v, path, 0, 1_000_000), p),
    yuma3: optional(o, 'yuma3', d.yuma3, bool, p),
    liquidAlpha: optional(o, 'liquidAlpha', d.liquidAlpha, bool, p),
    alphaLow: optional(o, 'alphaLow', d.alphaLow, u16, p),
    alphaHigh: optional(o, 'alphaHigh', d.alphaHigh, u16, p),
    alphaSigmoidSteepness: optional(o, 'alphaSigmoidSteepness', d.alphaSigmoidSteepness, (v, path) => readInt(v, path, -32768, 32767), p),
    lastMechanismStepBlock: optional(o, 'lastMechanismStepBlock', d.lastMechanismStepBlock, readBlock, p),
    commitRevealEnabled: optional(o, 'commitRevealEnabled', d.commitRevealEnabled, bool, p),
    raoEmission: optional(o, 'raoEmission', d.raoEmission, (v, path) => readU64(v, path), p),
    winnerTakesAll: optional(o, 'winnerTakesAll', d.winnerTakesAll, bool, p),
  };
}

/**
 * The activity cutoff in blocks: the explicit one if given, else `max(factor·tempo/1000, 1)` as
 * `get_activity_cutoff_blocks` computes it (a u32 factor times a u16 tempo never saturates a u64).
 */
export function effectiveActivityCutoff(input: Pick<NormalizedEpochInput, 'activityCutoff' | 'activityCutoffFactorMilli' | 'tempo'>): bigint {
  if (input.activityCutoff !== null) return input.activityCutoff;
  const blocks = (input.activityCutoffFactorMilli * BigInt(input.tempo)) / 1000n;
  return blocks < 1n ? 1n : blocks;
}

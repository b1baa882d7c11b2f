import { describeValue, InvalidInputError } from '../../errors/index.js';
import type { WeightsInput } from './types.js';

/*
 * Validation of one `weights process` request (contracts/weights-and-scores.md), key by key, each failure naming
 * the field and index so that one bad value in a large batch can be found: `[2].weights[5]: expected a finite number`.
 */

const KEYS = ['uids', 'weights', 'n', 'minAllowedWeights', 'maxWeightLimit', 'excludeQuantile'] as const;
/** uids are u16 on chain, so a subnet has at most 65536 of them. */
const MAX_N = 65536;
const FLOAT32_MAX = 3.4028234663852886e38;


function readInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidInputError(path, `expected an integer in ${min}..${max}, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * Validates one request and fills in the defaults (maxWeightLimit 1, excludeQuantile 0).
 * @param raw the parsed JSON value
 * @param prefix a path prefix for messages, e.g. `[3].` for the fourth element of an array input
 */
export function validateWeightsInput(raw: unknown, prefix = ''): Required<WeightsInput> & { uids: number[]; weights: number[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(prefix.replace(/\.$/, ''), `expected an object { uids, weights, n, minAllowedWeights, ... }, got ${describeValue(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  const p = prefix;
  for (const key of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new InvalidInputError(p + key, `unknown field (the fields are ${KEYS.join(', ')})`);
    }
  }
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
  const req = (key: string): unknown => {
    if (!has(key)) throw new InvalidInputError(p + key, 'is required');
    return o[key];
  };

  const n = readInt(req('n'), `${p}n`, 1, MAX_N);

  const uidsRaw = req('uids');
  if (!Array.isArray(uidsRaw)) throw new InvalidInputError(`${p}uids`, `expected an array of uids, got ${describeValue(uidsRaw)}`);
  const seen = new Map<number, number>();
  const uids = uidsRaw.map((u: unknown, i) => {
    const uid = readInt(u, `${p}uids[${i}]`, 0, n - 1);
    const first = seen.get(uid);
    if (first !== undefined) throw new InvalidInputError(`${p}uids[${i}]`, `uid ${uid} appears twice (first at uids[${first}])`);
    seen.set(uid, i);
    return uid;
  });

  const weightsRaw = req('weights');
  if (!Array.isArray(weightsRaw)) throw new InvalidInputError(`${p}weights`, `expected an array of numbers, got ${describeValue(weightsRaw)}`);
  if (weightsRaw.length !== uids.length) {
    throw new InvalidInputError(`${p}weights`, `expected ${uids.length} entries (one per uid), got ${weightsRaw.length}`);
  }
  const weights = weightsRaw.map((w: unknown, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) throw new InvalidInputError(`${p}weights[${i}]`, `expected a finite number, got ${describeValue(w)}`);
    if (Math.abs(w) > FLOAT32_MAX && !Number.isFinite(Math.fround(w))) {
      throw new InvalidInputError(`${p}weights[${i}]`, `${w} is beyond float32's range (weights are read as float32, as the SDK does)`);
    }
    return w;
  });

  const minAllowedWeights = readInt(req('minAllowedWeights'), `${p}minAllowedWeights`, 0, Number.MAX_SAFE_INTEGER);

  let maxWeightLimit = 1;
  if (has('maxWeightLimit')) {
    const v = o.maxWeightLimit;
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) {
      throw new InvalidInputError(`${p}maxWeightLimit`, `expected a number in (0, 1] (MaxWeightsLimit / 65535), got ${describeValue(v)}`);
    }
    maxWeightLimit = v;
  }
  let excludeQuantile = 0;
  if (has('excludeQuantile')) {
    const v = o.excludeQuantile;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new InvalidInputError(`${p}excludeQuantile`, `expected a number in [0, 1] (exclude_quantile / 65535), got ${describeValue(v)}`);
    }
    excludeQuantile = v;
  }
  return { uids, weights, n, minAllowedWeights, maxWeightLimit, excludeQuantile };
}

import { describeValue, InvalidInputError } from '../errors/index.js';
import { resolveScoringParams } from './params.js';
import type { MinerResponse, ScoreBatch, ScoringParams } from './types.js';
import { BATCH_LIMITS } from './check-batch.js';
import { ENGINE_HEAP_BYTES, engineBytes } from './score.js';

/*
 * The JSON input of `yumaval score` (contracts/weights-and-scores.md) read into a ScoreBatch.
 *
 * Two kinds of bad input are told apart. A malformed batch (missing or ill-typed structure, a target out of range, a
 * uid given twice, rows of the wrong count or length, unknown keys) is refused with an InvalidInputError naming the
 * place. Hostile content inside a miner's rows is never an error: it is carried into the typed arrays in a form the
 * engines treat as a garbage row (a NaN probability, an id of −1), and the row scores the worst loss.
 */

type Obj = Record<string, unknown>;

/** The largest vocabulary accepted (a dense row is one float32 per outcome). */
export const MAX_VOCAB = 1 << 20;
/** The largest number of queries in one batch. */
export const MAX_QUERIES = 1 << 16;
/** The largest uid: uids are u16 on chain. */
export const MAX_UID = 65535;

const TOP_KEYS: ReadonlySet<string> = new Set(['targets', 'responses', 'vocab', 'params']);
const RESPONSE_KEYS: ReadonlySet<string> = new Set(['uid', 'dense', 'topk', 'floor', 'error']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(obj: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}


function readInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidInputError(path, `expected an integer in ${min}..${max}, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * A probability (or floor) as the wire carries it: a finite non-negative number becomes its float32 value; anything
 * else (null, a string, a boolean, an object, a negative number of any size) becomes NaN, which makes its row garbage.
 * A number above the float32 range becomes Infinity, which also makes its row garbage.
 */
export function wireProbability(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.fround(v) : Number.NaN;
}

/** An outcome id as the engines read it: an integer in 0..vocab−1, else −1 (which makes its row garbage). */
export function wireOutcomeId(v: unknown, vocab: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < vocab ? v : -1;
}


/** The rows a miner sent, as a list of B entries: what is missing (or not a list at all) is undefined. */
function rowsOf(v: unknown, queries: number): unknown[] {
  const list = Array.isArray(v) ? v : [];
  return Array.from({ length: queries }, (_, b) => list[b]);
}

/**
 * A dense response from rows of numbers: row b is a distribution over `vocab` outcomes. Everything in it is the miner's
 * content, so nothing here throws: entries are read by wireProbability (hostile entries become NaN), and a row that is
 * missing, not an array, or not of length `vocab` is all NaN: a garbage row. Rows past the B-th are ignored.
 */
export function denseResponse(rows: unknown, queries: number, vocab: number): MinerResponse {
  const probs = new Float32Array(queries * vocab);
  rowsOf(rows, queries).forEach((row, b) => {
    const ok = Array.isArray(row) && row.length === vocab;
    for (let v = 0; v < vocab; v++) probs[b * vocab + v] = ok ? wireProbability((row as unknown[])[v]) : Number.NaN;
  });
  return { kind: 'dense', probs };
}

/**
 * A top-k response from rows of [outcome, probability] pairs and one floor per row. Nothing here throws: an id that is
 * not an integer in 0..vocab−1 becomes −1, a probability or floor that is not a finite non-negative number becomes NaN,
 * a pair that is not a 2-element array is carried as (−1, NaN), and a row or floor that is missing or not an array
 * makes a row of one (−1, NaN) pair. Each of these makes its row garbage (so does an id listed twice, which the
 * engines detect).
 */
export function topkResponse(rows: unknown, floor: unknown, queries: number, vocab: number): MinerResponse {
  const list = rowsOf(rows, queries).map((row) => (Array.isArray(row) ? row : [null]));
  const floors = rowsOf(floor, queries);
  const ptr = new Int32Array(queries + 1);
  let total = 0;
  list.forEach((row, b) => {
    total += row.length;
    ptr[b + 1] = total;
  });
  const ids = new Int32Array(total);
  const probs = new Float32Array(total);
  list.forEach((row, b) => {
    const start = ptr[b] as number;
    row.forEach((pair, i) => {
      if (Array.isArray(pair) && pair.length === 2) {
        ids[start + i] = wireOutcomeId(pair[0], vocab);
        probs[start + i] = wireProbability(pair[1]);
      } else {
        ids[start + i] = -1;
        probs[start + i] = Number.NaN;
      }
    });
  });
  return { kind: 'topk', ptr, ids, probs, floor: Float32Array.from(floors, wireProbability) };
}

/**
 * One miner's answer. An `error` key, or no answer field at all, is unresponsive. Anything else is content, scored
 * row by row: a `topk` without `floor` has garbage rows, and a `floor` beside `dense` is not read. (A response with
 * both `dense` and `topk` is refused by parseScoreBatch: which answer is meant is the batch's structure, not content.)
 */
function readResponse(raw: Obj, queries: number, vocab: number): MinerResponse {
  if (has(raw, 'error')) return { kind: 'none' };
  const dense = has(raw, 'dense');
  const topk = has(raw, 'topk');
  if (dense) return denseResponse(raw.dense, queries, vocab);
  if (topk) return topkResponse(raw.topk, raw.floor, queries, vocab);
  return { kind: 'none' };
}

/**
 * Refuses a batch whose typed arrays would not fit the scoring engine, before any of them is allocated: a 4 KB input
 * (2048 targets, vocab 2^20, one empty dense answer) would otherwise ask for 8 GiB. Dense answers take B·V floats
 * whatever they hold; top-k answers take their pairs. The K limit (the K×K synergy matrix) is checked here too.
 * @throws InvalidInputError naming the sizes and the limit
 */
function checkBatchSize(rawResponses: unknown[], queries: number, vocab: number): void {
  const answers: Obj[] = [];
  let K = 0, dense = 0;
  for (const raw of rawResponses) {
    if (!isObj(raw)) continue;
    K++;
    if (has(raw, 'error')) continue;
    if (has(raw, 'dense')) dense++;
    else if (has(raw, 'topk')) answers.push(raw);
  }
  if (K > BATCH_LIMITS.miners) {
    throw new InvalidInputError('responses', `has ${K} miners, more than the ${BATCH_LIMITS.miners} a batch may hold (their ${K}×${K} synergy matrix must fit one 1 GiB allocation): split the batch`);
  }
  const refuse = (need: number, pairs: number | null): never => {
    const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
    const what = `K = ${K} miners, B = ${queries} queries, vocab ${vocab}; ${dense} dense answers of B × vocab floats each${pairs === null ? '' : `; ${pairs} top-k pairs`}`;
    throw new InvalidInputError('responses', `the batch needs ${gib(need)} of scoring memory (${what}), more than the engine's ${gib(ENGINE_HEAP_BYTES)}: score fewer queries, miners or dense answers per batch`);
  };
  // Without the pairs first (O(1)); the pairs are counted (O(K·B)) only for a batch that may fit.
  const fixed = dense * queries * vocab * 4 + answers.length * (2 * queries + 1) * 4;
  if (engineBytes(K, queries, vocab, fixed) > ENGINE_HEAP_BYTES) refuse(engineBytes(K, queries, vocab, fixed), null);
  let pairs = 0;
  for (const raw of answers) {
    const rows = Array.isArray(raw.topk) ? raw.topk : [];
    for (let b = 0; b < queries; b++) pairs += Array.isArray(rows[b]) ? Math.max(1, (rows[b] as unknown[]).length) : 1;
  }
  const need = engineBytes(K, queries, vocab, fixed + pairs * 8);
  if (need > ENGINE_HEAP_BYTES) refuse(need, pairs);
}

/**
 * Reads the batch part of a `yumaval score` input (everything but `params`; a `params` key is allowed and ignored).
 *
 * Rules beyond the contract's text:
 * - `vocab` is an integer in 2..2^20; `targets` a non-empty array (at most 2^20) of integers in 0..vocab−1.
 * - `responses` is an array (possibly empty). Each entry is null or an object with `uid` (an integer in 0..65535,
 *   distinct across the batch) and one of `dense`, `topk` + `floor`, or `error`. No other key is accepted (a misspelt
 *   `dense` must not pass as silence). What a miner put inside `dense`, `topk` or `floor` is content, never an error:
 *   rows that are missing, of the wrong length or not arrays are garbage rows (contracts/weights-and-scores.md: only a
 *   malformed batch is refused). A response with no answer field is unresponsive.
 * - A response with an `error` key (whatever its value) is unresponsive (`{ kind: 'none' }`); its other keys, if any,
 *   are not read: the miner's answer failed, so whatever came with it is not scored.
 * - A **null response is skipped**. It names no uid, so it cannot be attributed to a miner, and it cannot be told from
 *   any other uid's slot. Skipping it has the same effect on every other miner as an unresponsive miner would (an
 *   unresponsive miner counts in no mean, in no pair and not in R), and no uid receives anything from it; a caller that
 *   wants a miner recorded as unresponsive writes `{ "uid": u, "error": "..." }`.
 * - The uids keep the order of the responses.
 * @throws InvalidInputError naming the place of a malformed batch
 */
export function parseScoreBatch(json: unknown): ScoreBatch {
  if (!isObj(json)) throw new InvalidInputError('', `expected a score input object ({ targets, responses, vocab, params? }), got ${describeValue(json)}`);
  for (const key of Object.keys(json)) {
    if (!TOP_KEYS.has(key)) throw new InvalidInputError(key, `is not a score input field (expected one of ${[...TOP_KEYS].join(', ')})`);
  }
  if (!has(json, 'vocab')) throw new InvalidInputError('vocab', 'is required (the number of outcomes of a query)');
  const vocab = readInt(json.vocab, 'vocab', 2, MAX_VOCAB);
  if (!has(json, 'targets')) throw new InvalidInputError('targets', 'is required (the true outcome of each query)');
  const rawTargets = json.targets;
  if (!Array.isArray(rawTargets) || rawTargets.length === 0) {
    throw new InvalidInputError('targets', `expected a non-empty array of outcomes (integers in 0..${vocab - 1}), got ${describeValue(rawTargets)}`);
  }
  if (rawTargets.length > MAX_QUERIES) throw new InvalidInputError('targets', `has ${rawTargets.length} queries, more than ${MAX_QUERIES}`);
  const targets = Int32Array.from(rawTargets, (t, b) => readInt(t, `targets[${b}]`, 0, vocab - 1));
  const queries = targets.length;

  if (!has(json, 'responses')) throw new InvalidInputError('responses', 'is required (one entry per queried miner)');
  const rawResponses = json.responses;
  if (!Array.isArray(rawResponses)) throw new InvalidInputError('responses', `expected an array of responses, got ${describeValue(rawResponses)}`);
  checkBatchSize(rawResponses, queries, vocab);
  const uids: number[] = [];
  const responses: MinerResponse[] = [];
  const seen = new Map<number, number>();
  rawResponses.forEach((raw, i) => {
    const path = `responses[${i}]`;
    if (raw === null) return;
    if (!isObj(raw)) throw new InvalidInputError(path, `expected a response object ({ uid, dense } | { uid, topk, floor } | { uid, error }) or null, got ${describeValue(raw)}`);
    for (const key of Object.keys(raw)) {
      if (!RESPONSE_KEYS.has(key)) throw new InvalidInputError(`${path}.${key}`, `is not a response field (expected uid and one of dense, topk + floor, error)`);
    }
    if (!has(raw, 'error') && has(raw, 'dense') && has(raw, 'topk')) throw new InvalidInputError(path, 'has both dense and topk: give one answer (dense rows, or topk pairs with floor)');
    if (!has(raw, 'uid')) throw new InvalidInputError(`${path}.uid`, 'is required');
    const uid = readInt(raw.uid, `${path}.uid`, 0, MAX_UID);
    const first = seen.get(uid);
    if (first !== undefined) throw new InvalidInputError(`${path}.uid`, `uid ${uid} is given twice (first at responses[${first}])`);
    seen.set(uid, i);
    uids.push(uid);
    responses.push(readResponse(raw, queries, vocab));
  });
  return { vocab, targets, uids, responses };
}

/**
 * Reads a whole `yumaval score` input: the batch (parseScoreBatch) and its optional `params`, merged with the
 * defaults by resolveScoringParams.
 * @throws InvalidInputError naming the place of a malformed batch or parameter
 */
export function parseScoreRequest(json: unknown): { batch: ScoreBatch; params: ScoringParams } {
  const batch = parseScoreBatch(json);
  const params = resolveScoringParams((json as Obj).params, 'params');
  return { batch, params };
}

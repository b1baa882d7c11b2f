import type { ParsedAnswer, TopkAnswer } from './types.js';

/*
 * Reading a miner's top-k answer (`topk`, `floor`) with the scorer's rules for hostile content
 * (contracts/weights-and-scores.md) plus the query's own limits. Everything a miner sends is untrusted, so nothing
 * here throws: a reply is either an answer the scorer will take as it is, or garbage with the reason (for logs).
 *
 * Garbage: a reply that is not an object; `topk` missing, null or not a list; more pairs than the query's k; a pair
 * that is not a 2-element list; a token that is not an integer in 0..vocab−1, or listed twice; a probability or floor
 * that is not a finite non-negative number (null, strings, booleans, NaN, negatives) or overflows float32 (the wire
 * precision); no mass at all. A row that does not sum to 1 is kept: the scorer renormalises it.
 */

/** The largest float32: a larger probability becomes Infinity on the wire. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The limits a reply is checked against. */
export interface TopkLimits {
  /** Tokens are integers in 0..vocab−1. */
  readonly vocab: number;
  /** At most this many pairs (the query's k). */
  readonly maxPairs: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function probabilityProblem(v: unknown): string | null {
  if (typeof v !== 'number') return `is ${describe(v)}, not a number`;
  if (!Number.isFinite(v)) return `is ${describe(v)}`;
  if (v < 0) return `is negative (${v})`;
  if (v > FLOAT32_MAX) return `overflows float32 (${v})`;
  return null;
}

/** Reads `fields.topk` and `fields.floor` as a top-k answer within `limits`, or says why they are garbage. */
export function parseTopkFields(fields: unknown, limits: TopkLimits): ParsedAnswer {
  const bad = (reason: string): ParsedAnswer => ({ ok: false, reason });
  if (!isRecord(fields)) return bad(`the reply is ${describe(fields)}, not an object of fields`);
  const rawTopk = fields.topk;
  if (rawTopk === undefined || rawTopk === null) return bad('no answer: topk is missing or null');
  if (!Array.isArray(rawTopk)) return bad(`topk is ${describe(rawTopk)}, not a list of [token, probability] pairs`);
  if (rawTopk.length > limits.maxPairs) return bad(`topk has ${rawTopk.length} pairs, more than k = ${limits.maxPairs}`);
  // Duplicates: a linear scan for the usual small k, a set beyond.
  const seen = rawTopk.length > 32 ? new Set<number>() : null;
  const topk: Array<readonly [number, number]> = new Array(rawTopk.length);
  let mass = 0;
  for (let i = 0; i < rawTopk.length; i++) {
    const pair: unknown = rawTopk[i];
    if (!Array.isArray(pair) || pair.length !== 2) return bad(`topk[${i}] is ${describe(pair)}, not a [token, probability] pair`);
    const token: unknown = pair[0], p: unknown = pair[1];
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= limits.vocab) {
      return bad(`topk[${i}][0] is ${describe(token)}, not a token in 0..${limits.vocab - 1}`);
    }
    let twice = false;
    if (seen !== null) {
      twice = seen.has(token);
      seen.add(token);
    } else {
      for (let j = 0; j < i && !twice; j++) twice = (topk[j] as readonly [number, number])[0] === token;
    }
    if (twice) return bad(`topk[${i}] lists token ${token} twice`);
    const problem = probabilityProblem(p);
    if (problem !== null) return bad(`topk[${i}][1] ${problem}`);
    // The miner's own pair, now known to be [token, probability]: kept, not copied (the answer is read-only).
    topk[i] = pair as unknown as readonly [number, number];
    mass += Math.fround(p as number);
  }
  const floor = fields.floor;
  const floorProblem = probabilityProblem(floor);
  if (floorProblem !== null) return bad(`floor ${floorProblem}`);
  mass += Math.fround(floor as number) * (limits.vocab - topk.length);
  if (!(mass > 0)) return bad('the answer has no mass (every probability and the floor are 0)');
  const answer: TopkAnswer = { topk, floor: floor as number };
  return { ok: true, answer };
}

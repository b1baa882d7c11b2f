import { InvalidInputError } from '../errors/index.js';
import { MAX_UID } from '../scoring/index.js';
import type { MinerReply, ParsedAnswer, ScoreBatchJson, ScoreResponseJson, Task, TaskQuery } from './types.js';

/*
 * A step's replies → the `yumaval score` batch (contracts/weights-and-scores.md), ready for parseScoreBatch and
 * scoreBatch. Per miner:
 * - no usable answer at all (every query failed: status ≠ 200, timeout, size cap, unparsable body, not asked; or
 *   every reply was garbage to the schema: NaN, wrong shape): `{ uid, error }`, unresponsive (loss null, Shapley
 *   exactly 0). A miner that sends only garbage must not earn the small positive value a worst-loss row still carries;
 * - otherwise `{ uid, topk, floor }` with one row per query. A row the schema accepts is the miner's answer as sent;
 *   a garbage row, and the row of a query that failed while others were answered, is written `topk: []`,
 *   `floor: null`, which the contract defines as garbage: it scores the worst loss.
 */

/** Why each row of one miner is what it is: an answer, garbage (reason), or a failed request (error). */
export type RowOutcome = ParsedAnswer | { readonly ok: false; readonly reason: string; readonly failed: true };

/** Reads one miner's replies to the queries with the task's schema (never throws on the miner's content). */
export function readReplies<Q extends TaskQuery>(task: Task<Q>, queries: readonly Q[], replies: readonly MinerReply[]): RowOutcome[] {
  return queries.map((query, b) => {
    const reply = replies[b];
    if (reply === null || reply === undefined) return { ok: false, reason: 'not queried', failed: true };
    if ('error' in reply) return { ok: false, reason: String(reply.error), failed: true };
    return task.responseSchema.parse(reply.fields, query);
  });
}

/** One miner's score response from its row outcomes. */
export function responseOf(uid: number, rows: readonly RowOutcome[]): ScoreResponseJson {
  if (!rows.some((r) => r.ok)) {
    const first = rows[0];
    const reason = first !== undefined && !first.ok ? first.reason : 'no reply';
    const what = rows.some((r) => !('failed' in r)) ? 'no usable answer to any' : 'every one';
    return { uid, error: rows.length > 1 ? `${reason} (${what} of ${rows.length} queries failed)` : reason };
  }
  const topk: Array<ReadonlyArray<readonly [number, number]>> = [];
  const floor: Array<number | null> = [];
  for (const r of rows) {
    if (r.ok) {
      // The schema's answer is its own copy of the miner's pairs: shared, not copied again.
      topk.push(r.answer.topk);
      floor.push(r.answer.floor);
    } else {
      topk.push([]);
      floor.push(null);
    }
  }
  return { uid, topk, floor };
}

/**
 * The scorer's batch input for one step: targets from `task.truth(seed, ·)`, one response per miner of
 * `answersByUid` (uid → its replies, indexed like `queries`), in the map's order.
 * @throws InvalidInputError for the caller's mistakes (no queries, a uid out of 0..65535), never for a miner's content
 */
export function toScoreBatch<Q extends TaskQuery>(task: Task<Q>, queries: readonly Q[], answersByUid: ReadonlyMap<number, readonly MinerReply[]>, seed: number): ScoreBatchJson {
  if (queries.length === 0) throw new InvalidInputError('queries', 'expected at least one query (a batch scores ≥ 1 query)');
  const targets = queries.map((q) => task.truth(seed, q));
  const responses: ScoreResponseJson[] = [];
  for (const [uid, replies] of answersByUid) {
    if (!(Number.isInteger(uid) && uid >= 0 && uid <= MAX_UID)) throw new InvalidInputError('answersByUid', `expected uids that are integers in 0..${MAX_UID}, got ${uid}`);
    responses.push(responseOf(uid, readReplies(task, queries, Array.isArray(replies) ? replies : [])));
  }
  return { targets, responses, vocab: task.vocab };
}

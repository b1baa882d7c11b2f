import type { Metagraph } from '../chain/index.js';
import { crashPoint } from '../faults/index.js';
import type { Dendrite, QueryAxon, QueryResult } from '../dendrite/index.js';
import { parseScoreBatch, scoreBatch, type ScoreBookEntry, type ScoringParams } from '../scoring/index.js';
import { toScoreBatch, type MinerReply, type Task, type TaskQuery } from '../task/index.js';

/*
 * One step's network and scoring work, without persistence (the loop commits the outcome in one transaction): the
 * step's queries from its task, each fanned out to every sampled miner through the dendrite (at most `concurrency`
 * fan-outs in flight), the replies read by the task's schema, the batch scored in WASM, and one score-book entry per
 * uid of the metagraph (queried or not, so that a hotkey change at an idle uid takes effect). A stop stops launching
 * fan-outs; the step then reports itself incomplete and is not applied (it is redone, with the same queries, on the
 * next start).
 */

/** What a step needs. */
export interface StepInput {
  step: number;
  /** The validator's secret task seed. */
  seed: number;
  metagraph: Metagraph;
  /** The uids to query (sampling.ts). */
  uids: readonly number[];
  task: Task;
  queriesPerStep: number;
  concurrency: number;
  timeoutSeconds: number;
  scoring: ScoringParams;
  dendrite: Dendrite;
  signal?: AbortSignal;
}

/** What a step came to. */
export interface StepOutcome {
  /** False when a stop cut it short: nothing of it may be applied. */
  complete: boolean;
  /** One entry per uid of the metagraph. */
  entries: ScoreBookEntry[];
  queried: number;
  responsive: number;
  /** Replies by status code (the SDK dendrite's: 200, 408, 422, 500, 503, ...). */
  statuses: Map<number, number>;
  /** Shapley values of the queried uids. */
  shapley: Map<number, number>;
  /** The slowest answer's time as the dendrite measured it (processTime), in ms; 0 when none answered. */
  slowestAnswerMs: number;
}

function axonsOf(m: Metagraph, uids: readonly number[]): QueryAxon[] {
  return uids.map((uid) => {
    const a = m.axons[uid];
    return { uid, ip: a?.ip ?? '0.0.0.0', port: a?.port ?? 0, hotkey: m.hotkeys[uid] ?? '' };
  });
}

function replyOf(r: QueryResult): MinerReply {
  if (r.status === 200 && r.fields !== null) return { fields: r.fields };
  return { error: `${r.status} ${r.message ?? ''}`.trim() };
}

/** Runs the step's queries and scores them. Never throws for a miner's behaviour. */
export async function runStep(s: StepInput): Promise<StepOutcome> {
  const queries: TaskQuery[] = s.task.makeQueries(s.seed, s.step, s.queriesPerStep);
  const axons = axonsOf(s.metagraph, s.uids);
  const replies = new Map<number, MinerReply[]>(s.uids.map((uid) => [uid, new Array<MinerReply>(queries.length).fill(null)]));
  const statuses = new Map<number, number>();
  let next = 0;
  let cut = false;
  let slowest = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (s.signal?.aborted) {
        cut = true;
        return;
      }
      const b = next++;
      if (b >= queries.length) return;
      const results = await s.dendrite.query(axons, s.task.synapse, (queries[b] as TaskQuery).fields, { timeout: s.timeoutSeconds });
      results.forEach((r, i) => {
        (replies.get(s.uids[i] as number) as MinerReply[])[b] = replyOf(r);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.processTime !== null && r.processTime > slowest) slowest = r.processTime;
      });
    }
  };
  if (axons.length > 0) await Promise.all(Array.from({ length: Math.min(s.concurrency, queries.length) }, lane));
  crashPoint('step.queried');
  const shapley = new Map<number, number>();
  const responsiveSet = new Set<number>();
  if (!cut && axons.length > 0) {
    const result = scoreBatch(parseScoreBatch(toScoreBatch(s.task, queries, replies, s.seed)), s.scoring);
    result.uids.forEach((uid, k) => {
      shapley.set(uid, result.shapley[k] as number);
      if (result.responsive[k] === true) responsiveSet.add(uid);
    });
  }
  const sampled = new Set(s.uids);
  const entries: ScoreBookEntry[] = [];
  for (let uid = 0; uid < s.metagraph.n; uid++) {
    const hotkey = s.metagraph.hotkeys[uid];
    if (hotkey === undefined || hotkey === '') continue;
    const queried = sampled.has(uid);
    const responsive = responsiveSet.has(uid);
    entries.push(responsive ? { uid, hotkey, queried, responsive, shapley: shapley.get(uid) as number } : { uid, hotkey, queried, responsive });
  }
  return { complete: !cut, entries, queried: s.uids.length, responsive: responsiveSet.size, statuses, shapley, slowestAnswerMs: slowest * 1000 };
}

import type { SynapseSpec } from '../protocol/index.js';

/*
 * The plug-in interface of a task (docs/task.md): what the validator loop needs from a query generator with ground
 * truth, and the answer format the scorer takes (contracts/weights-and-scores.md, `topk` + `floor`).
 */

/** One query of a step: the synapse input fields every miner receives, and where the query comes from. */
export interface TaskQuery {
  /** The step the query belongs to (part of its seed). */
  readonly step: number;
  /** Its index in the step (part of its seed). */
  readonly index: number;
  /** The synapse input fields sent to miners: JSON values only. The truth is never among them. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * A miner's answer to one query, in the scorer's top-k format: (outcome, probability) pairs and a floor, the
 * probability of each outcome not listed. Outcomes are distinct integers in 0..vocab−1; probabilities and floor are
 * finite and non-negative, with some positive mass. It need not sum to 1: the scorer renormalises.
 */
export interface TopkAnswer {
  readonly topk: ReadonlyArray<readonly [number, number]>;
  readonly floor: number;
}

/** What a response schema makes of a miner's returned fields: an answer, or why it is garbage. */
export type ParsedAnswer = { readonly ok: true; readonly answer: TopkAnswer } | { readonly ok: false; readonly reason: string };

/** Validates a miner's returned fields for one query. Never throws, whatever the fields hold. */
export interface ResponseSchema<Q extends TaskQuery = TaskQuery> {
  /** The output fields of the synapse the schema reads (e.g. `topk`, `floor`). */
  readonly outputFields: readonly string[];
  /** Reads the miner's fields (the parsed response body, untrusted) for `query`. */
  parse(fields: unknown, query: Q): ParsedAnswer;
}

/**
 * A task: a seeded query generator with ground truth. The validator calls `makeQueries(seed, step, count)`, sends each
 * query's `fields` to the miners as `synapse`, reads their replies with `responseSchema`, and scores them against
 * `truth(seed, query)`. The seed is the validator's secret: the same (seed, step) gives the same queries and truths, and
 * nothing sent to a miner lets it compute the truth.
 */
export interface Task<Q extends TaskQuery = TaskQuery> {
  /** A short name for logs and the store. */
  readonly name: string;
  /** The synapse the queries are sent as (route `/name`, its fields and hash fields). */
  readonly synapse: SynapseSpec;
  /** The number of outcomes of a query (the scorer's `vocab`, ≥ 2). */
  readonly vocab: number;
  /** `count` queries of `step`, a pure function of (seed, step, count). */
  makeQueries(seed: number, step: number, count: number): Q[];
  /** The true outcome of `query` (an integer in 0..vocab−1), a pure function of (seed, query.step, query.index). */
  truth(seed: number, query: Q): number;
  readonly responseSchema: ResponseSchema<Q>;
}

/**
 * What became of one query sent to one miner, as the dendrite reports it: the returned fields (the parsed body of a
 * 200 reply), or an error (any failure: status, timeout, size cap, unparsable body). `null`/`undefined` = not asked.
 */
export type MinerReply = { readonly fields: unknown } | { readonly error: string } | null | undefined;

/** One response of the `yumaval score` input (contracts/weights-and-scores.md). */
export type ScoreResponseJson =
  | { uid: number; error: string }
  | { uid: number; topk: Array<ReadonlyArray<readonly [number, number]>>; floor: Array<number | null> };

/** The batch part of the `yumaval score` input: what parseScoreBatch reads. */
export interface ScoreBatchJson {
  targets: number[];
  responses: ScoreResponseJson[];
  vocab: number;
}

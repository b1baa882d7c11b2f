import type { SynapseSpec } from '../protocol/index.js';
import { InvalidOptionError } from '../errors/index.js';
import { Prng } from '../random/index.js';
import { MAX_QUERIES } from '../scoring/index.js';
import { MarkovSource, type MarkovSourceOptions } from './markov-source.js';
import { intAtLeast, intIn, optional, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import { parseTopkFields } from './response-schema.js';
import { checkSafeInteger, mixNamedSeed } from './seed.js';
import type { ParsedAnswer, ResponseSchema, Task, TaskQuery } from './types.js';

/*
 * The built-in task, `next-token` (docs/task.md): a query is a context drawn from the hidden Markov source, the truth is
 * the token the source emits next, and an answer is a top-k distribution over the next token.
 *
 * Two seeds, two secrets. The source seed (`source.seed`) is the "language": oracle miners are given it, as a good
 * model knows its language. The validator's seed (the `seed` of makeQueries / truth) draws the contexts and the truths:
 * each query has its own streams, named by (seed, step, index), so the validator reproduces any query and its truth
 * alone, while a miner sees only the context. The truth stream is separate from the context stream, so even the
 * context's randomness says nothing about it.
 */

/** Options of the built-in task. */
export interface NextTokenTaskOptions {
  /** The hidden source (MARKOV_SOURCE_DEFAULTS for what is not given). */
  source?: MarkovSourceOptions;
  /** Tokens per context (order..1024). */
  contextLength?: number;
  /** Pairs asked for per answer (1..vocab); the synapse's default `k`. By default 16, or vocab when it is smaller. */
  k?: number;
}

/** The defaults: contexts of 8 tokens, top-16 answers, the default source. */
export const NEXT_TOKEN_DEFAULTS: Readonly<Required<Omit<NextTokenTaskOptions, 'source'>>> = Object.freeze({
  contextLength: 8,
  k: 16,
});

/** The largest context, so that a query stays small on the wire. */
export const MAX_CONTEXT = 1024;

/** The name of the task's synapse (the route `/NextToken`). */
export const NEXT_TOKEN_SYNAPSE_NAME = 'NextToken';

/** A query of the built-in task: its fields are `{ context, k, vocab }`. */
export interface NextTokenQuery extends TaskQuery {
  readonly fields: Readonly<{ context: readonly number[]; k: number; vocab: number }>;
}

/** The built-in task, with its source (what the oracle profiles know). */
export interface NextTokenTask extends Task<NextTokenQuery> {
  readonly source: MarkovSource;
  readonly contextLength: number;
  readonly k: number;
}

/**
 * The task's synapse: inputs `context` (required list of tokens), `k` and `vocab` (ints with defaults); outputs `topk`
 * (list of [token, probability] or None) and `floor` (float or None). The inputs are the hash fields, so the body
 * hash protects the query.
 */
export function nextTokenSynapse(vocab: number, k: number): SynapseSpec {
  return Object.freeze({
    name: NEXT_TOKEN_SYNAPSE_NAME,
    fields: Object.freeze({
      context: Object.freeze({ type: 'list', required: true }),
      k: Object.freeze({ type: 'int', required: false, default: k }),
      vocab: Object.freeze({ type: 'int', required: false, default: vocab }),
      topk: Object.freeze({ type: 'list', required: false, default: null }),
      floor: Object.freeze({ type: 'float', required: false, default: null }),
    }),
    requiredHashFields: Object.freeze(['context', 'k', 'vocab']),
  });
}

/** The k a query asks for, clamped to what the task allows (a query we built always has a valid one). */
function queryK(query: TaskQuery, fallback: number, vocab: number): number {
  const k = query.fields.k;
  return typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= vocab ? k : fallback;
}

/** The checks of each key alone; contextLength and k are checked again against the source once it is built. */
const CHECKS: Readonly<Record<keyof NextTokenTaskOptions, Check>> = {
  // The source checks its own options (MarkovSource), naming them source.<key>.
  source: () => null,
  contextLength: optional(intIn(1, MAX_CONTEXT)),
  k: optional(intAtLeast(1)),
};

/** Builds the built-in task from its options (each checked; InvalidOptionError names the bad one). */
export function createNextTokenTask(options: NextTokenTaskOptions = {}): NextTokenTask {
  const given = resolveOptions({ thing: 'a task option', things: 'task options', defaults: {}, checks: CHECKS }, options ?? {});
  const source = new MarkovSource(given.source ?? {});
  const contextLength = given.contextLength ?? NEXT_TOKEN_DEFAULTS.contextLength;
  const k = given.k ?? Math.min(NEXT_TOKEN_DEFAULTS.k, source.vocab);
  if (!(Number.isInteger(contextLength) && contextLength >= source.order && contextLength <= MAX_CONTEXT)) {
    throw new InvalidOptionError('contextLength', `expected an integer in ${source.order}..${MAX_CONTEXT} (at least the source order), got ${String(contextLength)}`);
  }
  if (!(Number.isInteger(k) && k >= 1 && k <= source.vocab)) {
    throw new InvalidOptionError('k', `expected an integer in 1..vocab (${source.vocab}), got ${String(k)}`);
  }
  const vocab = source.vocab;

  const responseSchema: ResponseSchema<NextTokenQuery> = Object.freeze({
    outputFields: Object.freeze(['topk', 'floor']),
    parse(fields: unknown, query: NextTokenQuery): ParsedAnswer {
      return parseTopkFields(fields, { vocab, maxPairs: queryK(query, k, vocab) });
    },
  });

  return Object.freeze({
    name: 'next-token',
    synapse: nextTokenSynapse(vocab, k),
    vocab,
    source,
    contextLength,
    k,
    responseSchema,
    makeQueries(seed: number, step: number, count: number): NextTokenQuery[] {
      checkSafeInteger('seed', seed);
      checkSafeInteger('step', step);
      if (!(Number.isInteger(count) && count >= 0 && count <= MAX_QUERIES)) {
        throw new InvalidOptionError('count', `expected an integer in 0..${MAX_QUERIES}, got ${String(count)}`);
      }
      return Array.from({ length: count }, (_, index) => {
        const context = source.sequence(new Prng(mixNamedSeed('context', seed, step, index)), contextLength);
        return Object.freeze({ step, index, fields: Object.freeze({ context: Object.freeze(context), k, vocab }) });
      });
    },
    truth(seed: number, query: NextTokenQuery): number {
      checkSafeInteger('seed', seed);
      checkSafeInteger('query.step', query.step);
      checkSafeInteger('query.index', query.index);
      const context = query.fields.context;
      const state = Array.isArray(context) ? source.stateOf(context) : -1;
      if (state < 0) {
        throw new InvalidOptionError('query.fields.context', `expected at least ${source.order} tokens in 0..${vocab - 1} (a query made by makeQueries)`);
      }
      return source.sample(state, new Prng(mixNamedSeed('truth', seed, query.step, query.index)));
    },
  });
}

import { UnknownProfileError } from './errors.js';
import { intIn, numberIn, oneOf, resolveOptions, safeInteger } from '../options/index.js';
import type { Check } from '../options/index.js';
import { createNextTokenTask, type NextTokenTask, type NextTokenTaskOptions } from './next-token-task.js';
import type { ProfileAction } from './profile-action.js';
import { JSON_TYPE, malformedBody, nanLiteralBody, oversizedBody } from './profile-bodies.js';
import { noiseAnswer, oracleAnswer, perturbAnswer } from './profile-models.js';
import type { TopkAnswer } from './types.js';

/*
 * The demo miners' behaviours (`yumaval miner --profile NAME`), for the built-in task. profileHandler(name, options)
 * returns a function from a request's synapse fields to what the axon does (ProfileAction). What each profile must
 * come to at the validator (status, score input) is in docs/task.md.
 */

/** Every profile name, in the order of docs/task.md. */
export const PROFILE_NAMES = Object.freeze([
  'oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'copier', 'sybil',
  'slow', 'error500', 'malformed', 'nan', 'oversized', 'wrong-shape',
] as const);

/** A profile name. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The profiles whose answers can be copied (the copier's `copyOf`). */
export const COPYABLE_PROFILES = Object.freeze(['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'sybil'] as const);
type Copyable = (typeof COPYABLE_PROFILES)[number];
const ORACLES = Object.freeze(['oracle-0.9', 'oracle-0.6', 'oracle-0.3'] as const);
type Oracle = (typeof ORACLES)[number];
const FIDELITY: Readonly<Record<Oracle, number>> = Object.freeze({ 'oracle-0.9': 0.9, 'oracle-0.6': 0.6, 'oracle-0.3': 0.3 });

/** Options of a profile. The task options must be the validator's (same source, same k), or the oracles know nothing. */
export interface ProfileOptions {
  /** The built-in task the miner answers (its source is what the oracles know). */
  task?: NextTokenTaskOptions;
  /** The miner's own randomness (noise, sybil perturbations). */
  seed?: number;
  /** copier: the profile whose answer it returns (with this same seed and member). */
  copyOf?: Copyable;
  /** sybil: the member index in its group (0, 1, ...). */
  member?: number;
  /** sybil: the oracle whose answer the group perturbs. */
  sybilBase?: Oracle;
  /** sybil: the σ of the log-normal factor on each probability. */
  sybilSpread?: number;
  /** slow: how long it waits before answering (past any deadline by default). */
  delayMs?: number;
  /** oversized: the size of the body, in bytes (at least). */
  oversizedBytes?: number;
  /** nan: `literal` sends the bare token NaN as Python's json.dumps does (invalid JSON); `null` sends nulls (valid JSON). */
  nanMode?: 'literal' | 'null';
}

/** The defaults of ProfileOptions. */
export const PROFILE_DEFAULTS: Readonly<Required<Omit<ProfileOptions, 'task'>>> = Object.freeze({
  seed: 1,
  copyOf: 'oracle-0.9',
  member: 0,
  sybilBase: 'oracle-0.6',
  sybilSpread: 0.05,
  delayMs: 60_000,
  oversizedBytes: 64 * 1024 * 1024,
  nanMode: 'literal',
});

type Resolved = Required<Omit<ProfileOptions, 'task'>> & { task: NextTokenTask };

const CHECKS: Readonly<Record<keyof ProfileOptions, Check>> = {
  // The task checks its own options (createNextTokenTask).
  task: () => null,
  seed: safeInteger,
  copyOf: oneOf(COPYABLE_PROFILES),
  member: intIn(0, 2 ** 31 - 1),
  sybilBase: oneOf(ORACLES),
  sybilSpread: numberIn(0, 2),
  delayMs: intIn(0, 3_600_000),
  oversizedBytes: intIn(1, 2 ** 40),
  nanMode: oneOf(['literal', 'null']),
};

/** Merges options with PROFILE_DEFAULTS and checks each key (src/options). */
function resolve(options: ProfileOptions): Resolved {
  const o = resolveOptions({ thing: 'a profile option', things: 'profile options', defaults: PROFILE_DEFAULTS, checks: CHECKS }, options ?? {}) as Required<ProfileOptions>;
  return { ...o, task: createNextTokenTask((options as ProfileOptions | null)?.task ?? {}) };
}

/** The query a request carries, or why an honest miner refuses it (400). */
type Query = { ok: true; context: number[]; state: number; k: number; input: Record<string, unknown> } | { ok: false; message: string };

function readQuery(fields: unknown, task: NextTokenTask): Query {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return { ok: false, message: 'the request is not a synapse object' };
  const f = fields as Record<string, unknown>;
  const vocab = f.vocab ?? task.vocab;
  if (vocab !== task.vocab) return { ok: false, message: `this miner knows a vocabulary of ${task.vocab} tokens, not ${String(vocab)}` };
  const k = f.k ?? task.k;
  if (!(typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= task.vocab)) return { ok: false, message: `k must be an integer in 1..${task.vocab}` };
  const context = f.context;
  const state = Array.isArray(context) ? task.source.stateOf(context) : -1;
  if (state < 0 || !(context as unknown[]).every((t) => Number.isInteger(t) && (t as number) >= 0 && (t as number) < task.vocab)) {
    return { ok: false, message: `context must be a list of at least ${task.source.order} tokens in 0..${task.vocab - 1}` };
  }
  return { ok: true, context: context as number[], state, k, input: { context, k, vocab } };
}

/** The answer of an answering profile to a valid query. */
function answerOf(name: Copyable, o: Resolved, q: Extract<Query, { ok: true }>): TopkAnswer {
  if (name === 'noise') return noiseAnswer(o.task.vocab, o.seed, q.context, q.k);
  if (name === 'sybil') {
    const base = oracleAnswer(o.task.source, q.state, FIDELITY[o.sybilBase], q.k);
    return perturbAnswer(base, o.task.vocab, o.seed, o.member, q.context, o.sybilSpread);
  }
  return oracleAnswer(o.task.source, q.state, FIDELITY[name], q.k);
}

/** The wrong shapes `wrong-shape` sends, one per query (chosen by the context). */
const WRONG_SHAPES: ReadonlyArray<(a: TopkAnswer) => Record<string, unknown>> = [
  (a) => ({ topk: Object.fromEntries(a.topk.map(([t, p]) => [String(t), p])), floor: a.floor }),
  (a) => ({ topk: a.topk.map(([t, p]) => [t, String(p)]), floor: a.floor }),
  (a) => ({ topk: a.topk.flat(), floor: a.floor }),
  (a) => ({ topk: a.topk.map(([t, p]) => [String(t), p]), floor: a.floor }),
  (a) => ({ topk: a.topk, floor: [a.floor] }),
  (a) => ({ topk: a.topk.map(([t, p]) => ({ token: t, prob: p })), floor: a.floor }),
];

/** The number of wrong shapes `wrong-shape` rotates through. */
export const WRONG_SHAPE_COUNT = WRONG_SHAPES.length;

/** Fields of a request → what the axon does. */
export type ProfileHandler = (fields: unknown) => ProfileAction;

/** Checks a profile name, with an error listing the valid ones. */
export function checkProfileName(name: string): ProfileName {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) throw new UnknownProfileError(name, PROFILE_NAMES);
  return name as ProfileName;
}

/**
 * The handler of a profile: a pure function of the request's synapse fields (the same request gets the same action).
 * @throws UnknownProfileError for a name not in PROFILE_NAMES; InvalidOptionError for a bad option
 */
export function profileHandler(name: string, options: ProfileOptions = {}): ProfileHandler {
  const profile = checkProfileName(name);
  const o = resolve(options);
  const answering = (fields: unknown, then: (q: Extract<Query, { ok: true }>) => ProfileAction): ProfileAction => {
    const q = readQuery(fields, o.task);
    return q.ok ? then(q) : { kind: 'status', status: 400, message: `Bad Request: ${q.message}` };
  };
  const fieldsOf = (a: TopkAnswer): ProfileAction => ({ kind: 'fields', fields: { topk: a.topk, floor: a.floor } });
  switch (profile) {
    case 'oracle-0.9':
    case 'oracle-0.6':
    case 'oracle-0.3':
    case 'noise':
    case 'sybil':
      return (fields) => answering(fields, (q) => fieldsOf(answerOf(profile, o, q)));
    case 'copier':
      return (fields) => answering(fields, (q) => fieldsOf(answerOf(o.copyOf, o, q)));
    case 'slow':
      return (fields) => ({ kind: 'delay', ms: o.delayMs, then: answering(fields, (q) => fieldsOf(answerOf('oracle-0.9', o, q))) });
    case 'error500':
      return () => ({ kind: 'status', status: 500, message: 'Internal Server Error' });
    case 'malformed':
      return (fields) => answering(fields, (q) => ({ kind: 'raw', status: 200, contentType: JSON_TYPE, body: malformedBody(q.input, answerOf('oracle-0.9', o, q)) }));
    case 'nan':
      return (fields) => answering(fields, (q) => {
        const a = answerOf('oracle-0.9', o, q);
        if (o.nanMode === 'null') return { kind: 'fields', fields: { topk: a.topk.map(([t]) => [t, null]), floor: null } };
        return { kind: 'raw', status: 200, contentType: JSON_TYPE, body: nanLiteralBody(q.input, a) };
      });
    case 'oversized':
      return () => ({ kind: 'raw', status: 200, contentType: JSON_TYPE, body: oversizedBody(o.oversizedBytes) });
    case 'wrong-shape':
      // Raw bytes: an axon validates its handler's output fields against their declared types (as pydantic does), so
      // a dict where a list is declared would never leave it as fields; a hostile miner writes the bytes itself.
      return (fields) => answering(fields, (q) => {
        const shape = WRONG_SHAPES[(q.context.reduce((a, t) => a + t, 0) + q.context.length) % WRONG_SHAPES.length];
        const outputs = (shape as (a: TopkAnswer) => Record<string, unknown>)(answerOf('oracle-0.9', o, q));
        return { kind: 'raw', status: 200, contentType: JSON_TYPE, body: JSON.stringify({ ...q.input, ...outputs }) };
      });
  }
}

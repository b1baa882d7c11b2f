import type { SynapseSpec } from '../protocol/index.js';
import { InvalidOptionError } from '../errors/index.js';
import { Prng } from '../random/index.js';
import { MAX_QUERIES } from '../scoring/index.js';
import { intIn, numberIn, resolveOptions, safeInteger } from '../options/index.js';
import type { Check } from '../options/index.js';
import { parseTopkFields } from './response-schema.js';
import { checkSafeInteger, mixNamedSeed } from './seed.js';
import { topkOf } from './topk.js';
import type { ParsedAnswer, ResponseSchema, Task, TaskQuery, TopkAnswer } from './types.js';

/*
 * The second built-in task, another modality: classification of inputs that are not token sequences. A hidden "world"
 * (seeded by `worldSeed`, as the next-token task's source seed) holds one prototype per class in a D-dimensional
 * feature space, like the embedding of an image class; a query is a noisy feature vector x = μ_y + σ·ε of a class y, and
 * a miner answers a distribution over the classes. The truth is y. Both are pure functions of (validator seed, step,
 * index): y from the stream ('class', seed, step, index), ε from ('features', seed, step, index). The best possible
 * answer is the Bayes posterior p(c | x) ∝ exp(−‖x − μ_c‖² / 2σ²), which only a miner that knows the world can compute;
 * the scorer is the same informational-value engine as for next-token (the answer format is the same top-k + floor).
 */

/** Options of the feature-classification task (the validator's and its miners' must be the same). */
export interface FeatureClassTaskOptions {
  /** Classes (the scorer's vocab), 2..1024. */
  classes?: number;
  /** Feature dimensions, 1..1024. */
  dims?: number;
  /** σ of the noise around a class prototype (prototypes are standard normal): larger is harder. */
  noise?: number;
  /** Which world: the prototypes. */
  worldSeed?: number;
}

/**
 * The defaults: 32 classes in 16 dimensions, noise 2.5. The Bayes posterior then loses 2.37 nats a query (2,000
 * queries, seed 1; right 32% of the time) against ln 32 = 3.47 for a uniform guess: above the scoring law's 1.69 floor,
 * so oracles of different fidelity keep distinct losses (with noise 1.5 the best answers fall under the floor and tie).
 */
export const FEATURE_CLASS_DEFAULTS: Readonly<Required<FeatureClassTaskOptions>> = Object.freeze({
  classes: 32, dims: 16, noise: 2.5, worldSeed: 0xfea7,
});

/** The synapse's name (its route is `/FeatureClass`). */
export const FEATURE_CLASS_SYNAPSE_NAME = 'FeatureClass';

/** A query: the features (rounded to 1e-4, as sent) and the number of classes. */
export interface FeatureClassQuery extends TaskQuery {
  readonly fields: Readonly<{ features: readonly number[]; classes: number }>;
}

/** The task, with its world for the reference miners. */
export interface FeatureClassTask extends Task<FeatureClassQuery> {
  readonly options: Readonly<Required<FeatureClassTaskOptions>>;
  /** The Bayes posterior over the classes for a feature vector (what an oracle of fidelity 1 answers). */
  posterior(features: readonly number[]): Float64Array;
}

/** The synapse: `features` and `classes` in, `topk` and `floor` out. */
export function featureClassSynapse(classes: number): SynapseSpec {
  return Object.freeze({
    name: FEATURE_CLASS_SYNAPSE_NAME,
    fields: Object.freeze({
      features: Object.freeze({ type: 'list', required: true }),
      classes: Object.freeze({ type: 'int', required: false, default: classes }),
      topk: Object.freeze({ type: 'list', required: false, default: null }),
      floor: Object.freeze({ type: 'float', required: false, default: null }),
    }),
    requiredHashFields: Object.freeze(['features', 'classes']),
  });
}

const CHECKS: Readonly<Record<keyof FeatureClassTaskOptions, Check>> = {
  classes: intIn(2, 1024),
  dims: intIn(1, 1024),
  noise: numberIn(0, 100, { openLow: true }),
  worldSeed: safeInteger,
};

/**
 * Builds the feature-classification task.
 * @throws InvalidOptionError naming a bad or unknown option
 */
export function createFeatureClassTask(options: FeatureClassTaskOptions = {}): FeatureClassTask {
  const o = resolveOptions({ thing: 'a task option', things: 'task options', defaults: FEATURE_CLASS_DEFAULTS, checks: CHECKS }, options ?? {}) as Required<FeatureClassTaskOptions>;
  const { classes, dims, noise } = o;
  const prototypes = Array.from({ length: classes }, (_, c) => {
    const prng = new Prng(mixNamedSeed('prototype', o.worldSeed, c));
    return Float64Array.from({ length: dims }, () => prng.normal());
  });
  const classOf = (seed: number, step: number, index: number): number => Math.floor(new Prng(mixNamedSeed('class', seed, step, index)).next() * classes);

  const posterior = (features: readonly number[]): Float64Array => {
    const logit = prototypes.map((mu) => {
      let d = 0;
      for (let i = 0; i < dims; i++) d += ((features[i] ?? 0) - (mu[i] as number)) ** 2;
      return -d / (2 * noise * noise);
    });
    const max = Math.max(...logit);
    const p = Float64Array.from(logit, (l) => Math.exp(l - max));
    const sum = p.reduce((a, x) => a + x, 0);
    for (let c = 0; c < classes; c++) p[c] = (p[c] as number) / sum;
    return p;
  };

  const responseSchema: ResponseSchema<FeatureClassQuery> = Object.freeze({
    outputFields: Object.freeze(['topk', 'floor']),
    parse(fields: unknown): ParsedAnswer {
      return parseTopkFields(fields, { vocab: classes, maxPairs: classes });
    },
  });

  return Object.freeze({
    name: 'feature-class',
    synapse: featureClassSynapse(classes),
    vocab: classes,
    options: Object.freeze(o),
    responseSchema,
    posterior,
    makeQueries(seed: number, step: number, count: number): FeatureClassQuery[] {
      checkSafeInteger('seed', seed);
      checkSafeInteger('step', step);
      if (!(Number.isInteger(count) && count >= 0 && count <= MAX_QUERIES)) {
        throw new InvalidOptionError('count', `expected an integer in 0..${MAX_QUERIES}, got ${String(count)}`);
      }
      return Array.from({ length: count }, (_, index) => {
        const mu = prototypes[classOf(seed, step, index)] as Float64Array;
        const prng = new Prng(mixNamedSeed('features', seed, step, index));
        const features = Array.from(mu, (m) => Math.round((m + noise * prng.normal()) * 1e4) / 1e4);
        return Object.freeze({ step, index, fields: Object.freeze({ features: Object.freeze(features), classes }) });
      });
    },
    truth(seed: number, query: FeatureClassQuery): number {
      checkSafeInteger('seed', seed);
      checkSafeInteger('query.step', query.step);
      checkSafeInteger('query.index', query.index);
      return classOf(seed, query.step, query.index);
    },
  });
}

/** An oracle's answer of fidelity f: f · the Bayes posterior + (1 − f) · uniform (as the next-token oracles). */
export function featureOracleAnswer(task: FeatureClassTask, features: readonly number[], fidelity: number): TopkAnswer {
  const p = task.posterior(features);
  const u = (1 - fidelity) / task.vocab;
  for (let c = 0; c < p.length; c++) p[c] = fidelity * (p[c] as number) + u;
  return topkOf(p, task.vocab);
}

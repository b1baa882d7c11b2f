import type { HandlerResult } from '../miner/index.js';
import { Prng } from '../random/index.js';
import { featureOracleAnswer, mixNamedSeed, mixSeed, topkOf, type FeatureClassTask, type TopkAnswer } from '../task/index.js';

/*
 * The demo miners' answers to the second task (feature-class): an oracle of a fidelity (f · the Bayes posterior +
 * (1 − f) · uniform, as the next-token oracles) or noise (a random distribution drawn from the miner's seed and the
 * features). A request without a feature vector of the task's length gets 400, as the next-token profiles do.
 */

/** How a demo miner answers feature-class queries. */
export type FeatureAnswer = { kind: 'oracle'; fidelity: number } | { kind: 'noise'; seed: number };

/** The axon handler of one miner for the FeatureClass synapse. */
export function featureHandler(task: FeatureClassTask, how: FeatureAnswer): (fields: Record<string, unknown>) => HandlerResult {
  const dims = task.options.dims;
  return (fields) => {
    const f = fields['features'];
    if (!Array.isArray(f) || f.length !== dims || !f.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return { kind: 'status', status: 400, message: `Bad Request: features must be ${dims} finite numbers` };
    }
    const features = f as number[];
    let a: TopkAnswer;
    if (how.kind === 'oracle') a = featureOracleAnswer(task, features, how.fidelity);
    else {
      const prng = new Prng(mixNamedSeed('feature-noise', how.seed, mixSeed(...features.map((x) => Math.round(x * 1e4)))));
      a = topkOf(Float64Array.from({ length: task.vocab }, () => -Math.log(1 - prng.next())), task.vocab);
    }
    return { kind: 'fields', fields: { topk: a.topk, floor: a.floor } };
  };
}

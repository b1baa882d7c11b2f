import { Evaluator } from './evaluate.js';
import type { SweepDefinition, Trial, TrialResult } from './types.js';

/*
 * A tuning worker thread (piscina). Its wasm engine is instantiated on the first trial and reused for every later one
 * (src/wasm keeps one instance per thread); its evaluators, with their baseline runs, are kept per sweep.
 */

/** A chunk of trials of one sweep. */
export interface ChunkTask {
  sweep: string;
  definition: SweepDefinition;
  trials: Trial[];
}

const MAX_SWEEPS = 4;
const evaluators = new Map<string, Evaluator>();

/** Runs a chunk in order and returns its results. */
export default function runChunk(task: ChunkTask): TrialResult[] {
  let ev = evaluators.get(task.sweep);
  if (ev === undefined) {
    ev = new Evaluator(task.definition);
    if (evaluators.size >= MAX_SWEEPS) evaluators.delete(evaluators.keys().next().value as string);
    evaluators.set(task.sweep, ev);
  }
  return task.trials.map((t) => (ev as Evaluator).evaluate(t));
}

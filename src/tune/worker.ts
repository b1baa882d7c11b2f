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

/**
 * A chunk as it crosses to a thread: the definition as UTF-8 JSON in a SharedArrayBuffer, which a postMessage shares
 * instead of copying. A definition holds its sources (a recorded history is every epoch's input), and a thread needs it
 * once per sweep, not once per chunk: a structured clone of it for every four trials cost more than the trials.
 */
export interface SharedChunkTask {
  sweep: string;
  shared: SharedArrayBuffer;
  trials: Trial[];
}

/** Encodes a definition once, to share with every thread. */
export function shareDefinition(definition: SweepDefinition): SharedArrayBuffer {
  const bytes = new TextEncoder().encode(JSON.stringify(definition));
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}

const MAX_SWEEPS = 4;
const evaluators = new Map<string, Evaluator>();

/** Runs a chunk in order and returns its results. */
export default function runChunk(task: ChunkTask | SharedChunkTask): TrialResult[] {
  let ev = evaluators.get(task.sweep);
  if (ev === undefined) {
    // TextDecoder does not read shared memory: one copy into this thread's own, once per sweep.
    const definition = 'shared' in task ? JSON.parse(new TextDecoder().decode(new Uint8Array(task.shared).slice())) as SweepDefinition : task.definition;
    ev = new Evaluator(definition);
    if (evaluators.size >= MAX_SWEEPS) evaluators.delete(evaluators.keys().next().value as string);
    evaluators.set(task.sweep, ev);
  }
  return task.trials.map((t) => (ev as Evaluator).evaluate(t));
}

import type { EpochMode } from '../yuma/index.js';
import type { ParamValues } from './params.js';
import type { TuneSource } from './sources.js';

/** How trials are chosen. */
export type SearchKind = 'grid' | 'random' | 'halving';

/**
 * Everything that decides a sweep's results, as plain JSON: the same definition gives the same trials and the same
 * values on any machine. It is what workers receive (through workerData or Redis), and its hash is the sweep id.
 */
export interface SweepDefinition {
  /** The SPACE.json document as given (each worker checks it again). */
  space: unknown;
  sources: TuneSource[];
  objectives: string[];
  mode: EpochMode;
  search: SearchKind;
  seed: number;
  /** Trials asked for (random and halving; a grid runs all its points). */
  trials: number;
}

/** One trial: an id unique in its sweep, the parameter values, and its epoch budget (null: each source's own). */
export interface Trial {
  id: string;
  params: ParamValues;
  epochs: number | null;
}

/** A trial's values: null where an objective has no meaning for it (no copier, no cartel, nothing paid). */
export interface TrialResult extends Trial {
  objectives: Record<string, number | null>;
}

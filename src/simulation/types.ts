import type { EpochInput, EpochMode, EpochOutput, NormalizedEpochInput, SparseRow } from '../yuma/index.js';
import type { Behaviour, BehaviourPlan, Quality } from './behaviours.js';

export type { Behaviour, BehaviourPlan, Quality };

/** Hyperparameters a scenario or a variant may set: the EpochInput fields that are not per-uid state. */
export type Hyperparams = Omit<
  EpochInput,
  'n' | 'block' | 'stake' | 'lastUpdate' | 'blockAtRegistration' | 'validatorPermit' | 'weights' | 'bonds' | 'commitBlock'
>;

/** One compared configuration: a name and the hyperparameters it overrides. */
export interface Variant extends Hyperparams {
  name: string;
}

/** One epoch of a scenario: weights rows set before it runs, and optionally new stakes from it on. */
export interface ScenarioEpoch {
  weights?: Record<string, SparseRow>;
  stake?: Array<number | string>;
  /** uids that deregister and register anew just before this epoch (their rows and the bonds to them reset). */
  register?: number[];
}

/** A simulation scenario in the explicit form of contracts/scenario.md. */
export interface Scenario {
  name?: string;
  description?: string;
  n: number;
  validators?: number[];
  stake: Array<number | string>;
  hyperparams?: Hyperparams;
  variants?: Variant[];
  warmupEmptyEpoch?: boolean;
  blocks?: number[];
  epochs: ScenarioEpoch[];
  /** Run this many epochs (epochs beyond the listed ones set no explicit weights). */
  epochCount?: number;
  /** Weights produced epoch by epoch (docs/simulation.md). */
  behaviours?: Behaviour[];
  quality?: Quality;
  seed?: number;
}

/** A scenario after validation: stakes as bigints, weights rows keyed by uid, one block per run. */
export interface NormalizedScenario {
  name: string;
  n: number;
  stake: bigint[];
  hyperparams: Hyperparams;
  variants: Variant[];
  warmup: boolean;
  /** Block of each run, the warm-up included. */
  blocks: number[];
  /** Per epoch: rows set before it, new stakes from it on, and the uids that re-register before it. */
  epochs: Array<{ weights: Map<number, SparseRow>; stake: bigint[] | null; register: number[] }>;
  /** Behaviours that produce weights epoch by epoch, or null. */
  plan: BehaviourPlan | null;
}

/** Options of `simulate`. */
export interface SimulateOptions {
  mode?: EpochMode;
  /**
   * Keep only these EpochOutput fields (and `bonds`, `validatorPermit` and `consensus`, which the next run needs), for
   * callers that read a few of them over many runs (sweeps). The other fields are absent. Default: every field.
   */
  fields?: ReadonlyArray<keyof EpochOutput>;
  /** Called after each epoch run with (runs done, runs in all), for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What the metrics, charts, tables and CSV read of one epoch: the EpochOutput without its bonds rows and bits (which
 * hold O(bond entries) per epoch: 17 MB per epoch at n = 4096 with 64 dense validators), and each uid's bond total
 * instead. Kept for every epoch of a long run; the full outputs are streamed (simulateRuns) and dropped.
 */
export type EpochSeries = Omit<EpochOutput, 'bonds' | 'bits'> & {
  /** Per uid: the sum of its stored bond values after the epoch (u16 units). */
  bondTotals: number[];
};

/**
 * What simulateRuns yields, in run order: a variant's start (variants run one after the other), then each of its
 * epochs (the warm-up run is not one).
 */
export type SimulationEvent =
  | {
      kind: 'variant';
      /** The variant's index in the scenario. */
      variant: number;
      name: string;
    }
  | {
      kind: 'epoch';
      variant: number;
      name: string;
      /** The scenario epoch, from 0. */
      epoch: number;
      /** The epoch's input, as the engine ran it (the history a `--out` run writes as JSON Lines). */
      input: NormalizedEpochInput;
      /** The epoch's whole output. */
      output: EpochOutput;
      /** The same as a series record, to keep. */
      series: EpochSeries;
    };

/** The per-epoch series of every variant (what simulate keeps when the full outputs are streamed). */
export interface SeriesResult {
  variants: Array<{ name: string; epochs: EpochSeries[] }>;
}

/** The `--json` output of contracts/scenario.md. */
export interface SimulationResult {
  variants: Array<{ name: string; epochs: EpochOutput[] }>;
}

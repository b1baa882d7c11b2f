import { SCORING_MODELS } from '../scoring/index.js';

/*
 * The parameters a sweep may vary, each with its kind and range. Consensus parameters are the EpochInput's
 * hyperparameters in raw chain units (contracts/epoch-io.md); `commitRevealPeriod` is the injected copier's delay as
 * Opentensor's weight-copy procedure models commit-reveal. Scoring parameters are the informational-value model's
 * (docs/scoring.md) and the offline validator's (docs/tune.md). A name outside this table is refused with the list.
 */

/** Which evaluation a parameter belongs to. */
export type ParamKind = 'consensus' | 'scoring';

/** One tunable parameter: its kind, its type and the range a value must fall in. */
export interface ParamDef {
  kind: ParamKind;
  /**
   * `int` values are integers; `bool` values are true or false; `real` any finite number in range; `choice` one of
   * `choices` (a name, given by `values` only).
   */
  type: 'int' | 'real' | 'bool' | 'choice';
  min: number;
  max: number;
  /** What it is, for --help and the docs. */
  doc: string;
  /** The names a `choice` parameter takes. */
  choices?: readonly string[];
}

const u16 = (doc: string): ParamDef => ({ kind: 'consensus', type: 'int', min: 0, max: 65535, doc });

/** Every tunable parameter by name. */
export const PARAMS: Readonly<Record<string, ParamDef>> = Object.freeze({
  kappa: u16('consensus majority threshold, u16 proportion (chain default 32767)'),
  bondsPenalty: u16('bonds penalty β, u16 proportion (65535 = full clipping)'),
  bondsMovingAverage: { kind: 'consensus', type: 'int', min: 0, max: 1_000_000, doc: 'bonds EMA, parts per million (900000)' },
  yuma3: { kind: 'consensus', type: 'bool', min: 0, max: 1, doc: 'Yuma3 bonds' },
  liquidAlpha: { kind: 'consensus', type: 'bool', min: 0, max: 1, doc: 'liquid alpha (with Yuma3)' },
  alphaLow: u16('liquid alpha low, u16 proportion (45875 = 0.7)'),
  alphaHigh: u16('liquid alpha high, u16 proportion (58982 = 0.9)'),
  alphaSigmoidSteepness: { kind: 'consensus', type: 'int', min: -32768, max: 32767, doc: 'liquid alpha steepness ×100 (1000)' },
  maxAllowedValidators: { kind: 'consensus', type: 'int', min: 1, max: 65535, doc: 'validator permits' },
  commitRevealPeriod: {
    kind: 'consensus', type: 'int', min: 0, max: 1000,
    doc: 'commit-reveal interval in tempos: the injected copier copies the consensus published this many tempos before the latest (lag = period + 1)',
  },
  emaAlpha: { kind: 'scoring', type: 'real', min: 1e-6, max: 1, doc: 'the score book\'s EMA factor (0.1)' },
  sampleSize: { kind: 'scoring', type: 'int', min: 1, max: 65536, doc: 'queries per miner per step (64)' },
  scalingLawPower: { kind: 'scoring', type: 'real', min: 1e-6, max: 4, doc: 'base Shapley term exponent (0.5)' },
  synergyScalingLawPower: { kind: 'scoring', type: 'real', min: 1e-6, max: 4, doc: 'synergy exponent (0.5)' },
  divergenceWeight: { kind: 'scoring', type: 'real', min: 0, max: 100, doc: 'divergence penalty weight (1310/65535)' },
  lossFloor: { kind: 'scoring', type: 'real', min: 0.01, max: 100, doc: 'scaling-law loss floor (1.69)' },
  // The scorer's own list and range (src/scoring), so a value the scorer would refuse is refused when the space is read.
  model: {
    kind: 'scoring', type: 'choice', min: 0, max: 0, choices: SCORING_MODELS,
    doc: 'the informational-value model: shapley-2022 (the default) or redundancy-aware (docs/scoring.md)',
  },
  redundancyTolerance: {
    kind: 'scoring', type: 'real', min: 1e-6, max: 50,
    doc: 'the redundancy-aware model\'s τ in nats: miners whose answers are closer are one group (3); used with model redundancy-aware',
  },
  copyTolerance: {
    kind: 'scoring', type: 'real', min: 1e-6, max: 50,
    doc: 'the redundancy-aware model\'s copy scale τ_c in nats: miners closer than it count as copies (0.12); used with model redundancy-aware',
  },
});

/** The tunable parameter names. */
export const PARAM_NAMES: readonly string[] = Object.freeze(Object.keys(PARAMS));

/** One parameter's value. */
export type ParamValue = number | boolean | string;

/** A parameter set: one value per swept parameter. */
export type ParamValues = Record<string, ParamValue>;

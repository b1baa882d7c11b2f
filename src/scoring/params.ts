import { InvalidInputError } from '../errors/index.js';
import type { ScoringParams } from './types.js';
import { describeValue } from '../errors/describe-value.js';

/*
 * The scoring parameters (ScoringParams) with the 2022 core validator's values as defaults, and the one place a caller's
 * partial parameters are merged with them and checked (contracts/weights-and-scores.md, `params` of `yumaval score`).
 */

/** The 2022 validator's values (bittensor v3.4.3 – v3.6 core_validator, validator-sdk-spec.md §6). */
export const SCORING_DEFAULTS: Readonly<ScoringParams> = Object.freeze({
  // Chain hyperparameter ScalingLawPower = 50, read by the validator as 50 / 100 (§6.3).
  scalingLawPower: 0.5,
  // Chain hyperparameter SynergyScalingLawPower = 50, read as 50 / 100 (§6.4).
  synergyScalingLawPower: 0.5,
  // Chain hyperparameter ValidatorLogitsDivergence = 1310, a u16 proportion read as 1310 / 65535 (§6.5, v3.6).
  divergenceWeight: 1310 / 65535,
  // Kaplan et al. 2020's irreducible loss, "the entropy of natural text": torch.clamp(loss, 1.69) (§6.3).
  lossFloor: 1.69,
  // The 2022 loss functions replace a NaN loss by 20 (§6.2); a garbage row gets it, and no row gets more.
  worstLoss: 20,
  // The zeroing EMA factor of v3.4.3's neuron_stats_update (0.05 in v3.0 – v3.4.0) (§6.5).
  emaAlpha: 0.1,
});

/*
 * Ranges. The bounds keep every quantity of the model finite in float64: with lossFloor ≥ 0.01 the scaling law is at
 * most 8.8e13 · 0.01^(−1/0.076) ≈ e^92.7 and its 4th power e^371; with worstLoss ≤ 700, e^(−worstLoss) is still a normal
 * double, so the synergy's pair probability (e^(−l1) + e^(−l2))/2 is never 0.
 */
const MAX_POWER = 4;
const MIN_LOSS_FLOOR = 0.01;
const MAX_WORST_LOSS = 700;

type Check = (v: number) => string | null;

const CHECKS: Readonly<Record<keyof ScoringParams, Check>> = {
  scalingLawPower: (v) => (v > 0 && v <= MAX_POWER ? null : `expected a number in (0, ${MAX_POWER}]`),
  synergyScalingLawPower: (v) => (v > 0 && v <= MAX_POWER ? null : `expected a number in (0, ${MAX_POWER}]`),
  divergenceWeight: (v) => (v >= 0 ? null : 'expected a number ≥ 0'),
  lossFloor: (v) => (v >= MIN_LOSS_FLOOR ? null : `expected a number ≥ ${MIN_LOSS_FLOOR} (the scaling law overflows below it)`),
  worstLoss: (v) => (v > 0 && v <= MAX_WORST_LOSS ? null : `expected a number in (0, ${MAX_WORST_LOSS}]`),
  emaAlpha: (v) => (v > 0 && v <= 1 ? null : 'expected a number in (0, 1]'),
};

const KEYS = Object.keys(CHECKS) as Array<keyof ScoringParams>;


/**
 * Merges a caller's partial parameters with SCORING_DEFAULTS and checks every value.
 * @param partial an object with some of the ScoringParams keys, or undefined for all the defaults
 * @param path the name of the object in messages (`params` → `params.lossFloor: ...`)
 * @returns a new, complete ScoringParams
 * @throws InvalidInputError naming the key: an unknown key, a value that is not a finite number or out of its range,
 *   or a worstLoss that is not above lossFloor
 */
export function resolveScoringParams(partial: unknown, path = 'params'): ScoringParams {
  if (partial === undefined) return { ...SCORING_DEFAULTS };
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new InvalidInputError(path, `expected an object of scoring parameters, got ${describeValue(partial)}`);
  }
  const given = partial as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(CHECKS, key)) {
      throw new InvalidInputError(`${path}.${key}`, `is not a scoring parameter (expected one of ${KEYS.join(', ')})`);
    }
  }
  const out: ScoringParams = { ...SCORING_DEFAULTS };
  for (const key of KEYS) {
    if (!Object.prototype.hasOwnProperty.call(given, key)) continue;
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidInputError(`${path}.${key}`, `expected a finite number, got ${describeValue(v)}`);
    }
    const problem = CHECKS[key](v);
    if (problem !== null) throw new InvalidInputError(`${path}.${key}`, `${problem}, got ${v}`);
    out[key] = v;
  }
  if (!(out.worstLoss > out.lossFloor)) {
    throw new InvalidInputError(
      `${path}.worstLoss`,
      `must be above lossFloor (${out.lossFloor}), got ${out.worstLoss}: a garbage row must lose more than the best possible answer`,
    );
  }
  return out;
}

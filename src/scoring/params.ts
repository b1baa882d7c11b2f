import { describeValue, InvalidInputError } from '../errors/index.js';
import type { ScoringModel, ScoringParams } from './types.js';

/*
 * The scoring parameters (ScoringParams) with the 2022 core validator's values as defaults, and the one place a caller's
 * partial parameters are merged with them and checked (contracts/weights-and-scores.md, `params` of `yumaval score`).
 */

/** The 2022 validator's values (bittensor v3.4.3 – v3.6 core_validator, validator-sdk-spec.md §6). */
export const SCORING_DEFAULTS: Readonly<ScoringParams> = Object.freeze({
  // The 2022 model stays the default of the scorer: `yumaval score` and the contract reproduce it unchanged.
  model: 'shapley-2022' as ScoringModel,
  // Chosen from the measurements of docs/scoring.md (the noise a copier would add, the distance of honest miners).
  redundancyTolerance: 3,
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

/** The scoring models, in the order of docs/scoring.md. */
export const SCORING_MODELS: readonly ScoringModel[] = Object.freeze(['shapley-2022', 'redundancy-aware']);
/** The largest tolerance: beyond it, miners whose losses differ by more than 50 nats a query would be merged. */
const MAX_TOLERANCE = 50;

/** A check of one value: the problem (without the value, which the caller appends), or null. */
type Check = (v: unknown) => string | null;

/** A finite number that passes `ok`. */
const numeric = (ok: (v: number) => boolean, expected: string): Check => (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'expected a finite number';
  return ok(v) ? null : expected;
};

const CHECKS: Readonly<Record<keyof ScoringParams, Check>> = {
  scalingLawPower: numeric((v) => v > 0 && v <= MAX_POWER, `expected a number in (0, ${MAX_POWER}]`),
  synergyScalingLawPower: numeric((v) => v > 0 && v <= MAX_POWER, `expected a number in (0, ${MAX_POWER}]`),
  divergenceWeight: numeric((v) => v >= 0, 'expected a number ≥ 0'),
  lossFloor: numeric((v) => v >= MIN_LOSS_FLOOR, `expected a number ≥ ${MIN_LOSS_FLOOR} (the scaling law overflows below it)`),
  worstLoss: numeric((v) => v > 0 && v <= MAX_WORST_LOSS, `expected a number in (0, ${MAX_WORST_LOSS}]`),
  emaAlpha: numeric((v) => v > 0 && v <= 1, 'expected a number in (0, 1]'),
  model: (v) => (typeof v === 'string' && (SCORING_MODELS as readonly string[]).includes(v) ? null : `expected one of ${SCORING_MODELS.join(', ')}`),
  redundancyTolerance: numeric((v) => v > 0 && v <= MAX_TOLERANCE, `expected a number of nats in (0, ${MAX_TOLERANCE}]`),
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
    const problem = CHECKS[key](v);
    if (problem !== null) throw new InvalidInputError(`${path}.${key}`, `${problem}, got ${typeof v === 'number' ? v : describeValue(v)}`);
    (out as unknown as Record<string, unknown>)[key] = v;
  }
  if (!(out.worstLoss > out.lossFloor)) {
    throw new InvalidInputError(
      `${path}.worstLoss`,
      `must be above lossFloor (${out.lossFloor}), got ${out.worstLoss}: a garbage row must lose more than the best possible answer`,
    );
  }
  return out;
}

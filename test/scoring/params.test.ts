import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { resolveScoringParams, SCORING_DEFAULTS } from '../../src/scoring/params.js';

function pathOf(partial: unknown, path?: string): string {
  try {
    resolveScoringParams(partial, path);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    expect((e as InvalidInputError).code).toBe('ERR_INVALID_INPUT');
    return (e as InvalidInputError).path;
  }
  return 'no error';
}

describe('SCORING_DEFAULTS', () => {
  it('are the 2022 validator’s values', () => {
    expect(SCORING_DEFAULTS).toEqual({
      model: 'shapley-2022',
      redundancyTolerance: SCORING_DEFAULTS.redundancyTolerance,
      copyTolerance: SCORING_DEFAULTS.copyTolerance,
      scalingLawPower: 0.5,
      synergyScalingLawPower: 0.5,
      divergenceWeight: 1310 / 65535,
      lossFloor: 1.69,
      worstLoss: 20,
      emaAlpha: 0.1,
    });
    expect(SCORING_DEFAULTS.divergenceWeight).toBeCloseTo(0.019989318684672, 15);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(SCORING_DEFAULTS)).toBe(true);
    expect(() => {
      (SCORING_DEFAULTS as { lossFloor: number }).lossFloor = 2;
    }).toThrow(TypeError);
  });
});

describe('resolveScoringParams', () => {
  it('gives the defaults for undefined and {}, as a fresh object', () => {
    const a = resolveScoringParams(undefined);
    expect(a).toEqual(SCORING_DEFAULTS);
    expect(a).not.toBe(SCORING_DEFAULTS);
    a.lossFloor = 3;
    expect(SCORING_DEFAULTS.lossFloor).toBe(1.69);
    expect(resolveScoringParams({})).toEqual(SCORING_DEFAULTS);
  });

  it('overrides only the keys given', () => {
    expect(resolveScoringParams({ scalingLawPower: 0.6, worstLoss: 30 })).toEqual({ ...SCORING_DEFAULTS, scalingLawPower: 0.6, worstLoss: 30 });
    expect(resolveScoringParams({ divergenceWeight: 0 }).divergenceWeight).toBe(0);
    expect(resolveScoringParams({ emaAlpha: 1 }).emaAlpha).toBe(1);
    expect(resolveScoringParams({ scalingLawPower: 4, synergyScalingLawPower: 4 }).synergyScalingLawPower).toBe(4);
  });

  it('refuses unknown keys and non-objects, naming them', () => {
    expect(pathOf({ lossfloor: 1 })).toBe('params.lossfloor');
    expect(pathOf([])).toBe('params');
    expect(pathOf(null)).toBe('params');
    expect(pathOf(0.5)).toBe('params');
    expect(pathOf({ alpha: 1 }, 'tune.params')).toBe('tune.params.alpha');
  });

  it('refuses non-numbers and non-finite numbers', () => {
    expect(pathOf({ scalingLawPower: '0.5' })).toBe('params.scalingLawPower');
    expect(pathOf({ divergenceWeight: Number.NaN })).toBe('params.divergenceWeight');
    expect(pathOf({ divergenceWeight: Number.POSITIVE_INFINITY })).toBe('params.divergenceWeight');
    expect(pathOf({ emaAlpha: null })).toBe('params.emaAlpha');
    expect(pathOf({ worstLoss: true })).toBe('params.worstLoss');
  });

  it('reads the model and its tolerance, and refuses others', () => {
    expect(resolveScoringParams({ model: 'redundancy-aware', redundancyTolerance: 0.5 })).toEqual({ ...SCORING_DEFAULTS, model: 'redundancy-aware', redundancyTolerance: 0.5 });
    expect(pathOf({ model: 'shapley' })).toBe('params.model');
    expect(pathOf({ model: 1 })).toBe('params.model');
    expect(pathOf({ redundancyTolerance: 0 })).toBe('params.redundancyTolerance');
    expect(pathOf({ redundancyTolerance: 51 })).toBe('params.redundancyTolerance');
    expect(pathOf({ redundancyTolerance: '1' })).toBe('params.redundancyTolerance');
    expect(resolveScoringParams({ copyTolerance: 0.2 }).copyTolerance).toBe(0.2);
    expect(pathOf({ copyTolerance: 0 })).toBe('params.copyTolerance');
    expect(pathOf({ copyTolerance: 51 })).toBe('params.copyTolerance');
    expect(pathOf({ copyTolerance: Number.NaN })).toBe('params.copyTolerance');
  });

  it('refuses values out of range', () => {
    expect(pathOf({ scalingLawPower: 0 })).toBe('params.scalingLawPower');
    expect(pathOf({ scalingLawPower: 4.0001 })).toBe('params.scalingLawPower');
    expect(pathOf({ synergyScalingLawPower: -0.5 })).toBe('params.synergyScalingLawPower');
    expect(pathOf({ divergenceWeight: -1e-9 })).toBe('params.divergenceWeight');
    expect(pathOf({ lossFloor: 0 })).toBe('params.lossFloor');
    expect(pathOf({ lossFloor: 0.001 })).toBe('params.lossFloor');
    expect(pathOf({ worstLoss: 701 })).toBe('params.worstLoss');
    expect(pathOf({ emaAlpha: 0 })).toBe('params.emaAlpha');
    expect(pathOf({ emaAlpha: 1.5 })).toBe('params.emaAlpha');
  });

  it('requires worstLoss above lossFloor, after merging with the defaults', () => {
    expect(pathOf({ worstLoss: 1.69 })).toBe('params.worstLoss');
    expect(pathOf({ lossFloor: 25 })).toBe('params.worstLoss');
    expect(resolveScoringParams({ lossFloor: 25, worstLoss: 26 })).toMatchObject({ lossFloor: 25, worstLoss: 26 });
  });

  it('says what is wrong in the message', () => {
    expect(() => resolveScoringParams({ emaAlpha: 2 })).toThrow('params.emaAlpha: expected a number in (0, 1], got 2');
    expect(() => resolveScoringParams({ x: 1 })).toThrow(/params\.x: is not a scoring parameter \(expected one of scalingLawPower, /);
  });
});

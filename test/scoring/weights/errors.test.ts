import { describe, expect, it } from 'vitest';
import { InvalidInputError, YumavalError } from '../../../src/errors/index.js';
import {
  convertWeightsAndUidsForEmit,
  numpyQuantile,
  processAndEmit,
  processWeights,
  roundHalfEven,
  validateWeightsInput,
} from '../../../src/scoring/weights/index.js';

/** Runs f and returns the InvalidInputError it throws (failing the test if it throws anything else, or nothing). */
function inputError(f: () => unknown): InvalidInputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err).toBeInstanceOf(YumavalError);
    expect((err as InvalidInputError).code).toBe('ERR_INVALID_INPUT');
    return err as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError, nothing was thrown');
}

describe('convertWeightsAndUidsForEmit refuses what the SDK refuses', () => {
  it('a negative weight, naming its index', () => {
    const e = inputError(() => convertWeightsAndUidsForEmit([0, 1, 2, 3], [0.1, 0.2, 0.3, -0.4]));
    expect(e.path).toBe('weights[3]');
    expect(e.message).toMatch(/^weights\[3\]: is negative/);
  });

  it('a negative uid, naming its index', () => {
    expect(inputError(() => convertWeightsAndUidsForEmit([0, -1], [0.5, 0.5])).path).toBe('uids[1]');
  });

  it('different lengths', () => {
    expect(inputError(() => convertWeightsAndUidsForEmit([0, 1, 2], [0.5, 0.5])).message).toMatch(/has 2 entries but uids has 3/);
  });

  it('empty lists (Python min() raises), non-finite weights and fractional uids', () => {
    expect(inputError(() => convertWeightsAndUidsForEmit([], [])).path).toBe('weights');
    expect(inputError(() => convertWeightsAndUidsForEmit([0], [Number.NaN])).path).toBe('weights[0]');
    expect(inputError(() => convertWeightsAndUidsForEmit([0, 1], [1, Infinity])).path).toBe('weights[1]');
    expect(inputError(() => convertWeightsAndUidsForEmit([0.5], [1])).path).toBe('uids[0]');
  });

  it('checks the weights before the uids, as the SDK does', () => {
    expect(inputError(() => convertWeightsAndUidsForEmit([-1], [-1])).path).toBe('weights[0]');
  });

  it('all-zero weights emit nothing', () => {
    expect(convertWeightsAndUidsForEmit([0, 1], [0, 0])).toEqual({ uids: [], values: [] });
  });
});

describe('Python round(): half to even', () => {
  it.each([
    [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [65534.5, 65534], [0.49999999999999994, 0], [1.4999999999999998, 1], [7, 7], [0, 0],
  ])('round(%f) = %i', (x, want) => {
    expect(roundHalfEven(x)).toBe(want);
  });

  it('emit rounds ties to even, as Python does (Math.round would give 1, 3 and 5): a 0.5 is dropped', () => {
    // k / 65535 · 65535 is exactly k in float64 for these k (Python agrees: round() gives 0, 2, 2, 4).
    const w = [1, 0.5 / 65535, 1.5 / 65535, 2.5 / 65535, 4.5 / 65535];
    expect(convertWeightsAndUidsForEmit([0, 1, 2, 3, 4], w)).toEqual({ uids: [0, 2, 3, 4], values: [65535, 2, 2, 4] });
  });
});

describe('processWeights: SDK details and argument checks', () => {
  it('places scores by input position on the 1e-5 path, as the SDK does (uid 5\'s score lands on uid 0)', () => {
    // numpy: process_weights(uids=[5, 2], weights=[0.3, 0.7], n=8, min_allowed=4, limit=1) then emit.
    expect(processAndEmit({ uids: [5, 2], weights: [0.3, 0.7], n: 8, minAllowedWeights: 4 })).toEqual({
      uids: [0, 1, 2, 3, 4, 5, 6, 7],
      values: [28087, 65535, 1, 1, 1, 1, 1, 1],
    });
  });

  it('reads weights as float32: 1e-46 rounds to 0 and is not a positive weight', () => {
    expect(processAndEmit({ uids: [0, 1, 2, 3], weights: [1e-46, 0, 2, 1], n: 4, minAllowedWeights: 1 })).toEqual({ uids: [2, 3], values: [65535, 32768] });
  });

  it('drops the lowest quantile, keeping the input order', () => {
    expect(processAndEmit({ uids: [3, 1, 0, 2], weights: [0.4, 0.1, 0.3, 0.2], n: 4, minAllowedWeights: 1, excludeQuantile: 0.5 })).toEqual({
      uids: [3, 0],
      values: [65535, 49151],
    });
  });

  it('refuses bad arguments, naming them', () => {
    expect(inputError(() => processWeights([0], [1], 0, 1)).path).toBe('numNeurons');
    expect(inputError(() => processWeights([0], [1], 1, -1)).path).toBe('minAllowedWeights');
    expect(inputError(() => processWeights([0], [1], 1, 1, 0)).path).toBe('maxWeightLimit');
    expect(inputError(() => processWeights([0], [1], 1, 1, 1, 1.5)).path).toBe('excludeQuantile');
    expect(inputError(() => processWeights([0, 1], [1], 2, 1)).path).toBe('weights');
    expect(inputError(() => processWeights([0, 1.5], [1, 1], 2, 1)).path).toBe('uids[1]');
    expect(inputError(() => processWeights([0, 1], [1, 1e39], 2, 1)).path).toBe('weights[1]');
    expect(inputError(() => numpyQuantile([], 0.5)).path).toBe('values');
  });
});

describe('validateWeightsInput (the CLI contract)', () => {
  const ok = { uids: [0, 1, 2], weights: [0.5, 0.25, 0.25], n: 3, minAllowedWeights: 1 };

  it('fills in the defaults', () => {
    expect(validateWeightsInput(ok)).toEqual({ ...ok, maxWeightLimit: 1, excludeQuantile: 0 });
  });

  it.each([
    [{ ...ok, extra: 1 }, 'extra', /unknown field/],
    [{ ...ok, n: undefined }, 'n', /is required/],
    [{ ...ok, n: 0 }, 'n', /integer in 1\.\.65536/],
    [{ ...ok, n: 2.5 }, 'n', /integer/],
    [{ ...ok, uids: 'all' }, 'uids', /array/],
    [{ ...ok, uids: [0, 1, 3] }, 'uids[2]', /0\.\.2/],
    [{ ...ok, uids: [0, 1, 1] }, 'uids[2]', /appears twice \(first at uids\[1\]\)/],
    [{ ...ok, uids: [0, -1, 2] }, 'uids[1]', /0\.\.2/],
    [{ ...ok, weights: [0.5, 0.5] }, 'weights', /expected 3 entries/],
    [{ ...ok, weights: [0.5, '0.25', 0.25] }, 'weights[1]', /expected a finite number, got "0.25"/],
    [{ ...ok, weights: [0.5, null, 0.25] }, 'weights[1]', /expected a finite number, got null/],
    [{ ...ok, weights: [0.5, 1e39, 0.25] }, 'weights[1]', /float32/],
    [{ ...ok, minAllowedWeights: -1 }, 'minAllowedWeights', /integer/],
    [{ ...ok, maxWeightLimit: 0 }, 'maxWeightLimit', /\(0, 1\]/],
    [{ ...ok, maxWeightLimit: 1.01 }, 'maxWeightLimit', /\(0, 1\]/],
    [{ ...ok, excludeQuantile: -0.1 }, 'excludeQuantile', /\[0, 1\]/],
    [{ ...ok, excludeQuantile: '0' }, 'excludeQuantile', /\[0, 1\]/],
  ])('refuses %j at %s', (raw, path, detail) => {
    const e = inputError(() => validateWeightsInput(raw, '[2].'));
    expect(e.path).toBe(`[2].${path}`);
    expect(e.message).toMatch(detail);
  });

  it('refuses a non-object, naming the array element', () => {
    expect(inputError(() => validateWeightsInput([1], '[4].')).path).toBe('[4]');
    expect(inputError(() => validateWeightsInput(null)).path).toBe('');
  });
});

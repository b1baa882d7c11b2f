import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EPOCH_DEFAULTS, InvalidInputError, validateEpochInput } from '../../src/index.js';
import type { EpochInput } from '../../src/index.js';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/epoch_upstream_tests.json', import.meta.url), 'utf8')) as Array<{ input: EpochInput }>;
const base = (): Record<string, unknown> => structuredClone(vectors[1]!.input) as unknown as Record<string, unknown>;

function rejects(mutate: (o: Record<string, unknown>) => void, path: string, pattern?: RegExp): void {
  const o = base();
  mutate(o);
  let caught: unknown;
  try {
    validateEpochInput(o);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InvalidInputError);
  const e = caught as InvalidInputError;
  expect(e.code).toBe('ERR_INVALID_INPUT');
  expect(e.path).toBe(path);
  expect(e.message.startsWith(`${path}: `)).toBe(true);
  expect(e.message).not.toContain('\n');
  if (pattern) expect(e.message).toMatch(pattern);
}

describe('EpochInput validation names the field and index that is wrong', () => {
  it('accepts the vectors unchanged', () => {
    for (const v of vectors) expect(() => validateEpochInput(v.input)).not.toThrow();
  });

  it('wrong lengths', () => {
    rejects((o) => (o.n = 3), 'stake', /expected 3 entries.*got 8/);
    rejects((o) => (o.lastUpdate as number[]).pop(), 'lastUpdate', /expected 8 entries/);
    rejects((o) => (o.blockAtRegistration as number[]).push(1), 'blockAtRegistration');
    rejects((o) => (o.validatorPermit as boolean[]).pop(), 'validatorPermit');
    rejects((o) => (o.weights as unknown[]).pop(), 'weights');
    rejects((o) => (o.bonds = []), 'bonds');
    rejects((o) => (o.commitBlock = [null]), 'commitBlock');
  });

  it('uid out of range, duplicate uids and malformed pairs', () => {
    rejects((o) => ((o.weights as number[][][])[2]![1] = [8, 5]), 'weights[2][1][0]', /0\.\.7, got 8/);
    rejects((o) => ((o.bonds as number[][][])[0] = [[-1, 5]]), 'bonds[0][0][0]');
    rejects((o) => ((o.weights as number[][][])[0] = [[4, 1], [4, 2]]), 'weights[0][1][0]', /twice/);
    rejects((o) => ((o.weights as unknown[][])[1] = [[4]]), 'weights[1][0]', /pair/);
    rejects((o) => ((o.weights as unknown[])[1] = 'x'), 'weights[1]');
    rejects((o) => (o.ownerUid = 8), 'ownerUid');
  });

  it('u16 out of range', () => {
    rejects((o) => ((o.weights as number[][][])[0]![0] = [4, 65536]), 'weights[0][0][1]', /0\.\.65535/);
    rejects((o) => ((o.bonds as number[][][])[3] = [[4, -1]]), 'bonds[3][0][1]');
    rejects((o) => (o.kappa = 70000), 'kappa');
    rejects((o) => (o.bondsPenalty = 1.5), 'bondsPenalty');
    rejects((o) => (o.alphaLow = -1), 'alphaLow');
    rejects((o) => (o.tempo = 65536), 'tempo');
    rejects((o) => (o.bondsMovingAverage = 1_000_001), 'bondsMovingAverage');
    rejects((o) => (o.alphaSigmoidSteepness = 40000), 'alphaSigmoidSteepness');
  });

  it('negative, fractional, NaN, non-numeric and too large stakes', () => {
    rejects((o) => ((o.stake as unknown[])[3] = -1), 'stake[3]', /got -1/);
    rejects((o) => ((o.stake as unknown[])[0] = 1.5), 'stake[0]', /got 1\.5/);
    rejects((o) => ((o.stake as unknown[])[5] = Number.NaN), 'stake[5]', /got NaN/);
    rejects((o) => ((o.stake as unknown[])[2] = '12e3'), 'stake[2]');
    rejects((o) => ((o.stake as unknown[])[2] = '-5'), 'stake[2]');
    rejects((o) => ((o.stake as unknown[])[2] = null), 'stake[2]');
    rejects((o) => ((o.stake as unknown[])[7] = '18446744073709551616'), 'stake[7]');
    rejects((o) => (o.raoEmission = -3), 'raoEmission');
    rejects((o) => (o.stakeThreshold = 'lots'), 'stakeThreshold');
  });

  it('missing required fields and wrong types', () => {
    rejects((o) => delete o.block, 'block', /required/);
    rejects((o) => (o.block = -2), 'block');
    rejects((o) => (o.block = 2 ** 60), 'block', /decimal string/);
    rejects((o) => ((o.validatorPermit as unknown[])[0] = 1), 'validatorPermit[0]');
    rejects((o) => (o.yuma3 = 'true'), 'yuma3');
    rejects((o) => ((o.lastUpdate as unknown[])[6] = 1.25), 'lastUpdate[6]');
    expect(() => validateEpochInput([])).toThrow(InvalidInputError);
    expect(() => validateEpochInput(null)).toThrow(/EpochInput object/);
  });

  it('prefixes the path of an array element', () => {
    const o = base();
    (o.stake as unknown[])[1] = 'x';
    expect(() => validateEpochInput(o, '[4].')).toThrow(/^\[4\]\.stake\[1\]: /);
  });

  it('accepts u64 stakes above 2^53 as decimal strings, exactly', () => {
    const o = base();
    (o.stake as unknown[])[0] = '18446744073709551615';
    (o.stake as unknown[])[1] = '9007199254740993';
    const v = validateEpochInput(o);
    expect(v.stake[0]).toBe(18446744073709551615n);
    expect(v.stake[1]).toBe(9007199254740993n);
  });

  it('applies the documented default of every omitted hyperparameter', () => {
    const o = base();
    for (const k of ['tempo', 'activityCutoffFactorMilli', 'stakeThreshold', 'ownerUid', 'maxAllowedValidators', 'kappa', 'bondsPenalty', 'bondsMovingAverage', 'yuma3', 'liquidAlpha', 'alphaLow', 'alphaHigh', 'alphaSigmoidSteepness', 'lastMechanismStepBlock', 'commitRevealEnabled', 'raoEmission']) delete o[k];
    const v = validateEpochInput(o);
    expect(v).toMatchObject({
      tempo: 360, activityCutoffFactorMilli: 13889n, activityCutoff: null, stakeThreshold: 0n, ownerUid: null, maxAllowedValidators: 64,
      kappa: 32767, bondsPenalty: 65535, bondsMovingAverage: 900000, yuma3: false, liquidAlpha: false, alphaLow: 45875,
      alphaHigh: 58982, alphaSigmoidSteepness: 1000, lastMechanismStepBlock: 0n, commitRevealEnabled: false, raoEmission: 1_000_000_000n,
    });
    expect(v.commitBlock).toEqual(new Array(8).fill(null));
    expect(Object.isFrozen(EPOCH_DEFAULTS)).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, simulate } from '../../src/index.js';
import type { EpochInput, EpochOutput, Scenario } from '../../src/index.js';

interface Vector {
  name: string;
  input: EpochInput;
  expected: EpochOutput;
}

const vectors = (JSON.parse(readFileSync(new URL('../fixtures/epoch_upstream_tests.json', import.meta.url), 'utf8')) as Vector[])
  .filter((v) => v.name.startsWith('yuma3_kappa_moves_first'));

const S1: Array<[number, number]> = [[3, 65535], [4, 0]];
const S2: Array<[number, number]> = [[3, 0], [4, 65535]];

/** subtensor's Yuma3 "kappa moves first" test as a scenario: the warm-up at block 2, then one run per block. */
function kappaMovesFirst(): Scenario {
  const i = (vectors[0] as Vector).input;
  return {
    name: 'kappa moves first',
    n: 5,
    validators: [0, 1, 2],
    stake: [8, 1, 1, 0, 0],
    hyperparams: {
      tempo: 1, activityCutoffFactorMilli: i.activityCutoffFactorMilli, kappa: 32767, bondsPenalty: 0, bondsMovingAverage: 975000,
      yuma3: true, liquidAlpha: true, alphaLow: 6553, alphaHigh: 19660, alphaSigmoidSteepness: 1000, maxAllowedValidators: 3,
    },
    warmupEmptyEpoch: true,
    blocks: [2, 3, 4, 5, 6, 7, 8],
    // The test sets weights only when they change; the others keep theirs (and their last update).
    epochs: [
      { weights: { 0: S1, 1: S1, 2: S1 } },
      { weights: { 0: S2 } },
      { weights: { 1: S2 } },
      { weights: { 2: S2 } },
      {},
      {},
    ],
  };
}

describe('simulate', () => {
  it('reproduces subtensor\'s Yuma3 "kappa moves first" test exactly: every field and raw bit of every epoch', () => {
    expect(vectors).toHaveLength(7);
    const result = simulate(kappaMovesFirst());
    expect(result.variants.map((v) => v.name)).toEqual(['default']);
    const epochs = result.variants[0]!.epochs;
    expect(epochs).toHaveLength(6);
    epochs.forEach((out, e) => expect(out, `epoch ${e}`).toStrictEqual((vectors[e + 1] as Vector).expected));
  });

  it('in "kappa moves first" the big validator takes every dividend when it moves, and the small ones dip, then recover', () => {
    const epochs = simulate(kappaMovesFirst()).variants[0]!.epochs;
    const share = (uid: number): number[] => epochs.map((o) => (o.dividends[uid] as number) / 65535);
    const big = share(0), small = share(1);
    // Relative dividends: dividend share over stake share (0.8 and 0.1).
    expect(big[1]! / 0.8).toBeGreaterThan(1.2);
    expect(small[0]! / 0.1).toBeCloseTo(1, 1);
    expect(small[1]).toBe(0);
    for (let e = 2; e < small.length; e++) expect(small[e]).toBeGreaterThan(small[e - 1] as number);
    // As the others follow, the big validator's excess fades.
    for (let e = 2; e < big.length; e++) expect(big[e]).toBeLessThan(big[e - 1] as number);
  });

  it('runs variants side by side over the same weights; f64 stays within 2/65535 of exact', () => {
    const sc = { ...kappaMovesFirst(), variants: [{ name: 'yuma3' }, { name: 'original', yuma3: false, liquidAlpha: false }] };
    const exact = simulate(sc);
    expect(exact.variants.map((v) => v.name)).toEqual(['yuma3', 'original']);
    expect(exact.variants[0]!.epochs).toStrictEqual(simulate(kappaMovesFirst()).variants[0]!.epochs);
    expect(exact.variants[1]!.epochs.map((o) => o.dividends)).not.toEqual(exact.variants[0]!.epochs.map((o) => o.dividends));
    const approx = simulate(sc, { mode: 'f64' });
    approx.variants.forEach((v, k) => v.epochs.forEach((o, e) => {
      const x = exact.variants[k]!.epochs[e]!;
      for (const key of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) {
        o[key].forEach((u, i) => expect(Math.abs(u - (x[key][i] as number)), `${v.name} epoch ${e} ${key}[${i}]`).toBeLessThanOrEqual(2));
      }
    }));
  });

  it('stores rows as the chain does and keeps rows that are not set again, until their validator turns inactive', () => {
    const sc: Scenario = {
      n: 4, stake: ['1000000000000', '1000000000000', '0', '0'],
      hyperparams: { tempo: 10, activityCutoffFactorMilli: 3000 },
      warmupEmptyEpoch: true,
      epochs: [{ weights: { 0: [[2, 1], [3, 3]], 1: [[2, 3], [3, 1]] } }, { weights: { 1: [[2, 3], [3, 1]] } }, { weights: { 1: [[2, 3], [3, 1]] } }, { weights: { 1: [[2, 3], [3, 1]] } }],
    };
    const epochs = simulate(sc).variants[0]!.epochs;
    // Cutoff 3000·10/1000 = 30 blocks; uid 0 last set weights at block 21 and runs happen every 11 blocks.
    expect(epochs.map((o) => o.active[0])).toEqual([true, true, true, false]);
    expect(epochs.map((o) => o.active[1])).toEqual([true, true, true, true]);
    // While uid 0 is active its kept row still counts: it weighs uid 3 most, so uid 3 keeps some incentive.
    expect(epochs[1]!.incentive[3]).toBeGreaterThan(0);
  });

  it('refuses bad scenarios with a message that names the place', () => {
    const bad = (patch: Record<string, unknown>, path: RegExp): void => {
      let err: unknown;
      try {
        simulate({ ...kappaMovesFirst(), ...patch });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).message).toMatch(path);
    };
    bad({ stake: [1, 2, 3] }, /stake: expected 5 stakes/);
    bad({ epochs: [{ weights: { 0: [[7, 1]] } }] }, /epochs\[0\]\.weights\["0"\]\[0\]\[0\]/);
    bad({ epochs: [{ weights: { 9: [[1, 1]] } }] }, /epochs\[0\]\.weights\["9"\]/);
    bad({ epochs: [{ weights: { 0: [[1, 1], [1, 2]] } }] }, /twice/);
    bad({ epochs: [{ behaviour: 'copier' }] }, /epochs\[0\]\.behaviour/);
    bad({ hyperparams: { kappa: 70000 } }, /hyperparams\.kappa/);
    bad({ hyperparams: { kapa: 1 } }, /hyperparams\.kapa: is not a hyperparameter/);
    bad({ variants: [{ name: 'a' }, { name: 'a' }] }, /variants\[1\]\.name/);
    bad({ variants: [{ name: 'a', bondsPenalty: -1 }] }, /variants\[0\]\.bondsPenalty/);
    bad({ blocks: [1, 2] }, /blocks: expected 7 blocks/);
    bad({ n: undefined }, /n: is required/);
  });

  it('takes the default mode when an option is given as undefined, and refuses an unknown mode', () => {
    const plain = simulate(kappaMovesFirst());
    expect(simulate(kappaMovesFirst(), { mode: undefined })).toEqual(plain);
    expect(() => simulate(kappaMovesFirst(), { mode: 'f32' as never })).toThrow(/option mode: expected one of exact, f64, got "f32"/);
  });
});

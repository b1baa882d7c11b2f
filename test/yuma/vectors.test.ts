import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareEpoch, runEpoch } from '../../src/index.js';
import type { EpochInput, EpochOutput } from '../../src/index.js';

interface Vector {
  name: string;
  input: EpochInput;
  expected: EpochOutput;
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/epoch_upstream_tests.json', import.meta.url), 'utf8')) as Vector[];

describe('wasm exact engine reproduces the subtensor test-suite vectors', () => {
  it('has the 20 vectors of test_bonds, test_active_stake and yuma3 kappa-moves-first', () => {
    expect(vectors).toHaveLength(20);
  });

  for (const v of vectors) {
    it(`${v.name}: every field and every raw bit`, () => {
      const got = runEpoch(v.input, { mode: 'exact' });
      // toStrictEqual compares every field of the expected object, bonds as ordered lists, and the bits block.
      expect(got).toStrictEqual(v.expected);
    });
  }

  it('gives the same output from the prepared form as from the EpochInput', () => {
    for (const v of vectors) {
      expect(runEpoch(prepareEpoch(v.input))).toStrictEqual(runEpoch(v.input));
    }
  });

  it('f64 mode fills the same fields without bits and stays within 2/65535 on these vectors', () => {
    for (const v of vectors) {
      const got = runEpoch(v.input, { mode: 'f64' });
      expect(got.bits).toBeUndefined();
      for (const key of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) {
        got[key].forEach((x, i) => expect(Math.abs(x - (v.expected[key][i] as number)), `${v.name} ${key}[${i}]`).toBeLessThanOrEqual(2));
      }
      expect(got.validatorPermit).toEqual(v.expected.validatorPermit);
      expect(got.active).toEqual(v.expected.active);
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareEpoch, runEpoch, runEpochFields } from '../../src/index.js';
import type { EpochInput, EpochOutput } from '../../src/index.js';
import { syntheticSubnet } from '../../src/yuma/synthetic.js';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/epoch_upstream_tests.json', import.meta.url), 'utf8')) as Array<{ name: string; input: EpochInput; expected: EpochOutput }>;

describe('runEpochFields: only the fields named, built at once', () => {
  it('exact: each field named equals the chain\'s vector, bits included; no other field is present', () => {
    for (const v of vectors) {
      const got = runEpochFields(v.input, ['incentive', 'validatorEmission', 'bonds', 'bits']);
      expect(Object.keys(got).sort(), v.name).toEqual(['bits', 'bonds', 'incentive', 'validatorEmission']);
      expect(got.incentive, v.name).toEqual(v.expected.incentive);
      expect(got.validatorEmission, v.name).toEqual(v.expected.validatorEmission);
      expect(got.bonds, v.name).toEqual(v.expected.bonds);
      expect(got.bits, v.name).toEqual(v.expected.bits);
    }
  });

  it('f64: every field equals runEpoch\'s, and bits are not built', () => {
    const keys = ['active', 'validatorPermit', 'consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight', 'serverEmission', 'validatorEmission', 'emission', 'bonds', 'bits'] as const;
    for (const seed of [1, 2]) {
      const prep = prepareEpoch(syntheticSubnet({ n: 64, validators: 16, seed, yuma3: seed === 2, liquidAlpha: seed === 2 }));
      const full = JSON.parse(JSON.stringify(runEpoch(prep, { mode: 'f64' }))) as EpochOutput;
      const got = runEpochFields(prep, keys, { mode: 'f64' });
      expect(JSON.parse(JSON.stringify(got))).toEqual(full);
      expect('bits' in got).toBe(false);
    }
  });
});

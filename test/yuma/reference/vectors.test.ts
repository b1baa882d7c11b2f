import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceEpoch } from '../../../src/yuma/reference/index.js';
import type { EpochOutput } from '../../../src/yuma/types.js';
import { validateEpochInput } from '../../../src/yuma/validate.js';

// Vectors extracted from subtensor's own epoch tests (test_bonds, test_active_stake, test_yuma_3_kappa_moves_first).
interface Vector {
  name: string;
  input: unknown;
  expected: EpochOutput;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/epoch_upstream_tests.json', import.meta.url), 'utf8'),
) as Vector[];

describe('referenceEpoch on the upstream vectors', () => {
  it('has all 20 vectors', () => {
    expect(vectors).toHaveLength(20);
  });

  for (const v of vectors) {
    it(v.name, () => {
      const out = referenceEpoch(validateEpochInput(v.input));
      const fields = Object.keys(v.expected) as Array<keyof EpochOutput>;
      expect(fields.length).toBeGreaterThanOrEqual(12);
      for (const field of fields) {
        expect(out[field], `${v.name}: ${field}`).toEqual(v.expected[field]);
      }
      expect(v.expected.bits).toBeDefined();
      for (const key of Object.keys(v.expected.bits ?? {}) as Array<keyof NonNullable<EpochOutput['bits']>>) {
        expect(out.bits?.[key], `${v.name}: bits.${key}`).toEqual(v.expected.bits?.[key]);
      }
    });
  }
});

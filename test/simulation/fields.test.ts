import { describe, expect, it } from 'vitest';
import { CATALOGUE, simulate, simulateNormalized, stakePath, stakePathOf, validateScenario } from '../../src/index.js';

describe('simulate with `fields`', () => {
  it('keeps the fields asked for (and the carried ones) with the values of a full run, and builds no other', () => {
    const sc = CATALOGUE.get('copier-lag-2')!();
    const full = simulate(sc, { mode: 'f64' });
    const lean = simulate(sc, { mode: 'f64', fields: ['incentive', 'validatorEmission'] });
    lean.variants.forEach((v, k) => {
      v.epochs.forEach((o, e) => {
        const f = full.variants[k]!.epochs[e]!;
        expect(Object.keys(o).sort()).toEqual(['bonds', 'consensus', 'incentive', 'validatorEmission', 'validatorPermit']);
        expect(o.incentive).toEqual(f.incentive);
        expect(o.validatorEmission).toEqual(f.validatorEmission);
        expect(o.bonds).toEqual(f.bonds);
      });
    });
  });

  it('simulateNormalized and stakePathOf take a scenario validated once and give what simulate and stakePath give', () => {
    const sc = CATALOGUE.get('small-validators-merged')!();
    const s = validateScenario(sc);
    expect(simulateNormalized(s, { mode: 'f64' })).toEqual(simulate(sc, { mode: 'f64' }));
    expect(stakePathOf(s)).toEqual(stakePath(sc));
  });
});

import { describe, expect, it } from 'vitest';
import { gridValues, PARAM_NAMES, planSearch, validateSpace } from '../../src/tune/index.js';
import type { TrialResult } from '../../src/tune/index.js';

/** The message of the error a call throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('SPACE.json, checked key by key', () => {
  it('reads the issue\'s example: values and a linear integer range', () => {
    const s = validateSpace({ params: { kappa: { values: [16384, 32767] }, bondsMovingAverage: { min: 500000, max: 990000, scale: 'linear', integer: true } } });
    expect(s.dims).toEqual([
      { name: 'kappa', values: [16384, 32767] },
      { name: 'bondsMovingAverage', min: 500000, max: 990000, scale: 'linear', integer: true, steps: 5 },
    ]);
  });

  it('refuses an unknown parameter and lists the valid names', () => {
    const msg = thrown(() => validateSpace({ params: { kapa: { values: [1] } } }));
    expect(msg).toMatch(/^params\.kapa: is not a tunable parameter/);
    for (const name of PARAM_NAMES) expect(msg).toContain(name);
  });

  it('names the place of every other fault', () => {
    expect(thrown(() => validateSpace({ params: { kappa: { values: [70000] } } }))).toMatch(/^params\.kappa\.values\[0\]: expected a value in 0\.\.65535/);
    expect(thrown(() => validateSpace({ params: { kappa: { values: [1.5] } } }))).toMatch(/^params\.kappa\.values\[0\]: expected an integer/);
    expect(thrown(() => validateSpace({ params: { yuma3: { values: [1] } } }))).toMatch(/^params\.yuma3\.values\[0\]: expected true or false/);
    expect(thrown(() => validateSpace({ params: { kappa: { min: 5, max: 1 } } }))).toMatch(/^params\.kappa\.max: must be above min/);
    expect(thrown(() => validateSpace({ params: { kappa: { min: 0, max: 9, scale: 'log' } } }))).toMatch(/^params\.kappa\.min: a log scale needs min > 0/);
    expect(thrown(() => validateSpace({ params: { kappa: { min: 0, max: 9, step: 3 } } }))).toMatch(/^params\.kappa\.step: is not a range field/);
    expect(thrown(() => validateSpace({ params: { kappa: { values: [1] } }, fixed: { kapa: 1 } }))).toMatch(/^fixed\.kapa: is not a parameter/);
    expect(thrown(() => validateSpace({ params: { kappa: { values: [1] } }, constraints: { gain: { min: 1 } } }))).toMatch(/^constraints\.gain: is not an objective/);
    expect(thrown(() => validateSpace({ params: { kappa: { values: [1] } }, copier: { lag: 0 } }))).toMatch(/^copier\.lag: expected an integer in 1\.\.1000/);
    expect(thrown(() => validateSpace({ params: { kappa: { values: [1] } }, extra: 1 }))).toMatch(/^extra: is not a space field/);
    expect(thrown(() => validateSpace({ params: { kappa: { values: [1] }, emaAlpha: { values: [0.1] } } }))).toMatch(/^params: mixes consensus and scoring/);
    expect(thrown(() => validateSpace({ params: { commitRevealPeriod: { values: [1] } } }))).toMatch(/^params\.commitRevealPeriod: delays the injected copier/);
  });
});

describe('searches', () => {
  const space = validateSpace({ params: { kappa: { values: [1, 2] }, bondsMovingAverage: { min: 100, max: 900, steps: 3 }, alphaLow: { min: 1, max: 1000, scale: 'log', steps: 4 } } });

  it('grid: ranges cut into `steps` points (linear or geometric, rounded), every combination once', () => {
    expect(gridValues(space.dims[1]!)).toEqual([100, 500, 900]);
    expect(gridValues(space.dims[2]!)).toEqual([1, 10, 100, 1000]);
    const trials = planSearch('grid', space, 1, 1, 40, 'copierGain').rung(0, []);
    expect(trials).toHaveLength(2 * 3 * 4);
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(24);
    expect(trials[0]).toEqual({ id: 'g00', params: { kappa: 1, bondsMovingAverage: 100, alphaLow: 1 }, epochs: null });
    expect(trials[23]!.params).toEqual({ kappa: 2, bondsMovingAverage: 900, alphaLow: 1000 });
  });

  it('random: the same seed gives the same trials, another seed others; values stay in their ranges', () => {
    const a = planSearch('random', space, 7, 50, 40, 'copierGain').rung(0, []);
    expect(planSearch('random', space, 7, 50, 40, 'copierGain').rung(0, [])).toEqual(a);
    expect(planSearch('random', space, 8, 50, 40, 'copierGain').rung(0, [])).not.toEqual(a);
    for (const t of a) {
      expect([1, 2]).toContain(t.params.kappa);
      expect(t.params.bondsMovingAverage).toBeGreaterThanOrEqual(100);
      expect(t.params.bondsMovingAverage).toBeLessThanOrEqual(900);
      expect(Number.isInteger(t.params.alphaLow)).toBe(true);
    }
    expect(new Set(a.map((t) => t.params.bondsMovingAverage)).size).toBeGreaterThan(20);
  });

  it('successive halving: half the configurations survive each rung, at twice the budget, ranked by the primary objective', () => {
    const plan = planSearch('halving', space, 3, 8, 40, 'copierGain');
    expect(plan.rungs).toBe(4);
    expect(plan.total).toBe(8 + 4 + 2 + 1);
    const r0 = plan.rung(0, []);
    expect(r0.map((t) => t.epochs)).toEqual(new Array(8).fill(5));
    // Pretend G = the configuration's index: the lower half survives.
    const scored = (ts: typeof r0): TrialResult[] => ts.map((t) => ({ ...t, objectives: { copierGain: Number(t.id.split('-')[1]) } }));
    const r1 = plan.rung(1, scored(r0));
    expect(r1.map((t) => t.id)).toEqual(['h1-0', 'h1-1', 'h1-2', 'h1-3']);
    expect(r1.map((t) => t.epochs)).toEqual([10, 10, 10, 10]);
    expect(r1[2]!.params).toEqual(r0[2]!.params);
    const r3 = plan.rung(3, scored(plan.rung(2, scored(r1))));
    expect(r3).toEqual([{ id: 'h3-0', params: r0[0]!.params, epochs: null }]);
  });
});

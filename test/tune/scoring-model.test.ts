import { describe, expect, it } from 'vitest';
import { evaluateScoring, LocalRunner, MemoryStore, renderTuneReport, runSweep, validateSpace } from '../../src/tune/index.js';
import type { SweepDefinition, TrialResult } from '../../src/tune/index.js';

/*
 * The scoring model and the redundancy-aware model's tolerance τ are sweepable scoring parameters. What must hold:
 * the space refuses what the scorer would refuse (an unknown model, a range of names, τ where no trial uses it); τ
 * changes nothing under the 2022 model (it is that model's unused parameter); under the redundancy-aware model the
 * trials differ with τ; and a swept value gives the same values as the same value fixed in the space.
 */

const OBJECTIVES = ['rankCorrelation', 'scoreInstability', 'newcomerSteps'];
const pick = (ts: TrialResult[], model: string, tau: number): TrialResult =>
  ts.find((t) => t.params.model === model && t.params.redundancyTolerance === tau) as TrialResult;

describe('sweeping the scoring model and τ', () => {
  it('checks the model and τ where the space is read', () => {
    expect(validateSpace({ params: { model: { values: ['shapley-2022', 'redundancy-aware'] } } }).dims).toEqual([{ name: 'model', values: ['shapley-2022', 'redundancy-aware'] }]);
    expect(() => validateSpace({ params: { model: { values: ['shapley-2023'] } } })).toThrow(/params\.model\.values\[0\].*"shapley-2022", "redundancy-aware"/);
    expect(() => validateSpace({ params: { model: { values: [1] } } })).toThrow(/params\.model\.values\[0\]/);
    expect(() => validateSpace({ params: { model: { min: 0, max: 1 } } })).toThrow(/params\.model: model takes \{ "values"/);
    expect(() => validateSpace({ params: { redundancyTolerance: { values: [1, 3] } } })).toThrow(/params\.redundancyTolerance: acts in the redundancy-aware model only/);
    expect(() => validateSpace({ params: { redundancyTolerance: { values: [0, 3] } }, fixed: { model: 'redundancy-aware' } })).toThrow(/params\.redundancyTolerance\.values\[0\]/);
    expect(() => validateSpace({ params: { redundancyTolerance: { min: 1, max: 51 } }, fixed: { model: 'redundancy-aware' } })).toThrow(/params\.redundancyTolerance\.max/);
    expect(() => validateSpace({ params: { emaAlpha: { values: [0.1] } }, fixed: { model: 'sybil' } })).toThrow(/fixed\.model/);
    // τ over a log range, with the model fixed: what docs/tune.md's example sweeps.
    const s = validateSpace({ params: { redundancyTolerance: { min: 0.25, max: 8, scale: 'log', steps: 6 } }, fixed: { model: 'redundancy-aware' } });
    expect(s.dims[0]).toMatchObject({ name: 'redundancyTolerance', integer: false, scale: 'log' });
  });

  it('τ is ignored by the 2022 model and changes the redundancy-aware model\'s trials; swept equals fixed', async () => {
    const taus = [0.5, 3, 10];
    const def: SweepDefinition = {
      space: { params: { model: { values: ['shapley-2022', 'redundancy-aware'] }, redundancyTolerance: { values: taus } }, fixed: { emaAlpha: 0.2, sampleSize: 32 }, epochs: 24 },
      sources: [], objectives: OBJECTIVES, mode: 'f64', search: 'grid', seed: 1, trials: 1,
    };
    const r = await runSweep(def, new LocalRunner({ threads: 0 }), new MemoryStore());
    expect(r.trials).toHaveLength(6);
    const old = taus.map((t) => pick(r.trials, 'shapley-2022', t).objectives);
    for (const o of old) expect(o).toEqual(old[0]);
    const aware = taus.map((t) => pick(r.trials, 'redundancy-aware', t).objectives);
    // The model is used: some trial of it differs from the 2022 model, and τ moves the values.
    expect(aware.some((o) => JSON.stringify(o) !== JSON.stringify(old[0]))).toBe(true);
    expect(new Set(aware.map((o) => o.scoreInstability)).size).toBeGreaterThan(1);
    for (const o of aware) for (const name of OBJECTIVES) expect(Number.isFinite(o[name])).toBe(true);
    // The same τ fixed in the space (no swept parameter but the EMA α at the same value) gives the same numbers.
    const fixed = validateSpace({ params: { emaAlpha: { values: [0.2] } }, fixed: { model: 'redundancy-aware', redundancyTolerance: 3, sampleSize: 32 }, epochs: 24 });
    const direct = evaluateScoring(fixed, { emaAlpha: 0.2 }, OBJECTIVES, 1, null);
    expect(direct).toEqual(aware[1]);
    // The report plots a model by its index in the declared list, and names the list on the axis.
    const html = renderTuneReport(r, def, validateSpace(def.space));
    expect(html).toContain('model (0: shapley-2022, 1: redundancy-aware)');
    expect(html).toContain('<td>redundancy-aware</td>');
  }, 120_000);

  it('the copy scale τ_c is a scoring parameter of the redundancy-aware model: checked where the space is read, and it reaches the scorer', () => {
    expect(() => validateSpace({ params: { copyTolerance: { values: [0.12, 1] } } })).toThrow(/params\.copyTolerance: acts in the redundancy-aware model only/);
    expect(() => validateSpace({ params: { copyTolerance: { values: [0, 1] } }, fixed: { model: 'redundancy-aware' } })).toThrow(/params\.copyTolerance\.values\[0\]/);
    const space = validateSpace({ params: { copyTolerance: { values: [0.12, 1] } }, fixed: { model: 'redundancy-aware', emaAlpha: 0.2, sampleSize: 32 }, epochs: 24 });
    const tight = evaluateScoring(space, { copyTolerance: 0.12 }, OBJECTIVES, 1, null);
    // At 1 nat some of the scenario's distinct miners count as partial copies of each other and others do not, so the
    // scores, and so the objectives, move. (At a scale so wide that every miner is a full copy of every other, the copy
    // counts are all equal and cancel out of the discount.)
    const wider = evaluateScoring(space, { copyTolerance: 1 }, OBJECTIVES, 1, null);
    expect(wider.scoreInstability).not.toBe(tight.scoreInstability);
    const fixed = validateSpace({ params: { emaAlpha: { values: [0.2] } }, fixed: { model: 'redundancy-aware', copyTolerance: 0.12, sampleSize: 32 }, epochs: 24 });
    expect(evaluateScoring(fixed, { emaAlpha: 0.2 }, OBJECTIVES, 1, null)).toEqual(tight);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { demoMiners } from '../../src/demo/index.js';
import { compareModels } from '../../src/demo/model-comparison.js';

/*
 * The demo's comparison of the scoring models (issue 23): the demo's own miners, scored offline under each model and
 * run through Yuma3. Under shapley-2022 the sybil group and the copier add to what the miners they copy earn alone;
 * under redundancy-aware a copied answer earns what it earns alone (within 10%), however many hotkeys send it.
 */

describe('the demo\'s scoring-model comparison', () => {
  const c = compareModels(demoMiners(2), { yuma3: true, liquidAlpha: false });
  const of = (model: string) => c.models.find((m) => m.model === model)!;

  it('names the groups it measures and covers both models', () => {
    expect(c.sybilGroup).toEqual(['sybil-0', 'sybil-1', 'sybil-2']);
    expect([c.sybilBase, c.copier, c.copied]).toEqual(['oracle-0.6', 'copier', 'oracle-0.9']);
    expect(c.models.map((m) => m.model)).toEqual(['shapley-2022', 'redundancy-aware']);
  });

  it('under shapley-2022, the sybils and the copier are paid on top of the answers they copy', () => {
    const m = of('shapley-2022');
    expect(m.incentive.sybilGroup + m.incentive.sybilBase).toBeGreaterThan(1.5 * m.alone.sybilBase);
    expect(m.incentive.copier + m.incentive.copied).toBeGreaterThan(1.3 * m.alone.copied);
    // A copier earns what its source earns.
    expect(m.incentive.copier).toBeCloseTo(m.incentive.copied, 6);
  });

  it('under redundancy-aware, a copied answer earns what it earns alone, however many hotkeys send it', () => {
    const m = of('redundancy-aware');
    const group = m.incentive.sybilGroup + m.incentive.sybilBase, copy = m.incentive.copier + m.incentive.copied;
    expect(group).toBeLessThanOrEqual(1.1 * m.alone.sybilBase);
    expect(group).toBeGreaterThanOrEqual(0.9 * m.alone.sybilBase);
    expect(copy).toBeLessThanOrEqual(1.1 * m.alone.copied);
    expect(copy).toBeGreaterThanOrEqual(0.9 * m.alone.copied);
    // The step scores say the same before Yuma: the sybil group's share is far below the 2022 model's.
    expect(m.scoreShare.sybilGroup).toBeLessThan(of('shapley-2022').scoreShare.sybilGroup / 5);
  });
});

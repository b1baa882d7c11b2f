import { DENDRITE_DEFAULTS } from '../../src/dendrite/index.js';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors/index.js';
import { resolveValidatorConfig, VALIDATOR_CONFIG_DEFAULTS, VALIDATOR_CONFIG_KEYS } from '../../src/service/index.js';
import { scoringParamsOf } from '../../src/service/options.js';
import { resolveScoringParams, SCORING_DEFAULTS } from '../../src/scoring/index.js';

/* The validator config: frozen defaults (the SDK template's where it has one), key-by-key checks, unknown keys refused. */

const refused = (partial: unknown): string => {
  try {
    resolveValidatorConfig(partial);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidOptionError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(partial)}`);
};

describe('resolveValidatorConfig', () => {
  it('gives the documented defaults: the template\'s sample_size 50, α 0.1, the dendrite\'s 12 s, 4096 TAO', () => {
    const c = resolveValidatorConfig();
    expect(c).toEqual(VALIDATOR_CONFIG_DEFAULTS);
    expect([c.sampleSize, c.emaAlpha, c.queryTimeoutSeconds, c.vpermitStakeLimit]).toEqual([50, 0.1, 12, '4096000000000']);
    expect(Object.isFrozen(VALIDATOR_CONFIG_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.tasks).toEqual([{ name: 'next-token', weight: 1 }]);
    // The workers' heap limits are the dendrite's own defaults.
    expect([c.dendriteWorkerYoungGenerationMb, c.dendriteWorkerOldGenerationMb]).toEqual([DENDRITE_DEFAULTS.workerYoungGenerationMb, DENDRITE_DEFAULTS.workerOldGenerationMb]);
  });

  it('merges given keys over the defaults and leaves the rest', () => {
    const c = resolveValidatorConfig({ sampleSize: 8, emaAlpha: 0.5, stepIntervalSeconds: 0, tasks: [{ name: 'next-token', weight: 2, options: { k: 8 } }] });
    expect(c.sampleSize).toBe(8);
    expect(c.emaAlpha).toBe(0.5);
    expect(c.stepIntervalSeconds).toBe(0);
    expect(c.tasks[0]?.options).toEqual({ k: 8 });
    expect(c.queryTimeoutSeconds).toBe(12);
  });

  it('selects the scoring model and its tolerances, by the scorer\'s rules', () => {
    expect(resolveValidatorConfig().scoringModel).toBe('shapley-2022');
    const c = resolveValidatorConfig({ scoringModel: 'redundancy-aware', redundancyTolerance: 2, copyTolerance: 0.2 });
    expect([c.scoringModel, c.redundancyTolerance, c.copyTolerance]).toEqual(['redundancy-aware', 2, 0.2]);
    expect(refused({ scoringModel: 'shapley' })).toBe('option config.scoringModel: expected one of shapley-2022, redundancy-aware, got "shapley"');
    // What the steps score with: the scorer's defaults and the config's four keys, a valid ScoringParams.
    const p = scoringParamsOf(resolveValidatorConfig({ scoringModel: 'redundancy-aware', redundancyTolerance: 2, copyTolerance: 0.2, emaAlpha: 0.3 }));
    expect(p).toEqual(resolveScoringParams({ model: 'redundancy-aware', redundancyTolerance: 2, copyTolerance: 0.2, emaAlpha: 0.3 }));
    expect(scoringParamsOf(resolveValidatorConfig())).toEqual(SCORING_DEFAULTS);
    expect(refused({ copyTolerance: -1 })).toMatch(/^option config\.copyTolerance: expected a number of nats in \(0, 50\], got -1$/);
  });

  it('refuses an unknown key, listing every valid one', () => {
    const m = refused({ sampelSize: 3 });
    expect(m).toMatch(/^option config\.sampelSize: is not a validator setting/);
    for (const k of VALIDATOR_CONFIG_KEYS) expect(m).toContain(k);
  });

  it.each([
    [{ sampleSize: 0 }, 'config.sampleSize'],
    [{ sampleSize: 1.5 }, 'config.sampleSize'],
    [{ queriesPerStep: 70_000 }, 'config.queriesPerStep'],
    [{ queryTimeoutSeconds: 0 }, 'config.queryTimeoutSeconds'],
    [{ queryTimeoutSeconds: '12' }, 'config.queryTimeoutSeconds'],
    [{ emaAlpha: 0 }, 'config.emaAlpha'],
    [{ emaAlpha: 1.5 }, 'config.emaAlpha'],
    [{ emaAlpha: Number.NaN }, 'config.emaAlpha'],
    [{ scoringModel: 'shapley' }, 'config.scoringModel'],
    [{ scoringModel: 1 }, 'config.scoringModel'],
    [{ redundancyTolerance: 0 }, 'config.redundancyTolerance'],
    [{ redundancyTolerance: '3' }, 'config.redundancyTolerance'],
    [{ copyTolerance: 51 }, 'config.copyTolerance'],
    [{ vpermitStakeLimit: 4096 }, 'config.vpermitStakeLimit'],
    [{ vpermitStakeLimit: '18446744073709551616' }, 'config.vpermitStakeLimit'],
    [{ weightsBlockOffset: -1 }, 'config.weightsBlockOffset'],
    [{ concurrency: 0 }, 'config.concurrency'],
    [{ dendriteWorkerYoungGenerationMb: -1 }, 'config.dendriteWorkerYoungGenerationMb'],
    [{ dendriteWorkerYoungGenerationMb: 2048 }, 'config.dendriteWorkerYoungGenerationMb'],
    [{ dendriteWorkerOldGenerationMb: '64' }, 'config.dendriteWorkerOldGenerationMb'],
    [{ syncEveryBlocks: 0 }, 'config.syncEveryBlocks'],
    [{ stallSeconds: 0 }, 'config.stallSeconds'],
    [{ maxBlocksWithoutWeights: 0 }, 'config.maxBlocksWithoutWeights'],
    [{ stepIntervalSeconds: -1 }, 'config.stepIntervalSeconds'],
    [{ tasks: [] }, 'config.tasks'],
    [{ tasks: [{ name: 'translate', weight: 1 }] }, 'config.tasks: [0].name'],
    [{ tasks: [{ name: 'next-token', weight: 0 }] }, 'config.tasks: [0].weight'],
    [{ tasks: [{ name: 'next-token', weight: 1, extra: 1 }] }, 'config.tasks: [0].extra'],
  ])('refuses %j naming %s', (partial, where) => {
    expect(refused(partial)).toContain(`option ${where}`);
  });

  it('refuses a config that is not an object', () => {
    expect(refused([])).toMatch(/^option config: expected an object/);
    expect(refused(null)).toMatch(/^option config: expected an object/);
  });
});

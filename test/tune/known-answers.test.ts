import { describe, expect, it } from 'vitest';
import { LocalRunner, MemoryStore, loadScenarioSource, runSweep } from '../../src/tune/index.js';
import type { SweepDefinition, TrialResult } from '../../src/tune/index.js';

/*
 * The tuner finds what is known. On the copier scenarios, Opentensor's procedure (a median-stake copier of the
 * consensus, a commit-reveal interval that delays what it copies, liquid alpha) must find parameter sets whose copier
 * gain is below the defaults', within the constraint that honest dividends do not fall below the baseline. On the
 * scoring side, the EMA α trades the reaction to a new good miner against the stability of the weights.
 */

const byParams = (ts: TrialResult[], p: Record<string, unknown>): TrialResult =>
  ts.find((t) => Object.entries(p).every(([k, v]) => t.params[k] === v)) as TrialResult;

describe('known answers', () => {
  it('copier scenarios: every front trial has a lower copier gain than the defaults (no commit-reveal, no liquid alpha)', async () => {
    const def: SweepDefinition = {
      space: {
        params: { commitRevealPeriod: { values: [0, 2] }, liquidAlpha: { values: [false, true] } },
        fixed: { yuma3: true }, baseline: { liquidAlpha: false },
        copier: { stake: 'median', lag: 1, start: 20 },
        constraints: { honestDividends: { min: 1 } },
      },
      sources: await Promise.all(['copier-lag-1', 'copier-lag-2', 'copier-lag-3'].map((n) => loadScenarioSource(n))),
      objectives: ['copierGain', 'honestDividends'], mode: 'f64', search: 'grid', seed: 1, trials: 1,
    };
    const r = await runSweep(def, new LocalRunner({ threads: 0 }), new MemoryStore());
    const defaults = byParams(r.trials, { commitRevealPeriod: 0, liquidAlpha: false });
    // The defaults are the baseline: their honest dividends are the baseline's exactly.
    expect(defaults.objectives.honestDividends).toBe(1);
    expect(r.front.length).toBeGreaterThan(0);
    expect(r.front).not.toContain(defaults.id);
    for (const id of r.front) {
      const t = r.trials.find((x) => x.id === id)!;
      expect(t.objectives.copierGain!).toBeLessThan(defaults.objectives.copierGain!);
      expect(t.objectives.honestDividends!).toBeGreaterThanOrEqual(1);
    }
    // A longer commit-reveal interval alone lowers G (the copier sees an older consensus).
    expect(byParams(r.trials, { commitRevealPeriod: 2, liquidAlpha: false }).objectives.copierGain!).toBeLessThan(defaults.objectives.copierGain!);
  });

  it('scoring: a larger EMA α reaches a new good miner sooner and makes the weights less stable', async () => {
    const def: SweepDefinition = {
      space: { params: { emaAlpha: { values: [0.05, 0.2, 0.5] }, sampleSize: { values: [16, 64] } }, epochs: 30 },
      sources: [], objectives: ['rankCorrelation', 'scoreInstability', 'newcomerSteps'], mode: 'f64', search: 'grid', seed: 1, trials: 1,
    };
    const r = await runSweep(def, new LocalRunner({ threads: 0 }), new MemoryStore());
    for (const size of [16, 64]) {
      const [slow, mid, fast] = [0.05, 0.2, 0.5].map((a) => byParams(r.trials, { emaAlpha: a, sampleSize: size }).objectives);
      expect(fast!.newcomerSteps!).toBeLessThan(mid!.newcomerSteps!);
      expect(mid!.newcomerSteps!).toBeLessThan(slow!.newcomerSteps!);
      expect(fast!.scoreInstability!).toBeGreaterThan(mid!.scoreInstability!);
      expect(mid!.scoreInstability!).toBeGreaterThan(slow!.scoreInstability!);
      // The final weights rank the miners by their true quality (oracle fidelity; the noise miner last).
      expect(fast!.rankCorrelation!).toBeGreaterThan(0.9);
    }
    // More queries per step, steadier scores at the same α.
    for (const a of [0.05, 0.2, 0.5]) {
      expect(byParams(r.trials, { emaAlpha: a, sampleSize: 64 }).objectives.scoreInstability!).toBeLessThan(byParams(r.trials, { emaAlpha: a, sampleSize: 16 }).objectives.scoreInstability!);
    }
  });
});

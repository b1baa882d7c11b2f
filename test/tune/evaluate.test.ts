import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/index.js';
import type { EpochOutput, Scenario } from '../../src/index.js';
import { Evaluator, loadScenarioSource } from '../../src/tune/index.js';
import type { SweepDefinition } from '../../src/tune/index.js';

/*
 * The tuner's value for one trial equals what an independent `yumaval simulate` of the same parameters gives: the
 * scenario is written here by hand (the catalogue's, with the trial's parameters as its variant, and the copier
 * appended by hand where the tuner injects one), run by the built CLI, and the objectives recomputed from its JSON by
 * the few lines below, not by src/tune.
 */

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'yumaval-tune-eval-'));

function simulateCli(scenario: Scenario): EpochOutput[] {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'simulate', file, '--json', '--mode', 'f64'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { variants: Array<{ epochs: EpochOutput[] }> }).variants[0]!.epochs;
}

/** G at the last epoch, from the simulate output: copier's emission per stake over the honest median. */
function gainFromJson(epochs: EpochOutput[], stake: Array<number | string>, copier: number, honest: number[]): number {
  const last = epochs[epochs.length - 1]!;
  const per = (u: number): number => Number(last.validatorEmission[u]) / Number(stake[u]);
  const xs = honest.map(per).sort((a, b) => a - b);
  const m = xs.length >> 1;
  const med = xs.length % 2 === 1 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
  return per(copier) / med;
}

/** Mean total-variation distance between consecutive epochs' incentive. */
function instabilityFromJson(epochs: EpochOutput[]): number {
  let s = 0;
  for (let e = 1; e < epochs.length; e++) s += epochs[e]!.incentive.reduce((a, x, j) => a + Math.abs(x - epochs[e - 1]!.incentive[j]!), 0) / 2 / 65535;
  return s / (epochs.length - 1);
}

async function evaluator(space: unknown, source: string, objectives: string[]): Promise<Evaluator> {
  const def: SweepDefinition = { space, sources: [await loadScenarioSource(source)], objectives, mode: 'f64', search: 'grid', seed: 1, trials: 1 };
  return new Evaluator(def);
}

describe('a trial equals an independent `yumaval simulate` of the same parameters', () => {
  it('copier-lag-1 under Yuma3 with liquid alpha: the scenario\'s own copier\'s G and the incentive instability', async () => {
    const params = { bondsMovingAverage: 975000, liquidAlpha: true };
    const ev = await evaluator({ params: { bondsMovingAverage: { values: [975000] }, liquidAlpha: { values: [true] } }, fixed: { yuma3: true } }, 'copier-lag-1', ['copierGain', 'incentiveInstability']);
    const got = ev.evaluate({ id: 'x', params, epochs: null });
    const sc = CATALOGUE.get('copier-lag-1')!();
    const epochs = simulateCli({ ...sc, variants: [{ name: 'trial', yuma3: true, ...params }] });
    expect(epochs).toHaveLength(60);
    expect(got.objectives.copierGain).toBe(gainFromJson(epochs, sc.stake, 8, [0, 1, 2, 3, 4, 5, 6, 7]));
    expect(got.objectives.incentiveInstability).toBeCloseTo(instabilityFromJson(epochs), 14);
  });

  it('kappa-moves-first with a median-stake copier of lag 2 injected as uid 5', async () => {
    const ev = await evaluator({ params: { kappa: { values: [16384] } }, fixed: { yuma3: true }, copier: { stake: 'median', lag: 2 } }, 'kappa-moves-first', ['copierGain']);
    const got = ev.evaluate({ id: 'x', params: { kappa: 16384 }, epochs: null });
    const sc = CATALOGUE.get('kappa-moves-first')!();
    // By hand: the copier holds the median of the honest stakes (800, 100, 100 TAO → 100 TAO), gets a permit of its
    // own (3 + 1), and weighs the miners 3 and 4 by the consensus published two epochs before.
    const stake = [...sc.stake, String(100 * 1e9)];
    const injected: Scenario = {
      ...sc, n: 6, stake, validators: [0, 1, 2, 5],
      hyperparams: { ...sc.hyperparams, maxAllowedValidators: 4 },
      variants: [{ name: 'trial', yuma3: true, kappa: 16384 }],
      behaviours: [{ type: 'copier', uids: [5], lag: 2, start: 0 }],
      quality: { miners: [3, 4], values: [1, 1], drift: 0 },
    };
    const epochs = simulateCli(injected);
    const g = gainFromJson(epochs, stake, 5, [0, 1, 2]);
    expect(Number.isFinite(g)).toBe(true);
    expect(got.objectives.copierGain).toBe(g);
  });
});

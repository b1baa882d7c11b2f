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

  it('cartel-20: the cartel gain equals the cartel miners\' incentive share over the same with the cartel weighing honestly', async () => {
    const ev = await evaluator({ params: { kappa: { values: [32767] } } }, 'cartel-20', ['cartelGain', 'stakeRetention']);
    const got = ev.evaluate({ id: 'x', params: { kappa: 32767 }, epochs: null });
    const sc = CATALOGUE.get('cartel-20')!();
    const variant = [{ name: 'trial', kappa: 32767 }];
    const boosted = simulateCli({ ...sc, variants: variant });
    const fair = simulateCli({ ...sc, variants: variant, behaviours: sc.behaviours!.map((b) => (b.type === 'cartel' ? { type: 'honest' as const, uids: b.uids, noise: b.noise } : b)) });
    const share = (epochs: EpochOutput[]): number => epochs.reduce((a, o) => a + (o.incentive[10]! + o.incentive[11]!) / 65535, 0) / epochs.length;
    expect(got.objectives.cartelGain).toBeCloseTo(share(boosted) / share(fair), 12);
    expect(got.objectives.cartelGain!).toBeGreaterThan(1);
    // Stake retention by hand: honest validators 2..9 hold 80% of the stake; the honest side's emission is their
    // dividends and every miner's incentive but the cartel's (10, 11).
    const retention = boosted.reduce((a, o) => {
      let ours = 0, all = 0;
      for (let u = 0; u < o.emission.length; u++) {
        all += Number(o.emission[u]);
        if (u >= 2 && u <= 9) ours += Number(o.validatorEmission[u]);
        if (u !== 10 && u !== 11) ours += Number(o.serverEmission[u]);
      }
      return a + ours / all / 0.8;
    }, 0) / boosted.length;
    expect(got.objectives.stakeRetention).toBeCloseTo(retention, 12);
  });

  it('copier-lag-1: the epochs a re-registered top miner needs to reach 90% of its incentive without the re-registration', async () => {
    const ev = await evaluator({ params: { kappa: { values: [32767] } }, newcomer: { uid: 23, at: 30, reach: 0.9 } }, 'copier-lag-1', ['newcomerEpochs']);
    const got = ev.evaluate({ id: 'x', params: { kappa: 32767 }, epochs: null });
    const sc = CATALOGUE.get('copier-lag-1')!();
    const variant = [{ name: 'trial', kappa: 32767 }];
    const without = simulateCli({ ...sc, variants: variant });
    const epochs = Array.from({ length: 60 }, (_, e) => (e === 30 ? { register: [23] } : {}));
    const withReg = simulateCli({ ...sc, variants: variant, epochs });
    let k = 0;
    while (30 + k < 60 && withReg[30 + k]!.incentive[23]! < 0.9 * without[30 + k]!.incentive[23]!) k++;
    expect(withReg[30]!.incentive[23]!).toBeLessThan(0.9 * without[30]!.incentive[23]!);
    expect(got.objectives.newcomerEpochs).toBe(k);
  });
});


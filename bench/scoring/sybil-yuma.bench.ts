// The end-to-end effect of the scoring model on a sybil operator (issue 23): ten honest validators score the built-in
// task's miners every epoch (each with its own queries), emit weights by the SDK's processing, and the chain runs the
// epoch (Yuma3, and the original Yuma for comparison) for 20 epochs. The operator runs one oracle-0.9 miner, or a sybil
// group of four (the `sybil` profile on the oracle-0.9 base, σ = 0.05). Its mean incentive share is printed per model.
// `node --import tsx bench/scoring/sybil-yuma.bench.ts [epochs]`.
import { renderTable } from '../../src/cli/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { scoreBatch } from '../../src/scoring/score.js';
import type { ScoringParams } from '../../src/scoring/types.js';
import { processAndEmit } from '../../src/scoring/weights/index.js';
import { meanIncentiveShare, simulate, type Scenario } from '../../src/simulation/index.js';
import { writeResult } from '../report.js';
import { defaultTask, learner, scenarioBatch, type MinerSpec } from './sybil-scenarios.js';

const VALIDATORS = 10;
const TAO = 1_000_000_000;

/** The operator's miners: one oracle-0.9, or `size` sybil members on the oracle-0.9 base. */
function operator(size: number): MinerSpec[] {
  if (size === 1) return [{ name: 'operator', profile: 'oracle-0.9' }];
  return Array.from({ length: size }, (_, m): MinerSpec => ({ name: `sybil-${m}`, profile: 'sybil', options: { sybilBase: 'oracle-0.9', member: m, seed: 7 } }));
}

/** The mean incentive shares (from epoch 5 on) of the operator and of the best honest rival, per variant. */
function run(size: number, params: ScoringParams, epochs: number): Record<string, { operator: number; rival: number }> {
  const task = defaultTask();
  const honest: MinerSpec[] = [
    { name: 'oracle-0.6', profile: 'oracle-0.6' }, { name: 'oracle-0.3', profile: 'oracle-0.3' }, { name: 'noise', profile: 'noise' },
    { name: 'learner-160', answer: learner(task, 31, 160) }, { name: 'learner-640', answer: learner(task, 32, 640) },
  ];
  const miners = [...honest, ...operator(size)];
  const n = VALIDATORS + miners.length;
  const minerUids = miners.map((_, k) => VALIDATORS + k);
  const operatorUids = minerUids.slice(honest.length);
  const scenarioEpochs = Array.from({ length: epochs }, (_, e) => ({
    weights: Object.fromEntries(Array.from({ length: VALIDATORS }, (_, v) => {
      const { batch } = scenarioBatch(task, miners, 1000 * v + e + 1, e + 1);
      const shapley = scoreBatch(batch, params).shapley;
      const emitted = processAndEmit({ uids: minerUids, weights: shapley, n, minAllowedWeights: 1 });
      return [String(v), emitted.uids.map((u, i) => [u, emitted.values[i] as number] as [number, number])];
    })),
  }));
  const scenario: Scenario = {
    name: `operator-${size}`, n, validators: Array.from({ length: VALIDATORS }, (_, v) => v),
    stake: Array.from({ length: n }, (_, i) => (i < VALIDATORS ? String(10_000 * TAO) : '0')),
    hyperparams: { maxAllowedValidators: VALIDATORS },
    variants: [{ name: 'original', yuma3: false, liquidAlpha: false }, { name: 'yuma3', yuma3: true, liquidAlpha: false }],
    warmupEmptyEpoch: true, epochs: scenarioEpochs,
  };
  const result = simulate(scenario);
  return Object.fromEntries(result.variants.map((v) => [v.name, {
    operator: meanIncentiveShare(v.epochs, operatorUids, 5),
    rival: meanIncentiveShare(v.epochs, [minerUids[4] as number], 5),
  }]));
}

/** Runs both models with a lone operator and a sybil group of four; prints the table and writes sybil-yuma.json. */
export function benchSybilYuma(epochs = 20): Record<string, unknown> {
  const models: Array<[string, ScoringParams]> = [['shapley-2022', SCORING_DEFAULTS], ['redundancy-aware', { ...SCORING_DEFAULTS, model: 'redundancy-aware' }]];
  const rows: string[][] = [];
  const out: Record<string, unknown> = {};
  for (const [name, params] of models) {
    process.stderr.write(`bench sybil-yuma ${name}\n`);
    const lone = run(1, params, epochs), group = run(4, params, epochs);
    for (const variant of Object.keys(lone)) {
      const a = lone[variant] as { operator: number; rival: number }, b = group[variant] as { operator: number; rival: number };
      rows.push([name, variant, (100 * a.operator).toFixed(2), (100 * b.operator).toFixed(2), `${(b.operator / a.operator).toFixed(2)}×`, (100 * a.rival).toFixed(2), (100 * b.rival).toFixed(2)]);
    }
    out[name] = { lone, group };
  }
  process.stdout.write(`\nIncentive share (%) of the operator, mean of epochs 5..${epochs - 1}, 10 honest validators, built-in task (B = 64 per validator and epoch)\n${renderTable(
    [{ header: 'model', align: 'left' }, { header: 'Yuma', align: 'left' }, { header: 'operator, 1 miner' }, { header: 'operator, sybil group of 4' }, { header: 'group / lone' }, { header: 'learner-640, beside 1' }, { header: 'learner-640, beside 4' }],
    rows,
  )}\n`);
  const file = writeResult('sybil-yuma', { suite: 'sybil-yuma', date: new Date().toISOString(), epochs, ...out });
  process.stdout.write(`wrote ${file}\n`);
  return out;
}

if (process.argv[1]?.endsWith('sybil-yuma.bench.ts') === true) benchSybilYuma(process.argv[2] === undefined ? 20 : Number(process.argv[2]));

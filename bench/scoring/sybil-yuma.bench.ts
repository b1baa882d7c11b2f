// The end-to-end effect of the scoring model on a sybil operator (issue 23): ten honest validators score the built-in
// task's miners every epoch (each with its own queries), emit weights by the SDK's processing, and the chain runs the
// epoch (Yuma3, and the original Yuma for comparison) for 20 epochs. The operator runs one oracle-0.9 miner, or a group
// of four: the `sybil` profile on the oracle-0.9 base at its default σ = 0.05 (the case), at the larger σ a
// copier could choose instead, or four exact copies. Its mean incentive share is printed per model and group.
// `node --import tsx bench/scoring/sybil-yuma.bench.ts [epochs] [copy tolerances, e.g. 0.2,0.3]`.
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

/** The operator's groups of four: sybil members at σ (the profile's default 0.05, then larger), or exact copies. */
const GROUPS: ReadonlyArray<{ name: string; miners: MinerSpec[] }> = [
  ...[0.05, 0.1, 0.2, 0.5].map((sigma) => ({
    name: `sybil σ=${sigma}`,
    miners: Array.from({ length: 4 }, (_, m): MinerSpec => ({ name: `sybil-${m}`, profile: 'sybil', options: { sybilBase: 'oracle-0.9', sybilSpread: sigma, member: m, seed: 7 } })),
  })),
  { name: 'exact copies', miners: Array.from({ length: 4 }, (_, m): MinerSpec => ({ name: `copy-${m}`, profile: 'copier', options: { copyOf: 'oracle-0.9', seed: 100 + m } })) },
];
const LONE: MinerSpec[] = [{ name: 'operator', profile: 'oracle-0.9' }];

/** The mean incentive shares (from epoch 5 on) of the operator and of the best honest rival, per variant. */
function run(operator: MinerSpec[], params: ScoringParams, epochs: number): Record<string, { operator: number; rival: number }> {
  const task = defaultTask();
  const honest: MinerSpec[] = [
    { name: 'oracle-0.6', profile: 'oracle-0.6' }, { name: 'oracle-0.3', profile: 'oracle-0.3' }, { name: 'noise', profile: 'noise' },
    { name: 'learner-160', answer: learner(task, 31, 160) }, { name: 'learner-640', answer: learner(task, 32, 640) },
  ];
  const miners = [...honest, ...operator];
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
    name: `operator-${operator.length}`, n, validators: Array.from({ length: VALIDATORS }, (_, v) => v),
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

/** Runs both models with a lone operator and each group of four; prints the table and writes sybil-yuma.json. */
export function benchSybilYuma(epochs = 20, copyTolerances: number[] = []): Record<string, unknown> {
  const models: Array<[string, ScoringParams]> = [
    ['shapley-2022', SCORING_DEFAULTS], ['redundancy-aware', { ...SCORING_DEFAULTS, model: 'redundancy-aware' }],
    // Other copy tolerances than the default, when asked for.
    ...copyTolerances.map((t): [string, ScoringParams] => [`redundancy-aware τ_c=${t}`, { ...SCORING_DEFAULTS, model: 'redundancy-aware', copyTolerance: t }]),
  ];
  const rows: string[][] = [];
  const out: Record<string, unknown> = {};
  for (const [name, params] of models) {
    process.stderr.write(`bench sybil-yuma ${name} lone\n`);
    const lone = run(LONE, params, epochs);
    const groups: Record<string, unknown> = {};
    for (const g of GROUPS) {
      process.stderr.write(`bench sybil-yuma ${name} ${g.name}\n`);
      const group = run(g.miners, params, epochs);
      groups[g.name] = group;
      const share = (r: Record<string, { operator: number; rival: number }>, v: string): { operator: number; rival: number } => r[v] as { operator: number; rival: number };
      rows.push([
        name, g.name, (100 * share(lone, 'yuma3').operator).toFixed(2), (100 * share(group, 'yuma3').operator).toFixed(2),
        `${(share(group, 'yuma3').operator / share(lone, 'yuma3').operator).toFixed(2)}×`,
        `${(share(group, 'original').operator / share(lone, 'original').operator).toFixed(2)}×`,
        (100 * share(lone, 'yuma3').rival).toFixed(2), (100 * share(group, 'yuma3').rival).toFixed(2),
      ]);
    }
    out[name] = { lone, groups };
  }
  process.stdout.write(`\nIncentive share (%) of the operator, mean of epochs 5..${epochs - 1}, 10 honest validators, built-in task (B = 64 per validator and epoch)\n${renderTable(
    [{ header: 'model', align: 'left' }, { header: 'group of 4', align: 'left' }, { header: 'Yuma3: 1 miner' }, { header: 'Yuma3: group' }, { header: 'group / lone' }, { header: 'original Yuma: group / lone' }, { header: 'learner-640 beside 1' }, { header: 'beside the group' }],
    rows,
  )}\n`);
  const file = writeResult('sybil-yuma', { suite: 'sybil-yuma', date: new Date().toISOString(), epochs, ...out });
  process.stdout.write(`wrote ${file}\n`);
  return out;
}

if (process.argv[1]?.endsWith('sybil-yuma.bench.ts') === true) {
  benchSybilYuma(process.argv[2] === undefined ? 20 : Number(process.argv[2]), process.argv[3] === undefined ? [] : process.argv[3].split(',').map(Number));
}

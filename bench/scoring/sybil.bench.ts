// Sybil resistance of the scoring models (issue 23), on the built-in task with miner profiles and fixed seeds:
// `npm run bench -- sybil` (or `node --import tsx bench/scoring/sybil.bench.ts [seeds] [tolerances]`).
// For each seed: an oracle-0.9 alone (beside oracle-0.6, oracle-0.3 and noise), then with n duplicates of each kind;
// the group's total over the lone miner's score, per model. And the honest side: the rank correlation between value and
// true quality with no duplicates, and how much equal honest learners share.
import { renderTable } from '../../src/cli/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { scoreBatch } from '../../src/scoring/score.js';
import type { ScoreBatch, ScoringParams } from '../../src/scoring/types.js';
import { writeResult } from '../report.js';
import { BACKGROUND, defaultTask, duplicates, expectedLosses, learner, scenarioBatch, spearman, type GroupKind, type MinerSpec } from './sybil-scenarios.js';

const SIGMAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2];
const COUNTS = [1, 2, 4, 8];
const ORIGINAL: MinerSpec = { name: 'oracle-0.9', profile: 'oracle-0.9' };

interface Models { name: string; params: ScoringParams }

/** Group total over lone score, per model, for one kind and count, averaged and maxed over seeds. */
function groupRatios(lone: ScoreBatch[], groups: ScoreBatch[], n: number, models: Models[]): Array<{ mean: number; max: number }> {
  return models.map(({ params }) => {
    const ratios = groups.map((g, s) => {
      const alone = scoreBatch(lone[s] as ScoreBatch, params).shapley[0] as number;
      const v = scoreBatch(g, params).shapley;
      let total = v[0] as number;
      for (let i = 0; i < n; i++) total += v[1 + BACKGROUND.length + i] as number;
      return total / alone;
    });
    return { mean: ratios.reduce((x, y) => x + y, 0) / ratios.length, max: Math.max(...ratios) };
  });
}

/** Runs the measurements and prints their tables; returns the JSON written to bench/results/sybil.json. */
export function benchSybil(seedCount = 20, tolerances = [0.5, 1, 2, 3, 5]): Record<string, unknown> {
  const task = defaultTask();
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const models: Models[] = [
    { name: 'shapley-2022', params: SCORING_DEFAULTS },
    ...tolerances.map((t) => ({ name: `redundancy-aware τ=${t}`, params: { ...SCORING_DEFAULTS, model: 'redundancy-aware' as const, redundancyTolerance: t } })),
  ];
  const lone = seeds.map((s) => scenarioBatch(task, [ORIGINAL, ...BACKGROUND], s).batch);
  const rows: string[][] = [];
  const out: Record<string, unknown> = { seeds: seedCount, queries: lone[0]?.targets.length, tolerances, groups: [] as unknown[] };
  const cell = (r: { mean: number; max: number }): string => `${r.mean.toFixed(2)} (${r.max.toFixed(2)})`;
  const add = (kind: GroupKind, n: number, sigma?: number): void => {
    process.stderr.write(`bench sybil ${kind} n=${n}${sigma === undefined ? '' : ` σ=${sigma}`}\n`);
    const groups = seeds.map((s) => scenarioBatch(task, [ORIGINAL, ...BACKGROUND, ...duplicates(kind, n, sigma)], s).batch);
    const r = groupRatios(lone, groups, n, models);
    rows.push([kind, String(n), sigma === undefined ? '' : String(sigma), ...r.map(cell)]);
    (out.groups as unknown[]).push({ kind, n, sigma: sigma ?? null, ratio: Object.fromEntries(models.map((m, i) => [m.name, r[i]])) });
  };
  for (const n of COUNTS) add('exact', n);
  for (const sigma of SIGMAS) for (const n of [1, 8]) add('noisy', n, sigma);
  for (const n of COUNTS) add('half-silent', n);
  for (const n of COUNTS) add('half-own', n);
  const head = [{ header: 'duplicates', align: 'left' as const }, { header: 'n' }, { header: 'σ' }, ...models.map((m) => ({ header: m.name }))];
  process.stdout.write(`\nGroup total / lone oracle-0.9 score: mean (max) over ${seedCount} seeds, B = ${out.queries as number}\n${renderTable(head, rows)}\n`);

  // The honest side: a population with no duplicates, ranked against true quality (the expected loss under the source).
  process.stderr.write('bench sybil honest population\n');
  const honest: MinerSpec[] = [
    { name: 'oracle-0.9', profile: 'oracle-0.9' }, { name: 'oracle-0.6', profile: 'oracle-0.6' }, { name: 'oracle-0.3', profile: 'oracle-0.3' }, { name: 'noise', profile: 'noise' },
    ...[10, 20, 40, 80, 160, 320, 640, 1280].map((n, i): MinerSpec => ({ name: `learner-${n}`, answer: learner(task, 1000 + i, n) })),
  ];
  const pairs: MinerSpec[] = [20, 50, 200].flatMap((n, i) => [0, 1].map((m): MinerSpec => ({ name: `learner-${n}.${m}`, answer: learner(task, 2000 + 10 * i + m, n) })));
  const rho = models.map(() => 0), shared = models.map(() => [0, 0, 0]);
  for (const s of seeds) {
    const { batch } = scenarioBatch(task, honest, s);
    const quality = expectedLosses(task, batch, s).map((l) => -l);
    models.forEach((m, i) => { rho[i] = (rho[i] as number) + spearman(scoreBatch(batch, m.params).shapley, quality) / seedCount; });
    const pb = scenarioBatch(task, [...pairs, ...BACKGROUND], s).batch;
    models.forEach((m, i) => {
      const mult = scoreBatch(pb, m.params).multiplicity;
      for (let p = 0; p < 3; p++) (shared[i] as number[])[p] = ((shared[i] as number[])[p] as number) + ((mult[2 * p] as number) + (mult[2 * p + 1] as number)) / 2 / seedCount;
    });
  }
  const honestRows = models.map((m, i) => [m.name, (rho[i] as number).toFixed(4), ...(shared[i] as number[]).map((x) => x.toFixed(3))]);
  process.stdout.write(`\nHonest miners, mean over ${seedCount} seeds: Spearman(value, −expected loss) over 12 miners with no duplicates; multiplicity of two equal learners (20, 50, 200 samples each)\n${renderTable([{ header: 'model', align: 'left' }, { header: 'Spearman' }, { header: 'pair of 20' }, { header: 'pair of 50' }, { header: 'pair of 200' }], honestRows)}\n`);
  out.honest = Object.fromEntries(models.map((m, i) => [m.name, { spearman: rho[i], pairMultiplicity: { 20: shared[i]?.[0], 50: shared[i]?.[1], 200: shared[i]?.[2] } }]));
  const file = writeResult('sybil', { suite: 'sybil', date: new Date().toISOString(), ...out });
  process.stdout.write(`wrote ${file}\n`);
  return out;
}

if (process.argv[1]?.endsWith('sybil.bench.ts') === true) {
  const seeds = process.argv[2] === undefined ? 20 : Number(process.argv[2]);
  const tolerances = process.argv[3] === undefined ? undefined : process.argv[3].split(',').map(Number);
  benchSybil(seeds, tolerances);
}

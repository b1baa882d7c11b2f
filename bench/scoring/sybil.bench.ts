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
/** The sample sizes of the equal honest pairs: from far apart (20) to as close as honest learners get here (1280). */
const PAIR_SAMPLES = [20, 50, 200, 640, 1280];
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
  // Every count at the profile's noise and at the noise that pays a copier best under redundancy-aware (σ = 0.1).
  for (const sigma of SIGMAS) for (const n of sigma <= 0.1 ? COUNTS : [1, 8]) add('noisy', n, sigma);
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
  const pairs: MinerSpec[] = PAIR_SAMPLES.flatMap((n, i) => [0, 1].map((m): MinerSpec => ({ name: `learner-${n}.${m}`, answer: learner(task, 2000 + 10 * i + m, n) })));
  const P = PAIR_SAMPLES.length;
  const rho = models.map(() => 0), shared = models.map(() => new Array<number>(P).fill(0)), copies = models.map(() => new Array<number>(P).fill(0));
  for (const s of seeds) {
    const { batch } = scenarioBatch(task, honest, s);
    const quality = expectedLosses(task, batch, s).map((l) => -l);
    models.forEach((m, i) => { rho[i] = (rho[i] as number) + spearman(scoreBatch(batch, m.params).shapley, quality) / seedCount; });
    // Each pair in its own batch, beside the three background miners only.
    PAIR_SAMPLES.forEach((_, p) => {
      const pb = scenarioBatch(task, [...pairs.slice(2 * p, 2 * p + 2), ...BACKGROUND], s).batch;
      models.forEach((m, i) => {
        const r = scoreBatch(pb, m.params);
        (shared[i] as number[])[p] = ((shared[i] as number[])[p] as number) + ((r.multiplicity[0] as number) + (r.multiplicity[1] as number)) / 2 / seedCount;
        // The copy count is symmetric in a pair (the same kernel of the same distance): the larger over the seeds.
        (copies[i] as number[])[p] = Math.max((copies[i] as number[])[p] as number, r.copies[0] as number);
      });
    });
  }
  const honestRows = models.map((m, i) => [m.name, (rho[i] as number).toFixed(4), ...PAIR_SAMPLES.map((_, p) => `${((shared[i] as number[])[p] as number).toFixed(2)} (${((copies[i] as number[])[p] as number).toFixed(2)})`)]);
  process.stdout.write(`\nHonest miners over ${seedCount} seeds: mean Spearman(value, −expected loss) over 12 miners with no duplicates; two equal learners (n samples each): mean multiplicity (largest copy count)\n${renderTable([{ header: 'model', align: 'left' }, { header: 'Spearman' }, ...PAIR_SAMPLES.map((n) => ({ header: `pair of ${n}` }))], honestRows)}\n`);
  out.honest = Object.fromEntries(models.map((m, i) => [m.name, {
    spearman: rho[i],
    pairMultiplicity: Object.fromEntries(PAIR_SAMPLES.map((n, p) => [n, shared[i]?.[p]])),
    pairCopiesMax: Object.fromEntries(PAIR_SAMPLES.map((n, p) => [n, copies[i]?.[p]])),
  }]));
  const file = writeResult('sybil', { suite: 'sybil', date: new Date().toISOString(), ...out });
  process.stdout.write(`wrote ${file}\n`);
  return out;
}

if (process.argv[1]?.endsWith('sybil.bench.ts') === true) {
  const seeds = process.argv[2] === undefined ? 20 : Number(process.argv[2]);
  const tolerances = process.argv[3] === undefined ? undefined : process.argv[3].split(',').map(Number);
  benchSybil(seeds, tolerances);
}

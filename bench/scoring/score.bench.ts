// Scoring benchmarks (issue: informational-value scoring). Fixed seeds, so runs compare across commits.
import { Bench } from 'tinybench';
import { renderTable } from '../../src/cli/index.js';
import { Prng } from '../../src/random/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { scoreReference } from '../../src/scoring/reference/index.js';
import { scoreBatch } from '../../src/scoring/score.js';
import type { MinerResponse, ScoreBatch, ScoringParams } from '../../src/scoring/types.js';
import { fmt, machine, medianMs, task, taskStats, writeResult } from '../report.js';

/** K miners' dense answers to B queries over V outcomes: each a noisy, peaked distribution. */
function denseBatch(K: number, B: number, V: number, seed: number): ScoreBatch {
  const rng = new Prng(seed);
  const targets = Int32Array.from({ length: B }, () => rng.int(V));
  const responses: MinerResponse[] = Array.from({ length: K }, () => {
    const probs = new Float32Array(B * V);
    for (let i = 0; i < probs.length; i++) probs[i] = rng.next() * rng.next();
    for (let b = 0; b < B; b++) probs[b * V + (targets[b] as number)] = (probs[b * V + (targets[b] as number)] as number) + rng.next() * 50;
    return { kind: 'dense', probs };
  });
  return { vocab: V, targets, uids: responses.map((_, k) => k), responses };
}

/** K miners' top-k answers (k pairs per query, the rest at a floor), as the 2022 protocol sends them. */
function topkBatch(K: number, B: number, V: number, k: number, seed: number): ScoreBatch {
  const rng = new Prng(seed);
  const targets = Int32Array.from({ length: B }, () => rng.int(V));
  const responses: MinerResponse[] = Array.from({ length: K }, () => {
    const ptr = new Int32Array(B + 1), ids = new Int32Array(B * k), probs = new Float32Array(B * k), floor = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      ptr[b + 1] = (b + 1) * k;
      const listed = rng.sample(V, k);
      // Some miners list the target; the mass of the listed outcomes is about 0.8.
      if (rng.next() < 0.5 && !listed.includes(targets[b] as number)) listed[0] = targets[b] as number;
      listed.forEach((id, i) => { ids[b * k + i] = id; probs[b * k + i] = (0.8 / k) * (0.5 + rng.next()); });
      floor[b] = 0.2 / (V - k);
    }
    return { kind: 'topk', ptr, ids, probs, floor };
  });
  return { vocab: V, targets, uids: responses.map((_, i) => i), responses };
}

/** The redundancy-aware model with its default tolerance. */
const REDUNDANCY: ScoringParams = { ...SCORING_DEFAULTS, model: 'redundancy-aware' };

interface Case { name: string; make: () => ScoreBatch; target: number; reference?: boolean; time: number; models?: boolean }

const CASES: Case[] = [
  { name: 'dense K=256 B=16 V=4096', make: () => denseBatch(256, 16, 4096, 1), target: 60, reference: true, time: 3000 },
  { name: 'top-k 64, K=1024 B=32 V=50257', make: () => topkBatch(1024, 32, 50257, 64, 2), target: 40, time: 3000, models: true },
  // One listed outcome over a vocabulary of 2: the row and divergence passes are trivial, what is left is synergy.
  { name: 'synergy alone, K=4096 B=32', make: () => topkBatch(4096, 32, 2, 1, 3), target: 150, time: 4000 },
];

/** Runs the scoring suite, prints its table and writes bench/results/score.json. */
export async function benchScore(): Promise<void> {
  const rows: string[][] = [];
  const results: Record<string, unknown> = {};
  for (const c of CASES) {
    process.stderr.write(`bench score ${c.name}\n`);
    const batch = c.make();
    const bench = new Bench({ time: c.time, iterations: 5, warmupIterations: 2 });
    bench.add('wasm', () => void scoreBatch(batch, SCORING_DEFAULTS));
    if (c.reference === true) bench.add('reference', () => void scoreReference(batch, SCORING_DEFAULTS));
    // The redundancy-aware model on the same batch, in the same run (tinybench alternates nothing, but the two tasks
    // follow each other within seconds, which is as close as a loaded shared machine allows).
    if (c.models === true) bench.add('redundancy-aware', () => void scoreBatch(batch, REDUNDANCY));
    await bench.run();
    if (c.models === true) {
      const a = medianMs(task(bench, 'wasm')), b = medianMs(task(bench, 'redundancy-aware'));
      rows.push([`${c.name}, redundancy-aware`, fmt(b), '—', '—', `≤ 2× shapley-2022 (${(b / a).toFixed(2)}×) ${b <= 2 * a ? 'met' : 'MISSED'}`]);
      results[`${c.name}, redundancy-aware`] = { wasm: taskStats(task(bench, 'redundancy-aware')), ratioToShapley2022: b / a };
    }
    const wasm = medianMs(task(bench, 'wasm'));
    const ref = c.reference === true ? medianMs(task(bench, 'reference')) : Number.NaN;
    const ratio = ref / wasm;
    rows.push([
      c.name, fmt(wasm), c.reference === true ? fmt(ref) : '—', c.reference === true ? `${ratio.toFixed(1)}×` : '—',
      `wasm ≤ ${c.target} ${wasm <= c.target ? 'met' : 'MISSED'}${c.reference === true ? `; ≥ 3× reference ${ratio >= 3 ? 'met' : 'MISSED'}` : ''}`,
    ]);
    results[c.name] = { wasm: taskStats(task(bench, 'wasm')), reference: c.reference === true ? taskStats(task(bench, 'reference')) : null, targetMs: c.target };
  }
  const table = renderTable(
    [{ header: 'case', align: 'left' }, { header: 'wasm' }, { header: 'TS reference' }, { header: 'speed-up' }, { header: 'targets', align: 'left' }],
    rows,
  );
  process.stdout.write(`\nScoring, median ms per batch (tinybench): inputs copied in, outputs copied out (the K×K synergy matrix is built when read, and not read here).\n${table}\n`);
  const file = writeResult('score', { suite: 'score', date: new Date().toISOString(), machine: machine(), results });
  process.stdout.write(`wrote ${file}\n`);
}

// Simulation benchmarks (issue: multi-epoch simulation). Fixed scenarios and seeds, so runs compare across commits.
import { Bench } from 'tinybench';
import { CATALOGUE, simulate } from '../../src/index.js';
import type { EpochMode, Scenario } from '../../src/index.js';
import { renderTable } from '../../src/cli/index.js';
import { fmt, machine, medianMs, task, taskStats, writeResult } from '../report.js';

/** 40 epochs of the three-validator, two-server case, one variant. */
function small(): Scenario {
  const sc = CATALOGUE.get('kappa-moves-first')!();
  return { ...sc, variants: [{ name: 'yuma3', yuma3: true }] };
}

/** n = 256 with 64 honest validators over 192 drifting miners, 100 epochs, one variant. */
function large(): Scenario {
  const n = 256, v = 64;
  const miners = Array.from({ length: n - v }, (_, k) => v + k);
  return {
    name: 'n256-100', n,
    stake: Array.from({ length: n }, (_, i) => (i < v ? String((10_000 + i * 100) * 1e9) : '0')),
    hyperparams: { maxAllowedValidators: v },
    warmupEmptyEpoch: true, epochs: [], epochCount: 100, seed: 3,
    quality: { miners, values: miners.map((_, k) => 1 + (k % 13)), drift: 0.05 },
    behaviours: [{ type: 'honest', uids: Array.from({ length: v }, (_, i) => i) }],
  };
}

const CASES: Array<{ name: string; make: () => Scenario; targets: Partial<Record<EpochMode, number>>; time: number }> = [
  { name: '3 validators / 2 miners, 40 epochs', make: small, targets: { f64: 20 }, time: 1000 },
  { name: 'n=256 / 64 validators, 100 epochs', make: large, targets: { exact: 1000 }, time: 4000 },
];

/** Runs the simulation suite, prints its table and writes bench/results/simulate.json. */
export async function benchSimulate(): Promise<void> {
  const rows: string[][] = [];
  const results: Record<string, unknown> = {};
  for (const c of CASES) {
    const sc = c.make();
    process.stderr.write(`bench simulate ${c.name}\n`);
    const bench = new Bench({ time: c.time, iterations: 5, warmupIterations: 2 });
    for (const mode of ['exact', 'f64'] as EpochMode[]) bench.add(mode, () => void simulate(sc, { mode }));
    await bench.run();
    const ms = (mode: EpochMode): number => medianMs(task(bench, mode));
    rows.push([
      c.name, fmt(ms('exact')), fmt(ms('f64')),
      Object.entries(c.targets).map(([mode, t]) => `${mode} ${fmt(ms(mode as EpochMode))} ≤ ${t} ${ms(mode as EpochMode) <= t ? 'met' : 'MISSED'}`).join('; '),
    ]);
    results[c.name] = { exact: taskStats(task(bench, 'exact')), f64: taskStats(task(bench, 'f64')), targetsMs: c.targets };
  }
  const table = renderTable([{ header: 'scenario', align: 'left' }, { header: 'exact' }, { header: 'f64' }, { header: 'targets', align: 'left' }], rows);
  process.stdout.write(`\nSimulation, median ms per whole run (tinybench), outputs included.\n${table}\n`);
  const file = writeResult('simulate', { suite: 'simulate', date: new Date().toISOString(), machine: machine(), results });
  process.stdout.write(`wrote ${file}\n`);
}

// Audit detection quality (issue 19, "Done means" 1): planted histories from the simulator (test/audit/planted.ts),
// RUNS fixed seeds per case (60 epochs, 9 validators, 15 miners whose quality drifts 20% per epoch unless said; the
// cartel cases 20 validators and 20 miners), audited at the default thresholds with the pricing off (detection only).
// Per case: precision and recall, per guilty validator, of the findings of the planted kind (cartels: membership), the
// false-positive rate over the honest validators (any finding naming one), and for cartels the share of runs with a
// cartel finding whose favoured miners are exactly the planted ones. `npm run bench -- audit` (RUNS from AUDIT_RUNS, default 100).
import { renderTable } from '../../src/cli/index.js';
import { auditSnapshots } from '../../src/audit/index.js';
import { planted } from '../../test/audit/planted.js';
import type { PlantedCase } from '../../test/audit/planted.js';
import { machine, writeResult } from '../report.js';

const RUNS = Number(process.env['AUDIT_RUNS'] ?? 100);

const CASES: Array<[string, PlantedCase, 'copier' | 'self-dealing' | 'cartel' | null, number?]> = [
  ['copier, lag 1 (from epoch 20)', { kind: 'copier', lag: 1 }, 'copier'],
  ['copier, lag 2 (from epoch 20)', { kind: 'copier', lag: 2 }, 'copier'],
  ['copier, lag 3 (from epoch 20)', { kind: 'copier', lag: 3 }, 'copier'],
  ['copier, lag 2, commit-reveal on', { kind: 'copier', lag: 2, commitReveal: true }, 'copier'],
  ['self-dealing', { kind: 'self-dealing' }, 'self-dealing'],
  ['all honest', { kind: 'honest' }, null],
  // Cartels (20 validators of equal stake, 20 miners): membership precision and recall per validator.
  ['cartel, 10% of stake (2 of 20)', { kind: 'cartel', share: 0.1 }, 'cartel'],
  ['cartel, 20% of stake (4 of 20)', { kind: 'cartel', share: 0.2 }, 'cartel'],
  ['cartel, 40% of stake (8 of 20)', { kind: 'cartel', share: 0.4 }, 'cartel'],
  ['all honest, 20 validators', { kind: 'honest-20' }, null],
  ['cartel, 20%, stable subnet (drift 0)', { kind: 'cartel', share: 0.2 }, 'cartel', 0],
  // Harder regimes, reported (no target): a slowly drifting subnet, and a stable one (drift 0).
  ['copier, lag 1, slow drift (0.05)', { kind: 'copier', lag: 1 }, 'copier', 0.05],
  ['all honest, stable subnet (drift 0)', { kind: 'honest' }, null, 0],
];

/** One row of the table. */
interface Row { name: string; runs: number; favouredExact: number | null; tp: number; fp: number; fn: number; honestFlagged: number; honestTotal: number; precision: number | null; recall: number | null; fpr: number; seconds: number }

/** Runs the detection-quality suite. */
export async function benchAudit(): Promise<void> {
  const rows: Row[] = [];
  for (const [name, c, kind, drift] of CASES) {
    const t0 = performance.now();
    let tp = 0, fp = 0, fn = 0, honestFlagged = 0, honestTotal = 0, favouredExact = 0, withFinding = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const p = planted(c, 0x5eed0000 + seed, 60, drift ?? 0.2);
      const r = auditSnapshots(p.snapshots, { price: false });
      const named = new Set(r.findings.filter((f) => f.kind === kind).flatMap((f) => f.validators));
      for (const g of p.guilty) { if (named.has(g)) tp++; else fn++; }
      for (const u of named) if (!p.guilty.includes(u)) fp++;
      if (kind === 'cartel') {
        const cartels = r.findings.filter((f) => f.kind === 'cartel');
        if (cartels.some((f) => JSON.stringify(f.miners) === JSON.stringify(p.favoured))) favouredExact++;
        if (cartels.length > 0) withFinding++;
      }
      const anyFlag = new Set(r.findings.flatMap((f) => f.validators));
      for (const v of p.validators) {
        if (p.guilty.includes(v)) continue;
        honestTotal++;
        if (anyFlag.has(v)) honestFlagged++;
      }
    }
    rows.push({
      name, runs: RUNS, favouredExact: kind === 'cartel' ? favouredExact / Math.max(withFinding, 1) : null, tp, fp, fn, honestFlagged, honestTotal,
      precision: tp + fp === 0 ? null : tp / (tp + fp), recall: tp + fn === 0 ? null : tp / (tp + fn),
      fpr: honestFlagged / honestTotal, seconds: (performance.now() - t0) / 1000,
    });
    const last = rows[rows.length - 1]!;
    process.stderr.write(`${name}: ${JSON.stringify(last)}\n`);
  }
  const f = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
  process.stdout.write(`${renderTable(
    [{ header: 'case', align: 'left' }, { header: 'runs' }, { header: 'precision' }, { header: 'recall' }, { header: 'honest flagged' }, { header: 'FPR' }, { header: 'favoured miners exact' }, { header: 's' }],
    rows.map((r) => [r.name, r.runs, f(r.precision), f(r.recall), `${r.honestFlagged}/${r.honestTotal}`, f(r.fpr), f(r.favouredExact), r.seconds.toFixed(1)]),
  )}\n`);
  const file = writeResult('audit-detection', { machine: machine(), runs: RUNS, rows });
  process.stdout.write(`results: ${file}\n`);
}


// Audit speed (issue 19, "Done means" 4): an archive of EPOCHS epochs at n=256 with 64 validators weighing all 192
// miners (fixed seed), a lag-1 copier (uid 63) from the middle of the run and a self-dealer (uid 62, two miners on its
// coldkey), audited from the SQLite archive with the pricing on, in a child process (audit-child.ts) whose peak RSS is
// the audit's alone. Target: <= 60 s. `npm run bench -- audit-speed` (AUDIT_EPOCHS to change the length).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Prng } from '../../src/random/index.js';
import { Archive } from '../../src/replay/index.js';
import type { Snapshot } from '../../src/replay/index.js';
import { maxUpscaleU16 } from '../../src/simulation/index.js';
import { runEpochFields } from '../../src/yuma/index.js';
import type { EpochInput, SparseRow } from '../../src/yuma/index.js';
import { address } from '../../test/audit/planted.js';
import { machine, writeResult } from '../report.js';

const EPOCHS = Number(process.env['AUDIT_EPOCHS'] ?? 1000);
const N = 256, V = 64, TEMPO = 360;
const TAO = 1_000_000_000;
/** tsx's loader by absolute URL, so the child does not depend on the working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Writes the archive: honest validators weigh a drifting quality with noise; the copier and the self-dealer act. */
export function writeArchive(file: string, epochs = EPOCHS): void {
  const rng = new Prng(19);
  const miners = Array.from({ length: N - V }, (_, k) => V + k);
  let quality = miners.map(() => 0.5 + rng.next());
  const stake = Array.from({ length: N }, (_, u) => (u < V ? String((1000 + 37 * u) * TAO) : '0'));
  const hotkeys = Array.from({ length: N }, (_, u) => address(5000 + u));
  const coldkeys = Array.from({ length: N }, (_, u) => address(u === V || u === V + 1 ? 62 : u));
  let bonds: SparseRow[] = Array.from({ length: N }, () => []);
  let permits = new Array<boolean>(N).fill(false);
  const consensus: number[][] = [];
  const archive = Archive.open(file);
  const batch: Snapshot[] = [];
  for (let e = 0; e < epochs; e++) {
    quality = quality.map((q) => q * Math.exp(0.2 * rng.normal()));
    const block = (e + 1) * (TEMPO + 1);
    const weights: SparseRow[] = Array.from({ length: N }, (_, u) => {
      if (u >= V) return [];
      let raw: number[];
      if (u === 63 && e >= epochs / 2 && consensus[e - 1] !== undefined) raw = miners.map((m) => consensus[e - 1]![m]!);
      else if (u === 62) raw = miners.map((m, k) => (m === V || m === V + 1 ? 4 * Math.max(...quality) : quality[k]!));
      else raw = quality.map((q) => Math.max(0, q * (1 + 0.05 * rng.normal())));
      const up = maxUpscaleU16(raw.map((x) => Math.round(x * 1e6)));
      return miners.map((m, k): [number, number] => [m, up[k]!]);
    });
    const input: EpochInput = {
      n: N, block, tempo: TEMPO, stake,
      lastUpdate: Array.from({ length: N }, (_, u) => (u < V ? block - 1 : 0)),
      blockAtRegistration: new Array<number>(N).fill(0),
      validatorPermit: permits, weights, bonds, maxAllowedValidators: V,
    };
    const out = runEpochFields(input, ['consensus', 'bonds', 'validatorPermit'], { mode: 'exact' });
    consensus.push(out.consensus);
    bonds = out.bonds;
    permits = out.validatorPermit;
    batch.push({ netuid: 1, block, input, output: null, hotkeys, coldkeys });
    if (batch.length === 100) { archive.putMany(batch.map((snapshot) => ({ genesis: 'unknown', snapshot }))); batch.length = 0; }
  }
  archive.putMany(batch.map((snapshot) => ({ genesis: 'unknown', snapshot })));
  archive.close();
}

/** Runs the speed suite. */
export async function benchAuditSpeed(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-audit-bench-'));
  try {
    const file = join(dir, 'a.db');
    const w0 = performance.now();
    writeArchive(file);
    const writeS = (performance.now() - w0) / 1000;
    const load0 = loadavg()[0];
    const child = spawnSync(process.execPath, ['--import', TSX_LOADER, fileURLToPath(new URL('./audit-child.ts', import.meta.url)), file, '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`the audit child failed (status ${child.status})`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { wallS: number; cpuS: number; maxRssMiB: number; phases: string; findings: string[] };
    process.stdout.write(`audit of ${EPOCHS} archived epochs, n=${N}, ${V} validators: ${r.wallS.toFixed(1)} s wall, ${r.cpuS.toFixed(1)} s CPU, load ${load0?.toFixed(1)}, peak RSS of the audit process ${r.maxRssMiB.toFixed(0)} MiB (archive written in ${writeS.toFixed(1)} s)\n${r.phases}\nfindings: ${r.findings.join('; ')}\n`);
    const out = writeResult('audit-speed', { machine: machine(), epochs: EPOCHS, n: N, validators: V, load: load0, ...r });
    process.stdout.write(`results: ${out}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

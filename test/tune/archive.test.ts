import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Archive, chainSource, replay, snapshotLine, storedBondsAfter } from '../../src/replay/index.js';
import type { Snapshot } from '../../src/replay/index.js';
import { incentiveInstability } from '../../src/simulation/index.js';
import { Store } from '../../src/store/index.js';
import {
  Evaluator, LocalRunner, MemoryStore, loadArchiveRef, loadArchiveSource, recordedEpochs, runArchive, runSweep,
} from '../../src/tune/index.js';
import type { ArchiveSource, SweepDefinition } from '../../src/tune/index.js';
import { runScenario, SN } from '../replay/scenario.js';

/*
 * The recorded-history source on an archive made from devnet, the way test/replay makes it (scenario.ts: 24 epochs of
 * Yuma3 with liquid alpha, weight changes, stake moves, a re-registration, an idle validator, commit-reveal, kappa and
 * the bonds moving average changed mid-history). What must hold:
 * - the trial with the recorded parameters reproduces every field the chain stored, epoch by epoch, with the exact
 *   engine (bonds and permits carried by the re-run itself, not read back from the archive), and within the f64
 *   engine's documented distance in f64;
 * - a parameter a trial sets applies to every epoch, the others keep their recorded value epoch by epoch;
 * - a sweep on it runs the same on worker threads and after a JSON round trip (Redis) as on the main thread;
 * - a missing file, a file that is not an archive, a validator store and a wrong netuid are refused, naming the place.
 */

let dir: string;
let file: string;
let snapshots: Snapshot[];
let source: ArchiveSource;

const U16_FIELDS = ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const;

beforeAll(async () => {
  const s = await runScenario();
  dir = mkdtempSync(join(tmpdir(), 'yumaval-tune-archive-'));
  file = join(dir, 'devnet.db');
  try {
    const archive = Archive.open(file);
    try {
      await replay({ netuid: SN, from: 1, to: s.head, source: chainSource(s.conn), archive });
      const genesis = s.conn.api.genesisHash.toHex();
      snapshots = archive.blocks(genesis, SN).map((b) => archive.get(genesis, SN, b)!);
    } finally {
      archive.close();
    }
  } finally {
    await s.close();
  }
  source = loadArchiveSource(file, { netuid: SN });
}, 240_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('recorded history (tune --archive)', () => {
  it('loads the subnet\'s epochs in order; the history is continuous (only the first epoch restarts)', () => {
    expect(snapshots.length).toBe(24);
    expect(source.epochs.map((e) => e.block)).toEqual(snapshots.map((s) => s.block));
    expect(source.epochs.map((e) => e.restart)).toEqual(snapshots.map((_, e) => e === 0));
    // The history has what makes a re-run worth it: the recorded kappa and bonds moving average change mid-way.
    expect(new Set(snapshots.map((s) => s.input.kappa)).size).toBe(2);
    expect(new Set(snapshots.map((s) => s.input.bondsMovingAverage)).size).toBe(2);
    // Plain JSON: it travels to worker threads and through Redis unchanged.
    expect(JSON.parse(JSON.stringify(source))).toEqual(source);
  });

  it('restarts from the recorded state where it does not continue the previous epoch\'s stored results', () => {
    const tampered = snapshots.map((s, e) => (e === 10 ? { ...s, input: { ...s.input, bonds: s.input.bonds.map((row, u) => (u === 0 ? [] : row)) } } : s));
    expect(snapshots[10]!.input.bonds[0]!.length).toBeGreaterThan(0);
    expect(recordedEpochs(tampered).map((e) => e.restart)).toEqual(snapshots.map((_, e) => e === 0 || e === 10));
    const permits = snapshots.map((s, e) => (e === 5 ? { ...s, input: { ...s.input, validatorPermit: s.input.validatorPermit.map((p, u) => (u === 4 ? !p : p)) } } : s));
    expect(recordedEpochs(permits).map((e) => e.restart)).toEqual(snapshots.map((_, e) => e === 0 || e === 5));
    // Without the stored results there is nothing to compare: the history is taken as continuous.
    expect(recordedEpochs(tampered.map((s) => ({ ...s, output: null }))).map((e) => e.restart)).toEqual(snapshots.map((_, e) => e === 0));
  });

  it('exact: the trial with the recorded parameters reproduces every stored field of every epoch', () => {
    const { run } = runArchive(source, {}, null, null, 'exact', [...U16_FIELDS, 'active', 'emission']);
    expect(run.epochs).toHaveLength(snapshots.length);
    snapshots.forEach((s, e) => {
      const out = run.epochs[e]!;
      const stored = s.output!;
      for (const f of U16_FIELDS) expect(out[f], `${f} at block ${s.block}`).toEqual(stored[f]);
      expect(out.validatorPermit).toEqual(stored.validatorPermit);
      expect(out.active).toEqual(stored.active);
      expect(out.emission.map(String)).toEqual(stored.emission);
      // Bonds as the chain stores them after the epoch, from the re-run's own carried state.
      const carriedInput = e === 0 ? s.input : { ...s.input, bonds: storedBondsAfter(snapshots[e - 1]!.input, run.epochs[e - 1]!), validatorPermit: run.epochs[e - 1]!.validatorPermit };
      expect(storedBondsAfter(carriedInput, out), `bonds at block ${s.block}`).toEqual(stored.bonds);
    });
  });

  it('through a sweep: the trial at the recorded value gives the objective computed from the stored outputs', async () => {
    const penalty = snapshots[0]!.input.bondsPenalty ?? 65535;
    expect(snapshots.every((s) => (s.input.bondsPenalty ?? 65535) === penalty)).toBe(true);
    const def: SweepDefinition = { space: { params: { bondsPenalty: { values: [penalty, penalty === 0 ? 65535 : 0] } } }, sources: [source], objectives: ['incentiveInstability'], mode: 'exact', search: 'grid', seed: 1, trials: 1 };
    const r = await runSweep(def, new LocalRunner({ threads: 0 }), new MemoryStore());
    const stored = incentiveInstability(snapshots.map((s) => ({ incentive: s.output!.incentive! })) as Parameters<typeof incentiveInstability>[0]);
    expect(r.trials[0]!.params.bondsPenalty).toBe(penalty);
    expect(r.trials[0]!.objectives.incentiveInstability).toBe(stored);
    // Incentive comes from the clipped weights alone, never from bonds: another bonds penalty leaves it as it was.
    expect(r.trials[1]!.objectives.incentiveInstability).toBe(stored);
  });

  it('f64: every u16 output within 2/65535 of what the chain stored (docs/epoch-engine.md)', () => {
    const { run } = runArchive(source, {}, null, null, 'f64', [...U16_FIELDS]);
    let worst = 0;
    snapshots.forEach((s, e) => {
      for (const f of U16_FIELDS) {
        const got = run.epochs[e]![f], want = s.output![f]!;
        want.forEach((w, u) => { worst = Math.max(worst, Math.abs((got[u] as number) - w)); });
      }
    });
    console.log(`archive f64 re-run: largest u16 distance from the stored outputs over ${snapshots.length} epochs: ${worst}`);
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('a set parameter applies to every epoch; the others keep their recorded values', () => {
    const firstKappa = snapshots[0]!.input.kappa!;
    const change = snapshots.findIndex((s) => s.input.kappa !== firstKappa);
    expect(change).toBeGreaterThan(0);
    const { run } = runArchive(source, { kappa: firstKappa }, null, null, 'exact', ['incentive', 'dividends']);
    // Before the recorded change: the same epochs as recorded.
    for (let e = 0; e < change; e++) expect(run.epochs[e]!.incentive).toEqual(snapshots[e]!.output!.incentive);
    // After: the counterfactual (the recorded kappa changed; this trial kept it) differs somewhere.
    const differs = snapshots.slice(change).some((s, k) => JSON.stringify(run.epochs[change + k]!.dividends) !== JSON.stringify(s.output!.dividends) || JSON.stringify(run.epochs[change + k]!.incentive) !== JSON.stringify(s.output!.incentive));
    expect(differs).toBe(true);
    // A budget cuts the history to its first epochs.
    expect(runArchive(source, {}, null, 5, 'f64', ['incentive']).run.epochs).toHaveLength(5);
  });

  it('injects the copier: one more uid with the median honest stake, copying the consensus lag epochs before', () => {
    const { run, roles } = runArchive(source, {}, { stake: 'median', lag: 2, start: 4 }, null, 'exact', ['validatorEmission', 'incentive']);
    const n = snapshots[0]!.input.n;
    expect(roles.copier).toBe(n);
    // The honest validators: stake at the first epoch and a weights row some time (Alice, Bob, Charlie).
    expect(roles.honest).toEqual([0, 1, 2]);
    const stakes = roles.honest.map((h) => BigInt(snapshots[0]!.input.stake[h]!)).sort((a, b) => (a < b ? -1 : 1));
    expect(run.stakes.every((s) => s[n] === stakes[1])).toBe(true);
    // Nothing before it starts; paid as a validator once it copies.
    expect(run.epochs.slice(0, 4).every((o) => o.validatorEmission[n] === '0')).toBe(true);
    expect(BigInt(run.epochs[run.epochs.length - 1]!.validatorEmission[n]!)).toBeGreaterThan(0n);
  });

  it('a sweep on it: the same values on worker threads, after a JSON round trip, and by the ref form FILE#NETUID', async () => {
    const space = {
      params: { bondsMovingAverage: { values: [500000, 900000, 975000] }, commitRevealPeriod: { values: [0, 2] } },
      copier: { stake: 'median', lag: 1, start: 6 },
    };
    const def: SweepDefinition = { space, sources: [source], objectives: ['copierGain', 'honestDividends', 'stakeRetention', 'dividendFairness', 'incentiveInstability'], mode: 'f64', search: 'grid', seed: 1, trials: 1 };
    const local = await runSweep(def, new LocalRunner({ threads: 0 }), new MemoryStore());
    expect(local.trials).toHaveLength(6);
    for (const t of local.trials) {
      expect(t.objectives.copierGain).toBeGreaterThan(0);
      expect(t.objectives.honestDividends).toBeGreaterThan(0);
    }
    console.log('archive sweep (devnet, 24 epochs):', JSON.stringify(local.trials.map((t) => ({ ...t.params, ...t.objectives }))));
    const threads = new LocalRunner({ threads: 1 });
    try {
      const viaThread = await runSweep(JSON.parse(JSON.stringify(def)) as SweepDefinition, threads, new MemoryStore());
      expect(viaThread.trials).toEqual(local.trials);
    } finally {
      await threads.close();
    }
    const ref = await loadArchiveRef(`${file}#${SN}`);
    expect(new Evaluator({ ...def, sources: [ref] }).evaluate(local.trials[3]!)).toEqual(local.trials[3]);
  }, 120_000);

  it('refuses a missing file, a file that is not an archive, a validator store and a subnet it does not hold', () => {
    expect(() => loadArchiveSource(join(dir, 'nope.db'))).toThrow(/cannot read .*nope\.db: no such file/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    expect(() => loadArchiveSource(text)).toThrow(/option --archive: .*notes\.txt is not a replay archive/);
    const storeFile = join(dir, 'validator.db');
    Store.open(storeFile).db.close();
    expect(() => loadArchiveSource(storeFile)).toThrow(/validator\.db is not a/);
    expect(() => loadArchiveSource(file, { netuid: 7 })).toThrow(/option --netuid: .* holds no snapshot of subnet 7 \(it holds: 1\)/);
    // The JSON Lines export reads the same epochs.
    const jsonl = join(dir, 'devnet.jsonl');
    writeFileSync(jsonl, `${snapshots.map((s) => snapshotLine(`0x${'ab'.repeat(32)}`, s)).join('\n')}\n`);
    const fromLines = loadArchiveSource(jsonl);
    expect(fromLines.epochs).toEqual(source.epochs);
  });
});

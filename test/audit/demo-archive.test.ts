import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, readSnapshots } from '../../src/audit/index.js';
import { runDemo } from '../../src/demo/index.js';
import type { DemoRun } from '../../src/demo/index.js';

/*
 * Issue 19, "Done means" 3 (its demo part): the audit of the archive of a `yumaval demo` run finds the demo's copier
 * (copier-V sets the consensus it read after each epoch) and its self-dealer (dealer-V adds as much weight again on the
 * miner that shares its coldkey), and flags neither honest validator (the real validator service, measuring miners).
 * The run is the real demo at 32 epochs (DEMO_AUDIT_EPOCHS to change). At 14 the copier's 11 copied epochs were too few
 * at alpha 0.01 and it was not found; at `npm start`'s 24 it was found alone but missed once in a full-suite run under
 * load (a copier is only visible in the epochs where the consensus moves), so the run is longer than the demo's: the demo's
 * chain runs in this process, and its archive is written by `replay` from that chain before it closes, as
 * `yumaval demo --archive FILE` does. About 2.5 min wall on the loaded 2-core machine (25 s of CPU).
 */

const EPOCHS = Number(process.env['DEMO_AUDIT_EPOCHS'] ?? 32);
let dir: string;
let file: string;
let run: DemoRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yumaval-audit-demo-'));
  file = join(dir, 'demo.db');
  run = await runDemo({ epochs: EPOCHS, out: dir, archive: file });
}, 600_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('audit of a demo archive', () => {
  it('the archive holds the run\'s epochs, each matching the chain bit for bit', () => {
    expect(run.interrupted).toBe(false);
    expect(run.archive).not.toBeNull();
    expect(run.archive!.epochs).toBeGreaterThanOrEqual(EPOCHS);
    expect(run.archive!.matched).toBe(run.archive!.epochs);
    expect(readSnapshots({ kind: 'archive', file, netuid: run.archive!.netuid }).length).toBe(run.archive!.epochs);
  });

  it('finds the copier and the self-dealer, and no honest validator', () => {
    const uid = (label: string): number => run.validators.find((v) => v.label === label)!.uid;
    const r = audit({ kind: 'archive', file, netuid: run.archive!.netuid });
    console.log(`demo archive audit: ${r.epochs} epochs, findings ${JSON.stringify(r.findings.map((f) => [f.kind, f.validators, f.miners, f.pValue, f.gainRao]))}`);
    const flags = new Map(r.validators.map((v) => [v.uid, v.flags]));
    expect(flags.get(uid('copier-V'))).toContain('copier');
    expect(flags.get(uid('dealer-V'))).toContain('self-dealing');
    expect(flags.get(uid('honest-A'))).toEqual([]);
    expect(flags.get(uid('honest-B'))).toEqual([]);
    // The self-dealing finding names the miner that shares dealer-V's coldkey, and only it.
    const dealerMiner = run.miners.filter((m) => m.label === 'dealer-miner').map((m) => m.uid);
    const sd = r.findings.find((f) => f.kind === 'self-dealing')!;
    expect(sd.miners).toEqual(dealerMiner);
    // Priced: every finding's gain is whole rao; the self-dealer earned less than setting the honest consensus would
    // have (its boosted miner is clipped to the consensus: the demo's own finding, docs/demo.md).
    for (const f of r.findings) expect(f.gainRao).toMatch(/^-?\d+$/);
    expect(BigInt(sd.gainRao)).toBeLessThan(0n);
  });
});

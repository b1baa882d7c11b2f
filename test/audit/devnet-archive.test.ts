import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, readSnapshots } from '../../src/audit/index.js';
import { Archive, chainSource, replay } from '../../src/replay/index.js';
import { runEpochFields } from '../../src/yuma/index.js';
import { runScenario, SN } from '../replay/scenario.js';
import type { Scenario } from '../replay/scenario.js';

/*
 * Issue 19, "Done means" 3 (its devnet part): the audit runs on an archive made by `replay` from a devnet subnet driven
 * like a live one (test/replay/scenario.ts: stake moves, an inactive validator, a re-registration, hyperparameter
 * changes, commit-reveal for six epochs). The history read is the archive's, in block order, and the factual results
 * the audit prices against are what the chain stored.
 */

let s: Scenario;
let dir: string;
let file: string;

beforeAll(async () => {
  s = await runScenario();
  dir = mkdtempSync(join(tmpdir(), 'yumaval-audit-devnet-'));
  file = join(dir, 'devnet.db');
  const archive = Archive.open(file);
  try {
    const report = await replay({ netuid: SN, from: 1, to: s.head, source: chainSource(s.conn), archive });
    expect(report.summary.matched).toBe(report.summary.epochs);
  } finally {
    archive.close();
  }
}, 180_000);

afterAll(async () => {
  await s?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('audit of a devnet archive', () => {
  it('reads every archived epoch in order, and the engine reproduces what the chain stored', () => {
    const snaps = readSnapshots({ kind: 'archive', file, netuid: SN });
    expect(snaps.length).toBe(s.epochBlocks.filter((b) => b <= s.head).length);
    expect(snaps.map((x) => x.block)).toEqual([...snaps.map((x) => x.block)].sort((a, b) => a - b));
    for (const x of snaps) {
      expect(x.output).not.toBeNull();
      const out = runEpochFields(x.input, ['consensus', 'emission'], { mode: 'exact' });
      expect(out.consensus).toEqual(x.output!.consensus);
      expect(out.emission).toEqual(x.output!.emission);
    }
  }, 60_000);

  it('audits the archive with pricing, and a block range narrows it', () => {
    const r = audit({ kind: 'archive', file, netuid: SN });
    expect(r.epochs).toBe(readSnapshots({ kind: 'archive', file, netuid: SN }).length);
    const flagged = r.validators.filter((v) => v.flags.length > 0).map((v) => v.uid);
    console.log(`devnet archive audit: ${r.epochs} epochs, findings ${JSON.stringify(r.findings.map((f) => [f.kind, f.validators, f.pValue, f.gainRao]))}`);
    // Every validator listed has its hotkey from the archive; every finding is priced in whole rao.
    for (const v of r.validators) expect(v.hotkey).toMatch(/^5/);
    for (const f of r.findings) expect(f.gainRao).toMatch(/^-?\d+$/);
    // The scenario's validators all weigh honestly (seeded scores); none sets the lagged consensus or owns a miner.
    expect(flagged).toEqual([]);
    const mid = r.from + Math.floor((r.to - r.from) / 2);
    const half = audit({ kind: 'archive', file, netuid: SN, from: mid });
    expect(half.from).toBeGreaterThanOrEqual(mid);
    expect(half.epochs).toBeLessThan(r.epochs);
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Archive, chainSource, replay } from '../../src/replay/index.js';
import type { ReplayReport, Snapshot, SnapshotSource } from '../../src/replay/index.js';
import { EPOCHS, NEG, runScenario, SN, TAMPERED_BLOCK, TAMPERED_UID } from './scenario.js';
import type { Scenario } from './scenario.js';

/*
 * Issue 18, "Done means" 1 and 2, through the library against a devnet driven like a live subnet (scenario.ts):
 * every epoch of subnet 1 replays as a match, field for field; the epoch of subnet 2 whose stored Incentive was
 * overwritten after it ran is reported with exactly that block, field and uid; a misread hyperparameter is named.
 */

let s: Scenario;
let dir: string;
let report: ReplayReport;
let snapshots: Snapshot[];

beforeAll(async () => {
  s = await runScenario();
  dir = mkdtempSync(join(tmpdir(), 'yumaval-replay-'));
  const archive = Archive.open(join(dir, 'positive.db'));
  try {
    report = await replay({ netuid: SN, from: 1, to: s.head, source: chainSource(s.conn), archive });
    const genesis = s.conn.api.genesisHash.toHex();
    snapshots = archive.blocks(genesis, SN).map((b) => archive.get(genesis, SN, b)!);
  } finally {
    archive.close();
  }
}, 240_000);

afterAll(async () => {
  await s?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('replay on a devnet subnet that changes like a live one', () => {
  it('finds exactly the epoch blocks the devnet ran, with one read per epoch', async () => {
    expect(report.epochs.map((e) => e.block)).toEqual(s.epochBlocks);
    expect(report.epochs.length).toBeGreaterThanOrEqual(20);
    expect(report.epochs.length).toBe(EPOCHS);
  });

  it('went through what the scenario claims: weight changes, stake moves, a re-registration, an idle validator, commit-reveal, liquid alpha, an owner', () => {
    const inputs = snapshots.map((x) => x.input);
    expect(inputs.every((i) => i.yuma3 === true && i.liquidAlpha === true && i.ownerUid === 3)).toBe(true);
    expect(new Set(inputs.map((i) => JSON.stringify(i.weights))).size).toBeGreaterThanOrEqual(6);
    expect(new Set(inputs.map((i) => String(i.stake[1]))).size).toBeGreaterThan(3);
    expect(inputs.some((i) => i.commitRevealEnabled === true && (i.commitBlock ?? []).some((b) => b !== null))).toBe(true);
    expect(inputs.some((i) => i.commitRevealEnabled === false)).toBe(true);
    expect(new Set(inputs.map((i) => i.kappa))).toEqual(new Set([32767, 40000]));
    expect(new Set(inputs.map((i) => i.bondsMovingAverage))).toEqual(new Set([900000, 800000]));
    // uid 6 re-registered: a later registration block, and bonds to it masked in the epoch after.
    expect(inputs[0]!.blockAtRegistration[6]).toBe(0);
    expect(inputs[inputs.length - 1]!.blockAtRegistration[6]).toBeGreaterThan(0);
    // Charlie (uid 2) went idle: active at first, inactive at the end.
    expect(snapshots[2]!.output!.active![2]).toBe(true);
    expect(snapshots[snapshots.length - 1]!.output!.active![2]).toBe(false);
    // The outputs are not trivial: incentive and dividends spread over several uids.
    expect(snapshots[snapshots.length - 1]!.output!.incentive!.filter((x) => x > 0).length).toBeGreaterThan(1);
    expect(snapshots[snapshots.length - 1]!.output!.dividends!.filter((x) => x > 0).length).toBeGreaterThan(1);
  });

  it('reports every epoch as a match, field for field', () => {
    const mismatches = report.epochs.filter((e) => !e.match);
    expect(mismatches).toEqual([]);
    expect(report.summary).toEqual({ epochs: EPOCHS, matched: EPOCHS });
    // Every compared field was stored and read (nothing matched by being absent).
    for (const snap of snapshots) expect(Object.keys(snap.output!).sort()).toEqual(['active', 'bonds', 'consensus', 'dividends', 'emission', 'incentive', 'stakeWeight', 'validatorPermit', 'validatorTrust']);
    expect(snapshots.every((x) => (x.unread ?? []).length === 0)).toBe(true);
  });
});

describe('replay when the chain stored something else', () => {
  it('reports exactly the epoch, field and uid of an output overwritten in the epoch block after the epoch ran', async () => {
    const r = await replay({ netuid: NEG, from: 1, to: s.head, source: chainSource(s.conn) });
    expect(r.epochs.length).toBeGreaterThan(20);
    const bad = r.epochs.filter((e) => !e.match);
    expect(bad.map((e) => e.block)).toEqual([TAMPERED_BLOCK]);
    const [field] = bad[0]!.fields;
    expect(bad[0]!.fields).toHaveLength(1);
    expect(field).toMatchObject({ field: 'incentive', uids: 1, firstUid: TAMPERED_UID });
    expect(field!.expected).toBe(((field!.got as number) + 1) % 65536);
  });

  it('names the hyperparameter that was misread', async () => {
    const base = chainSource(s.conn);
    const misreadAt = 22; // subnet 2's fifth epoch
    const source: SnapshotSource = {
      ...base,
      snapshot: async (netuid, block) => {
        const snap = await base.snapshot(netuid, block);
        return block === misreadAt ? { ...snap, input: { ...snap.input, kappa: 20000 } } : snap;
      },
    };
    const r = await replay({ netuid: NEG, from: 13, to: 40, source });
    const bad = r.epochs.filter((e) => !e.match);
    expect(bad.map((e) => e.block)).toEqual([misreadAt]);
    expect(bad[0]!.fields.map((f) => f.field)).toContain('consensus');
    expect(bad[0]!.diagnosis).toMatch(/^kappa: the stored results are exactly those of kappa = 32767, not the 20000 read at block 21/);
  });
});

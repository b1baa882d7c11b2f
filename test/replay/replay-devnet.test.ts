import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
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
 * Then "Done means" 4 through the CLI (`node <bin.yumaval>`, built by `npm run build`), run asynchronously since the
 * devnet answers from this process: the offline replay prints the online replay's bytes, a replay killed mid-range
 * and rerun completes it without duplicate rows, and the JSON Lines export round-trips.
 */

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } }).bin.yumaval);

interface Run { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

function start(args: string[], input = ''): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
  child.stdin!.end(input);
  return { child, done };
}

const cli = (args: string[], input?: string): Promise<Run> => start(args, input).done;

/** Snapshot rows of an archive file (0 while it does not exist yet or has no table). */
function rows(file: string): { total: number; distinct: number } {
  if (!existsSync(file)) return { total: 0, distinct: 0 };
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    return db.prepare('SELECT COUNT(*) AS total, COUNT(DISTINCT netuid || \':\' || block) AS "distinct" FROM snapshots').get() as { total: number; distinct: number };
  } catch (e) {
    // The child has created the file but not its tables yet.
    if (/no such table/.test((e as Error).message)) return { total: 0, distinct: 0 };
    throw e;
  } finally {
    db.close();
  }
}

/** Waits until the archive holds at least `count` snapshots; the child must still be running then. */
async function waitRows(file: string, count: number, child: ChildProcess): Promise<number> {
  for (;;) {
    const n = rows(file).total;
    if (n >= count) return n;
    if (child.exitCode !== null) throw new Error(`the replay ended (exit ${child.exitCode}) before ${count} snapshots were archived`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

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

  it('reads the phases of a block\'s events and single weight rows (the same-block reveal path)', async () => {
    const { readBlockEvents, readWeightRows, syncMetagraph } = await import('../../src/chain/index.js');
    const last = snapshots[snapshots.length - 1]!.input;
    const setAt = last.lastUpdate[0]!;
    const events = await readBlockEvents(s.conn, setAt);
    expect(events).toContainEqual({ phase: 'extrinsic', section: 'subtensorModule', method: 'WeightsSet', data: [String(SN), '0'] });
    expect(events.some((e) => e.phase === 'initialization' && e.method === 'WeightsSet')).toBe(false);
    const m = await syncMetagraph(s.conn, SN, { at: setAt });
    expect(await readWeightRows(s.conn, SN, [1, 0], setAt)).toEqual([m.weights[1], m.weights[0]]);
    expect(m.weights[0]!.length).toBeGreaterThan(0);
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

describe('yumaval replay and yumaval archive (the CLI)', () => {
  let online: Run;
  const range = (): string[] => ['--netuid', String(SN), '--from', '1', '--to', String(s.head)];

  beforeAll(async () => {
    online = await cli(['replay', '--chain', s.server.url, ...range(), '--json', '--archive', join(dir, 'cli.db')]);
  }, 120_000);

  it('prints the report as JSON, every epoch a match', () => {
    expect(online.code).toBe(0);
    const r = JSON.parse(online.out) as ReplayReport;
    expect(Object.keys(r)).toEqual(['netuid', 'from', 'to', 'epochs', 'summary']);
    expect(r).toMatchObject({ netuid: SN, from: 1, to: s.head, summary: { epochs: EPOCHS, matched: EPOCHS } });
    expect(r.epochs[0]).toEqual({ block: s.epochBlocks[0], match: true, fields: [], diagnosis: null });
    expect(r).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('replays offline from the archive, byte for byte the online JSON, without a chain', async () => {
    const offline = await cli(['replay', '--archive', join(dir, 'cli.db'), ...range(), '--json']);
    expect(offline.code).toBe(0);
    expect(offline.out).toBe(online.out);
    // The netuid and range default to the archive's own.
    const defaults = await cli(['replay', '--archive', join(dir, 'cli.db'), '--json']);
    expect(defaults.out).toBe(online.out);
  }, 60_000);

  it('reports the tampered epoch of subnet 2 with its field and uid, and writes the HTML report', async () => {
    const out = join(dir, 'report');
    const r = await cli(['replay', '--chain', s.server.url, '--netuid', String(NEG), '--to', String(s.head), '--json', '--out', out]);
    expect(r.code).toBe(0);
    const report2 = JSON.parse(r.out) as ReplayReport;
    const bad = report2.epochs.filter((e) => !e.match);
    expect(bad.map((e) => [e.block, e.fields.map((f) => [f.field, f.uids, f.firstUid])])).toEqual([[TAMPERED_BLOCK, [['incentive', 1, TAMPERED_UID]]]]);
    expect(readFileSync(join(out, 'replay.json'), 'utf8')).toBe(r.out);
    const html = readFileSync(join(out, 'replay.html'), 'utf8');
    expect(html).toContain(`${report2.summary.matched} of ${report2.summary.epochs} epochs match`);
    expect(html).toContain(`id="b${TAMPERED_BLOCK}"`);
    expect(html).not.toMatch(/<script|https?:\/\//);
  }, 60_000);

  it('completes a range killed midway (kill -9) on a rerun, without duplicate rows', async () => {
    const file = join(dir, 'killed.db');
    const first = start(['replay', '--chain', s.server.url, ...range(), '--json', '--archive', file]);
    const seen = await waitRows(file, 3, first.child);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const before = rows(file).total;
    expect(before).toBeGreaterThanOrEqual(seen);
    expect(before).toBeLessThan(EPOCHS);
    const rerun = await cli(['replay', '--chain', s.server.url, ...range(), '--json', '--archive', file]);
    expect(rerun.code).toBe(0);
    expect(rerun.out).toBe(online.out);
    expect(rows(file)).toEqual({ total: EPOCHS, distinct: EPOCHS });
  }, 120_000);

  it('stops on Ctrl-C between two epochs (exit 130), and a rerun continues the range', async () => {
    const file = join(dir, 'interrupted.db');
    const first = start(['replay', '--chain', s.server.url, ...range(), '--json', '--archive', file]);
    await waitRows(file, 2, first.child);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.out).toBe('');
    expect(stopped.err).toMatch(/replay stopped after \d+ of 24 epochs; run it again to continue/);
    expect(rows(file).total).toBeLessThan(EPOCHS);
    const rerun = await cli(['replay', '--chain', s.server.url, ...range(), '--json', '--archive', file]);
    expect(rerun.out).toBe(online.out);
    expect(rows(file)).toEqual({ total: EPOCHS, distinct: EPOCHS });
  }, 120_000);

  it('exports JSON Lines whose inputs `yumaval epoch` runs to the stored results, and imports them back unchanged', async () => {
    const exported = await cli(['archive', 'export', join(dir, 'cli.db'), '--netuid', String(SN)]);
    expect(exported.code).toBe(0);
    const lines = exported.out.trimEnd().split('\n');
    expect(lines).toHaveLength(EPOCHS);
    const last = JSON.parse(lines[lines.length - 1]!) as Snapshot & { genesis: string };
    expect(last.genesis).toBe(s.conn.api.genesisHash.toHex());
    const epoch = await cli(['epoch', '--input', '-'], JSON.stringify(last.input));
    expect(epoch.code).toBe(0);
    const out = JSON.parse(epoch.out) as Record<string, unknown>;
    for (const f of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight', 'emission', 'active', 'validatorPermit'] as const) expect(out[f]).toEqual(last.output![f]);

    const jsonl = join(dir, 'history.jsonl');
    writeFileSync(jsonl, exported.out);
    const imported = await cli(['archive', 'import', jsonl, '--archive', join(dir, 'imported.db')]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ lines: EPOCHS, imported: EPOCHS, skipped: 0 });
    const again = await cli(['archive', 'import', jsonl, '--archive', join(dir, 'imported.db')]);
    expect(JSON.parse(again.out)).toEqual({ lines: EPOCHS, imported: 0, skipped: EPOCHS });
    const reexported = await cli(['archive', 'export', join(dir, 'imported.db')]);
    expect(reexported.out).toBe(exported.out);
    const offline = await cli(['replay', '--archive', join(dir, 'imported.db'), ...range(), '--json']);
    expect(offline.out).toBe(online.out);
  }, 120_000);

  it('refuses a bad line naming the line and the field, and imports nothing', async () => {
    const exported = (await cli(['archive', 'export', join(dir, 'cli.db')])).out.trimEnd().split('\n');
    const second = JSON.parse(exported[1]!) as { input: { stake: unknown[] } };
    second.input.stake[1] = -5;
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${exported[0]}\n${JSON.stringify(second)}\n`);
    const r = await cli(['archive', 'import', file, '--archive', join(dir, 'bad.db')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^yumaval: line 2: input\.stake\[1\]: /);
    expect(rows(join(dir, 'bad.db')).total).toBe(0);
    const unknown = await cli(['archive', 'import', '-', '--archive', join(dir, 'bad.db')], `${exported[0]!.replace('"hotkeys"', '"hotkyes"')}\n`);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^yumaval: line 1: hotkyes: unknown field/);
  }, 60_000);

  it('exits 2 on bad options before connecting', async () => {
    const none = await cli(['replay', '--netuid', '1']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--chain/);
    const range2 = await cli(['replay', '--chain', s.server.url, '--netuid', '1', '--from', '9', '--to', '3']);
    expect(range2.code).toBe(2);
    const help = await cli(['replay', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--archive/);
  }, 60_000);
});

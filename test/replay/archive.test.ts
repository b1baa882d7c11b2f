import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Archive, ARCHIVE_MIGRATIONS, archiveSource, replay, storedBondsAfter } from '../../src/replay/index.js';
import type { Snapshot, SnapshotSource } from '../../src/replay/index.js';
import { StoreVersionError } from '../../src/store/index.js';
import { ARCHIVE_KIND, openDatabase, Store, StoreKindError } from '../../src/store/index.js';
import { runEpoch, syntheticSubnet } from '../../src/yuma/index.js';

const dir = mkdtempSync(join(tmpdir(), 'yumaval-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GENESIS = `0x${'cd'.repeat(32)}`;

/** A chain of `count` epochs (tempo 360) whose stored results are the engine's, as a source that counts its calls. */
function fakeChain(count: number): SnapshotSource & { calls: string[] } {
  const calls: string[] = [];
  const blocks = Array.from({ length: count }, (_, k) => 10_000 + 361 * k);
  const snap = (block: number): Snapshot => {
    const input = { ...syntheticSubnet({ n: 16, validators: 4, seed: block }), block };
    const out = runEpoch(input, { mode: 'exact' });
    return {
      netuid: 5, block, input, hotkeys: input.stake.map(() => ''), coldkeys: input.stake.map(() => ''), unread: ['raoEmission'],
      output: { consensus: out.consensus, incentive: out.incentive, dividends: out.dividends, emission: out.emission, bonds: storedBondsAfter(input, out) },
    };
  };
  return {
    calls,
    genesis: () => Promise.resolve(GENESIS),
    epochBlocks: (_n, from, to) => { calls.push('epochBlocks'); return Promise.resolve(blocks.filter((b) => b >= from && b <= to)); },
    snapshot: (_n, block) => { calls.push(`snapshot ${block}`); return Promise.resolve(snap(block)); },
  };
}

describe('Archive', () => {
  it('keeps one row per (genesis, netuid, block), and gives back what was put', async () => {
    const archive = Archive.open(join(dir, 'a.db'));
    const chain = fakeChain(2);
    const s = await chain.snapshot(5, 10_000);
    expect(archive.put(GENESIS, s)).toBe(true);
    expect(archive.put(GENESIS, s)).toBe(false);
    expect(archive.put(`0x${'ef'.repeat(32)}`, s)).toBe(true);
    expect(archive.get(GENESIS, 5, 10_000)).toEqual({ ...s, input: { ...s.input, stake: s.input.stake.map(String) } });
    expect(archive.get(GENESIS, 5, 10_001)).toBeNull();
    expect(archive.subnets().map((x) => [x.genesis.slice(0, 4), x.netuid, x.snapshots])).toEqual([['0xcd', 5, 1], ['0xef', 5, 1]]);
    archive.close();
  });

  it('serves a second replay of the same range without a single call to the source', async () => {
    const file = join(dir, 'b.db');
    const first = fakeChain(6);
    let archive = Archive.open(file);
    const online = await replay({ netuid: 5, from: 1, to: 20_000, source: first, archive });
    archive.close();
    expect(online.summary).toEqual({ epochs: 6, matched: 6 });
    expect(first.calls).toHaveLength(7);
    const second = fakeChain(6);
    archive = Archive.open(file);
    const again = await replay({ netuid: 5, from: 1, to: 20_000, source: second, archive });
    expect(second.calls).toEqual([]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(online));
    // A sub-range is covered by the recorded scan too; offline replays read the same rows.
    const offline = await replay({ netuid: 5, from: 10_300, to: 12_000, source: archiveSource(archive, GENESIS) });
    expect(offline.epochs.map((e) => e.block)).toEqual([10_361, 10_722, 11_083, 11_444, 11_805]);
    archive.close();
  });

  it('retries a read that failed for a transient reason, and not one the chain refused', async () => {
    const chain = fakeChain(3);
    let failures = 2;
    const flaky: SnapshotSource = {
      ...chain,
      snapshot: (n, b) => (failures-- > 0 ? Promise.reject(new Error('WebSocket is not connected')) : chain.snapshot(n, b)),
    };
    const r = await replay({ netuid: 5, from: 1, to: 20_000, source: flaky, retryDelayMs: 1 });
    expect(r.summary).toEqual({ epochs: 3, matched: 3 });
    const refused: SnapshotSource = { ...chain, snapshot: () => Promise.reject(new RangeError('UnknownBlock: no such block')) };
    await expect(replay({ netuid: 5, from: 1, to: 20_000, source: refused, retryDelayMs: 1 })).rejects.toThrow(/UnknownBlock/);
    const dead: SnapshotSource = { ...chain, snapshot: () => Promise.reject(new Error('disconnected from ws://127.0.0.1:1')) };
    await expect(replay({ netuid: 5, from: 1, to: 20_000, source: dead, retries: 2, retryDelayMs: 1 })).rejects.toThrow(/disconnected/);
  });

  it('refuses a validator store given as an archive, and leaves it unchanged', () => {
    const file = join(dir, 'store.db');
    openDatabase(file).close();
    expect(() => Archive.open(file)).toThrow(/is not a replay archive/);
    const db = openDatabase(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'snapshots'").get()).toBeUndefined();
    db.close();
  });

  it('a store and an archive each refuse the other (SQLite application_id), and an unmarked store is adopted', () => {
    const archiveFile = join(dir, 'kinds-archive.db');
    Archive.open(archiveFile).close();
    expect(() => Store.open(archiveFile)).toThrow(StoreKindError);
    expect(() => Store.open(archiveFile)).toThrow(/is not a validator store \(it is a replay archive\)/);
    // A store written before files were marked: migrations applied, application_id 0.
    const legacy = join(dir, 'kinds-legacy.db');
    openDatabase(legacy).close();
    const raw = openDatabase(legacy);
    raw.pragma('application_id = 0');
    raw.close();
    expect(() => Archive.open(legacy)).toThrow(/is not a replay archive \(it is an unmarked yumaval file of another kind\)/);
    Store.open(legacy).close();
    const reopened = openDatabase(legacy);
    expect(reopened.pragma('application_id', { simple: true })).toBe(0x79756d76);
    reopened.close();
  });

  it('refuses a file written by a newer schema', () => {
    const raw = openDatabase(join(dir, 'future2.db'), { migrations: ARCHIVE_MIGRATIONS, kind: ARCHIVE_KIND });
    raw.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(99, 'future', 'now');
    raw.close();
    expect(() => Archive.open(join(dir, 'future2.db'))).toThrow(StoreVersionError);
  });
});

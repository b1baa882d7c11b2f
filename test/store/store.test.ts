import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidTransitionError, MIGRATIONS, schemaVersion, Store, StoreInputError, StoreNotFoundError, StoreOpenError, StoreVersionError } from '../../src/store/index.js';

const dirs: string[] = [];
function tmpFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'yumaval-store-'));
  dirs.push(d);
  return join(d, 'store.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const intent = { kind: 'set_weights' as const, chain: 'ws://x', netuid: 1, hotkey: '5Grw', uids: [0, 1], values: [65535, 100], versionKey: 7n };
const signed = { nonce: 3, eraBirth: 10, eraPeriod: 64, extrinsicHex: '0xabcd', extrinsicHash: `0x${'11'.repeat(32)}` };

describe('store', () => {
  it('opens in WAL mode, applies the migrations once, and refuses a newer schema', () => {
    const file = tmpFile();
    const s = Store.open(file);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(s.db)).toBe(MIGRATIONS.length);
    s.close();
    const again = Store.open(file);
    expect(schemaVersion(again.db)).toBe(MIGRATIONS.length);
    again.close();
    const newer = Store.open(file, { migrations: [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'x', sql: 'CREATE TABLE x (a INTEGER)' }] });
    newer.close();
    expect(() => Store.open(file)).toThrow(StoreVersionError);
  });

  it('walks an intent through planned → submitted → in_block → finalized, keeping the exact signed bytes', () => {
    const file = tmpFile();
    const s = Store.open(file);
    const a = s.intents.create(intent);
    expect(a.state).toBe('planned');
    expect(() => s.intents.markSubmitted(a.id)).toThrow(InvalidTransitionError);
    s.intents.sign(a.id, signed);
    expect(() => s.intents.sign(a.id, signed)).toThrow(/signed again/);
    expect(s.intents.markSubmitted(a.id).attempts).toBe(1);
    expect(s.intents.markSubmitted(a.id).attempts).toBe(2);
    s.close();
    // Reopened (as after a crash): the same bytes, the same state.
    const r = Store.open(file);
    const b = r.intents.get(a.id);
    expect([b.state, b.extrinsicHex, b.extrinsicHash, b.nonce, b.versionKey]).toEqual(['submitted', '0xabcd', signed.extrinsicHash, 3, 7n]);
    expect(r.intents.listOpen().map((i) => i.id)).toEqual([a.id]);
    r.intents.markInBlock(a.id, 12, `0x${'22'.repeat(32)}`);
    const f = r.intents.markFinalized(a.id);
    expect([f.state, f.blockNumber]).toEqual(['finalized', 12]);
    expect(() => r.intents.markFailed(a.id, 'x')).toThrow(/cannot go from finalized to failed/);
    expect(r.intents.listOpen()).toEqual([]);
    r.close();
  });

  it('re-signs only through releaseForResign, reschedules only unsigned intents, and names bad input', () => {
    const s = Store.open(tmpFile());
    const a = s.intents.create(intent);
    expect(s.intents.reschedule(a.id, 42).notBefore).toBe(42);
    s.intents.sign(a.id, signed);
    expect(() => s.intents.reschedule(a.id, 50)).toThrow(InvalidTransitionError);
    s.intents.markSubmitted(a.id);
    const p = s.intents.releaseForResign(a.id, 'era expired');
    expect([p.state, p.extrinsicHex, p.error]).toEqual(['planned', null, 'era expired']);
    expect(() => s.intents.create({ ...intent, uids: [0, 70000] })).toThrow(StoreInputError);
    expect(() => s.intents.create({ ...intent, values: [1] })).toThrow(/values: has 1 entries/);
    expect(() => s.intents.get(999)).toThrow(StoreNotFoundError);
    s.close();
  });

  it('keeps a commit\'s salt and reveal window, and lists pending reveals until closed', () => {
    const file = tmpFile();
    const s = Store.open(file);
    const c = s.intents.create({ ...intent, kind: 'commit_weights', commitHash: `0x${'33'.repeat(32)}` });
    expect(() => s.reveals.saveSalt(s.intents.create(intent).id, [1])).toThrow(/not a commit_weights/);
    s.reveals.saveSalt(c.id, [5, 6, 7]);
    s.reveals.setWindow(c.id, 20, 27, 31);
    s.close();
    const r = Store.open(file);
    const [p] = r.reveals.listPending();
    expect(p?.salt).toEqual([5, 6, 7]);
    expect([p?.commitBlock, p?.revealFirst, p?.revealLast, p?.commit.commitHash]).toEqual([20, 27, 31, `0x${'33'.repeat(32)}`]);
    const rv = r.intents.create({ ...intent, kind: 'reveal_weights' });
    r.reveals.setRevealIntent(c.id, rv.id);
    expect(() => r.reveals.setRevealIntent(c.id, rv.id + 1)).toThrow(InvalidTransitionError);
    r.reveals.close(c.id, 'revealed');
    expect(r.reveals.listPending()).toEqual([]);
    expect(() => r.reveals.close(c.id, 'expired')).toThrow(InvalidTransitionError);
    r.close();
  });

  it('prunes only closed, old history: open intents and a pending commit\'s salt survive', () => {
    const s = Store.open(tmpFile());
    const finish = (id: number): void => {
      s.intents.sign(id, signed);
      s.intents.markSubmitted(id);
      s.intents.markInBlock(id, 5, `0x${'44'.repeat(32)}`);
      s.intents.markFinalized(id);
    };
    const done = s.intents.create(intent);
    finish(done.id);
    const failed = s.intents.create(intent);
    s.intents.markFailed(failed.id, 'MaxWeightExceeded', 'refused');
    const open = s.intents.create(intent);
    // A finalized commit whose reveal is still pending: its salt must outlive any pruning.
    const pendingCommit = s.intents.create({ ...intent, kind: 'commit_weights', commitHash: `0x${'55'.repeat(32)}` });
    s.reveals.saveSalt(pendingCommit.id, [9]);
    finish(pendingCommit.id);
    // A finalized commit whose reveal landed: both intents and the reveal row are history.
    const revealedCommit = s.intents.create({ ...intent, kind: 'commit_weights', commitHash: `0x${'66'.repeat(32)}` });
    s.reveals.saveSalt(revealedCommit.id, [8]);
    finish(revealedCommit.id);
    const reveal = s.intents.create({ ...intent, kind: 'reveal_weights' });
    s.reveals.setRevealIntent(revealedCommit.id, reveal.id);
    finish(reveal.id);
    s.reveals.close(revealedCommit.id, 'revealed');

    // A cutoff before everything deletes nothing.
    expect(s.intents.prune(new Date(Date.now() - 3_600_000))).toBe(0);
    expect(s.intents.prune(new Date(Date.now() + 1_000))).toBe(4);
    expect(s.intents.listAll().map((i) => i.id).sort((a, b) => a - b)).toEqual([open.id, pendingCommit.id]);
    expect(s.reveals.listPending().map((p) => [p.commitIntentId, p.salt])).toEqual([[pendingCommit.id, [9]]]);
    expect(() => s.reveals.get(revealedCommit.id)).toThrow(StoreNotFoundError);
    expect(() => s.intents.prune(new Date(Number.NaN))).toThrow(StoreInputError);
    s.close();
  });

  it('records why an intent failed, puts a retracted block back to submitted, and names a broken migration', () => {
    const file = tmpFile();
    const s = Store.open(file);
    const a = s.intents.create(intent);
    const f = s.intents.markFailed(a.id, 'DuplicateUids', 'refused');
    expect([f.error, f.failureKind]).toEqual(['DuplicateUids', 'refused']);
    const b = s.intents.create(intent);
    s.intents.sign(b.id, signed);
    s.intents.markSubmitted(b.id);
    s.intents.markInBlock(b.id, 5, `0x${'44'.repeat(32)}`);
    const r = s.intents.markRetracted(b.id);
    expect([r.state, r.blockNumber, r.attempts]).toEqual(['submitted', null, 1]);
    expect(() => s.intents.markRetracted(b.id)).toThrow(/cannot go from submitted to submitted \(retracted\)/);
    s.close();
    const err = (() => {
      try {
        Store.open(file, { migrations: [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'bad', sql: 'CREATE TABLE' }] });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toMatch(/migration failed/);
    // The failed migration left the file at its old version.
    const again = Store.open(file);
    expect(schemaVersion(again.db)).toBe(MIGRATIONS.length);
    again.close();
  });
});

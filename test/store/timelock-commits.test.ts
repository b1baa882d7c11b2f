import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidTransitionError, MIGRATIONS, schemaVersion, Store, StoreInputError } from '../../src/store/index.js';

const dirs: string[] = [];
function tmpFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'yumaval-tl-store-'));
  dirs.push(d);
  return join(d, 'store.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const base = { chain: 'ws://x', netuid: 1, hotkey: '5Grw', uids: [0, 1], values: [65535, 100], versionKey: 7n };

describe('timelocked commits in the store', () => {
  it('migration 3 keeps every v2 intent and reveal row (ids, fields, foreign keys) and admits the new kind', () => {
    const file = tmpFile();
    const v2 = Store.open(file, { migrations: MIGRATIONS.slice(0, 2) });
    const c = v2.intents.create({ ...base, kind: 'commit_weights', commitHash: `0x${'ab'.repeat(32)}` });
    v2.reveals.saveSalt(c.id, [1, 2, 3]);
    v2.intents.sign(c.id, { nonce: 3, eraBirth: 10, eraPeriod: 64, extrinsicHex: '0xabcd', extrinsicHash: `0x${'11'.repeat(32)}` });
    const before = v2.intents.get(c.id);
    expect(() => v2.intents.create({ ...base, kind: 'commit_timelocked_weights' })).toThrow(/CHECK/);
    v2.close();

    const v3 = Store.open(file);
    expect(schemaVersion(v3.db)).toBe(MIGRATIONS.length);
    expect(v3.intents.get(c.id)).toEqual(before);
    expect(v3.reveals.get(c.id).salt).toEqual([1, 2, 3]);
    expect(v3.db.pragma('foreign_key_check')).toEqual([]);
    const t = v3.intents.create({ ...base, kind: 'commit_timelocked_weights' });
    expect(t.id).toBe(c.id + 1); // AUTOINCREMENT continues: no id is reused
    v3.close();
  });

  it('stores the ciphertext with its intent, lists pending ones, closes once, and refuses bad input naming the field', () => {
    const s = Store.open(tmpFile());
    const t = s.intents.create({ ...base, kind: 'commit_timelocked_weights' });
    const saved = s.timelock.save(t.id, { ciphertext: '0xABCD', revealRound: 1000n, version: 4, plannedBlock: 12 });
    expect(saved).toMatchObject({ ciphertext: '0xabcd', revealRound: 1000n, version: 4, plannedBlock: 12, status: 'pending', firstRevealBlock: null });
    expect(s.timelock.listPending().map((x) => x.commitIntentId)).toEqual([t.id]);
    s.timelock.setFirstRevealBlock(t.id, 20);
    const again = s.intents.create({ ...base, kind: 'commit_timelocked_weights' });
    const closed = s.timelock.close(t.id, 'dropped', { error: 'no reveal', recommitIntentId: again.id });
    expect(closed).toMatchObject({ status: 'dropped', firstRevealBlock: 20, recommitIntentId: again.id, error: 'no reveal' });
    expect(s.timelock.listPending()).toEqual([]);
    expect(() => s.timelock.close(t.id, 'revealed')).toThrow(InvalidTransitionError);
    const v2 = s.intents.create({ ...base, kind: 'commit_weights', commitHash: '0x00' });
    expect(() => s.timelock.save(v2.id, { ciphertext: '0xab', revealRound: 1n, version: 4, plannedBlock: 1 })).toThrow(StoreInputError);
    expect(() => s.timelock.save(again.id, { ciphertext: 'ab', revealRound: 1n, version: 4, plannedBlock: 1 })).toThrow(/ciphertext/);
    expect(() => s.timelock.save(again.id, { ciphertext: '0xab', revealRound: 0n, version: 4, plannedBlock: 1 })).toThrow(/revealRound/);
    s.close();
  });

  it('prune keeps a pending timelocked commit and removes a reconciled one with its intent', () => {
    const s = Store.open(tmpFile());
    const signed = { nonce: 0, eraBirth: 1, eraPeriod: 64, extrinsicHex: '0xab', extrinsicHash: `0x${'22'.repeat(32)}` };
    const land = (): number => {
      const t = s.intents.create({ ...base, kind: 'commit_timelocked_weights' });
      s.timelock.save(t.id, { ciphertext: '0xab', revealRound: 5n, version: 4, plannedBlock: 1 });
      s.intents.sign(t.id, signed);
      s.intents.markSubmitted(t.id);
      s.intents.markInBlock(t.id, 2, `0x${'33'.repeat(32)}`);
      s.intents.markFinalized(t.id);
      return t.id;
    };
    const pending = land();
    const done = land();
    s.timelock.close(done, 'revealed', { block: 9 });
    expect(s.intents.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(s.timelock.listAll().map((x) => x.commitIntentId)).toEqual([pending]);
    expect(s.intents.get(pending).state).toBe('finalized');
    s.close();
  });
});

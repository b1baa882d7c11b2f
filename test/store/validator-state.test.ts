import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TSX_LOADER } from '../support/tsx.js';
import { StepOrderError, Store, StoreInputError, type ValidatorKey } from '../../src/store/index.js';

/*
 * The validator's state in the store (migration 2): the secret seed drawn once, and a step applied in one transaction
 * (scores, step record, cursor) exactly once: a replayed or skipped step is refused and writes nothing, a failure
 * inside the transaction leaves the previous step's state whole, and everything survives a reopen.
 */

let dir: string;
let file: string;
const k: ValidatorKey = { chain: '0xgenesis', netuid: 7, hotkey: '5Validator' };
const rec = (step: number) => ({ step, block: 100 + step, task: 'next-token', queried: 3, responsive: 2, durationMs: 12.5 });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yumaval-vstate-'));
  file = join(dir, 's.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ValidatorStateRepo', () => {
  it('draws the task seed once and keeps it across reopens', () => {
    let draws = 0;
    const s = Store.open(file);
    const a = s.validator.open(k, () => { draws++; return 123456789; });
    expect(a).toEqual({ taskSeed: 123456789, nextStep: 0, created: true });
    s.close();
    const t = Store.open(file);
    expect(t.validator.open(k, () => { draws++; return 1; })).toEqual({ taskSeed: 123456789, nextStep: 0, created: false });
    expect(draws).toBe(1);
    // Another subnet of the same hotkey has its own seed and cursor.
    expect(t.validator.open({ ...k, netuid: 8 }, () => 42).taskSeed).toBe(42);
    t.close();
  });

  it('applies a step in one transaction: scores, record and cursor move together, and survive a reopen', () => {
    const s = Store.open(file);
    s.validator.open(k, () => 5);
    s.validator.commitStep(k, rec(0), [{ uid: 1, hotkey: 'h1', score: 0.5 }, { uid: 3, hotkey: 'h3', score: 0.25 }]);
    s.validator.commitStep(k, rec(1), [{ uid: 1, hotkey: 'h1', score: 0.75 }]);
    s.close();
    const t = Store.open(file);
    expect(t.validator.open(k, () => 0).nextStep).toBe(2);
    expect(t.validator.scores(k)).toEqual([{ uid: 1, hotkey: 'h1', score: 0.75 }]);
    expect(t.validator.steps(k).map((r) => [r.step, r.block, r.queried, r.responsive])).toEqual([[1, 101, 3, 2], [0, 100, 3, 2]]);
    t.close();
  });

  it('applies a step exactly once: a replay or a skipped step is refused and changes nothing', () => {
    const s = Store.open(file);
    s.validator.open(k, () => 5);
    s.validator.commitStep(k, rec(0), [{ uid: 1, hotkey: 'h1', score: 0.5 }]);
    expect(() => s.validator.commitStep(k, rec(0), [{ uid: 1, hotkey: 'h1', score: 9 }])).toThrow(StepOrderError);
    expect(() => s.validator.commitStep(k, rec(2), [{ uid: 1, hotkey: 'h1', score: 9 }])).toThrow(/next step is 1/);
    expect(s.validator.scores(k)).toEqual([{ uid: 1, hotkey: 'h1', score: 0.5 }]);
    expect(s.validator.steps(k)).toHaveLength(1);
    expect(s.validator.open(k, () => 0).nextStep).toBe(1);
    s.close();
  });

  it('rolls the whole step back when any part fails (a bad score, a duplicate uid)', () => {
    const s = Store.open(file);
    s.validator.open(k, () => 5);
    s.validator.commitStep(k, rec(0), [{ uid: 1, hotkey: 'h1', score: 0.5 }]);
    expect(() => s.validator.commitStep(k, rec(1), [{ uid: 2, hotkey: 'h2', score: Number.NaN }])).toThrow(StoreInputError);
    // A uid twice violates the primary key inside the transaction, after the cursor moved: all of it is undone.
    expect(() => s.validator.commitStep(k, rec(1), [{ uid: 2, hotkey: 'h2', score: 1 }, { uid: 2, hotkey: 'h2', score: 2 }])).toThrow();
    expect(s.validator.open(k, () => 0).nextStep).toBe(1);
    expect(s.validator.scores(k)).toEqual([{ uid: 1, hotkey: 'h1', score: 0.5 }]);
    expect(s.validator.steps(k)).toHaveLength(1);
    s.close();
  });

  it('records predictions and the chain\'s values with their differences', () => {
    const s = Store.open(file);
    const id = s.validator.addPrediction(k, { uid: 0, syncedBlock: 10, epochBlock: 16, predictedVtrust: 60000, predictedDividends: 65535, predictedIncentive: [0, 100, 200] });
    expect(s.validator.openPredictions(k)).toEqual([]);
    s.validator.linkPrediction(id, 3, 24);
    expect(s.validator.openPredictions(k).map((p) => [p.id, p.epochBlock, p.intentId])).toEqual([[id, 24, 3]]);
    const r = s.validator.checkPrediction(id, { vtrust: 60010, dividends: 65535, incentive: [0, 97, 205] });
    expect([r.diffVtrust, r.diffDividends, r.maxDiffIncentive]).toEqual([10, 0, 5]);
    expect(s.validator.openPredictions(k)).toEqual([]);
    s.close();
  });
});

describe('a step commit killed with SIGKILL', () => {
  it('leaves the last completed step whole: cursor, records and scores agree after each of 5 kills', async () => {
    const { spawn } = await import('node:child_process');
    const { pathToFileURL, fileURLToPath } = await import('node:url');
    const storeModule = pathToFileURL(fileURLToPath(new URL('../../src/store/index.ts', import.meta.url))).href;
    // The child commits steps as fast as it can (each writes 200 scores equal to its step number), forever.
    const child = `
      const { Store } = await import(${JSON.stringify(storeModule)});
      const k = ${JSON.stringify(k)};
      const s = Store.open(process.argv[1]);
      let step = s.validator.open(k, () => 5).nextStep;
      process.stdout.write('ready\\n');
      for (;;) {
        const scores = Array.from({ length: 200 }, (_, uid) => ({ uid, hotkey: 'h' + uid, score: step }));
        s.validator.commitStep(k, { step, block: step, task: 't', queried: 200, responsive: 200, durationMs: 1 }, scores);
        step++;
      }`;
    let last = 0;
    for (let round = 0; round < 5; round++) {
      const p = spawn(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', child, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => p.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 50 + round * 40));
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
      const s = Store.open(file);
      const next = s.validator.open(k, () => 0).nextStep;
      const steps = s.validator.steps(k, 1_000_000);
      const scores = s.validator.scores(k);
      s.close();
      expect(next).toBeGreaterThan(last);
      expect(steps).toHaveLength(next);
      expect(steps[0]?.step).toBe(next - 1);
      expect(scores).toHaveLength(200);
      expect(new Set(scores.map((x) => x.score))).toEqual(new Set([next - 1]));
      last = next;
    }
  }, 60_000);
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors/index.js';
import { createFeatureClassTask, featureOracleAnswer, toScoreBatch, type MinerReply } from '../../src/task/index.js';

/*
 * The second built-in task (feature-vector classification): queries and truths are a pure function of (seed, step),
 * an oracle's answer is as good as its fidelity, and `yumaval score` (the real CLI, the same engine as next-token)
 * ranks the oracles by fidelity.
 */

const bin = new URL('../../dist/cli.js', import.meta.url).pathname;

describe('the feature-class task', () => {
  const task = createFeatureClassTask();

  it('makes the same queries and truths for the same (seed, step), in any process order, and others for another', () => {
    const a = task.makeQueries(7, 3, 20), b = createFeatureClassTask().makeQueries(7, 3, 20);
    expect(b).toEqual(a);
    expect(a.map((q) => task.truth(7, q))).toEqual(b.map((q) => createFeatureClassTask().truth(7, q)));
    // Query i does not depend on how many were made.
    expect(task.makeQueries(7, 3, 5)).toEqual(a.slice(0, 5));
    expect(task.makeQueries(7, 4, 20)).not.toEqual(a);
    expect(task.makeQueries(8, 3, 20)).not.toEqual(a);
    // A different world gives different features for the same (seed, step).
    expect(createFeatureClassTask({ worldSeed: 1 }).makeQueries(7, 3, 1)[0]!.fields.features).not.toEqual(a[0]!.fields.features);
    for (const q of a) {
      expect(q.fields.features).toHaveLength(16);
      expect(q.fields.classes).toBe(32);
      expect(Object.keys(q.fields).sort()).toEqual(['classes', 'features']);
    }
  });

  it('draws every class, and its Bayes posterior beats chance by a wide margin but is not certain', () => {
    const qs = task.makeQueries(1, 0, 2000);
    const truths = qs.map((q) => task.truth(1, q));
    expect(new Set(truths).size).toBe(32);
    let hits = 0, logLoss = 0;
    for (const [i, q] of qs.entries()) {
      const p = task.posterior(q.fields.features);
      const argmax = p.indexOf(Math.max(...p));
      if (argmax === truths[i]) hits++;
      logLoss -= Math.log(p[truths[i]!]!);
    }
    // Chance is 1/32 and ln 32 = 3.47 nats; the scoring law's floor is 1.69 nats.
    expect(hits / qs.length).toBeGreaterThan(0.2);
    expect(hits / qs.length).toBeLessThan(0.6);
    expect(logLoss / qs.length).toBeLessThan(Math.log(32) - 0.5);
    expect(logLoss / qs.length).toBeGreaterThan(1.69);
  });

  it('refuses bad and unknown options, naming them', () => {
    expect(() => createFeatureClassTask({ classes: 1 })).toThrow(InvalidOptionError);
    expect(() => createFeatureClassTask({ classes: 1 })).toThrow(/classes/);
    expect(() => createFeatureClassTask({ noise: 0 })).toThrow(/noise/);
    expect(() => createFeatureClassTask({ clases: 3 } as never)).toThrow(/clases/);
  });

  it('reads answers with the top-k schema: a valid answer parses, a class out of range does not', () => {
    const q = task.makeQueries(1, 0, 1)[0]!;
    const a = featureOracleAnswer(task, q.fields.features, 0.9);
    expect(task.responseSchema.parse({ topk: a.topk, floor: a.floor }, q).ok).toBe(true);
    expect(task.responseSchema.parse({ topk: [[32, 1]], floor: 0 }, q).ok).toBe(false);
  });

  it('`yumaval score` ranks the oracles by fidelity', (ctx) => {
    if (!existsSync(bin)) {
      console.log(`feature-class score test skipped: ${bin} is missing (npm run build first)`);
      ctx.skip();
    }
    const seed = 99;
    const queries = task.makeQueries(seed, 5, 64);
    const fidelities = [0.9, 0.6, 0.3, 0];
    const replies = new Map<number, MinerReply[]>(fidelities.map((f, uid) => [uid, queries.map((q) => {
      const a = featureOracleAnswer(task, q.fields.features, f);
      return { fields: { topk: a.topk, floor: a.floor } };
    })]));
    const batch = toScoreBatch(task, queries, replies, seed);
    const dir = mkdtempSync(join(tmpdir(), 'yumaval-fc-'));
    try {
      const file = join(dir, 'batch.json');
      writeFileSync(file, JSON.stringify(batch));
      const r = spawnSync(process.execPath, [bin, 'score', '--responses', file, '--json'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { uids: number[]; loss: number[]; shapley: number[] };
      // The Shapley values (the emitted u16 weights saturate under the SDK's max-weight limit with 4 uids).
      const w = (uid: number): number => doc.shapley[doc.uids.indexOf(uid)] as number;
      console.log(`feature-class: losses ${doc.loss.map((l) => l.toFixed(3)).join(' ')}; shapley ${[0, 1, 2, 3].map((u) => w(u).toFixed(4)).join(' ')}`);
      expect(w(0)).toBeGreaterThan(w(1));
      expect(w(1)).toBeGreaterThan(w(2));
      expect(w(2)).toBeGreaterThanOrEqual(w(3));
      const loss = (uid: number): number => doc.loss[doc.uids.indexOf(uid)] as number;
      expect(loss(0)).toBeLessThan(loss(1));
      expect(loss(1)).toBeLessThan(loss(2));
      expect(loss(2)).toBeLessThan(loss(3));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore, LocalRunner, MemoryStore, loadScenarioSource, runSweep, sweepId } from '../../src/tune/index.js';
import type { SweepDefinition } from '../../src/tune/index.js';

/*
 * The local runner: trials on piscina threads (running worker.ts from the sources through tsx) give exactly what the
 * same trials give on the calling thread, and a sweep with its results in a file resumes without running them again.
 */

const dir = mkdtempSync(join(tmpdir(), 'yumaval-tune-local-'));
const runners: LocalRunner[] = [];
afterAll(async () => {
  for (const r of runners) await r.close();
});

async function definition(): Promise<SweepDefinition> {
  return {
    space: { params: { kappa: { min: 8192, max: 40000 }, bondsPenalty: { values: [0, 65535] } }, fixed: { yuma3: true }, copier: { stake: 'median', lag: 2 } },
    sources: [await loadScenarioSource('kappa-moves-second'), await loadScenarioSource('copier-lag-2')],
    objectives: ['copierGain', 'honestDividends', 'dividendFairness', 'incentiveInstability', 'stakeRetention'],
    mode: 'f64', search: 'random', seed: 3, trials: 12,
  };
}

describe('the local runner', () => {
  it('gives the same values on two worker threads as on the calling thread', async () => {
    const def = await definition();
    const here = new LocalRunner({ threads: 0 });
    const pool = new LocalRunner({ threads: 2, chunk: 2 });
    runners.push(here, pool);
    const a = await runSweep(def, here, new MemoryStore());
    const b = await runSweep(def, pool, new MemoryStore());
    expect(a.ran).toBe(12);
    expect(b.ran).toBe(12);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // Two sources: every objective is a mean over them, and the copier's gain has a value on both.
    for (const t of a.trials) expect(typeof t.objectives.copierGain).toBe('number');
    expect(a.front.length).toBeGreaterThan(0);
  });

  it('resumes from results.jsonl: the second run runs nothing; a torn last line only reruns its trial', async () => {
    const def = await definition();
    const file = join(dir, 'results.jsonl');
    const runner = new LocalRunner({ threads: 0 });
    runners.push(runner);
    const first = await runSweep(def, runner, new FileStore(file, sweepId(def), sweepId(def)));
    expect(first.ran).toBe(12);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(12);
    const second = await runSweep(def, runner, new FileStore(file, sweepId(def), sweepId(def)));
    expect(second.ran).toBe(0);
    expect(second.trials).toEqual(first.trials);
    // A crash mid-write leaves half a line: it is skipped, and the next record starts on a line of its own.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const torn = join(dir, 'torn.jsonl');
    appendFileSync(torn, `${lines.slice(0, 11).join('\n')}\n${lines[11]!.slice(0, 40)}`);
    const third = await runSweep(def, runner, new FileStore(torn, sweepId(def), sweepId(def)));
    expect(third.ran).toBe(1);
    expect(third.trials).toEqual(first.trials);
    const fourth = await runSweep(def, runner, new FileStore(torn, sweepId(def), sweepId(def)));
    expect(fourth.ran).toBe(0);
  });

  it('runs successive halving rung by rung: 8 configurations, then 4, 2 and 1 at the full budget, which holds the front', async () => {
    const def: SweepDefinition = { ...(await definition()), sources: [await loadScenarioSource('kappa-moves-second')], search: 'halving', trials: 8 };
    const runner = new LocalRunner({ threads: 0 });
    runners.push(runner);
    const r = await runSweep(def, runner, new MemoryStore());
    expect(r.ran).toBe(15);
    expect(r.trials.map((t) => t.id.split('-')[0])).toEqual([...new Array(8).fill('h0'), ...new Array(4).fill('h1'), 'h2', 'h2', 'h3']);
    expect(r.trials.filter((t) => t.epochs === null).map((t) => t.id)).toEqual([r.trials[14]!.id]);
    expect(r.front).toEqual([r.trials[14]!.id]);
    expect(r.trials.filter((t) => t.id.startsWith('h0-')).every((t) => t.epochs === 5)).toBe(true);
  });

  it('refuses results of the same sweep id written for another definition', async () => {
    const def = await definition();
    const file = join(dir, 'results.jsonl');
    expect(() => new FileStore(file, sweepId(def), 'another-digest')).toThrow(/option --sweep: .* another definition/);
  });
});

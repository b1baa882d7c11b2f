import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measuredRun } from './measured-run.js';

/*
 * Issue 15, finding 8: `score` allocated before it checked sizes. A 4 KB input (2048 targets, vocab 2^20, one empty
 * dense answer) used 8.2 GB for 17 s before exiting 2; B = 65536 ended in "internal error: Invalid typed array length";
 * K = 11585 with --json wrote a 270 MB synergy matrix. Scaled to seconds here: 640 targets × vocab 2^20 is a 2.5 GiB
 * typed array for the old code (measured from outside: its peak RSS), nothing for the new one.
 */

const dir = mkdtempSync(join(tmpdir(), 'yumaval-score-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(content));
  return p;
}

function expectOneLine(r: { code: number | null; out: Buffer; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out.length).toBe(0);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('score checks sizes before it allocates (finding 8)', () => {
  it('an empty dense answer of 640 queries × vocab 2^20 is refused at once, naming the limit, in bounded RSS', async () => {
    const input = file('wide.json', { targets: new Array(640).fill(0), vocab: 1 << 20, responses: [{ uid: 0, dense: [] }] });
    const r = await measuredRun([], ['score', '--responses', input, '--json'], 60_000);
    expectOneLine(r, /^yumaval: responses: the batch needs 2\.\d\d GiB of scoring memory \(K = 1 miners, B = 640 queries, vocab 1048576; 1 dense answers .*more than the engine's 1\.94 GiB/);
    // The old code built the 2.5 GiB Float32Array first (peak RSS above 2.5 GB); the check needs no more than start-up.
    expect(r.peakKb).toBeGreaterThan(0);
    expect(r.peakKb).toBeLessThan(300 * 1024);
  }, 70_000);

  it('B = 65536 with a dense answer exits 2 naming the size, not 1 with "Invalid typed array length"', async () => {
    const input = file('tall.json', { targets: new Array(65536).fill(1), vocab: 65536, responses: [{ uid: 3, dense: [[]] }] });
    const r = await measuredRun([], ['score', '--responses', input], 60_000);
    expectOneLine(r, /responses: the batch needs 16\.\d\d GiB of scoring memory \(K = 1 miners, B = 65536 queries, vocab 65536/);
    expect(r.err).not.toMatch(/internal error/);
  }, 70_000);

  it('more miners than the K limit are refused before any answer is read', async () => {
    const input = file('many.json', { targets: [0], vocab: 2, responses: Array.from({ length: 11_586 }, (_, u) => ({ uid: u, error: 'timeout' })) });
    const r = await measuredRun([], ['score', '--responses', input], 60_000);
    expectOneLine(r, /responses: has 11586 miners, more than the 11585 a batch may hold/);
  }, 70_000);

  it('--json leaves a K×K synergy matrix over 2^20 numbers out (null, said on stderr) unless --synergy asks for it', async () => {
    const K = 1100; // K² = 1 210 000 > 2^20
    const input = file('k1100.json', {
      targets: [1], vocab: 4,
      responses: Array.from({ length: K }, (_, u) => ({ uid: u, topk: [[[1, 0.5 + (u % 7) / 20], [0, 0.1]]], floor: [0.01] })),
    });
    const r = await measuredRun([], ['score', '--responses', input, '--json'], 60_000);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^score: synergy is null: the 1100×1100 matrix is over 1048576 numbers \(--synergy includes it\)\n$/);
    const doc = JSON.parse(r.out.toString('utf8')) as { synergy: unknown; synergyTotal: number[]; lossPerQuery: number[][]; shapley: number[] };
    expect(doc.synergy).toBeNull();
    expect(doc.synergyTotal).toHaveLength(K);
    expect(doc.lossPerQuery).toHaveLength(K);
    expect(r.out.length).toBeLessThan(2_000_000);

    const full = await measuredRun([], ['score', '--responses', input, '--json', '--synergy'], 60_000);
    expect(full.code).toBe(0);
    expect(full.err).toBe('');
    const all = JSON.parse(full.out.toString('utf8')) as { synergy: Array<Array<number | null>>; synergyTotal: number[]; shapley: number[] };
    expect(all.synergy).toHaveLength(K);
    expect(all.synergy.every((row) => row.length === K)).toBe(true);
    // The streamed rows form one symmetric matrix, and the scores do not depend on printing it.
    expect(all.synergy[3]![17]).toBe(all.synergy[17]![3]);
    expect(all.shapley).toEqual(doc.shapley);
  }, 70_000);

  it('a response with both dense and topk is refused, naming it (it was scored as garbage)', async () => {
    const input = file('both.json', { targets: [0, 1], vocab: 3, responses: [{ uid: 0, topk: [[[0, 0.9]], [[1, 0.9]]], floor: [0.05, 0.05] }, { uid: 1, dense: [[1, 0, 0], [0, 1, 0]], topk: [[[0, 1]], [[1, 1]]], floor: [0, 0] }] });
    const r = await measuredRun([], ['score', '--responses', input, '--json'], 60_000);
    expectOneLine(r, /^yumaval: responses\[1\]: has both dense and topk: give one answer/);
  }, 70_000);
});

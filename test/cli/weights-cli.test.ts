import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAndEmit } from '../../src/scoring/index.js';

// Run as outside checks run it: `node <package.json bin.yumaval>` (built by `npm test`).
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-weights-'));

function cli(args: string[], stdin?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, input: stdin });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function expectInputError(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

// The spec's §7 process_weights cases (validator-sdk-spec.md).
const scores = [0, 0.2, 0, 0.5, 0.3, 0, 0.01, 0];
const uids = [0, 1, 2, 3, 4, 5, 6, 7];
const cases = [
  { req: { uids, weights: scores, n: 8, minAllowedWeights: 3, maxWeightLimit: 1 }, want: { uids: [1, 3, 4, 6], values: [26214, 65535, 39321, 1311] } },
  { req: { uids, weights: scores, n: 8, minAllowedWeights: 6 }, want: { uids, values: [1, 26215, 1, 65535, 39322, 1, 1312, 1] } },
  { req: { uids, weights: scores, n: 8, minAllowedWeights: 3, maxWeightLimit: 0.4 }, want: { uids: [1, 3, 4, 6], values: [38550, 65535, 57825, 1928] } },
];

describe('yumaval weights process', () => {
  it('an array in gives an array out: the spec\'s vectors, JSON alone on stdout', () => {
    const r = cli(['weights', 'process', '--input', file('cases.json', cases.map((c) => c.req))]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(cases.map((c) => c.want));
  });

  it('an object in gives an object out, from stdin too, as the library gives', () => {
    const req = { uids: [4, 0, 2], weights: [0.25, 3, 0.5], n: 5, minAllowedWeights: 1, excludeQuantile: 0.4 };
    const r = cli(['weights', 'process', '-i', '-'], JSON.stringify(req));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(processAndEmit(req));
    expect(r.out).toBe(`${JSON.stringify(processAndEmit(req))}\n`);
  });

  it('--help describes the request and the answer', () => {
    const r = cli(['weights', 'process', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--input <file>/);
    expect(r.out).toMatch(/minAllowedWeights/);
    expect(r.out).toMatch(/exclude_quantile \/ 65535/);
    expect(cli(['--help']).out).toMatch(/weights/);
  });

  it('refuses invalid input with exit 2 and one line naming the place', () => {
    const ok = cases[0]?.req as Record<string, unknown>;
    const bad = (i: number, patch: Record<string, unknown>): unknown[] => cases.map((c, k) => (k === i ? { ...c.req, ...patch } : c.req));
    expectInputError(cli(['weights', 'process', '-i', file('b1.json', bad(2, { weights: [0, 0.2, 0, 0.5, 0.3, '1', 0.01, 0] }))]), /\[2\]\.weights\[5\]: expected a finite number/);
    expectInputError(cli(['weights', 'process', '-i', file('b2.json', bad(1, { uids: [0, 1, 2, 3, 4, 5, 6, 6] }))]), /\[1\]\.uids\[7\]: uid 6 appears twice/);
    expectInputError(cli(['weights', 'process', '-i', file('b3.json', { ...ok, uids: [0, 1, 2, 3, 4, 5, 6, 8] })]), /^yumaval: uids\[7\]: expected an integer in 0\.\.7/);
    expectInputError(cli(['weights', 'process', '-i', file('b4.json', { ...ok, weights: [1, 2] })]), /weights: expected 8 entries/);
    expectInputError(cli(['weights', 'process', '-i', file('b5.json', { ...ok, maxWeightLimit: 0 })]), /maxWeightLimit: expected a number in \(0, 1\]/);
    expectInputError(cli(['weights', 'process', '-i', file('b6.json', { ...ok, excludeQuantile: 2 })]), /excludeQuantile: expected a number in \[0, 1\]/);
    expectInputError(cli(['weights', 'process', '-i', file('b7.json', { ...ok, limit: 0.5 })]), /limit: unknown field/);
    expectInputError(cli(['weights', 'process', '-i', file('b8.json', { ...ok, n: undefined })]), /n: is required/);
    expectInputError(cli(['weights', 'process', '-i', file('b9.json', { ...ok, minAllowedWeights: 1.5 })]), /minAllowedWeights: expected an integer/);
    expectInputError(cli(['weights', 'process', '-i', file('b10.json', '{"uids": [0],')]), /JSON/);
    expectInputError(cli(['weights', 'process', '-i', file('b11.json', [ok, 7])]), /\[1\]: expected an object/);
    expectInputError(cli(['weights', 'process', '-i', join(dir, 'missing.json')]), /cannot read/);
    expect(cli(['weights', 'process']).code).toBe(2);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';

// Run as outside checks run it: `node <package.json bin.yumaval>` (built by `npm test`).
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-sim-'));

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const S1 = [[3, 65535], [4, 0]], S2 = [[3, 0], [4, 65535]];
const scenario = {
  name: 'kappa moves first', n: 5, validators: [0, 1, 2], stake: [800, 100, 100, 0, 0],
  hyperparams: { kappa: 32767, bondsPenalty: 0, bondsMovingAverage: 975000, liquidAlpha: true, alphaLow: 6553, alphaHigh: 19660, alphaSigmoidSteepness: 1000, maxAllowedValidators: 3, tempo: 360 },
  variants: [{ name: 'yuma3', yuma3: true }, { name: 'original', yuma3: false }],
  warmupEmptyEpoch: true,
  epochs: [{ weights: { 0: S1, 1: S1, 2: S1 } }, { weights: { 0: S2 } }, {}],
};

function expectInputError(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('yumaval simulate', () => {
  it('--json prints only the contract\'s JSON: one EpochOutput per epoch and variant, as the library gives', () => {
    const r = cli(['simulate', file('kappa.json', scenario), '--json']);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out) as { variants: Array<{ name: string; epochs: unknown[] }> };
    expect(got.variants.map((v) => [v.name, v.epochs.length])).toEqual([['yuma3', 3], ['original', 3]]);
    expect(got).toEqual(JSON.parse(JSON.stringify(simulate(scenario))));
  });

  it('without --json prints a summary table and writes each variant with --out', () => {
    const out = join(dir, 'results');
    const r = cli(['simulate', file('kappa2.json', scenario), '--mode', 'f64', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/yuma3 div/);
    const saved = JSON.parse(readFileSync(join(out, 'original.json'), 'utf8')) as { name: string; epochs: unknown[] };
    expect(saved.name).toBe('original');
    expect(saved.epochs).toHaveLength(3);
  });

  it('--list names the catalogue; a built-in name runs, and --epochs shortens it', () => {
    const list = JSON.parse(cli(['simulate', '--list', '--json']).out) as Array<{ name: string }>;
    expect(list.map((e) => e.name)).toEqual(expect.arrayContaining(['kappa-moves-first', 'copier-lag-1', 'copier-lag-3', 'cartel-40']));
    const r = cli(['simulate', 'kappa-moves-second', '--epochs', '4', '--json']);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out) as { variants: Array<{ name: string; epochs: unknown[] }> };
    expect(got.variants.map((v) => [v.name, v.epochs.length])).toEqual([['original', 4], ['yuma3', 4], ['yuma3-liquid-alpha', 4]]);
  });

  it('refuses a bad scenario with exit 2 and one line naming the place', () => {
    expectInputError(cli(['simulate', file('bad1.json', { ...scenario, stake: [1, 2] }), '--json']), /stake: expected 5 stakes/);
    expectInputError(cli(['simulate', file('bad2.json', { ...scenario, epochs: [{ weights: { 1: [[5, 1]] } }] })]), /epochs\[0\]\.weights\["1"\]\[0\]\[0\]/);
    expectInputError(cli(['simulate', file('bad3.json', '{"n": 3,')]), /JSON/);
    expectInputError(cli(['simulate', 'no-such-case']), /catalogue: kappa-moves-first/);
    expectInputError(cli(['simulate', file('bad4.json', { ...scenario, quality: { miners: [3, 4], values: [1, 1] }, behaviours: [{ type: 'spam', uids: [0] }] })]), /behaviours\[0\]\.type: unknown behaviour "spam"/);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  // Issue 15, finding 10: variant names become file names under --out.
  it('--out: a variant named .. stays inside the folder (as __.json), and nothing is written beside it', () => {
    const parent = join(dir, 'escape');
    mkdirSync(parent);
    const out = join(parent, 'out');
    const r = cli(['simulate', file('dots.json', { ...scenario, variants: [{ name: '..', yuma3: true }, { name: '.hidden', yuma3: false }] }), '--mode', 'f64', '--out', out]);
    expect(r.code).toBe(0);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(existsSync(`${out}.json`)).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['__.csv', '__.history.jsonl', '__.json', '_hidden.csv', '_hidden.history.jsonl', '_hidden.json', 'metrics.json', 'report.html']);
    expect((JSON.parse(readFileSync(join(out, '__.json'), 'utf8')) as { name: string }).name).toBe('..');
  });

  it('--out: two variant names that map to one file (a/b and a?b, or A and a) are refused before anything runs', () => {
    const out = join(dir, 'clash');
    const r = cli(['simulate', file('clash.json', { ...scenario, variants: [{ name: 'a/b', yuma3: true }, { name: 'a?b', yuma3: false }] }), '--out', out]);
    expectInputError(r, /variants\[1\]\.name: "a\?b" and variants\[0\]\.name "a\/b" would both be written as a_b\.json in --out: rename one/);
    expect(existsSync(out)).toBe(false);
    expectInputError(cli(['simulate', file('case.json', { ...scenario, variants: [{ name: 'A' }, { name: 'a' }] }), '--out', out]), /would both be written as a\.json/);
    expectInputError(cli(['simulate', file('metrics.json', { ...scenario, variants: [{ name: 'metrics' }] }), '--out', out]), /metrics\.json/);
    // Without --out the names are free.
    expect(cli(['simulate', join(dir, 'clash.json'), '--json', '--mode', 'f64']).code).toBe(0);
  });

  it('--out streams the same files as the whole result gives: <variant>.json is the variant, the CSV has every epoch', () => {
    const out = join(dir, 'same');
    expect(cli(['simulate', file('same.json', scenario), '--out', out]).code).toBe(0);
    const whole = JSON.parse(JSON.stringify(simulate(scenario))) as { variants: Array<{ name: string; epochs: unknown[] }> };
    for (const v of whole.variants) {
      expect(JSON.parse(readFileSync(join(out, `${v.name}.json`), 'utf8'))).toEqual(v);
      const csv = readFileSync(join(out, `${v.name}.csv`), 'utf8').trimEnd().split('\n');
      expect(csv[0]).toMatch(/^epoch,uid,/);
      expect(csv).toHaveLength(1 + 3 * 5);
      expect(csv.at(-1)).toMatch(/^2,4,/);
    }
  });
});

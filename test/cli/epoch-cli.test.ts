import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI is run exactly as outside checks run it: `node <package.json bin.yumaval>` (built by `npm test`).
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const vectors = JSON.parse(readFileSync(join(root, 'test/fixtures/epoch_upstream_tests.json'), 'utf8')) as Array<{ input: Record<string, unknown>; expected: unknown }>;
const dir = mkdtempSync(join(tmpdir(), 'yumaval-cli-'));

function cli(args: string[], stdin?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function expectInputError(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
  expect(r.err).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
}

describe('yumaval epoch', () => {
  it('an array in gives an array out, equal to the vectors, as pure JSON on stdout', () => {
    const r = cli(['epoch', '--input', file('all.json', JSON.stringify(vectors.map((v) => v.input)))]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(vectors.map((v) => v.expected));
  });

  it('an object in gives an object out; stdin with --input -', () => {
    const r = cli(['epoch', '--input', '-'], JSON.stringify(vectors[3]!.input));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(vectors[3]!.expected);
  });

  it('--mode f64 omits bits', () => {
    const r = cli(['epoch', '--input', file('one.json', JSON.stringify(vectors[5]!.input)), '--mode', 'f64']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Record<string, unknown>;
    expect(out.bits).toBeUndefined();
    expect(out.consensus).toHaveLength(8);
  });

  it('wrong lengths exit 2 with one line naming the field', () => {
    expectInputError(cli(['epoch', '--input', file('len.json', JSON.stringify({ ...vectors[1]!.input, n: 3 }))]), /stake: expected 3 entries/);
  });

  it('an array with one bad element is refused as a whole, naming its index', () => {
    const bad = vectors.map((v) => v.input);
    bad[2] = { ...bad[2], stake: [1, 2, 3, -4, 0, 0, 0, 0] };
    expectInputError(cli(['epoch', '--input', file('arr.json', JSON.stringify(bad))]), /\[2\]\.stake\[3\]/);
  });

  it('uid out of range, u16 out of range, fractional stake', () => {
    const w = structuredClone(vectors[1]!.input);
    (w.weights as number[][][])[0]![0] = [9, 1];
    expectInputError(cli(['epoch', '--input', file('uid.json', JSON.stringify(w))]), /weights\[0\]\[0\]\[0\]/);
    const u = structuredClone(vectors[1]!.input);
    (u.bonds as number[][][])[1] = [[4, 70000]];
    expectInputError(cli(['epoch', '--input', file('u16.json', JSON.stringify(u))]), /bonds\[1\]\[0\]\[1\]/);
    expectInputError(cli(['epoch', '--input', file('frac.json', JSON.stringify({ ...vectors[1]!.input, stake: [1, 2.5, 3, 4, 0, 0, 0, 0] }))]), /stake\[1\]/);
  });

  it('non-JSON, empty input and a missing file exit 2', () => {
    expectInputError(cli(['epoch', '--input', file('bad.json', '{"n": 8, ')]), /not valid JSON/);
    expectInputError(cli(['epoch', '--input', '-'], ''), /empty/);
    expectInputError(cli(['epoch', '--input', join(dir, 'nope.json')]), /no such file/);
  });

  it('a bad --mode or a missing --input exits 2', () => {
    expect(cli(['epoch', '--input', '-', '--mode', 'fast'], '{}').code).toBe(2);
    expect(cli(['epoch']).code).toBe(2);
  });

  it('--help works on every command', () => {
    for (const args of [['--help'], ['epoch', '--help'], ['example', '--help']]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: yumaval/);
    }
  });
});

describe('yumaval example', () => {
  it('prints tables for the built-in subnet, and JSON with --json', () => {
    const t = cli(['example', '--epochs', '2']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/Dividends per epoch/);
    const j = cli(['example', '--epochs', '2', '--json']);
    expect(j.code).toBe(0);
    const runs = JSON.parse(j.out) as Array<{ output: { dividends: number[] } }>;
    expect(runs).toHaveLength(2);
    expect(cli(['example', '--epochs', '0']).code).toBe(2);
  });
});

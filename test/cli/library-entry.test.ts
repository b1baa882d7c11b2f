import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const vectors = JSON.parse(readFileSync(join(root, 'test/fixtures/epoch_upstream_tests.json'), 'utf8')) as Array<{ input: unknown; expected: unknown }>;

// Plain Node (no TypeScript loader) imports the package by name and by path, as the contract's "Library entry" says.
function node(script: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('library entry', () => {
  it("await import('yumaval') works from the package root and runs an epoch from an input and from the prepared form", () => {
    const v = vectors[4]!;
    const r = node(`
      const { runEpoch, prepareEpoch } = await import('yumaval');
      const input = ${JSON.stringify(v.input)};
      const a = await runEpoch(input, { mode: 'exact' });
      const b = await runEpoch(await prepareEpoch(input), { mode: 'exact' });
      process.stdout.write(JSON.stringify([a, b]));`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [a, b] = JSON.parse(r.out) as unknown[];
    expect(a).toEqual(v.expected);
    expect(b).toEqual(v.expected);
  });

  it('the exports entry file can be imported by path', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: { '.': { default: string } } };
    const r = node(`const m = await import(${JSON.stringify(join(root, pkg.exports['.'].default))}); process.stdout.write(typeof m.runEpoch + ' ' + typeof m.prepareEpoch);`);
    expect(r.out).toBe('function function');
  });
});

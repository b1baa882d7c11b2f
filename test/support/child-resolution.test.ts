import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TSX_LOADER, tsxArgs } from './tsx.js';

/*
 * Issue 14's guard. Child processes (and worker threads) that run the sources load tsx by an absolute URL resolved
 * from the project, never by the bare name, which Node resolves from the child's working directory: that passed only
 * where a folder above the working directory happened to hold node_modules/tsx.
 * - Statically: no file of src/, test/ or bench/ passes the bare name to --import, --loader or --require.
 * - Dynamically: from a fresh temporary folder (where the bare name cannot resolve, which the test first shows), the
 *   CLI and a dendrite (whose worker threads load tsx themselves) still run from the sources.
 */

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'yumaval-resolution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsFiles(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'artifacts' ? [] : tsFiles(p);
    return name.endsWith('.ts') ? [p] : [];
  });
}

/** Can `tsx` be resolved by bare name from `cwd`, as the loader flag would resolve it there? */
function bareTsxResolves(cwd: string): boolean {
  try {
    createRequire(join(cwd, 'noop.js')).resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

describe('child processes resolve tsx from the project, not from their working directory', () => {
  it('no source, test or benchmark passes the bare name tsx to a loader flag', () => {
    // Flag and bare name as two argv entries, as one string (with a space or '='), or in execArgv.
    const bare = /['"`]--(?:import|loader|require|experimental-loader)['"`]\s*,\s*['"`]tsx['"`]|--(?:import|loader|require)[= ]tsx\b/;
    const offenders = ['src', 'test', 'bench']
      .flatMap((d) => tsFiles(join(root, d)))
      .filter((f) => !f.endsWith('child-resolution.test.ts'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ at: `${relative(root, f)}:${i + 1}`, line })))
      .filter(({ line }) => bare.test(line) && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*'))
      .map(({ at }) => at);
    expect(offenders).toEqual([]);
  });

  it('the pattern this guards against fails from the temporary folder, and the CLI from the sources still runs there', () => {
    if (bareTsxResolves(dir)) {
      // A folder above the temporary folder holds node_modules/tsx: the first half proves nothing on this machine.
      console.warn(`child-resolution: tsx resolves by bare name from ${dir}; only the second half is checked here`);
    } else {
      // The hazard itself, on purpose: the bare package name, resolved from the child's working directory.
      const bareName = ['t', 's', 'x'].join('');
      const bare = spawnSync(process.execPath, ['--import', bareName, '-e', '0'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(bare.status).not.toBe(0);
      expect(bare.stderr).toMatch(/Cannot find package 'tsx'|ERR_MODULE_NOT_FOUND/);
    }
    const r = spawnSync(process.execPath, tsxArgs(join(root, 'src/cli.ts'), 'epoch', '--help'), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--input/);
  });

  it('a dendrite run from the sources starts its worker threads from the temporary folder', () => {
    const dendrite = new URL('../../src/dendrite/index.ts', import.meta.url).href;
    const script = `
      const { createDendrite } = await import(${JSON.stringify(dendrite)});
      const d = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 2 });
      await d.close();
      process.stdout.write('workers started and closed\\n');
    `;
    const r = spawnSync(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).not.toMatch(/Cannot find package|ERR_MODULE_NOT_FOUND/);
    expect(r.stdout).toBe('workers started and closed\n');
    expect(r.status).toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, exitCodeFor, INPUT_ERROR_CODES } from '../../src/cli/index.js';
import { ERROR_CODES } from '../../src/errors/index.js';

/*
 * The CLI's exit codes come from one table typed by ErrorCode (src/cli/exit-codes.ts): every code is classified, the
 * input errors (exit 2) are the seven the hand-written list of src/cli.ts held before, and a real run of the built
 * CLI (dist/cli.js, `npm run tsbuild`) exits 2 on an input error and 1 on a failure, with one line on stderr.
 */

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);

function cli(args: string[], stdin?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A loopback port nothing listens on: bound on port 0, read back, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the exit-code table', () => {
  it('classifies every ErrorCode, and nothing else', () => {
    expect(Object.keys(ERROR_KINDS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(['input', 'failure']).toContain(ERROR_KINDS[code]);
  });

  it('derives the input errors (exit 2): the list src/cli.ts hand-wrote before', () => {
    expect([...INPUT_ERROR_CODES].sort()).toEqual(['ERR_ARCHIVE_CONTENT', 'ERR_FILE_READ', 'ERR_FILE_WRITE', 'ERR_INVALID_INPUT', 'ERR_INVALID_JSON', 'ERR_INVALID_OPTION', 'ERR_STORE_KIND']);
    for (const code of ERROR_CODES) expect(exitCodeFor(code)).toBe(INPUT_ERROR_CODES.has(code) ? 2 : 1);
  });
});

describe('a real CLI run', () => {
  it('exits 2 with one line on an input error (ERR_FILE_READ, ERR_INVALID_JSON)', () => {
    const missing = cli(['epoch', '--input', join(root, 'no-such-dir', 'input.json')]);
    expect([missing.code, missing.out]).toEqual([2, '']);
    expect(missing.err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^yumaval: cannot read .*input\.json/)]);
    const garbage = cli(['epoch', '--input', '-'], '{ not json');
    expect([garbage.code, garbage.out]).toEqual([2, '']);
    expect(garbage.err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^yumaval: .*not valid JSON/)]);
  });

  it('exits 1 on a failure that is not the input\'s fault (ERR_CHAIN_CONNECT: a refused connection)', async () => {
    const port = await closedPort();
    const r = cli(['hyperparams', '--chain', `ws://127.0.0.1:${port}`, '--netuid', '1']);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toMatch(new RegExp(`^yumaval: cannot connect to ws://127\\.0\\.0\\.1:${port}`, 'm'));
  });
});

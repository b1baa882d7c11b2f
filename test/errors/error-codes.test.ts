import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, YumavalError } from '../../src/errors/index.js';

/*
 * ErrorCode is the union of every code a YumavalError carries. The compiler holds the constructor to it; this test
 * holds the list to the sources: every 'ERR_…' literal written in src/ is a listed code (or one of Node's own codes
 * that src/ compares with), and every listed code is written somewhere else in src/ (no stale entries).
 */

/**
 * Node's own error codes that src/ compares with (never a YumavalError's). None since devnet's runtime wiring imports
 * subtensor statically (it tested ERR_MODULE_NOT_FOUND of a dynamic import before).
 */
const NODE_CODES: string[] = [];

const root = new URL('../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every 'ERR_…' string literal of src/, outside the two tables themselves. */
function codesInSources(): Set<string> {
  const found = new Set<string>();
  for (const file of sources(root)) {
    if (file.endsWith('errors/codes.ts') || file.endsWith('cli/exit-codes.ts')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g)) found.add(m[1] as string);
  }
  return found;
}

describe('ErrorCode', () => {
  it('lists exactly the codes the sources use, each once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect([...codesInSources()].sort()).toEqual([...ERROR_CODES, ...NODE_CODES].sort());
  });

  it('isErrorCode accepts the listed codes only', () => {
    for (const c of ERROR_CODES) expect(isErrorCode(c)).toBe(true);
    for (const c of ['ERR_MODULE_NOT_FOUND', 'EADDRINUSE', '', undefined, 3]) expect(isErrorCode(c)).toBe(false);
  });

  it('is the type of a YumavalError\'s code', () => {
    const e = new YumavalError('x', 'ERR_INVALID_INPUT');
    expect(e.code).toBe('ERR_INVALID_INPUT');
    // @ts-expect-error a code that is not an ErrorCode does not compile
    expect(new YumavalError('x', 'ERR_NOT_A_CODE').code).toBe('ERR_NOT_A_CODE');
  });
});

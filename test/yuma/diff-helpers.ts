import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { EpochInput } from '../../src/index.js';

/*
 * Helpers shared by the differential tests: locating the first difference between two outputs (so a failure names
 * the step that diverged, not just "objects differ") and reading the recorded regression fixtures.
 */

/** The path and values of the first difference between two JSON-like values, or null if they are deeply equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return `${path}: length ${a.length} vs ${b.length}`;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== null) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

/** A recorded minimal counterexample: the input, and what was observed when it was recorded. */
export interface RegressionFixture {
  name: string;
  /** Which side is wrong and why (free text, for the reader of a failing test). */
  diagnosis: string;
  input: EpochInput;
}

/** Every fixture in test/fixtures/regressions/, sorted by file name. */
export function readRegressionFixtures(): Array<{ file: string; fixture: RegressionFixture }> {
  const dir = new URL('../fixtures/regressions/', import.meta.url);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((file) => ({ file, fixture: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as RegressionFixture }));
}

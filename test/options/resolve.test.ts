import { describe, expect, it } from 'vitest';
import { InvalidInputError, YumavalError } from '../../src/errors/index.js';
import { bool, fn, intAtLeast, intIn, nonEmptyString, nullOr, numberIn, oneOf, optional, resolveOptions } from '../../src/options/index.js';
import type { Check, OptionsSpec } from '../../src/options/index.js';

interface Sample {
  size: number;
  ratio: number;
  name: string;
  mode: 'a' | 'b';
  on: boolean;
  log: (line: string) => void;
  limit: number | null;
  secret?: string;
}

const log = (): void => {};
const DEFAULTS: Readonly<Sample> = Object.freeze({ size: 8, ratio: 0.5, name: 'x', mode: 'a', on: false, log, limit: null });
const SPEC: OptionsSpec<Sample> = {
  thing: 'a sample option',
  things: 'sample options',
  defaults: DEFAULTS,
  checks: {
    size: intIn(1, 100),
    ratio: numberIn(0, 1, { openLow: true }),
    name: nonEmptyString('a name'),
    mode: oneOf(['a', 'b']),
    on: bool,
    log: fn('(line: string) => void'),
    limit: nullOr(intAtLeast(2)),
    secret: optional(nonEmptyString('a secret')),
  },
  hidden: ['secret'],
  across: (o) => (o.limit !== null && o.limit < o.size ? ['limit', `must be at least size (${o.size}), got ${o.limit}`] : null),
};

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
};

describe('resolveOptions: the shared resolver', () => {
  it('merges given keys over the defaults; undefined keeps the default', () => {
    expect(resolveOptions(SPEC, {})).toEqual(DEFAULTS);
    expect(resolveOptions(SPEC, { size: 20, mode: 'b', ratio: undefined })).toEqual({ ...DEFAULTS, size: 20, mode: 'b' });
  });

  it('refuses an unknown key, listing every valid key and the nearest one', () => {
    expect(message(() => resolveOptions(SPEC, { sise: 3 }))).toBe(
      'option sise: is not a sample option (expected one of size, ratio, name, mode, on, log, limit, secret; did you mean size?)',
    );
    // With a path (a document holding the options), the place is path.key.
    expect(message(() => resolveOptions(SPEC, { colour: 1 }, 'config'))).toMatch(/^option config\.colour: is not a sample option \(expected one of size, /);
  });

  it('refuses what is not an object, naming the document', () => {
    expect(message(() => resolveOptions(SPEC, 3))).toBe('option options: expected an object of sample options, got 3');
    expect(message(() => resolveOptions(SPEC, [1], 'config'))).toBe('option config: expected an object of sample options, got an array of length 1');
    expect(message(() => resolveOptions({ ...SPEC, name: 'rpc' }, null))).toBe('option rpc: expected an object of sample options, got null');
  });

  it('words each check type the same way: what was expected, then what was given', () => {
    const cases: Array<[Partial<Record<keyof Sample, unknown>>, string]> = [
      [{ size: 0 }, 'option size: expected an integer in [1, 100], got 0'],
      [{ size: 2.5 }, 'option size: expected an integer in [1, 100], got 2.5'],
      [{ size: '3' }, 'option size: expected an integer in [1, 100], got "3"'],
      [{ ratio: 0 }, 'option ratio: expected a number in (0, 1], got 0'],
      [{ ratio: Number.NaN }, 'option ratio: expected a number in (0, 1], got NaN'],
      [{ name: '' }, 'option name: expected a name, got ""'],
      [{ mode: 'c' }, 'option mode: expected one of a, b, got "c"'],
      [{ on: 1 }, 'option on: expected true or false, got 1'],
      [{ log: 'stderr' }, 'option log: expected a function (line: string) => void, got "stderr"'],
      [{ limit: 1 }, 'option limit: expected an integer of at least 2 or null, got 1'],
      [{ limit: 4 }, 'option limit: must be at least size (8), got 4'],
    ];
    for (const [given, want] of cases) expect(message(() => resolveOptions(SPEC, given))).toBe(want);
    // Values in range pass each check.
    expect(resolveOptions(SPEC, { size: 100, ratio: 1, name: 'y', mode: 'b', on: true, limit: 100, secret: 's' })).toMatchObject({ size: 100, ratio: 1, limit: 100 });
  });

  it('checks agree with an independent predicate over many values', () => {
    const check: Check = intIn(-3, 7);
    const lo: Check = numberIn(-1, 1, { openHigh: true });
    const values: unknown[] = [];
    for (let i = -50; i <= 50; i++) values.push(i / 4, i);
    values.push(Number.NaN, Infinity, -Infinity, '1', null, undefined, true, 1n);
    for (const v of values) {
      const isInt = typeof v === 'number' && Number.isInteger(v) && v >= -3 && v <= 7;
      expect(check(v) === null).toBe(isInt);
      const inHalfOpen = typeof v === 'number' && Number.isFinite(v) && v >= -1 && v < 1;
      expect(lo(v) === null).toBe(inHalfOpen);
    }
  });

  it('names a required key that is missing, and never shows a hidden value', () => {
    const spec: OptionsSpec<{ url: string; n: number }> = { thing: 'an option', things: 'options', defaults: { n: 1 }, checks: { url: nonEmptyString('a URL'), n: intIn(0, 9) } };
    expect(message(() => resolveOptions(spec, { n: 2 }))).toBe('option url: expected a URL, got nothing');
    const shown = message(() => resolveOptions(SPEC, { secret: '' }));
    expect(shown).toBe('option secret: expected a secret (the value given is not shown)');
  });

  it('never modifies the frozen defaults, and returns a new object (frozen on request)', () => {
    const before = JSON.stringify(DEFAULTS);
    const a = resolveOptions(SPEC, { size: 50 });
    a.size = 99;
    expect(JSON.stringify(DEFAULTS)).toBe(before);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(a).not.toBe(DEFAULTS);
    expect(Object.isFrozen(a)).toBe(false);
    const frozen = resolveOptions({ ...SPEC, freeze: true }, {});
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(frozen).not.toBe(DEFAULTS);
  });

  it('raises the error the module chooses, with the same wording', () => {
    const spec = { ...SPEC, error: (place: string, detail: string): YumavalError => new InvalidInputError(place, detail) };
    let err: unknown;
    try {
      resolveOptions(spec, { size: 0 }, 'params');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as YumavalError).code).toBe('ERR_INVALID_INPUT');
    expect((err as Error).message).toBe('params.size: expected an integer in [1, 100], got 0');
    // The default is InvalidOptionError, which the CLI turns into exit 2.
    expect(() => resolveOptions(SPEC, { size: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});

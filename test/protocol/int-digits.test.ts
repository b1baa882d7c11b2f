import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_INT_DIGITS, PyJsonError, PyJsonValueError, PyValueError, coerceValue, jsonDumps, parsePyJson, pyRepr } from '../../src/protocol/index.js';
import { castInt } from '../../src/protocol/synapse-model.js';

/*
 * CPython 3.11+ refuses to convert integers of more than 4,300 digits between text and int (issue 15, finding 2), and
 * pydantic-core refuses integer strings past the same size. Each case is judged by the real CPython and pydantic
 * (python3 here: 3.11.7, pydantic 2.13.4) and by our reading; the two verdicts must agree.
 */

const n9 = (k: number): string => '9'.repeat(k);

/** JSON texts for json.loads. */
const JSON_CASES = [n9(4299), n9(4300), n9(4301), `-${n9(4300)}`, `-${n9(4301)}`, `[1, ${n9(5000)}]`, `{"a": {"b": [${n9(4301)}]}}`,
  `0.${'1'.repeat(5000)}`, `${n9(5000)}.5`, `${n9(4000)}e10`, '0', '-0'];
/** Header texts for int() (the SDK's cast_int). */
const INT_CASES = [n9(4300), n9(4301), `0${n9(4300)}`, `${n9(4299)}_9`, `-${n9(4300)}`, ` ${n9(4300)} `, `+${n9(4300)}`];
/** Strings for a pydantic `int` field (lax mode). */
const PYDANTIC_CASES = [n9(4300), n9(4301), `-${n9(4300)}`, `-${n9(4299)}`, `+${n9(4300)}`, `0${n9(4300)}`, ` ${n9(4300)}`, `${n9(4299)}_9`,
  `1${'0'.repeat(4299)}.0`, `-0${n9(4299)}`, `-${'0'.repeat(100)}${n9(4299)}`];
/** Exponents e of 10**e − 1 and 10**e whose str() is asked. */
const STR_CASES = [4299, 4300];

const PY = String.raw`
import json, sys
import pydantic
class M(pydantic.BaseModel):
    x: int
cases = json.loads(sys.stdin.read())
def ok(f):
    try:
        f(); return True
    except ValueError:
        return False
print(json.dumps({
  'json': [ok(lambda t=t: json.loads(t)) for t in cases['json']],
  'int': [ok(lambda t=t: int(t)) for t in cases['int']],
  'pydantic': [ok(lambda t=t: M(x=t)) for t in cases['pydantic']],
  'str': [[ok(lambda e=e: str(10**e - 1)), ok(lambda e=e: str(10**e)), ok(lambda e=e: str(-(10**e - 1)))] for e in cases['str']],
}))
`;

function python(): Record<string, unknown> | null {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify({ json: JSON_CASES, int: INT_CASES, pydantic: PYDANTIC_CASES, str: STR_CASES }), encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`int-digits: no python3 with pydantic 2 here (${(r.stderr ?? String(r.error)).trim().split('\n').at(-1)}); CPython's verdicts are not checked\n`);
    return null;
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const oracle = python();

function accepts(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof PyJsonValueError || e instanceof PyValueError) return false;
    throw e;
  }
}

describe('the 4,300-digit limit', () => {
  it('is CPython\'s default', () => {
    expect(MAX_INT_DIGITS).toBe(4300);
  });

  it.skipIf(oracle === null)('json.loads: our reader refuses exactly the texts CPython refuses', () => {
    expect(JSON_CASES.map((t) => accepts(() => parsePyJson(t)))).toEqual(oracle!.json);
  });

  it.skipIf(oracle === null)('int() of header text (cast_int): same verdicts', () => {
    expect(INT_CASES.map((t) => castInt(t).ok)).toEqual(oracle!.int);
  });

  it.skipIf(oracle === null)('pydantic int from a string: same verdicts', () => {
    expect(PYDANTIC_CASES.map((t) => coerceValue('int', t, false).ok)).toEqual(oracle!.pydantic);
  });

  it.skipIf(oracle === null)('str() / json.dumps of a big int: same verdicts', () => {
    const ours = STR_CASES.map((e) => {
      const p = 10n ** BigInt(e);
      return [accepts(() => pyRepr(p - 1n)), accepts(() => jsonDumps([p])), accepts(() => pyRepr(-(p - 1n)))];
    });
    expect(ours).toEqual(oracle!.str);
  });

  it('the refusal is a PyJsonValueError (a plain ValueError in Python), distinct from a syntax error', () => {
    expect(() => parsePyJson(n9(4301))).toThrow(PyJsonValueError);
    expect(() => parsePyJson('[1,')).toThrow(PyJsonError);
    expect(() => parsePyJson('[1,')).not.toThrow(PyJsonValueError);
  });

  it('a 1,000,000-digit integer is refused in a few milliseconds, not converted', () => {
    const text = `{"dummy_input": ${'7'.repeat(1_000_000)}}`;
    const t0 = performance.now();
    expect(() => parsePyJson(text)).toThrow(/an integer of 1000000 digits/);
    // Converting it (BigInt and back) took ~0.7 s of event loop; the scan alone is linear.
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

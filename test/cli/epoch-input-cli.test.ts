import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * Issue 15, finding 10, the `epoch` part: inputs over the size limit, u64 JSON numbers above 2^53, unknown fields and
 * a byte order mark, each through the built CLI as outside checks run it (contracts/epoch-io.md).
 */

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-epoch-in-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: string | Buffer): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, input, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function expectInputError(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

/** A 3-uid subnet: uid 0 validates (weights to 1 and 2). Stakes are given by the caller, as JSON text. */
function input(stakes: string, extra = ''): string {
  return `{"n":3,"block":1000,"stake":[${stakes}],"lastUpdate":[999,999,999],"blockAtRegistration":[1,1,1],` +
    `"validatorPermit":[true,false,false],"weights":[[[1,40000],[2,25535]],[],[]],"bonds":[[],[],[]]${extra}}`;
}

describe('epoch: input size (finding 10)', () => {
  it('a file over 512 MB is refused at once with exit 2 naming its size and the flag (was "internal error: Cannot create a string")', () => {
    // A sparse file: 600 MiB long, no disk used. The old code read it all and failed building the string.
    const p = join(dir, 'huge.json');
    const fd = openSync(p, 'w');
    ftruncateSync(fd, 600 * 2 ** 20);
    closeSync(fd);
    const t0 = performance.now();
    expectInputError(cli(['epoch', '--input', p]), /cannot read .*huge\.json: the input is 600\.0 MiB, more than the 256 MiB limit \(raise it with --max-input-mb, at most 511\)/);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('--max-input-mb lowers the limit, for files and for stdin', () => {
    const big = `[${new Array(7000).fill(input('1,2,3')).join(',')}]`;
    expect(big.length).toBeGreaterThan(1.1 * 2 ** 20);
    expectInputError(cli(['epoch', '--input', file('big.json', big), '--max-input-mb', '1']), /the input is 1\.\d MiB, more than the 1 MiB limit/);
    expectInputError(cli(['epoch', '--input', '-', '--max-input-mb', '1'], big), /cannot read stdin: the input is over 1\.0 MiB, more than the 1 MiB limit/);
    expectInputError(cli(['epoch', '--input', '-', '--max-input-mb', '600'], '{}'), /option --max-input-mb: expected an integer from 1 to 511/);
  });
});

describe('epoch: u64 numbers above 2^53 are read exactly or refused, never rounded (finding 10)', () => {
  it('a stake of 2^64 − 1 as a JSON number gives the output of the same decimal string', () => {
    const asString = cli(['epoch', '--input', file('u64s.json', input('"18446744073709551615","1","2"'))]);
    expect(asString.code).toBe(0);
    const asNumber = cli(['epoch', '--input', file('u64n.json', input('18446744073709551615,1,2'))]);
    expect(asNumber.err).toBe('');
    expect(asNumber.code).toBe(0);
    expect(asNumber.out).toBe(asString.out);
  });

  it('stakeThreshold 2^53 + 1 as a number is exactly 2^53 + 1: a stake of 2^53 falls below it', () => {
    const stakes = '"9007199254740992","9007199254740993","0"';
    const exact = cli(['epoch', '--input', file('thr-s.json', input(stakes, ',"stakeThreshold":"9007199254740993"'))]);
    const rounded = cli(['epoch', '--input', file('thr-r.json', input(stakes, ',"stakeThreshold":"9007199254740992"'))]);
    const number = cli(['epoch', '--input', file('thr-n.json', input(stakes, ',"stakeThreshold":9007199254740993'))]);
    expect([exact.code, rounded.code, number.code]).toEqual([0, 0, 0]);
    // The two thresholds give different epochs, so the comparison below can tell a rounded read from an exact one.
    expect(exact.out).not.toBe(rounded.out);
    expect(number.out).toBe(exact.out);
  });

  it('other notations of big integers are exact too; fractions and negatives above 2^53 are refused naming the field', () => {
    const plain = cli(['epoch', '--input', file('e0.json', input('"18446744073709551615","1","2"'))]).out;
    expect(cli(['epoch', '--input', file('e1.json', input('1.8446744073709551615e19,1,2'))]).out).toBe(plain);
    expect(cli(['epoch', '--input', file('e2.json', input('18446744073709551615.000,1,2'))]).out).toBe(plain);
    expectInputError(cli(['epoch', '--input', file('e3.json', input('1,9007199254740993.5,2'))]), /^yumaval: stake\[1\]: expected an integer in 0\.\.18446744073709551615 .*got "9007199254740993\.5"/);
    expectInputError(cli(['epoch', '--input', file('e4.json', input('1,2,18446744073709551616'))]), /^yumaval: stake\[2\]: .*got "18446744073709551616"/);
    expectInputError(cli(['epoch', '--input', file('e5.json', input('1,2,-9007199254740993'))]), /^yumaval: stake\[2\]: .*got "-9007199254740993"/);
    // A u16 field given a big number is refused naming it, as before.
    expectInputError(cli(['epoch', '--input', file('e6.json', input('1,2,3', ',"kappa":123456789012345678901'))]), /^yumaval: kappa: expected an integer in 0\.\.65535/);
    // Digits inside strings are text, never rewritten.
    const named = cli(['epoch', '--input', file('e7.json', `[${input('1,2,3')}]`)]);
    expect(named.code).toBe(0);
  });
});

describe('epoch: unknown fields and encodings (finding 10)', () => {
  it('a misspelt field is refused, naming it and the nearest valid one (it was ignored with exit 0)', () => {
    expectInputError(cli(['epoch', '--input', file('kapa.json', input('1,2,3', ',"kapa":100'))]), /^yumaval: kapa: is not an EpochInput field \(did you mean kappa\?\)$/m);
    expectInputError(cli(['epoch', '--input', file('bma.json', `[${input('1,2,3')},${input('1,2,3', ',"bondsMovingAvrage":1')}]`)]), /^yumaval: \[1\]\.bondsMovingAvrage: is not an EpochInput field \(did you mean bondsMovingAverage\?\)$/m);
    // Every documented field is accepted.
    const all = ',"tempo":360,"activityCutoffFactorMilli":13889,"activityCutoff":5000,"stakeThreshold":0,"ownerUid":null,"maxAllowedValidators":64,' +
      '"kappa":32767,"bondsPenalty":65535,"bondsMovingAverage":900000,"yuma3":false,"liquidAlpha":false,"alphaLow":45875,"alphaHigh":58982,' +
      '"alphaSigmoidSteepness":1000,"lastMechanismStepBlock":0,"commitRevealEnabled":false,"commitBlock":[null,null,null],"raoEmission":"1000000000"';
    expect(cli(['epoch', '--input', file('all.json', input('1,2,3', all))]).code).toBe(0);
  });

  it('a UTF-8 byte order mark is skipped; UTF-16 is named', () => {
    const plain = cli(['epoch', '--input', file('nobom.json', input('1,2,3'))]);
    const bom = cli(['epoch', '--input', file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(input('1,2,3'))]))]);
    expect(bom.err).toBe('');
    expect(bom.code).toBe(0);
    expect(bom.out).toBe(plain.out);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(input('1,2,3'), 'utf16le')]);
    expectInputError(cli(['epoch', '--input', file('utf16.json', utf16)]), /utf16\.json: not valid JSON \(the input is UTF-16 .*save it as UTF-8\)/);
  });
});

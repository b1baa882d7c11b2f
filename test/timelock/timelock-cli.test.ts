import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundMessage } from '../../src/timelock/index.js';
import { oracleDecrypt, oracleEncrypt, QUICKNET_PK, ROUND_1000_SIGNATURE } from './oracle.js';

/*
 * `yumaval timelock encrypt|decrypt` as an operator runs it: the built dist/cli.js (npm run tsbuild), checked against
 * the oracle both ways, and every refusal one line on stderr with exit 2 naming the place.
 */

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-timelock-'));
const SIG_HEX = Buffer.from(ROUND_1000_SIGNATURE).toString('hex');
const HOTKEY = `0x${'d4'.repeat(32)}`;

function cli(args: string[], stdin?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, 'timelock', ...args], { encoding: 'utf8', timeout: 60_000, input: stdin });
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
}

/** SCALE of the payload, written here by hand (independent of src/timelock/payload.ts). */
function scale(uids: number[], values: number[], version: bigint): Buffer {
  const compact = (n: number): Buffer => (n < 64 ? Buffer.from([n << 2]) : Buffer.from([((n << 2) | 1) & 0xff, n >> 6]));
  const u16s = (xs: number[]): Buffer => Buffer.concat(xs.map((x) => Buffer.from([x & 0xff, x >> 8])));
  const v = Buffer.alloc(8);
  v.writeBigUInt64LE(version);
  return Buffer.concat([compact(32), Buffer.from(HOTKEY.slice(2), 'hex'), compact(uids.length), u16s(uids), compact(values.length), u16s(values), v]);
}

describe('yumaval timelock', () => {
  const payload = { hotkey: HOTKEY, uids: [0, 3, 7], values: [65535, 1, 300], versionKey: '18446744073709551615' };

  it('encrypt prints one 0x line that the oracle opens to the SCALE payload (file and stdin)', () => {
    const fromFile = cli(['encrypt', '--round', '1000', '--input', file('p.json', JSON.stringify(payload))]);
    const fromStdin = cli(['encrypt', '--round', '1000', '--input', '-'], JSON.stringify({ ...payload, versionKey: 5 }));
    for (const [r, version] of [[fromFile, 2n ** 64n - 1n], [fromStdin, 5n]] as const) {
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(/^0x[0-9a-f]+\n$/);
      const ct = Uint8Array.from(Buffer.from(r.out.trim().slice(2), 'hex'));
      const want = scale(payload.uids, payload.values, version);
      expect(ct.length).toBe(want.length + 244);
      expect(Buffer.from(oracleDecrypt(ct, ROUND_1000_SIGNATURE))).toEqual(want);
    }
  });

  it('decrypt opens the oracle\'s ciphertext and prints the payload JSON, versionKey as a decimal string', () => {
    const ct = oracleEncrypt(roundMessage(1000n), scale([1, 2], [10, 20], 2n ** 63n), new Uint8Array(32).fill(3), QUICKNET_PK);
    const r = cli(['decrypt', '--signature', SIG_HEX, '--input', file('ct.hex', `0x${Buffer.from(ct).toString('hex')}\n`)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ hotkey: HOTKEY, uids: [1, 2], values: [10, 20], versionKey: (2n ** 63n).toString() });
  });

  it('encrypt | decrypt round-trips through stdin', () => {
    const enc = cli(['encrypt', '--round', '1000', '--input', '-', '--beacon', 'quicknet'], JSON.stringify(payload));
    const dec = cli(['decrypt', '--signature', `0x${SIG_HEX}`, '--input', '-'], enc.out);
    expect(dec.code).toBe(0);
    expect(JSON.parse(dec.out)).toEqual(payload);
  });

  it('a ciphertext for another round: exit 2, one line naming --signature', () => {
    const enc = cli(['encrypt', '--round', '1001', '--input', '-'], JSON.stringify(payload));
    expectInputError(cli(['decrypt', '--signature', SIG_HEX, '--input', '-'], enc.out), /^yumaval: --signature: the round signature does not open this ciphertext/);
  });

  it('refusals name the field or option', () => {
    expectInputError(cli(['encrypt', '--round', '0', '--input', '-'], JSON.stringify(payload)), /--round/);
    expectInputError(cli(['encrypt', '--round', '1', '--input', '-'], JSON.stringify({ ...payload, uids: [1, 2, 70000] })), /uids\[2\]/);
    expectInputError(cli(['encrypt', '--round', '1', '--input', '-'], JSON.stringify({ ...payload, hotkey: '0x00' })), /hotkey/);
    expectInputError(cli(['encrypt', '--round', '1', '--input', '-', '--beacon', 'ab'], JSON.stringify(payload)), /--beacon/);
    expectInputError(cli(['encrypt', '--round', '1', '--input', '-', '--beacon', '8f'.repeat(96)], JSON.stringify(payload)), /--beacon: the beacon public key is unusable/);
    expectInputError(cli(['decrypt', '--signature', 'zz', '--input', '-'], '00'), /--signature/);
    expectInputError(cli(['decrypt', '--signature', SIG_HEX, '--input', '-'], '0x0011'), /--input: not a valid timelock ciphertext: header\.u/);
    expectInputError(cli(['decrypt', '--signature', SIG_HEX, '--input', join(dir, 'missing.hex')]), /missing\.hex: no such file/);
  });

  it('a ciphertext that opens to something else than a payload: exit 2 naming --input', () => {
    const ct = oracleEncrypt(roundMessage(1000n), new TextEncoder().encode('not scale'), new Uint8Array(32), QUICKNET_PK);
    expectInputError(cli(['decrypt', '--signature', SIG_HEX, '--input', '-'], Buffer.from(ct).toString('hex')), /--input \(decrypted, but not a WeightsTlockPayload\)/);
  });

  it('--help of each command', () => {
    for (const sub of ['encrypt', 'decrypt']) {
      const r = cli([sub, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('docs/timelock.md');
    }
  });
});

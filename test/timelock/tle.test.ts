import { createDecipheriv, createHash } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';
import {
  CIPHERTEXT_OVERHEAD,
  decrypt,
  encrypt,
  identityPoint,
  parseCiphertext,
  QUICKNET_PUBLIC_KEY_HEX,
  roundMessage,
  serializeGt,
  TimelockCiphertextError,
  TimelockKeyError,
  TimelockRoundError,
} from '../../src/timelock/index.js';
import { oracleDecrypt, oracleEncrypt, QUICKNET_PK, ROUND_1000_SIGNATURE } from './oracle.js';

/*
 * Golden tests both ways against the oracle (the timelock crate's WASM build), with drand quicknet's real public key
 * and the real round-1000 signature; then the byte layout field by field, checked with node's own SHA-256 and
 * AES-256-GCM rather than the libraries src/timelock uses.
 */

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const u64le = (b: Uint8Array, at: number): number => Number(Buffer.from(b).readBigUInt64LE(at));

/** A deterministic random source: successive draws of distinct fixed bytes. */
function fixedRandom(...draws: Uint8Array[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const d = draws[i++];
    if (d === undefined || d.length !== n) throw new Error(`unexpected draw ${i} of ${n} bytes`);
    return d;
  };
}

describe('the constants', () => {
  it('quicknet public key in src equals the one in subtensor\'s tests', () => {
    expect(Buffer.from(QUICKNET_PK).toString('hex')).toBe(QUICKNET_PUBLIC_KEY_HEX);
  });

  it('the round-1000 signature verifies under quicknet\'s key on the identity point (hash-to-G1, the DST)', () => {
    // e(sig, G2) == e(H(sha256(1000 as u64 BE)), pk): the identity hashing must be exactly what drand signs.
    const sig = bls12_381.G1.Point.fromBytes(ROUND_1000_SIGNATURE);
    const pk = bls12_381.G2.Point.fromBytes(QUICKNET_PK);
    const lhs = bls12_381.pairing(sig, bls12_381.G2.Point.BASE);
    const rhs = bls12_381.pairing(identityPoint(1000n), pk);
    expect(bls12_381.fields.Fp12.eql(lhs, rhs)).toBe(true);
    expect(bls12_381.fields.Fp12.eql(lhs, bls12_381.pairing(identityPoint(1001n), pk))).toBe(false);
  });

  it('the identity is SHA-256 of the round as a u64 big-endian', () => {
    expect(Buffer.from(roundMessage(1000n))).toEqual(createHash('sha256').update(Buffer.from([0, 0, 0, 0, 0, 0, 3, 0xe8])).digest());
  });
});

describe('golden: yumaval <-> the timelock crate (WASM oracle)', () => {
  const payloads = [text(''), text('x'), text('hello, bittensor!'), new Uint8Array(1000).map((_, i) => (i * 7) & 0xff)];

  it('the oracle decrypts yumaval\'s ciphertexts for round 1000', () => {
    for (const p of payloads) {
      const ct = encrypt(p, 1000n, QUICKNET_PK);
      expect(oracleDecrypt(ct, ROUND_1000_SIGNATURE)).toEqual(p);
    }
  });

  it('yumaval decrypts the oracle\'s ciphertexts for round 1000', () => {
    for (const p of payloads) {
      const key = sha256(p); // any 32 bytes
      const ct = oracleEncrypt(roundMessage(1000n), p, key, QUICKNET_PK);
      expect(decrypt(ct, ROUND_1000_SIGNATURE)).toEqual(p);
    }
  });

  it('a ciphertext for another round fails cleanly with TimelockRoundError, both ways', () => {
    const p = text('not yet');
    const ours = encrypt(p, 1001n, QUICKNET_PK);
    expect(() => decrypt(ours, ROUND_1000_SIGNATURE)).toThrow(TimelockRoundError);
    expect(() => oracleDecrypt(ours, ROUND_1000_SIGNATURE)).toThrow();
    const theirs = oracleEncrypt(roundMessage(999n), p, new Uint8Array(32).fill(9), QUICKNET_PK);
    let err: unknown;
    try {
      decrypt(theirs, ROUND_1000_SIGNATURE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TimelockRoundError);
    expect((err as TimelockRoundError).code).toBe('ERR_TIMELOCK_ROUND');
  });

  it('a ciphertext is its plaintext plus 244 bytes (ours and the oracle\'s)', () => {
    expect(CIPHERTEXT_OVERHEAD).toBe(244);
    for (const p of payloads) {
      expect(encrypt(p, 7n, QUICKNET_PK).length).toBe(p.length + 244);
      expect(oracleEncrypt(roundMessage(7n), p, new Uint8Array(32), QUICKNET_PK).length).toBe(p.length + 244);
    }
  });
});

describe('byte layout, field by field', () => {
  const key = new Uint8Array(32).map((_, i) => i + 1);
  const sigma = new Uint8Array(32).map((_, i) => 0xa0 ^ i);
  const nonce = new Uint8Array(12).map((_, i) => 0x50 + i);
  const plain = text('layout check');
  const ct = encrypt(plain, 1000n, QUICKNET_PK, fixedRandom(key, sigma, nonce));
  const n = plain.length;

  it('U: 96 bytes, the G2 generator times r = SHA-256(sigma || key) mod the group order', () => {
    const r = BigInt(`0x${Buffer.from(sha256(Buffer.concat([sigma, key]))).toString('hex')}`) % bls12_381.fields.Fr.ORDER;
    expect(Buffer.from(ct.subarray(0, 96))).toEqual(Buffer.from(bls12_381.G2.Point.BASE.multiply(r).toBytes(true)));
  });

  it('V: u64 LE length 32 at 96, then sigma masked by SHA-256 of the pairing (the oracle opening it proves the mask)', () => {
    expect(u64le(ct, 96)).toBe(32);
    expect(oracleDecrypt(ct, ROUND_1000_SIGNATURE)).toEqual(plain);
  });

  it('W: u64 LE length 32 at 136, then key XOR SHA-256(sigma)', () => {
    expect(u64le(ct, 136)).toBe(32);
    const mask = sha256(sigma);
    expect(Buffer.from(ct.subarray(144, 176))).toEqual(Buffer.from(key.map((b, i) => b ^ (mask[i] as number))));
  });

  it('body: u64 LE length n+44 at 176, AESOutput { ciphertext (n+16, GCM tag last), nonce (12) } that node\'s AES-256-GCM opens', () => {
    expect(u64le(ct, 176)).toBe(n + 44);
    expect(u64le(ct, 184)).toBe(n + 16);
    const sealed = ct.subarray(192, 192 + n + 16);
    expect(u64le(ct, 192 + n + 16)).toBe(12);
    expect(Buffer.from(ct.subarray(200 + n + 16, 212 + n + 16))).toEqual(Buffer.from(nonce));
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAuthTag(sealed.subarray(n));
    expect(Buffer.concat([d.update(sealed.subarray(0, n)), d.final()]).toString()).toBe('layout check');
  });

  it('cipher_suite: u64 LE length 8 at n+228, then "AES_GCM_", and nothing after', () => {
    expect(u64le(ct, n + 228)).toBe(8);
    expect(Buffer.from(ct.subarray(n + 236)).toString()).toBe('AES_GCM_');
    expect(ct.length).toBe(n + 244);
    const parsed = parseCiphertext(ct);
    expect(parsed.trailing).toBe(0);
    expect(Buffer.from(parsed.nonce)).toEqual(Buffer.from(nonce));
  });

  it('GT is 12 Fp coefficients of 48 bytes, little-endian, c0 first (the identity is 1 then zeros)', () => {
    const one = serializeGt(bls12_381.fields.Fp12.ONE);
    expect(one.length).toBe(576);
    expect(one[0]).toBe(1);
    expect(one.subarray(1).every((b) => b === 0)).toBe(true);
    // A coefficient whose bytes differ end to end: c0.c0.c1 = 0x0102 lands at offset 48 as 02 01.
    const { Fp2, Fp6, Fp12 } = bls12_381.fields;
    const x = Fp12.create({ c0: Fp6.create({ c0: Fp2.create({ c0: 0n, c1: 0x0102n }), c1: Fp2.ZERO, c2: Fp2.ZERO }), c1: Fp6.ZERO });
    const s = serializeGt(x);
    expect([s[48], s[49], s[50]]).toEqual([2, 1, 0]);
  });
});

describe('refusals', () => {
  const ct = encrypt(text('refuse me'), 1000n, QUICKNET_PK);

  it('a flipped body byte fails authentication (TimelockCiphertextError); the oracle refuses it too', () => {
    const bad = ct.slice();
    bad[195] = (bad[195] as number) ^ 1;
    expect(() => decrypt(bad, ROUND_1000_SIGNATURE)).toThrow(TimelockCiphertextError);
    expect(() => oracleDecrypt(bad, ROUND_1000_SIGNATURE)).toThrow();
  });

  it('a flipped W byte opens to the wrong key: the IBE check fails (TimelockRoundError, as the crate reports InvalidSignature)', () => {
    const bad = ct.slice();
    bad[150] = (bad[150] as number) ^ 1;
    expect(() => decrypt(bad, ROUND_1000_SIGNATURE)).toThrow(TimelockRoundError);
    expect(() => oracleDecrypt(bad, ROUND_1000_SIGNATURE)).toThrow();
  });

  it('truncations and lying lengths name the field', () => {
    expect(() => decrypt(ct.subarray(0, 50), ROUND_1000_SIGNATURE)).toThrow(/header\.u/);
    expect(() => decrypt(ct.subarray(0, ct.length - 3), ROUND_1000_SIGNATURE)).toThrow(/cipher_suite/);
    const lying = ct.slice();
    lying[96] = 31;
    expect(() => decrypt(lying, ROUND_1000_SIGNATURE)).toThrow(/header\.v has 31 bytes/);
    const huge = ct.slice();
    huge[183] = 0xff;
    expect(() => decrypt(huge, ROUND_1000_SIGNATURE)).toThrow(TimelockCiphertextError);
  });

  it('a U that is not a curve point is a ciphertext error', () => {
    const bad = ct.slice();
    bad.fill(0x11, 1, 96);
    expect(() => decrypt(bad, ROUND_1000_SIGNATURE)).toThrow(TimelockCiphertextError);
  });

  it('keys and signatures of the wrong size or off the curve are TimelockKeyError', () => {
    expect(() => encrypt(text('x'), 1n, QUICKNET_PK.subarray(0, 95))).toThrow(TimelockKeyError);
    expect(() => encrypt(text('x'), 1n, new Uint8Array(96).fill(0x8f))).toThrow(TimelockKeyError);
    expect(() => decrypt(ct, ROUND_1000_SIGNATURE.subarray(1))).toThrow(TimelockKeyError);
    expect(() => decrypt(ct, new Uint8Array(48).fill(0x9a))).toThrow(TimelockKeyError);
  });

  it('round 0 and rounds past u64 are refused', () => {
    expect(() => encrypt(text('x'), 0n, QUICKNET_PK)).toThrow(RangeError);
    expect(() => encrypt(text('x'), 2n ** 64n, QUICKNET_PK)).toThrow(RangeError);
  });

  it('two encryptions of the same payload differ (fresh key, sigma and nonce) and both open', () => {
    const a = encrypt(text('same'), 1000n, QUICKNET_PK);
    const b = encrypt(text('same'), 1000n, QUICKNET_PK);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(decrypt(a, ROUND_1000_SIGNATURE)).toEqual(decrypt(b, ROUND_1000_SIGNATURE));
  });
});

import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { describe, expect, it } from 'vitest';
import { ss58Problem } from '../../src/replay/ss58.js';

/*
 * The replay's own SS58 check (src/replay/ss58.ts) against @polkadot/util-crypto's checkAddress, the independent
 * implementation: same verdict on valid addresses of several network prefixes (1- and 2-byte), on every single-character
 * corruption of some, and on strings that are not base58 or have the wrong length.
 */

/** A seeded xorshift32, so the cases are the same on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * The reference's verdict: decodeAddress accepts any prefix and checks the checksum; the account must be 32 bytes.
 * (checkAddress(a, 42), which snapshot-json called before, reports a prefix mismatch before it looks at the checksum,
 * so accepting "prefix mismatch" let through addresses of other networks with a broken checksum.)
 */
const polkadotOk = (a: string): boolean => {
  try {
    return decodeAddress(a).length === 32;
  } catch {
    return false;
  }
};

describe('ss58Problem', () => {
  const rand = rng(58);
  const keys = Array.from({ length: 40 }, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
  const prefixes = [0, 2, 42, 63, 64, 255, 1000, 16383];
  const valid = keys.flatMap((k, i) => [encodeAddress(k, prefixes[i % prefixes.length]!)]);

  it('accepts what @polkadot/util-crypto accepts: 32-byte accounts under 1- and 2-byte prefixes', () => {
    for (const a of valid) {
      expect(polkadotOk(a)).toBe(true);
      expect(ss58Problem(a)).toBeNull();
    }
  });

  it('agrees with it on every single-character change of eight addresses', () => {
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let refused = 0;
    for (const a of valid.slice(0, 8)) {
      for (let i = 0; i < a.length; i++) {
        const c = alphabet[Math.floor(rand() * alphabet.length)]!;
        if (c === a[i]) continue;
        const bad = a.slice(0, i) + c + a.slice(i + 1);
        const ours = ss58Problem(bad) === null;
        expect(ours).toBe(polkadotOk(bad));
        if (!ours) refused++;
      }
    }
    // Nearly every change breaks the 2-byte checksum (or the prefix byte or length): the test is not vacuous.
    expect(refused).toBeGreaterThan(300);
  });

  it('refuses what is not base58 or not 32 bytes, as the reference does', () => {
    // An 8-byte account is a valid SS58 address, but not a hotkey.
    const short = encodeAddress(keys[0]!.subarray(0, 8), 42);
    for (const bad of ['not-an-address', '0OIl', valid[0]!.slice(0, -1), `${valid[0]!}1`, short, '']) {
      expect(ss58Problem(bad)).not.toBeNull();
      expect(polkadotOk(bad)).toBe(false);
    }
  });
});

import fc from 'fast-check';
import { u8aToHex } from '@polkadot/util';
import { describe, expect, it } from 'vitest';
import { loadRuntime } from '../../src/devnet/runtime.js';
import { decodeFast, encodeFast } from '../../src/devnet/scale-fast.js';
import type { FastType } from '../../src/devnet/scale-fast.js';
import type { Hex } from '../../src/devnet/storage-codec.js';

// The object-free SCALE of the simple types against @polkadot/types' encoding of the same values.

const registry = loadRuntime().registry;
const u16 = fc.integer({ min: 0, max: 65535 });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const cases: Array<[FastType, fc.Arbitrary<unknown>]> = [
  ['u16', u16],
  ['u32', fc.integer({ min: 0, max: 2 ** 32 - 1 })],
  ['u64', u64],
  ['bool', fc.boolean()],
  ['Vec<u16>', fc.array(u16, { maxLength: 300 })],
  ['Vec<u64>', fc.array(u64, { maxLength: 80 })],
  ['Vec<bool>', fc.array(fc.boolean(), { maxLength: 20_000 })],
  ['Vec<(u16,u16)>', fc.array(fc.tuple(u16, u16), { maxLength: 300 })],
];

describe('fast SCALE', () => {
  it.each(cases)('%s: the same bytes as the registry, and back', (type, arb) => {
    fc.assert(fc.property(arb, (value) => {
      const expected = u8aToHex(registry.createType(type, value).toU8a()) as Hex;
      expect(encodeFast(type, value)).toBe(expected);
      expect(decodeFast(type, expected)).toEqual(value);
    }), { numRuns: 200 });
  });

  it('declines values it does not take in plain form (the registry handles them)', () => {
    expect(encodeFast('u16', 65536)).toBeUndefined();
    expect(encodeFast('u64', -1)).toBeUndefined();
    expect(encodeFast('Vec<u16>', 'x')).toBeUndefined();
    expect(encodeFast('Vec<(u16,u16)>', [[1]])).toBeUndefined();
    expect(encodeFast('bool', 1)).toBeUndefined();
  });
});

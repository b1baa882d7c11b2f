import { TypeRegistry } from '@polkadot/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import {
  decodeWeightsPayload,
  encodeWeightsPayload,
  payloadFromJson,
  payloadToJson,
  TimelockPayloadError,
  type WeightsTlockPayload,
} from '../../src/timelock/index.js';

/*
 * The SCALE payload against @polkadot/types' codec (an independent SCALE implementation) declared with the chain's
 * struct: WeightsTlockPayload { hotkey: Vec<u8>, uids: Vec<u16>, values: Vec<u16>, version_key: u64 }.
 */

const registry = new TypeRegistry();
registry.register({ WeightsTlockPayload: { hotkey: 'Vec<u8>', uids: 'Vec<u16>', values: 'Vec<u16>', version_key: 'u64' } });

function reference(p: WeightsTlockPayload): Uint8Array {
  return registry.createType('WeightsTlockPayload', { hotkey: Array.from(p.hotkey), // an array, not a Uint8Array: those are read as encoded bytes
    uids: p.uids, values: p.values, version_key: p.versionKey }).toU8a();
}

const arbPayload = fc
  .integer({ min: 0, max: 300 })
  .chain((n) =>
    fc.record({
      hotkey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      uids: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: n, maxLength: n }),
      values: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: n, maxLength: n }),
      versionKey: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    }),
  );

describe('WeightsTlockPayload SCALE', () => {
  it('encodes byte for byte as @polkadot/types does, and decodes back (property: 64 payloads, lengths 0..300, 1- and 2-byte compact lengths)', () => {
    fc.assert(
      fc.property(arbPayload, (p) => {
        const ours = encodeWeightsPayload(p);
        expect(Buffer.from(ours).equals(Buffer.from(reference(p)))).toBe(true);
        const back = decodeWeightsPayload(ours);
        expect(back.uids).toEqual(p.uids);
        expect(back.values).toEqual(p.values);
        expect(back.versionKey).toBe(p.versionKey);
        expect(Buffer.from(back.hotkey).equals(Buffer.from(p.hotkey))).toBe(true);
      }),
      { numRuns: 64, seed: 21 },
    );
  });

  it('a known vector: hotkey 32×0x01, uids [1, 2], values [65535, 0], version 7', () => {
    const p = { hotkey: new Uint8Array(32).fill(1), uids: [1, 2], values: [65535, 0], versionKey: 7n };
    const want = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(32, 1), Buffer.from([0x08, 1, 0, 2, 0, 0x08, 0xff, 0xff, 0, 0]), Buffer.from([7, 0, 0, 0, 0, 0, 0, 0])]);
    expect(Buffer.from(encodeWeightsPayload(p))).toEqual(want);
  });

  it('long vectors use the 2-byte compact length (as the reference does)', () => {
    const n = 100;
    const p = { hotkey: new Uint8Array(32), uids: Array.from({ length: n }, (_, i) => i), values: Array(n).fill(3) as number[], versionKey: 0n };
    const bytes = encodeWeightsPayload(p);
    expect([bytes[33], bytes[34]]).toEqual([((n << 2) | 1) & 0xff, n >> 6]);
    expect(Buffer.from(bytes).equals(Buffer.from(reference(p)))).toBe(true);
    // 20000 entries need the 4-byte mode.
    const big = { hotkey: new Uint8Array(32), uids: Array.from({ length: 20000 }, (_, i) => i), values: Array(20000).fill(1) as number[], versionKey: 5n };
    const bigBytes = encodeWeightsPayload(big);
    expect((bigBytes[33] as number) & 3).toBe(2);
    expect(Buffer.from(bigBytes).equals(Buffer.from(reference(big)))).toBe(true);
    expect(decodeWeightsPayload(bigBytes).uids).toEqual(big.uids);
  });

  it('encode refuses what the chain would drop: a short hotkey, unequal lengths, out-of-range values', () => {
    const ok = { hotkey: new Uint8Array(32), uids: [1], values: [1], versionKey: 1n };
    expect(() => encodeWeightsPayload({ ...ok, hotkey: new Uint8Array(31) })).toThrow(TimelockPayloadError);
    expect(() => encodeWeightsPayload({ ...ok, values: [1, 2] })).toThrow(/values/);
    expect(() => encodeWeightsPayload({ ...ok, uids: [70000] })).toThrow(/uids\[0\]/);
    expect(() => encodeWeightsPayload({ ...ok, versionKey: 2n ** 64n })).toThrow(/versionKey/);
  });

  it('decode refuses truncation, trailing bytes, a non-canonical length and a hotkey that is not 32 bytes', () => {
    const good = encodeWeightsPayload({ hotkey: new Uint8Array(32), uids: [1], values: [2], versionKey: 3n });
    expect(() => decodeWeightsPayload(good.subarray(0, good.length - 1))).toThrow(/versionKey/);
    expect(() => decodeWeightsPayload(Uint8Array.from([...good, 0]))).toThrow(/1 bytes left/);
    const nonCanonical = Uint8Array.from([0x01, 0x00, ...good.subarray(1)]); // 0 written in the 2-byte mode
    expect(() => decodeWeightsPayload(nonCanonical)).toThrow(/non-canonical/);
    const shortKey = reference({ hotkey: new Uint8Array(20), uids: [], values: [], versionKey: 0n });
    expect(() => decodeWeightsPayload(shortKey)).toThrow(/hotkey: has 20 bytes/);
  });
});

describe('payload JSON', () => {
  const hotkey = `0x${'ab'.repeat(32)}`;

  it('reads versionKey as a number or a decimal string and writes it as a decimal string', () => {
    const a = payloadFromJson({ hotkey, uids: [0, 5], values: [1, 2], versionKey: 42 });
    const b = payloadFromJson({ hotkey, uids: [0, 5], values: [1, 2], versionKey: '18446744073709551615' });
    expect(a.versionKey).toBe(42n);
    expect(b.versionKey).toBe(2n ** 64n - 1n);
    expect(payloadToJson(b)).toEqual({ hotkey, uids: [0, 5], values: [1, 2], versionKey: '18446744073709551615' });
  });

  it('names the field that is wrong and never echoes the hex', () => {
    const cases: [unknown, RegExp][] = [
      [{ hotkey: '0x12', uids: [], values: [], versionKey: 1 }, /^hotkey: .*4 characters/],
      [{ hotkey, uids: [1, -1], values: [1, 2], versionKey: 1 }, /^uids\[1\]/],
      [{ hotkey, uids: [1], values: [1, 2], versionKey: 1 }, /^values: has 2 entries/],
      [{ hotkey, uids: [], values: [], versionKey: 2 ** 60 }, /^versionKey/],
      [{ hotkey, uids: [], values: [], versionKey: '18446744073709551616' }, /^versionKey/],
      [{ hotkey, uids: [], values: [], versionKey: 1, extra: 1 }, /^extra: unknown field/],
      [[1], /expected an object/],
    ];
    for (const [doc, re] of cases) {
      let err: unknown;
      try {
        payloadFromJson(doc);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('abab');
    }
  });
});

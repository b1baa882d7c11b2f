import { createHash } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';
import { LocalBeacon, type Pulse } from '../../../src/devnet/subtensor/drand-beacon.js';
import { revealTimelockedCommits, type TimelockedCommit } from '../../../src/devnet/subtensor/timelock-reveal.js';
import { encodeWeightsPayload, encrypt, identityPoint } from '../../../src/timelock/index.js';
import { oracleDecrypt, QUICKNET_PK, ROUND_1000_SIGNATURE } from '../../timelock/oracle.js';

/*
 * The devnet's pallet_drand pieces: a local beacon whose pulses are quicknet-shaped (they verify as BLS signatures and
 * open ciphertexts made with its key, in the oracle too), and the per-block reveal with the chain's keep / drop rules.
 */

const beacon = new LocalBeacon({ seed: new TextEncoder().encode('devnet beacon'), genesisMs: 1_000_000, periodMs: 3000 });
const alice = new Uint8Array(32).fill(0xa1);
const bob = new Uint8Array(32).fill(0xb0);

function scaleLegacy(uids: number[], values: number[], version: bigint): Uint8Array {
  const v = Buffer.alloc(8);
  v.writeBigUInt64LE(version);
  const u16s = (xs: number[]): Buffer => Buffer.concat(xs.map((x) => Buffer.from([x & 0xff, x >> 8])));
  return Buffer.concat([Buffer.from([uids.length << 2]), u16s(uids), Buffer.from([values.length << 2]), u16s(values), v]);
}

describe('LocalBeacon', () => {
  it('pulses are BLS signatures of SHA-256(round) under its key, randomness = SHA-256(signature)', () => {
    const p = beacon.pulse(42n);
    const sig = bls12_381.G1.Point.fromBytes(p.signature);
    const pk = bls12_381.G2.Point.fromBytes(beacon.publicKey);
    expect(bls12_381.fields.Fp12.eql(bls12_381.pairing(sig, bls12_381.G2.Point.BASE), bls12_381.pairing(identityPoint(42n), pk))).toBe(true);
    expect(Buffer.from(p.randomness)).toEqual(createHash('sha256').update(p.signature).digest());
  });

  it('drand\'s randomness rule holds for the real quicknet pulse too (subtensor\'s round-1000 fixture)', () => {
    expect(createHash('sha256').update(ROUND_1000_SIGNATURE).digest('hex')).toBe('fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd');
  });

  it('its pulses open ciphertexts made with its key, in the oracle too', () => {
    const ct = encrypt(new TextEncoder().encode('local'), 7n, beacon.publicKey);
    expect(new TextDecoder().decode(oracleDecrypt(ct, beacon.pulse(7n).signature))).toBe('local');
  });

  it('a round every period of chain time, round 1 at genesis', () => {
    expect(beacon.roundAt(999_999)).toBe(0n);
    expect(beacon.roundAt(1_000_000)).toBe(1n);
    expect(beacon.roundAt(1_002_999)).toBe(1n);
    expect(beacon.roundAt(1_003_000)).toBe(2n);
  });

  it('two seeds give two keys; the same seed the same key', () => {
    const again = new LocalBeacon({ ...beacon.options });
    const other = new LocalBeacon({ ...beacon.options, seed: new Uint8Array([1]) });
    expect(Buffer.from(again.publicKey)).toEqual(Buffer.from(beacon.publicKey));
    expect(Buffer.from(other.publicKey).equals(Buffer.from(beacon.publicKey))).toBe(false);
  });
});

describe('revealTimelockedCommits (the chain\'s keep / drop rules)', () => {
  const weights = { uids: [0, 1], values: [65535, 7], versionKey: 3n };
  const commit = (who: Uint8Array, round: bigint, plaintext: Uint8Array, pk = beacon.publicKey): TimelockedCommit => ({ who, commitBlock: 10n, round, ciphertext: encrypt(plaintext, round, pk) });
  const stored = new Map<bigint, Pulse>([[20n, beacon.pulse(20n)], [1000n, { round: 1000n, randomness: new Uint8Array(32), signature: ROUND_1000_SIGNATURE }]]);
  const pulseOf = (r: bigint): Pulse | undefined => stored.get(r);

  it('reveals a good commit, keeps one whose pulse is missing, drops the rest silently with a reason', () => {
    const good = commit(alice, 20n, encodeWeightsPayload({ hotkey: alice, ...weights }));
    const early = commit(alice, 21n, encodeWeightsPayload({ hotkey: alice, ...weights }));
    const mismatch = commit(bob, 20n, encodeWeightsPayload({ hotkey: alice, ...weights }));
    const corrupted = { ...good, ciphertext: good.ciphertext.map((b, i) => (i === 200 ? b ^ 1 : b)) };
    const wrongRound = { ...commit(alice, 19n, encodeWeightsPayload({ hotkey: alice, ...weights })), round: 20n };
    const garbage = commit(alice, 20n, new TextEncoder().encode('?'));
    const truncated = { ...good, ciphertext: good.ciphertext.subarray(0, 100) };
    const out = revealTimelockedCommits([good, early, mismatch, corrupted, wrongRound, garbage, truncated], pulseOf);
    expect(out.map((o) => o.kind)).toEqual(['reveal', 'kept', 'dropped', 'dropped', 'dropped', 'dropped', 'dropped']);
    expect(out[0]).toMatchObject({ kind: 'reveal', uids: [0, 1], values: [65535, 7], versionKey: 3n, legacy: false });
    expect(out.slice(2).map((o) => (o.kind === 'dropped' ? o.reason : ''))).toEqual([
      'hotkey mismatch',
      expect.stringMatching(/AES-GCM body fails authentication/),
      expect.stringMatching(/does not open this ciphertext/),
      'undecodable',
      expect.stringMatching(/header\.v length at byte 96/),
    ]);
  });

  it('accepts the legacy payload without a hotkey, and ignores trailing bytes after a payload, as the chain does', () => {
    const legacy = commit(bob, 20n, scaleLegacy([4], [9], 1n));
    const trailing = commit(alice, 20n, Uint8Array.from([...encodeWeightsPayload({ hotkey: alice, ...weights }), 0xee, 0xee]));
    const out = revealTimelockedCommits([legacy, trailing], pulseOf);
    expect(out[0]).toMatchObject({ kind: 'reveal', uids: [4], values: [9], versionKey: 1n, legacy: true });
    expect(out[1]).toMatchObject({ kind: 'reveal', uids: [0, 1], legacy: false });
  });

  it('a stored real quicknet pulse (round 1000) reveals a commit encrypted to quicknet', () => {
    const c = commit(alice, 1000n, encodeWeightsPayload({ hotkey: alice, ...weights }), QUICKNET_PK);
    expect(revealTimelockedCommits([c], pulseOf)[0]).toMatchObject({ kind: 'reveal', values: [65535, 7] });
  });
});

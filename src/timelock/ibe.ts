import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBigIntBe, fpToLe } from './ark-codec.js';
import { TimelockKeyError, TimelockRoundError } from './errors.js';
import { QUICKNET_DST } from './quicknet.js';

/*
 * Boneh–Franklin "FullIdent" IBE on BLS12-381, as the `tle` crate (ideal-lab5/timelock, the revision subtensor pins)
 * builds it for a beacon that signs on G1 and publishes its key on G2. It encrypts only a 32-byte secret (the AES key
 * of the body, tle.ts). With P the G2 generator, Ppub the beacon key, Q = H(identity) on G1:
 *   sigma random (32 bytes), r = SHA-256(sigma || m) as a big-endian integer mod the group order,
 *   U = r·P,  V = sigma XOR SHA-256(ser(e(Q, r·Ppub))),  W = m XOR SHA-256(sigma).
 * The round signature is s·Q, and e(s·Q, U) = e(Q, r·Ppub), so it recovers sigma, then m, then checks r·P = U.
 * ser() is ark-serialize's GT encoding: the 12 Fp coefficients of the Fp12 tower, c0 before c1 at every level, each
 * 48 bytes little-endian (576 bytes).
 */

const { G1, G2 } = bls12_381;
type G1Point = InstanceType<typeof G1.Point>;
type G2Point = InstanceType<typeof G2.Point>;
type Gt = ReturnType<typeof bls12_381.pairing>;

/** Bytes of the compressed G2 point U, of a compressed G1 signature and of the 32-byte parts V, W and m. */
export const G2_BYTES = 96;
export const G1_BYTES = 48;
export const SECRET_BYTES = 32;

const ORDER = bls12_381.fields.Fr.ORDER;
const DST = new TextEncoder().encode(QUICKNET_DST);

/** The IBE header: U (a G2 point, compressed) and the two 32-byte masks V and W. */
export interface IbeHeader {
  readonly u: Uint8Array;
  readonly v: Uint8Array;
  readonly w: Uint8Array;
}

/** The identity a round's signature opens: SHA-256 of the round as a u64 big-endian (what quicknet signs). */
export function roundMessage(round: bigint): Uint8Array {
  const be = new Uint8Array(8);
  new DataView(be.buffer).setBigUint64(0, round, false);
  return sha256(be);
}

/** The round's identity point on G1 (RFC 9380 hash-to-curve with quicknet's DST). */
export function identityPoint(round: bigint): G1Point {
  return G1.hashToCurve(roundMessage(round), { DST }) as unknown as G1Point;
}

/** ark-serialize's encoding of a GT element: 12 Fp coefficients, 48 bytes little-endian each. */
export function serializeGt(x: Gt): Uint8Array {
  const out = new Uint8Array(12 * 48);
  let at = 0;
  for (const fp6 of [x.c0, x.c1]) {
    for (const fp2 of [fp6.c0, fp6.c1, fp6.c2]) {
      for (const fp of [fp2.c0, fp2.c1]) {
        out.set(fpToLe(fp), at);
        at += 48;
      }
    }
  }
  return out;
}

function xor32(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/** h3: SHA-256(sigma || m) read big-endian, reduced mod the group order. */
function h3(sigma: Uint8Array, m: Uint8Array): bigint {
  const joined = new Uint8Array(sigma.length + m.length);
  joined.set(sigma);
  joined.set(m, sigma.length);
  return bytesToBigIntBe(sha256(joined)) % ORDER;
}

/** Decodes a compressed G2 beacon public key (96 bytes); the point must be in the prime-order subgroup. */
export function decodePublicKey(bytes: Uint8Array): G2Point {
  if (bytes.length !== G2_BYTES) throw new TimelockKeyError('public key', `expected ${G2_BYTES} bytes (compressed G2), got ${bytes.length}`);
  try {
    const p = G2.Point.fromBytes(bytes);
    p.assertValidity();
    // Internal: caught just below, with the curve library's own errors, and reported as a TimelockKeyError.
    // Internal: caught just below, with the curve library's own errors, and reported as a TimelockKeyError.
    if (p.is0()) throw new Error('the point at infinity');
    return p;
  } catch (err) {
    throw new TimelockKeyError('public key', `not a compressed G2 point (${(err as Error).message})`);
  }
}

/** Decodes a compressed G1 round signature (48 bytes); the point must be in the prime-order subgroup. */
export function decodeSignature(bytes: Uint8Array): G1Point {
  if (bytes.length !== G1_BYTES) throw new TimelockKeyError('signature', `expected ${G1_BYTES} bytes (compressed G1), got ${bytes.length}`);
  try {
    const p = G1.Point.fromBytes(bytes);
    p.assertValidity();
    // Internal: caught just below, with the curve library's own errors, and reported as a TimelockKeyError.
    if (p.is0()) throw new Error('the point at infinity');
    return p;
  } catch (err) {
    throw new TimelockKeyError('signature', `not a compressed G1 point (${(err as Error).message})`);
  }
}

/**
 * Encrypts the 32-byte `secret` to `round` under the beacon key. `sigma` is the 32 random bytes of the scheme; a
 * caller passes fresh randomness (tle.ts), tests pass fixed bytes.
 */
export function ibeEncrypt(secret: Uint8Array, round: bigint, publicKey: G2Point, sigma: Uint8Array): IbeHeader {
  const r = h3(sigma, secret);
  // r = 0 has probability 2^-255; the scheme (and arkworks) would publish U = infinity, which nothing can open.
  if (r === 0n) throw new RangeError('sigma hashed to zero: draw fresh randomness');
  const u = G2.Point.BASE.multiply(r);
  const gid = bls12_381.pairing(identityPoint(round), publicKey.multiply(r));
  return {
    u: u.toBytes(true),
    v: xor32(sigma, sha256(serializeGt(gid))),
    w: xor32(secret, sha256(sigma)),
  };
}

/** Opens an IBE header with a round signature: the 32-byte secret, or TimelockRoundError when the check r·P = U fails. */
export function ibeDecrypt(header: { u: G2Point; v: Uint8Array; w: Uint8Array }, signature: G1Point): Uint8Array {
  const sigma = xor32(header.v, sha256(serializeGt(bls12_381.pairing(signature, header.u))));
  const m = xor32(header.w, sha256(sigma));
  const r = h3(sigma, m);
  if (r === 0n || !G2.Point.BASE.multiply(r).equals(header.u)) {
    throw new TimelockRoundError('the pairing check fails (a signature of another round or another beacon)');
  }
  return m;
}

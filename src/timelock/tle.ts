import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ArkReader, ArkWriter } from './ark-codec.js';
import { TimelockCiphertextError, TimelockRoundError } from './errors.js';
import { decodePublicKey, decodeSignature, G2_BYTES, ibeDecrypt, ibeEncrypt, SECRET_BYTES } from './ibe.js';

/*
 * The `tle` ciphertext, byte for byte as subtensor deserializes a timelocked commit (ark-serialize, compressed; the
 * crate revision the chain pins keeps V and W as Vec<u8>, hence their length prefixes):
 *
 *   offset  size    field
 *   0       96      header.u      G2 point, compressed
 *   96      8       len(v) = 32   u64 little-endian
 *   104     32      header.v
 *   136     8       len(w) = 32
 *   144     32      header.w
 *   176     8       len(body) = n + 44
 *   184     n+44    body = AESOutput { ciphertext: Vec<u8> (8 + n + 16: AES-256-GCM output with its tag),
 *                                      nonce: Vec<u8> (8 + 12) }
 *   n+228   8       len(cipher_suite) = 8
 *   n+236   8       cipher_suite = "AES_GCM_"
 *
 * so a ciphertext is 244 bytes longer than its plaintext. The 32-byte AES key is the IBE-encrypted secret; the GCM
 * associated data is empty. docs/timelock.md has the derivation.
 */

/** Bytes a ciphertext adds to its plaintext. */
export const CIPHERTEXT_OVERHEAD = 244;

/** The cipher suite tag `tle` writes (the chain ignores it and always uses AES-GCM). */
export const CIPHER_SUITE = new TextEncoder().encode('AES_GCM_');

const NONCE_BYTES = 12;

/** A ciphertext split into its fields (views into the input bytes). */
export interface TleCiphertext {
  readonly u: Uint8Array;
  readonly v: Uint8Array;
  readonly w: Uint8Array;
  /** The AES-GCM output: encrypted payload followed by the 16-byte tag. */
  readonly aesCiphertext: Uint8Array;
  readonly nonce: Uint8Array;
  readonly cipherSuite: Uint8Array;
  /** Bytes after the last field; the chain's decoder ignores them, as this one does. */
  readonly trailing: number;
}

/** The randomness encrypt draws: 32 bytes for the AES key, 32 for sigma, 12 for the nonce (injectable for tests). */
export type RandomSource = (n: number) => Uint8Array;

const osRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/** Round numbers are u64; quicknet's rounds start at 1. */
export function checkRound(round: bigint | number): bigint {
  const r = typeof round === 'number' ? (Number.isSafeInteger(round) ? BigInt(round) : -1n) : round;
  if (r < 1n || r >= 2n ** 64n) throw new RangeError(`round must be an integer from 1 to 2^64 - 1, got ${String(round)}`);
  return r;
}

/**
 * Encrypts `payload` to drand `round` under `beaconPublicKey` (96 bytes, compressed G2), in the chain's `tle` layout.
 * About 100+ ms of CPU in plain JS (a pairing and two G2 multiplications): run it off the main thread in a service
 * (encryptInWorker).
 */
export function encrypt(payload: Uint8Array, round: bigint | number, beaconPublicKey: Uint8Array, random: RandomSource = osRandom): Uint8Array {
  const r = checkRound(round);
  const pk = decodePublicKey(beaconPublicKey);
  const key = random(SECRET_BYTES);
  const sigma = random(SECRET_BYTES);
  const nonce = random(NONCE_BYTES);
  const header = ibeEncrypt(key, r, pk, sigma);
  const body = new ArkWriter().vec(gcm(key, nonce).encrypt(payload)).vec(nonce).finish();
  return new ArkWriter().raw(header.u).vec(header.v).vec(header.w).vec(body).vec(CIPHER_SUITE).finish();
}

/** Splits a ciphertext into its fields, checking the layout (not the cryptography). */
export function parseCiphertext(ciphertext: Uint8Array): TleCiphertext {
  const rd = new ArkReader(ciphertext);
  const u = rd.raw(G2_BYTES, 'header.u');
  const v = rd.vec('header.v');
  if (v.length !== SECRET_BYTES) throw new TimelockCiphertextError(`header.v has ${v.length} bytes, expected ${SECRET_BYTES}`);
  const w = rd.vec('header.w');
  if (w.length !== SECRET_BYTES) throw new TimelockCiphertextError(`header.w has ${w.length} bytes, expected ${SECRET_BYTES}`);
  const body = rd.vec('body');
  const cipherSuite = rd.vec('cipher_suite');
  const brd = new ArkReader(body);
  const aesCiphertext = brd.vec('body.ciphertext');
  const nonce = brd.vec('body.nonce');
  if (nonce.length !== NONCE_BYTES) throw new TimelockCiphertextError(`body.nonce has ${nonce.length} bytes, expected ${NONCE_BYTES}`);
  if (aesCiphertext.length < 16) throw new TimelockCiphertextError(`body.ciphertext has ${aesCiphertext.length} bytes, shorter than the 16-byte GCM tag`);
  return { u, v, w, aesCiphertext, nonce, cipherSuite, trailing: rd.remaining };
}

/**
 * Decrypts a `tle` ciphertext with its round's signature (48 bytes, compressed G1). Throws TimelockRoundError when the
 * signature is of another round, TimelockCiphertextError when the bytes are not the layout or the body fails to
 * authenticate, TimelockKeyError when the signature is not a G1 point.
 */
export function decrypt(ciphertext: Uint8Array, roundSignature: Uint8Array): Uint8Array {
  const sig = decodeSignature(roundSignature);
  const ct = parseCiphertext(ciphertext);
  let u;
  try {
    u = bls12_381.G2.Point.fromBytes(ct.u);
    u.assertValidity();
  } catch (err) {
    throw new TimelockCiphertextError(`header.u is not a compressed G2 point (${(err as Error).message})`);
  }
  const key = ibeDecrypt({ u, v: ct.v, w: ct.w }, sig);
  try {
    return gcm(key, ct.nonce).decrypt(ct.aesCiphertext);
  } catch {
    // The header opened, so the round is right: the body was altered or was sealed with another key.
    throw new TimelockCiphertextError('the AES-GCM body fails authentication (altered, or not sealed with the header\'s key)');
  }
}

/** Whether an error is one of decrypt's "this does not open" outcomes (the chain drops such commits silently). */
export function isUndecryptable(err: unknown): boolean {
  return err instanceof TimelockRoundError || err instanceof TimelockCiphertextError;
}

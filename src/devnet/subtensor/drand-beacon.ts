import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { identityPoint } from '../../timelock/index.js';

/*
 * pallet_drand emulation, part 1: a local beacon. It signs rounds exactly as drand quicknet does (BLS on G1 over
 * SHA-256(round as u64 big-endian), RFC 9380 hash-to-curve with quicknet's DST; randomness = SHA-256(signature)), with
 * its own secret key, so ciphertexts made with its public key open with its pulses through the chain's own scheme.
 * Rounds follow chain time: round 1 at `genesisMs`, one every `periodMs` (3 s, as quicknet). Tests that need real
 * quicknet signatures store a given pulse instead (the admin RPC of the issue; not wired yet).
 */

/** A pulse as pallet_drand stores it (Pulses: round -> { round, randomness, signature }). */
export interface Pulse {
  readonly round: bigint;
  /** SHA-256 of the signature (32 bytes). */
  readonly randomness: Uint8Array;
  /** The compressed G1 signature (48 bytes). */
  readonly signature: Uint8Array;
}

/** The beacon's parameters. */
export interface BeaconOptions {
  /** Seed of the secret key (any bytes; the key is SHA-256(seed) reduced mod the group order). */
  readonly seed: Uint8Array;
  /** Chain time of round 1, ms. */
  readonly genesisMs: number;
  /** Chain time between rounds, ms (3000, as quicknet). */
  readonly periodMs: number;
}

const ORDER = bls12_381.fields.Fr.ORDER;

/** A local drand-like beacon with its own BLS key. */
export class LocalBeacon {
  /** The compressed G2 public key (96 bytes): what commits are encrypted to. */
  readonly publicKey: Uint8Array;
  private readonly secret: bigint;

  constructor(readonly options: BeaconOptions) {
    let k = 0n;
    for (const b of sha256(options.seed)) k = (k << 8n) | BigInt(b);
    this.secret = (k % (ORDER - 1n)) + 1n; // never zero
    this.publicKey = bls12_381.G2.Point.BASE.multiply(this.secret).toBytes(true);
    if (!(options.periodMs > 0)) throw new RangeError(`periodMs must be > 0, got ${options.periodMs}`);
  }

  /** The signed pulse of `round` (round >= 1). */
  pulse(round: bigint): Pulse {
    if (round < 1n) throw new RangeError(`rounds start at 1, got ${round}`);
    const signature = identityPoint(round).multiply(this.secret).toBytes(true);
    return { round, randomness: sha256(signature), signature };
  }

  /** The latest round published at chain time `nowMs` (0 before genesis). */
  roundAt(nowMs: number): bigint {
    if (nowMs < this.options.genesisMs) return 0n;
    return BigInt(Math.floor((nowMs - this.options.genesisMs) / this.options.periodMs)) + 1n;
  }

  /** Unix seconds of `genesisMs`, for revealRound's `genesisTime` (with `periodSeconds` = periodMs / 1000). */
  get genesisSeconds(): number {
    return this.options.genesisMs / 1000;
  }
}

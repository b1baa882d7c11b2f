/*
 * The drand quicknet beacon the chain's pallet_drand follows (the "bls-unchained-g1-rfc9380" scheme): signatures on
 * G1, the group public key on G2. Published by drand (chain info of quicknet) and repeated in opentensor/subtensor's
 * and opentensor/bittensor-drand's sources; the round-1000 pulse below is the one subtensor's own tests use.
 */

/** Quicknet's G2 public key, compressed (96 bytes, hex). */
export const QUICKNET_PUBLIC_KEY_HEX =
  '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a';

/** Quicknet's chain hash (identifies the beacon). */
export const QUICKNET_CHAIN_HASH = '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971';

/** Unix time of quicknet's round 1 (its genesis). */
export const QUICKNET_GENESIS_TIME = 1692803367;

/** Seconds between two quicknet rounds. */
export const QUICKNET_PERIOD_SECONDS = 3;

/** The RFC 9380 domain separation tag quicknet signs with: hash-to-G1, SHA-256, SSWU, random oracle. */
export const QUICKNET_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

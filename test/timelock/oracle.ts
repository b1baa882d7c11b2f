import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, tld, tle } from '@ideallabs/timelock_wasm_wrapper';

/*
 * The test oracle: @ideallabs/timelock_wasm_wrapper 1.0.0, a WASM build of ideal-lab5's timelock crate with the byte
 * layout subtensor pins (V and W as length-prefixed vectors). A devDependency, for tests only: src/ never imports it.
 */

const wasm = createRequire(import.meta.url).resolve('@ideallabs/timelock_wasm_wrapper').replace(/\.js$/, '_bg.wasm');
initSync({ module: readFileSync(wasm) });

const CURVE = 'bls12_381';

/** The oracle's encrypt: `identity` is the message the round signs (SHA-256 of the round), `key` the 32-byte AES key. */
export function oracleEncrypt(identity: Uint8Array, plaintext: Uint8Array, key: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return Uint8Array.from(tle(Array.from(identity), Array.from(plaintext), Array.from(key), Array.from(publicKey), CURVE) as number[]);
}

/** The oracle's decrypt with a round signature; throws the oracle's own error when it cannot open the ciphertext. */
export function oracleDecrypt(ciphertext: Uint8Array, signature: Uint8Array): Uint8Array {
  return Uint8Array.from(tld(Array.from(ciphertext), Array.from(signature), CURVE) as number[]);
}

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

/** Quicknet's round-1000 signature, as opentensor/subtensor's tests use it (pallets/drand/src/tests.rs). */
export const ROUND_1000_SIGNATURE = hex('b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39');

/** Quicknet's public key, written out here independently of src/timelock/quicknet.ts (subtensor's tests have it too). */
export const QUICKNET_PK = hex('83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a');

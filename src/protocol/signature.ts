import { decodePair } from '@polkadot/keyring/pair/decode';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { decodeAddress, sr25519Verify as jsVerify } from '@polkadot/util-crypto';
import { isReady as wasmReady, sr25519Sign as wasmSign, sr25519Verify as wasmVerify } from '@polkadot/wasm-crypto';
import { SignatureFormatError } from './errors.js';
import type { Signer } from './types.js';

/*
 * The dendrite's signature (SDK `preprocess_synapse_for_request`, btwallet `Keypair.sign/verify`): sr25519 over the
 * UTF-8 bytes of "{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}", sent as 0x + 128 hex digits. Verifying
 * also accepts a signature over the `<Bytes>…</Bytes>` wrapped message, as btwallet does (what polkadot-js signRaw
 * and browser extensions produce). Callers must have awaited cryptoWaitReady() (loadKey does).
 *
 * Speed: @polkadot/util-crypto 14 signs and verifies sr25519 in JavaScript (@scure/sr25519), about 2 ms and 3 ms
 * here; the schnorrkel build in @polkadot/wasm-crypto does the same work 3-5 times faster, and a validator signs every
 * request. Both implement schnorrkel with the "substrate" signing context, so either verifies the other's signatures
 * (test/protocol checks it); the JS path is used only when the wasm is not initialised.
 */

/** A public key decoded once per hotkey: an axon sees the same few validators again and again. */
const PUBLIC_KEYS = new Map<string, Uint8Array>();
const MAX_CACHED_KEYS = 4096;

const SIG_HEX = /^0x[0-9a-fA-F]{128}$/;
const enc = new TextEncoder();

/** The signed message. Each part is Python's str() of the value, so a missing one reads "None" as in the SDK. */
export function signatureMessage(nonce: bigint | number | null, dendriteHotkey: string | null, axonHotkey: string | null, uuid: string | null, bodyHashHex: string | null): string {
  const s = (v: unknown): string => (v === null || v === undefined ? 'None' : String(v));
  return `${s(nonce)}.${s(dendriteHotkey)}.${s(axonHotkey)}.${s(uuid)}.${s(bodyHashHex)}`;
}

/** Signs a message text with a Signer: `0x` + 128 lowercase hex digits. */
export function signMessage(signer: Signer, message: string): string {
  const sig = signer.sign(enc.encode(message));
  if (sig.length !== 64) throw new SignatureFormatError(`the signer returned ${sig.length} bytes, expected 64 (sr25519)`);
  return u8aToHex(sig);
}

/**
 * Verifies a `0x`-hex sr25519 signature of `message` by the ss58 `hotkey`: first over the message bytes, then over
 * `<Bytes>message</Bytes>`. Returns false for a wrong signature; throws SignatureFormatError for one that is not
 * 64 bytes of hex, or a hotkey that is not an ss58 address (the axon turns both into 401 as the SDK does).
 */
export function verifySignature(message: string, signature: string, hotkey: string): boolean {
  if (!SIG_HEX.test(signature)) throw new SignatureFormatError('expected 0x followed by 128 hex digits');
  const publicKey = publicKeyOf(hotkey);
  const sig = Buffer.from(signature.slice(2), 'hex');
  const verify = wasmReady() ? (m: Uint8Array) => wasmVerify(sig, m, publicKey) : (m: Uint8Array) => jsVerify(m, sig, publicKey);
  if (verify(enc.encode(message))) return true;
  return verify(enc.encode(`<Bytes>${message}</Bytes>`));
}

/** The 32-byte public key of an ss58 hotkey (cached); SignatureFormatError when it is not one. */
export function publicKeyOf(hotkey: string): Uint8Array {
  const cached = PUBLIC_KEYS.get(hotkey);
  if (cached !== undefined) return cached;
  let publicKey: Uint8Array;
  try {
    publicKey = decodeAddress(hotkey);
  } catch {
    throw new SignatureFormatError(`the hotkey ${JSON.stringify(hotkey.slice(0, 64))} is not an ss58 address`);
  }
  if (publicKey.length !== 32) throw new SignatureFormatError('the hotkey is not a 32-byte public key');
  if (PUBLIC_KEYS.size >= MAX_CACHED_KEYS) PUBLIC_KEYS.clear();
  PUBLIC_KEYS.set(hotkey, publicKey);
  return publicKey;
}

/** A Signer over a keyring pair (loadKey's `pair`): the plain sr25519 signature, never the `<Bytes>` wrapped one. */
export function signerFromPair(pair: KeyringPair): Signer {
  if (pair.type !== 'sr25519') throw new SignatureFormatError(`a ${pair.type} key cannot sign for a dendrite (Bittensor hotkeys are sr25519)`);
  let sign = (message: Uint8Array): Uint8Array => pair.sign(message);
  if (wasmReady()) {
    try {
      // The pair's own export (unencrypted PKCS8, in memory only) gives the 64-byte schnorrkel secret for the wasm.
      const { publicKey, secretKey } = decodePair(undefined, pair.encodePkcs8(), ['none']);
      if (secretKey.length === 64 && publicKey.length === 32) sign = (message) => wasmSign(publicKey, secretKey, message);
    } catch {
      // A locked pair cannot be exported: it keeps signing through its own (slower) method.
    }
  }
  return Object.freeze({ hotkey: pair.address, sign });
}

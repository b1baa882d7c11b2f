import { blake2b } from '@noble/hashes/blake2.js';

/*
 * A well-formedness check of SS58 addresses for reading snapshots (snapshot-json.ts). @polkadot/util-crypto's
 * checkAddress does the same, but loading it costs about 35 MB and 0.2 s, and the replay module is loaded by every
 * module that reads an archive (tune, audit) and so by every CLI command. The format (docs.substrate.io, "SS58 address
 * format"): base58 of prefix ‖ account ‖ checksum, where the prefix is 1 byte (network ids 0–63) or 2 bytes (64–16383),
 * and the checksum is the first 2 bytes of blake2b-512("SS58PRE" ‖ prefix ‖ account) for 32-byte accounts.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Map([...ALPHABET].map((c, i) => [c, i]));
const PREFIX = new TextEncoder().encode('SS58PRE');

/** Base58 (Bitcoin alphabet) to bytes; null when a character is not in the alphabet. */
function base58Decode(text: string): Uint8Array | null {
  let value = 0n;
  for (const c of text) {
    const d = DIGIT.get(c);
    if (d === undefined) return null;
    value = value * 58n + BigInt(d);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.push(Number(value & 0xffn));
    value >>= 8n;
  }
  // Each leading '1' is a leading zero byte.
  for (const c of text) {
    if (c !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/**
 * Why `text` is not a well-formed SS58 address of a 32-byte account (any network prefix), or null when it is.
 * @returns a short reason: "not base58", "bad length", "bad prefix" or "bad checksum"
 */
export function ss58Problem(text: string): string | null {
  if (text.length === 0 || text.length > 64) return 'bad length';
  const bytes = base58Decode(text);
  if (bytes === null) return 'not base58';
  const prefixLength = bytes[0]! < 64 ? 1 : bytes[0]! < 128 ? 2 : 0;
  if (prefixLength === 0) return 'bad prefix';
  if (bytes.length !== prefixLength + 32 + 2) return 'bad length';
  const body = bytes.subarray(0, bytes.length - 2);
  const hash = blake2b(Uint8Array.from([...PREFIX, ...body]), { dkLen: 64 });
  return hash[0] === bytes[bytes.length - 2] && hash[1] === bytes[bytes.length - 1] ? null : 'bad checksum';
}

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { describeValue, InvalidInputError } from '../../errors/index.js';
import type { Hex } from '../storage-codec.js';

/*
 * Accounts in the devnet's config and admin calls: a dev URI (`//Alice`, `//Alice//stash`, a mnemonic or seed with a
 * derivation path), derived as sr25519 exactly as @polkadot/keyring derives it, so the same URI signs extrinsics in a
 * client; or an SS58 address, for a key whose secret the devnet does not need.
 */

/** The SS58 prefix the devnet prints addresses in (substrate generic, what subtensor uses). */
export const SS58_PREFIX = 42;

/** An account named in the config: its 32-byte public key, its SS58 form, and the dev URI it came from, if any. */
export interface DevAccount {
  publicKey: Hex;
  address: string;
  /** The dev URI (its secret is public), or null when the account was given as an address. */
  uri: string | null;
}

// One keyring for every derivation: it only caches pairs, and deriving the same URI twice gives the same pair.
let keyring: Keyring | undefined;

function looksLikeUri(s: string): boolean {
  return s.includes('/') || s.includes(' ') || s.startsWith('0x');
}

/**
 * Reads an account given as a dev URI or an SS58 address.
 * @param path where the value sits in the input, for the error message (e.g. `subnets[0].neurons[2].hotkey`)
 */
export function readAccount(v: unknown, path: string): DevAccount {
  if (typeof v !== 'string' || v.length === 0) {
    throw new InvalidInputError(path, `expected a dev URI (e.g. "//Alice") or an SS58 address, got ${describeValue(v)}`);
  }
  if (looksLikeUri(v)) {
    keyring ??= new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX });
    try {
      const pair = keyring.createFromUri(v);
      return { publicKey: u8aToHex(pair.publicKey) as Hex, address: pair.address, uri: v };
    } catch (err) {
      throw new InvalidInputError(path, `${describeValue(v)} is not a dev URI keyring can derive (${(err as Error).message})`);
    }
  }
  let publicKey: Uint8Array;
  try {
    publicKey = decodeAddress(v);
  } catch (err) {
    throw new InvalidInputError(path, `${describeValue(v)} is neither a dev URI (e.g. "//Alice") nor a valid SS58 address (${(err as Error).message})`);
  }
  if (publicKey.length !== 32) {
    throw new InvalidInputError(path, `${describeValue(v)} decodes to ${publicKey.length} bytes; an account id has 32`);
  }
  return { publicKey: u8aToHex(publicKey) as Hex, address: encodeAddress(publicKey, SS58_PREFIX), uri: null };
}

/** An account from its 32-byte public key (hex), as call handlers see the signer. */
export function accountFromPublicKey(publicKey: Hex): DevAccount {
  return { publicKey: publicKey.toLowerCase() as Hex, address: encodeAddress(publicKey, SS58_PREFIX), uri: null };
}

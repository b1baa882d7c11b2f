import { statSync, readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady, mnemonicValidate } from '@polkadot/util-crypto';
import { YumavalError } from '../errors/index.js';

/*
 * Loading a hotkey: a mnemonic or 0x seed in a file (refused when group or others can read it), the same in an
 * environment variable, or a dev URI (//Alice) only when dev keys are allowed. The secret never appears in a message,
 * a log line or an error: errors name the source (file path, variable name), never its content.
 */

/** A key source that cannot be used. */
export class KeyError extends YumavalError {
  constructor(source: string, detail: string) {
    super(`key ${source}: ${detail}`, 'ERR_KEY');
  }
}

/** Where a key comes from. */
export type KeySource = { file: string } | { env: string } | { uri: string };

/** Options of loadKey. */
export interface LoadKeyOptions {
  /** Accept dev URIs (//Alice); off by default, since anyone knows their secrets. */
  dev?: boolean;
  /** sr25519 (the default, as Bittensor hotkeys) or ed25519. */
  type?: 'sr25519' | 'ed25519';
  /** The SS58 prefix of the address (42, Bittensor's). */
  ss58Format?: number;
}

export const LOAD_KEY_DEFAULTS: Readonly<Required<LoadKeyOptions>> = Object.freeze({ dev: false, type: 'sr25519', ss58Format: 42 });

/** A loaded key: the pair signs; `address` and `publicKey` are safe to print. */
export interface LoadedKey {
  pair: KeyringPair;
  address: string;
  /** A description of the source that holds no secret ("file /path", "env YUMAVAL_HOTKEY", "dev URI"). */
  source: string;
}

const DEV_URI = /^\/\/[A-Za-z0-9]+(\/\/?[A-Za-z0-9]+)*$/;

function describeSource(s: KeySource): string {
  if ('file' in s) return `file ${s.file}`;
  if ('env' in s) return `env ${s.env}`;
  return 'dev URI';
}

/** Reads a key file, refusing one that group or others can read (as ssh refuses a private key). */
function readKeyFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    throw new KeyError(`file ${path}`, `cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new KeyError(`file ${path}`, `is readable or writable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  return readFileSync(path, 'utf8').trim();
}

/** Turns a secret text into a pair: a mnemonic, a 0x 32-byte seed, or (with dev) a dev URI. */
function pairOf(secret: string, sourceName: string, o: Required<LoadKeyOptions>): KeyringPair {
  const keyring = new Keyring({ type: o.type, ss58Format: o.ss58Format });
  if (secret.startsWith('//')) {
    if (!DEV_URI.test(secret)) throw new KeyError(sourceName, 'is not a valid dev URI');
    if (!o.dev) throw new KeyError(sourceName, 'is a dev URI (anyone knows its secret): pass --dev to allow it');
    return keyring.addFromUri(secret);
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(secret)) return keyring.addFromSeed(Buffer.from(secret.slice(2), 'hex'));
  const words = secret.split(/\s+/);
  if (words.length >= 12 && mnemonicValidate(words.join(' '))) return keyring.addFromMnemonic(words.join(' '));
  // Say what was expected without echoing anything that was read.
  throw new KeyError(sourceName, 'holds neither a valid mnemonic, a 0x-prefixed 32-byte seed, nor a dev URI');
}

/** Loads a hotkey from a file, an environment variable or a dev URI. */
export async function loadKey(source: KeySource, options: LoadKeyOptions = {}): Promise<LoadedKey> {
  const o = { ...LOAD_KEY_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<LoadKeyOptions>;
  await cryptoWaitReady();
  const name = describeSource(source);
  let secret: string;
  if ('file' in source) secret = readKeyFile(source.file);
  else if ('env' in source) {
    const v = process.env[source.env];
    if (v === undefined || v.trim() === '') throw new KeyError(name, 'is not set');
    secret = v.trim();
  } else secret = source.uri;
  const pair = pairOf(secret, name, o);
  return { pair, address: pair.address, source: name };
}

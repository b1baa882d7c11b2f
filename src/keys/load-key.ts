import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady, mnemonicValidate } from '@polkadot/util-crypto';
import { showPath, YumavalError } from '../errors/index.js';
import { bool, intIn, oneOf, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';

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

const CHECKS: Readonly<Record<keyof LoadKeyOptions, Check>> = {
  dev: bool,
  type: oneOf(['sr25519', 'ed25519']),
  // SS58 prefixes are 14-bit (0..16383).
  ss58Format: intIn(0, 16_383),
};

/** A loaded key: the pair signs; `address` and `publicKey` are safe to print. */
export interface LoadedKey {
  pair: KeyringPair;
  address: string;
  /** A description of the source that holds no secret ("file /path", "env YUMAVAL_HOTKEY", "dev URI"). */
  source: string;
}

const DEV_URI = /^\/\/[A-Za-z0-9]+(\/\/?[A-Za-z0-9]+)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The largest key file read: a mnemonic of 24 words, or a seed, is far below it. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** The source as messages name it: never a value that could be the secret itself (see secret-text.ts). */
function describeSource(s: KeySource): string {
  if ('file' in s) return `file ${showPath(s.file)}`;
  if ('env' in s) return ENV_NAME.test(s.env) ? `env ${s.env}` : 'env (a name that is not a variable name, not shown)';
  return 'dev URI';
}

/**
 * Reads a key file, refusing one that group or others can read (as ssh refuses a private key), and anything that is
 * not a regular file. It is opened without blocking and checked on the open descriptor, so a FIFO cannot hang the
 * command and the checked file is the one read.
 */
function readKeyFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    // A value that names nothing may be a secret pasted where the file name belongs: it is not shown.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'EINVAL') {
      throw new KeyError('file (the path given is not shown, in case it is the secret itself)', `no such file (${code}): give the path of a file holding the secret, not the secret`);
    }
    if (code === 'EACCES' || code === 'EPERM') throw new KeyError(`file ${showPath(path)}`, `cannot be read by this user (${code}): check its owner and mode (600)`);
    throw new KeyError(`file ${showPath(path)}`, `cannot be opened (${code})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new KeyError(`file ${showPath(path)}`, 'is a directory: give the key file inside it');
    if (!st.isFile()) throw new KeyError(`file ${showPath(path)}`, 'is not a regular file (a FIFO, socket or device): give a key file');
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KeyError(`file ${showPath(path)}`, `is readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`);
    }
    if (st.size > MAX_KEY_FILE_BYTES) throw new KeyError(`file ${showPath(path)}`, `is ${st.size} bytes, more than a key file's ${MAX_KEY_FILE_BYTES}`);
    return readFileSync(fd, 'utf8').trim();
  } catch (e) {
    if (e instanceof KeyError) throw e;
    throw new KeyError(`file ${showPath(path)}`, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs a keyring call whose errors may quote the secret (@polkadot/keyring puts the URI or seed in some messages):
 * the error is replaced, and its message and cause are dropped, so that nothing upstream can print them.
 */
function guarded(sourceName: string, f: () => KeyringPair): KeyringPair {
  try {
    return f();
  } catch {
    throw new KeyError(sourceName, 'the keyring refused the secret (its message is not shown, since it may quote the secret)');
  }
}

/** Turns a secret text into a pair: a mnemonic, a 0x 32-byte seed, or (with dev) a dev URI. */
function pairOf(secret: string, sourceName: string, o: Required<LoadKeyOptions>): KeyringPair {
  const keyring = new Keyring({ type: o.type, ss58Format: o.ss58Format });
  if (secret.startsWith('//')) {
    if (!DEV_URI.test(secret)) throw new KeyError(sourceName, 'is not a valid dev URI');
    if (!o.dev) throw new KeyError(sourceName, 'is a dev URI (anyone knows its secret): pass --dev to allow it');
    return guarded(sourceName, () => keyring.addFromUri(secret));
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(secret)) return guarded(sourceName, () => keyring.addFromSeed(Buffer.from(secret.slice(2), 'hex')));
  const words = secret.split(/\s+/);
  if (words.length >= 12 && mnemonicValidate(words.join(' '))) return guarded(sourceName, () => keyring.addFromMnemonic(words.join(' ')));
  // Say what was expected without echoing anything that was read.
  throw new KeyError(sourceName, 'holds neither a valid mnemonic, a 0x-prefixed 32-byte seed, nor a dev URI');
}

/** Loads a hotkey from a file, an environment variable or a dev URI. */
export async function loadKey(source: KeySource, options: LoadKeyOptions = {}): Promise<LoadedKey> {
  const o = resolveOptions({ thing: 'a key option', things: 'key options', defaults: LOAD_KEY_DEFAULTS, checks: CHECKS }, options) as Required<LoadKeyOptions>;
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

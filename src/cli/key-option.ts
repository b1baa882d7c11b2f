import { InvalidOptionError } from '../errors/index.js';
import type { KeySource } from '../keys/index.js';

/*
 * The hotkey options shared by the commands that sign (`weights set`, `miner`, `query`): `--key FILE` (a mnemonic or
 * 0x seed file, mode 600; the file may hold a dev URI, accepted with --dev), `--key //Name` (a dev URI given
 * directly, only with --dev), or `--key-env NAME` (the secret in an environment variable, as containers pass secrets).
 * The secret itself is never an option value, so it never shows in `ps` or shell history. When one is given by
 * mistake anyway, no message repeats it: errors name the option, never its value.
 */

/** Raw commander values of the key options. */
export interface RawKeyOptions {
  key?: unknown;
  keyEnv?: unknown;
  dev?: unknown;
}

/**
 * Checks the key options: exactly one of --key and --key-env.
 * @throws InvalidOptionError naming the option
 */
export function parseKeyOptions(raw: RawKeyOptions, role: 'validator' | 'miner'): { key: KeySource; dev: boolean } {
  const dev = raw.dev === true;
  const hasKey = raw.key !== undefined;
  const hasEnv = raw.keyEnv !== undefined;
  if (hasKey && hasEnv) throw new InvalidOptionError('--key-env', 'give either --key or --key-env, not both');
  if (hasEnv) {
    const name = String(raw.keyEnv);
    // The value is never shown: what is not a variable name here is most often the secret itself.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InvalidOptionError('--key-env', 'expected the NAME of an environment variable (letters, digits and _, not starting with a digit) that holds the secret; the value given is not shown, in case it is the secret');
    return { key: { env: name }, dev };
  }
  if (typeof raw.key !== 'string' || raw.key === '') {
    const example = role === 'validator' ? '//Alice' : '//Bob';
    throw new InvalidOptionError('--key', `expected the ${role} hotkey file (a mnemonic or 0x seed; mode 600), --key-env NAME, or with --dev a dev URI such as ${example}`);
  }
  if (raw.key.startsWith('//')) {
    if (!dev) throw new InvalidOptionError('--key', 'the value is a dev URI (anyone knows its secret; it is not shown): add --dev to allow it');
    return { key: { uri: raw.key }, dev };
  }
  return { key: { file: raw.key }, dev };
}

/** The --help line of --key-env. */
export const KEY_ENV_HELP = 'read the hotkey secret (mnemonic or 0x seed) from this environment variable instead of --key';

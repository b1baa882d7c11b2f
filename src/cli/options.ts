import { once } from 'node:events';
import { InvalidOptionError, looksLikeSecret, showValue } from '../errors/index.js';
import type { KeySource } from '../keys/index.js';

/*
 * The command-line option layer: one parser for each kind of option several commands share (integers with their
 * range, --chain / --netuid / --at, blocks, the hotkey options, files such as --db, and the boolean flags), so that a
 * value is read the same way, and refused with the same words, whichever command takes it. Every parser throws
 * InvalidOptionError naming the option (the CLI exits 2 with that one line) and shows a refused value only through
 * showValue, which hides what looks like a secret given by mistake. Commands parse their raw commander options with
 * these into a checked options object first (`parseXOptions`), then run (`runX(options, io)`).
 */

/** A refused value as a message shows it: quoted, cut at 40 characters, or a placeholder when it looks like a secret. */
function shown(raw: unknown): string {
  const text = String(raw);
  // The whole value is judged: a cut secret might no longer look like one.
  if (looksLikeSecret(text)) return showValue(text);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

/** A command-line integer (an optional minus sign and digits) in min..max. */
export function integerOption(name: string, raw: unknown, min: number, max: number): number {
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidOptionError(name, `expected an integer from ${min} to ${max}, got ${shown(raw)}`);
  return n;
}

/** integerOption for an option that may be absent: null when it was not given. */
export function optionalInteger(name: string, raw: unknown, min: number, max: number): number | null {
  return raw === undefined ? null : integerOption(name, raw, min, max);
}

/** A command-line unsigned integer up to 2^64 − 1 (u64 quantities such as a version key), read exactly. */
export function u64Option(name: string, raw: unknown, min = 0n): bigint {
  const text = String(raw).trim();
  if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 1n << 64n || BigInt(text) < min) throw new InvalidOptionError(name, `expected an integer from ${min} to 2^64 - 1, got ${shown(raw)}`);
  return BigInt(text);
}

/** A block number (a safe integer ≥ 0), or null when the option is absent. */
export function blockOption(name: string, raw: unknown): number | null {
  return optionalInteger(name, raw, 0, Number.MAX_SAFE_INTEGER);
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(name: string, raw: unknown, choices: readonly T[]): T {
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) throw new InvalidOptionError(name, `expected one of ${choices.join(', ')}, got ${raw === undefined ? 'nothing' : shown(raw)}`);
  return raw as T;
}

/** A non-empty path (`what` says what it names: "a file path", "a directory"), or null when the option is absent. */
export function pathOption(name: string, raw: unknown, what = 'a file path'): string | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || raw === '') throw new InvalidOptionError(name, `expected ${what}`);
  return raw;
}

/** `--db FILE`: the validator's store, shared by `weights set` and `validator`. */
export const DB_DEFAULT = 'yumaval.db';

/** Checks `--db` (absent: DB_DEFAULT). */
export function dbOption(raw: unknown): string {
  return pathOption('--db', raw, 'a file name') ?? DB_DEFAULT;
}

/** A boolean flag (`--json`, `--pretty`, `--dev`, `--allow-private`, ...): on only when commander set it to true. */
export function flagOption(raw: unknown): boolean {
  return raw === true;
}

/** A ws:// or wss:// URL without spaces. */
const CHAIN_URL = /^wss?:\/\/\S+$/;

/** `--chain URL`: a node's ws:// or wss:// URL. `hint` is added to the message (e.g. " (with --netuid)"). */
export function chainOption(raw: unknown, hint = ''): string {
  if (typeof raw !== 'string' || !CHAIN_URL.test(raw)) throw new InvalidOptionError('--chain', `expected a ws:// or wss:// URL${hint}, got ${raw === undefined ? 'nothing' : shown(raw)}`);
  return raw;
}

/** `--netuid N`: a subnet, 0..65535. */
export function netuidOption(raw: unknown): number {
  return integerOption('--netuid', raw ?? '', 0, 65535);
}

/** `--genesis HASH`: a chain's genesis hash in lower case, or "unknown" (the archive's name for a chain not known). */
export function genesisOption(raw: unknown): string | null {
  if (raw === undefined) return null;
  const g = String(raw);
  if (!/^0x[0-9a-f]{64}$|^unknown$/.test(g)) throw new InvalidOptionError('--genesis', `expected a 0x-prefixed 32-byte hash in lower case (or "unknown"), got ${shown(g)}`);
  return g;
}

/** The chain and subnet a command targets. */
export interface ChainTarget {
  /** ws:// or wss:// URL of the node. */
  chain: string;
  netuid: number;
  /** A block number or hash; null for the best head. */
  at: number | string | null;
}

/** Checks --chain, --netuid and --at. */
export function parseChainTarget(raw: { chain?: unknown; netuid?: unknown; at?: unknown }): ChainTarget {
  const chain = chainOption(raw.chain);
  const netuid = netuidOption(raw.netuid);
  let at: number | string | null = null;
  if (raw.at !== undefined) {
    const text = String(raw.at);
    if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) at = Number(text);
    else if (/^0x[0-9a-fA-F]{64}$/.test(text)) at = text.toLowerCase();
    else throw new InvalidOptionError('--at', `expected a block number or a 0x-prefixed 32-byte block hash, got ${shown(text)}`);
  }
  return { chain, netuid, at };
}

/**
 * An optional chain target: null when neither --chain nor --netuid is given, else both, checked (`--chain` alone is
 * refused: the subnet is not guessed).
 */
export function optionalChainTarget(raw: { chain?: unknown; netuid?: unknown }, hint = ''): { chain: string; netuid: number } | null {
  if (raw.chain === undefined && raw.netuid === undefined) return null;
  const chain = chainOption(raw.chain, hint);
  if (raw.netuid === undefined) throw new InvalidOptionError('--netuid', 'is required with --chain');
  return { chain, netuid: netuidOption(raw.netuid) };
}

/*
 * The hotkey options of the commands that sign (`weights set`, `miner`, `query`, `validator`): `--key FILE` (a
 * mnemonic or 0x seed file, mode 600; the file may hold a dev URI, accepted with --dev), `--key //Name` (a dev URI
 * given directly, only with --dev), or `--key-env NAME` (the secret in an environment variable, as containers pass
 * secrets). The secret itself is never an option value, so it never shows in `ps` or shell history. When one is given
 * by mistake anyway, no message repeats it: errors name the option, never its value. The file's permissions are
 * checked when it is loaded (src/keys: readable by group or others is refused).
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
  const dev = flagOption(raw.dev);
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

/** The --help line of --allow-private for the commands whose dendrite dials miners. */
export const ALLOW_PRIVATE_HELP = 'dial private, loopback and link-local miner addresses (devnet, LAN); off by default';

/**
 * Where a one-shot command writes: results (JSON alone, or a table) to stdout, progress and notes for people to
 * stderr. `stdout` resolves once the text was taken (it waits for a full pipe, so a large result streams without
 * piling up in memory). Tests pass their own to capture both.
 */
export interface CommandIo {
  stdout(text: string): Promise<void>;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  stderrIsTTY: boolean;
}

/** The process's own stdout and stderr. */
export function processIo(): CommandIo {
  return {
    stdout: async (text) => {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    },
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

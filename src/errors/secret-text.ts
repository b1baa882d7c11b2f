/*
 * Secrets given by mistake where a file name, an environment variable name or a URL belongs (`--key "<mnemonic>"`,
 * `--weights 0x…`, `--chain //Alice`) must never be echoed back in a message or a log line: terminals are recorded,
 * logs are shipped, screenshots are shared. Messages about such values show them only when they cannot be a secret.
 *
 * The test is deliberately broad (a false positive only hides a file name from one message): a run of 12 or more
 * BIP-39-sized words (a mnemonic, with or without a derivation path), 64 hex digits in a row (a seed or a private
 * key, with or without 0x), or a value that starts with `//` (a dev URI such as //Alice).
 */

const MNEMONIC_LIKE = /(?:^|[^A-Za-z])(?:[A-Za-z]{3,8}[\s,]+){11,}[A-Za-z]{3,8}(?![A-Za-z])/;
const HEX_SEED_LIKE = /[0-9a-fA-F]{64}/;
const DEV_URI_LIKE = /^\s*\/\//;

/** True when `text` could be a secret key (a mnemonic, a hex seed, a dev URI): then it must not be shown. */
export function looksLikeSecret(text: string): boolean {
  return MNEMONIC_LIKE.test(text) || HEX_SEED_LIKE.test(text) || DEV_URI_LIKE.test(text);
}

/**
 * A command-line value as a message may show it: quoted (JSON), or a placeholder when it looks like a secret.
 * Use it for every value that names a file, a variable or an address.
 */
export function showValue(text: unknown): string {
  const s = typeof text === 'string' ? text : String(text);
  return looksLikeSecret(s) ? '(the value is not shown: it looks like a secret key)' : JSON.stringify(s);
}

/** A path as a message may show it: as given, or a placeholder when it looks like a secret. */
export function showPath(path: string): string {
  return looksLikeSecret(path) ? '(a path not shown: it looks like a secret key)' : path;
}

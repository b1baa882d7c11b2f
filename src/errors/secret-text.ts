import english from '@polkadot/util-crypto/mnemonic/wordlists/en';

/*
 * Secrets given by mistake where a file name, an environment variable name or a URL belongs (`--key "<mnemonic>"`,
 * `--weights 0x…`, `--chain //Alice`) must never be echoed back in a message or a log line: terminals are recorded,
 * logs are shipped, screenshots are shared. Messages about such values show them only when they cannot be a secret.
 *
 * What counts as a possible secret: a run of 12 or more BIP-39 words (a mnemonic, with or without a derivation path;
 * the English list, which is what the SDK's wallets write), 64 hex digits in a row (a seed or a private key, with or
 * without 0x), or a value that starts with `//` (a dev URI such as //Alice). A false positive only hides a file name.
 */

const WORDS: ReadonlySet<string> = new Set(english);
/** The shortest mnemonic. */
const MNEMONIC_WORDS = 12;
const HEX_SEED_LIKE = /[0-9a-fA-F]{64}/;
const DEV_URI_LIKE = /^\s*\/\//;
const WELL_KNOWN_DEV = /^\/\/(Alice|Bob|Charlie|Dave|Eve|Ferdie)$/;

/** The [start, end) spans of runs of ≥ 12 BIP-39 words separated only by spaces or commas. */
function mnemonicRuns(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1, end = -1, count = 0;
  for (const m of text.matchAll(/[A-Za-z]+/g)) {
    const at = m.index;
    const word = m[0].toLowerCase();
    const joined = count > 0 && /^[\s,]+$/.test(text.slice(end, at));
    if (WORDS.has(word)) {
      if (!joined) {
        if (count >= MNEMONIC_WORDS) runs.push([start, end]);
        start = at;
        count = 0;
      }
      count++;
      end = at + word.length;
    } else {
      if (count >= MNEMONIC_WORDS) runs.push([start, end]);
      count = 0;
    }
  }
  if (count >= MNEMONIC_WORDS) runs.push([start, end]);
  return runs;
}

/** True when `text` could be a secret key (a mnemonic, a hex seed, a dev URI): then it must not be shown. */
export function looksLikeSecret(text: string): boolean {
  return HEX_SEED_LIKE.test(text) || DEV_URI_LIKE.test(text) || mnemonicRuns(text).length > 0;
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

/**
 * A last line of defence for text about to be printed (the CLI's error line): mnemonic-like runs and dev-URI-like
 * words (`//Name` not after a scheme's colon) are replaced. Hex runs of 64 digits are replaced only with `hex: true`
 * (for text that never holds a block or extrinsic hash, which look alike: the argument parser's messages).
 */
export function scrubSecrets(text: string, options: { hex?: boolean } = {}): string {
  let out = options.hex === true ? text.replace(/(0x)?[0-9a-fA-F]{64,}/g, '(not shown)') : text;
  for (const [a, b] of mnemonicRuns(out).reverse()) out = `${out.slice(0, a)}(not shown)${out.slice(b)}`;
  // The well-known dev accounts (//Alice … //Ferdie) are examples in help and messages; their secrets are public.
  return out.replace(/(^|[\s"'(=[])(\/\/[A-Za-z0-9][A-Za-z0-9/]*)/g, (all, pre: string, uri: string) => (WELL_KNOWN_DEV.test(uri) ? all : `${pre}(not shown)`));
}

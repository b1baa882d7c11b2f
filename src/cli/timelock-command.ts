import { Command } from 'commander';
import { InvalidInputError, InvalidOptionError, YumavalError } from '../errors/index.js';
import type { WeightsPayloadJson } from '../timelock/index.js';
import { readJsonInput, readTextInput, writeJson } from './read-input.js';

/*
 * `yumaval timelock encrypt|decrypt`: the chain's timelocked weight commits by hand, for operators inspecting or
 * preparing one (docs/timelock.md). encrypt prints the ciphertext as one 0x-hex line; decrypt prints the payload as
 * JSON. The scheme's module (@noble/curves, ~100 ms to load) is imported only when a timelock command runs, so
 * other commands do not pay for it. Every failure to open a commit is an input error (exit 2) naming the option that holds the wrong thing: the
 * chain drops such commits silently, so this is where the reason is shown.
 */

const U64_MAX = 2n ** 64n - 1n;

/** Parses `--round`: a decimal u64 >= 1. */
export function parseRoundOption(raw: unknown): bigint {
  const text = String(raw ?? '');
  if (!/^[1-9]\d{0,19}$/.test(text) || BigInt(text) > U64_MAX) {
    throw new InvalidOptionError('--round', `expected a drand round, an integer from 1 to 2^64 - 1, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return BigInt(text);
}

/** Parses hex bytes (0x optional, surrounding whitespace ignored) of an exact or minimum length. */
function parseHex(name: string, text: string, what: string, exactBytes?: number): Uint8Array {
  const t = text.trim().replace(/^0x/i, '');
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) {
    throw new InvalidInputError(name, `expected ${what} as hex (an even number of hex digits, 0x optional)`);
  }
  if (exactBytes !== undefined && t.length !== 2 * exactBytes) {
    throw new InvalidInputError(name, `expected ${what}: ${exactBytes} bytes (${2 * exactBytes} hex digits), got ${t.length / 2} bytes`);
  }
  return Uint8Array.from(Buffer.from(t, 'hex'));
}

/** Parses `--beacon`: `quicknet` (given as `quicknetKeyHex`) or a 96-byte compressed G2 public key in hex. */
export function parseBeaconOption(raw: unknown, quicknetKeyHex: string): Uint8Array {
  const text = raw === undefined ? 'quicknet' : String(raw);
  if (text === 'quicknet') return Uint8Array.from(Buffer.from(quicknetKeyHex, 'hex'));
  try {
    return parseHex('--beacon', text, 'quicknet or a compressed G2 public key', 96);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidOptionError('--beacon', err.message.replace(/^--beacon: /, ''));
    throw err;
  }
}

/** Re-labels a timelock failure as an input error naming the option that holds the culprit. */
function asInputError(err: unknown, payloadPlace: string): unknown {
  if (!(err instanceof YumavalError)) return err;
  const to = (field: string): InvalidInputError => new InvalidInputError(field, err.message);
  switch (err.code) {
    case 'ERR_TIMELOCK_ROUND':
      return to('--signature');
    case 'ERR_TIMELOCK_CIPHERTEXT':
      return to('--input');
    case 'ERR_TIMELOCK_KEY':
      return to(err.message.includes('public key') ? '--beacon' : '--signature');
    case 'ERR_TIMELOCK_PAYLOAD':
      return to(payloadPlace);
    default:
      return err;
  }
}

/** `yumaval timelock encrypt`: the hex ciphertext of a payload JSON for a round. */
export async function runEncrypt(opts: { round?: unknown; input: string; beacon?: unknown }): Promise<string> {
  const round = parseRoundOption(opts.round);
  const { encrypt, encodeWeightsPayload, payloadFromJson, QUICKNET_PUBLIC_KEY_HEX } = await import('../timelock/index.js');
  const beacon = parseBeaconOption(opts.beacon, QUICKNET_PUBLIC_KEY_HEX);
  const payload = payloadFromJson(await readJsonInput(opts.input, { exactIntegers: true }));
  try {
    return `0x${Buffer.from(encrypt(encodeWeightsPayload(payload), round, beacon)).toString('hex')}`;
  } catch (err) {
    throw asInputError(err, '--input');
  }
}

/** `yumaval timelock decrypt`: the payload JSON of a hex ciphertext, opened with a round signature. */
export async function runDecrypt(opts: { signature?: unknown; input: string }): Promise<WeightsPayloadJson> {
  if (opts.signature === undefined) throw new InvalidOptionError('--signature', 'required: the round\'s BLS signature (48 bytes, hex)');
  const signature = parseHex('--signature', String(opts.signature), 'the round signature (compressed G1)', 48);
  const ciphertext = parseHex('--input', await readTextInput(opts.input), 'the ciphertext');
  const { decrypt, decodeWeightsPayload, payloadToJson } = await import('../timelock/index.js');
  try {
    return payloadToJson(decodeWeightsPayload(decrypt(ciphertext, signature)));
  } catch (err) {
    throw asInputError(err, '--input (decrypted, but not a WeightsTlockPayload)');
  }
}

function encryptCommand(): Command {
  return new Command('encrypt')
    .description('encrypt a weights payload to a drand round, as commit_timelocked_weights carries it')
    .requiredOption('--round <n>', 'the drand round whose signature will open it (1 .. 2^64-1)')
    .requiredOption('-i, --input <file>', 'the payload JSON, or - for stdin')
    .option('--beacon <key>', 'quicknet (default) or the beacon\'s compressed G2 public key in hex (96 bytes)')
    .addHelpText(
      'after',
      '\nThe payload is { "hotkey": "0x<32-byte public key>", "uids": [u16...], "values": [u16...], "versionKey": u64 }\n' +
        '(versionKey as a number or a decimal string; uids and values of equal length).\n' +
        'Prints the ciphertext as one 0x-hex line: the payload plus 244 bytes (docs/timelock.md).\n' +
        'Encrypting takes tens of milliseconds of CPU. Invalid input exits 2 naming the field.',
    )
    .action(async (opts: { round?: unknown; input: string; beacon?: unknown }) => {
      process.stdout.write(`${await runEncrypt(opts)}\n`);
    });
}

function decryptCommand(): Command {
  return new Command('decrypt')
    .description('open a timelocked weight commit with its round\'s signature and print the payload')
    .requiredOption('--signature <hex>', 'the drand round signature (compressed G1, 48 bytes, hex)')
    .requiredOption('-i, --input <file>', 'a file holding the ciphertext as hex (0x optional), or - for stdin')
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      '\nPrints { "hotkey", "uids", "values", "versionKey" } with versionKey as a decimal string.\n' +
        'A signature of another round, a damaged ciphertext or a plaintext that is not a WeightsTlockPayload exits 2\n' +
        'with one line naming the option; the chain drops such commits without a word (docs/timelock.md).',
    )
    .action(async (opts: { signature?: unknown; input: string; pretty?: boolean }) => {
      writeJson(await runDecrypt(opts), opts.pretty === true);
    });
}

/** `yumaval timelock`: the chain's drand timelock encryption of weight commits. */
export function timelockCommand(): Command {
  return new Command('timelock')
    .description('drand timelock encryption of weight commits, byte for byte as the chain decrypts them (tle)')
    .addCommand(encryptCommand().exitOverride())
    .addCommand(decryptCommand().exitOverride());
}

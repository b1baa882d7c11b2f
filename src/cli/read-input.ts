import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FileReadError, InvalidJsonError, showPath } from '../errors/index.js';
import { integerOption } from './options.js';
import { quoteInexactNumbers } from './exact-json.js';

/*
 * Reading the JSON input of a command (a file, or stdin as `-`), within a size limit checked before the text is
 * built: V8 cannot hold a string over 512 MiB, and the parsed document takes several times its text (measured in
 * docs/limits.md), so an input over the limit is refused with exit 2 naming the size and the flag, instead of a
 * RangeError or a heap exhaustion later. A UTF-8 byte order mark is skipped (editors on Windows write one); UTF-16
 * is named. Names that look like a secret given by mistake are never echoed (src/errors/secret-text.ts).
 */

/** The largest input any command reads: V8's longest string (2^29 − 24 chars) holds at most this many whole MiB. */
export const MAX_INPUT_MIB_CEILING = 511;

/** Defaults of the input reader: 256 MiB keeps an `epoch` run well inside Node's default heap (docs/limits.md). */
export const READ_INPUT_DEFAULTS = Object.freeze({ maxInputMib: 256, exactIntegers: false });

/** Options of readJsonInput. */
export interface ReadInputOptions {
  /** The largest input in MiB (1..511); larger inputs are refused before they are read. */
  maxInputMib?: number;
  /** Read integers above 2^53 exactly, as decimal strings (the u64 fields of contracts/epoch-io.md; exact-json.ts). */
  exactIntegers?: boolean;
}

/** Checks a `--max-input-mb` option value (undefined keeps the default). */
export function parseMaxInputOption(raw: unknown): number {
  return raw === undefined ? READ_INPUT_DEFAULTS.maxInputMib : integerOption('--max-input-mb', raw, 1, MAX_INPUT_MIB_CEILING);
}

/** The --help line of --max-input-mb. */
export const MAX_INPUT_HELP = `refuse inputs larger than this many MiB (default ${READ_INPUT_DEFAULTS.maxInputMib}, at most ${MAX_INPUT_MIB_CEILING}; docs/limits.md)`;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function tooLarge(name: string, size: string, maxMib: number): FileReadError {
  return new FileReadError(name, `the input is ${size}, more than the ${maxMib} MiB limit (raise it with --max-input-mb, at most ${MAX_INPUT_MIB_CEILING})`);
}

/** Reads a stream to its end, stopping as soon as it holds more than `maxBytes`. */
async function readCapped(stream: Readable, name: string, maxMib: number): Promise<Buffer> {
  const maxBytes = maxMib * 2 ** 20;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      stream.destroy();
      throw tooLarge(name, `over ${mib(maxBytes)}`, maxMib);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

function readReason(code: string | undefined): string {
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return String(code ?? 'error');
}

/** The bytes of a file (refused before reading when a regular file is over the limit), or of stdin for `-`. */
async function readBytes(source: string, name: string, maxMib: number): Promise<Buffer> {
  if (source === '-') return readCapped(process.stdin, name, maxMib);
  let handle;
  try {
    handle = await open(source, 'r');
  } catch (err) {
    throw new FileReadError(name, readReason((err as NodeJS.ErrnoException).code));
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new FileReadError(name, 'it is a directory');
    if (st.isFile() && st.size > maxMib * 2 ** 20) throw tooLarge(name, mib(st.size), maxMib);
    // A pipe or a file that grows while it is read is still cut at the limit.
    return await readCapped(handle.createReadStream({ autoClose: false }), name, maxMib);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(name, readReason((err as NodeJS.ErrnoException).code));
  } finally {
    await handle.close();
  }
}

/** Reads a JSON document from a file, or from stdin when `source` is `-`. */
export async function readJsonInput(source: string, options: ReadInputOptions = {}): Promise<unknown> {
  const maxMib = options.maxInputMib ?? READ_INPUT_DEFAULTS.maxInputMib;
  const name = source === '-' ? 'stdin' : showPath(source);
  const bytes = await readBytes(source, name, maxMib);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InvalidJsonError(name, 'the input is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8');
  }
  // A UTF-8 byte order mark is not JSON, but editors write one: it is skipped.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.toString('utf8', start);
  if (text.trim() === '') throw new InvalidJsonError(name, 'the input is empty');
  const exact = options.exactIntegers === true ? quoteInexactNumbers(text) : text;
  try {
    return JSON.parse(exact) as unknown;
  } catch (err) {
    // The message (its position) is the original text's, whatever the rewriting did.
    let detail = (err as Error).message;
    if (exact !== text) {
      try {
        JSON.parse(text);
      } catch (e) {
        detail = (e as Error).message;
      }
    }
    throw new InvalidJsonError(name, detail.split('\n')[0] ?? 'parse error');
  }
}

/** Reads a text document (e.g. hex) from a file, or from stdin when `source` is `-`, within the same size limit. */
export async function readTextInput(source: string, options: Pick<ReadInputOptions, 'maxInputMib'> = {}): Promise<string> {
  const maxMib = options.maxInputMib ?? READ_INPUT_DEFAULTS.maxInputMib;
  const name = source === '-' ? 'stdin' : showPath(source);
  const bytes = await readBytes(source, name, maxMib);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.toString('utf8', start);
}

/** A JSON result as one line (or indented with `pretty`), ending with a newline. */
export function jsonLine(value: unknown, pretty = false): string {
  return `${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`;
}

/** Writes a JSON result to stdout, alone, as the contracts require. */
export function writeJson(value: unknown, pretty = false): void {
  process.stdout.write(jsonLine(value, pretty));
}

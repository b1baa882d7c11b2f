import { readFile } from 'node:fs/promises';
import { FileReadError, InvalidJsonError } from '../errors/index.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON document from a file, or from stdin when `source` is `-`. */
export async function readJsonInput(source: string): Promise<unknown> {
  let text: string;
  if (source === '-') {
    text = await readStdin();
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new FileReadError(source, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? err));
    }
  }
  const name = source === '-' ? 'stdin' : source;
  if (text.trim() === '') throw new InvalidJsonError(name, 'the input is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidJsonError(name, (err as Error).message.split('\n')[0] ?? 'parse error');
  }
}

/** Writes a JSON result to stdout, alone, as the contracts require. */
export function writeJson(value: unknown, pretty = false): void {
  process.stdout.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
}

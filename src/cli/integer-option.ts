import { InvalidOptionError } from '../errors/index.js';

/** A command-line integer (an optional minus sign and digits) in min..max, or InvalidOptionError naming the option. */
export function integerOption(name: string, raw: unknown, min: number, max: number): number {
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidOptionError(name, `expected an integer from ${min} to ${max}, got ${JSON.stringify(String(raw))}`);
  return n;
}

import { InvalidOptionError } from '../errors/index.js';

/*
 * Derived seeds. Every random draw of the task (the source, a query's context, its truth, a miner's noise) comes from
 * its own Prng (src/random) seeded by mixing the integers that name it, so draws are reproducible one by one, in any
 * order, and independent streams do not overlap. The mix is murmur3's 32-bit finaliser over the words of each part
 * (a safe integer is split in two 32-bit words, so steps and seeds up to 2^53 are all distinct).
 */

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function absorb(h: number, word: number): number {
  return fmix((h ^ Math.imul(word >>> 0, 0xcc9e2d51)) + 0x9e3779b9);
}

/** A 32-bit seed from a list of integers (each a safe integer, negative allowed): equal lists, equal seeds. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x5eed1234 ^ parts.length;
  for (const p of parts) {
    const lo = p % 4294967296;
    const hi = (p - lo) / 4294967296;
    h = absorb(absorb(h, lo), hi);
  }
  return h;
}

/** A 32-bit seed from a string and integers: e.g. a stream name and a query's coordinates. */
export function mixNamedSeed(name: string, ...parts: readonly number[]): number {
  const codes: number[] = [];
  for (let i = 0; i < name.length; i++) codes.push(name.charCodeAt(i));
  return mixSeed(mixSeed(...codes), ...parts);
}

/** Checks that `value` is a safe integer (a seed, a step, an index), naming the option otherwise. */
export function checkSafeInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidOptionError(option, `expected a safe integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

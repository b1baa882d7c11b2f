import { InvalidOptionError } from '../errors/index.js';

/*
 * The one merge of a caller's options with frozen defaults for the task module. Task options travel between processes
 * (the validator's and each miner's, `yumaval miner --task FILE`), so a misspelt key is refused rather than ignored:
 * an ignored `sourceSeed` would give a miner another source than the validator's without a word.
 */

/**
 * `defaults` overlaid with the keys of `options` that are not undefined.
 * @param keys every accepted key (those of the defaults and any without a default)
 * @param prefix the option path in messages (`source.` → `option source.vocab: ...`)
 * @throws InvalidOptionError when `options` is not an object or has a key outside `keys`
 */
export function mergeOptions<T extends object>(defaults: Readonly<Partial<T>>, options: unknown, keys: readonly string[], prefix = ''): T {
  if (options === undefined || options === null) return { ...defaults } as T;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(prefix === '' ? 'options' : prefix.slice(0, -1), `expected an object of options (${keys.join(', ')})`);
  }
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (!keys.includes(k)) throw new InvalidOptionError(`${prefix}${k}`, `is not an option (expected one of ${keys.join(', ')})`);
    if (v !== undefined) given[k] = v;
  }
  return { ...defaults, ...given } as T;
}

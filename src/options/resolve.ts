import { InvalidOptionError, describeValue, nearestName } from '../errors/index.js';
import type { YumavalError } from '../errors/index.js';
import type { Check } from './checks.js';

/*
 * The one options resolver: a module's frozen defaults merged once with a caller's partial options, every key checked
 * by the module's table of checks (typed as Record<keyof Options, Check>, so a new option cannot be added without its
 * check), and unknown keys refused with the list of valid ones, so that a misspelt key never runs silently with the
 * default. Every module words its errors the same way:
 *   option <place>: is not <a thing> (expected one of a, b, c; did you mean b?)
 *   option <place>: <what was expected>, got <the value>
 * where <place> is the key, or `path.key` when the options are part of a larger document (`config.sampleSize`).
 */

/** What a module's options are, for resolveOptions. */
export interface OptionsSpec<T extends object> {
  /** One key, for the unknown-key message: "a validator setting", "an RPC server option". */
  thing: string;
  /** The whole object, for the message when the options are not an object: "validator settings". */
  things: string;
  /** Where that message points when there is no path (default `options`). */
  name?: string;
  /** The frozen defaults. Keys without a default (required ones) are absent and must be given. */
  defaults: Readonly<Partial<T>>;
  /** One check per key, run on every merged value (defaults included, so a required key that is missing is named). */
  checks: Readonly<Record<keyof T, Check>>;
  /** Keys whose values messages never show (secrets, or values that may hold one). */
  hidden?: ReadonlyArray<keyof T>;
  /** Checks across keys, after each key passed its own: the key to name and the problem, or null. */
  across?: (options: T) => readonly [keyof T & string, string] | null;
  /** The error a refused key raises (default InvalidOptionError: `option <place>: <detail>`, exit 2 in the CLI). */
  error?: (place: string, detail: string) => YumavalError;
  /** Return the merged options frozen. */
  freeze?: boolean;
}

const optionError = (place: string, detail: string): YumavalError => new InvalidOptionError(place, detail);

/**
 * Merges `partial` over `spec.defaults` once and checks every key. A key given as undefined keeps its default.
 * @param path the name of the options in messages when they sit inside a larger document (`config` → `config.key`)
 * @returns a new object; the defaults are never modified
 * @throws spec.error (InvalidOptionError by default) naming the key: unknown, missing, or of the wrong kind or range
 */
export function resolveOptions<T extends object>(spec: OptionsSpec<T>, partial: unknown = {}, path?: string): T {
  const fail = spec.error ?? optionError;
  const place = (key: string): string => (path === undefined ? key : `${path}.${key}`);
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw fail(path ?? spec.name ?? 'options', `expected an object of ${spec.things}, got ${describeValue(partial)}`);
  }
  const keys = Object.keys(spec.checks);
  const given = partial as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(spec.checks, key)) {
      throw fail(place(key), `is not ${spec.thing} (expected one of ${keys.join(', ')}; did you mean ${nearestName(key, keys)}?)`);
    }
  }
  const out: Record<string, unknown> = { ...spec.defaults };
  for (const key of keys) if (given[key] !== undefined) out[key] = given[key];
  const hidden = new Set<string>((spec.hidden ?? []) as unknown as string[]);
  for (const key of keys) {
    const v = out[key];
    const problem = (spec.checks as Record<string, Check>)[key]!(v);
    if (problem === null) continue;
    // A check that names a place inside the value (`[2].weight: ...`) has said what it found there.
    const inside = problem.startsWith('[') || problem.startsWith('.');
    const shown = inside ? '' : hidden.has(key) ? ' (the value given is not shown)' : `, got ${v === undefined ? 'nothing' : describeValue(v)}`;
    throw fail(place(key), `${problem}${shown}`);
  }
  const resolved = out as T;
  const clash = spec.across?.(resolved) ?? null;
  if (clash !== null) throw fail(place(clash[0]), clash[1]);
  return spec.freeze === true ? Object.freeze(resolved) : resolved;
}

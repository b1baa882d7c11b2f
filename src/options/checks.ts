/*
 * The checks of an options table (resolve.ts): each takes a value and returns what was expected when the value does
 * not fit, or null. They say nothing of the value itself: the resolver appends it (`, got 70000`), unless the key is
 * hidden. Ranges are written as intervals: [lo, hi] closed, (lo, hi] open at lo.
 */

/** A check of one value: what was expected, or null when it fits. */
export type Check = (v: unknown) => string | null;

/** An integer in [lo, hi]. */
export const intIn = (lo: number, hi: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? null : `expected an integer in [${lo}, ${hi}]`;

/** A finite number in [lo, hi], or (lo, hi] with `openLow`, or [lo, hi) with `openHigh`; `unit` names it ("seconds"). */
export const numberIn = (lo: number, hi: number, o: { openLow?: boolean; openHigh?: boolean; unit?: string } = {}): Check => (v) => {
  const ok = typeof v === 'number' && Number.isFinite(v) && (o.openLow === true ? v > lo : v >= lo) && (o.openHigh === true ? v < hi : v <= hi);
  return ok ? null : `expected ${o.unit ?? 'a number'} in ${o.openLow === true ? '(' : '['}${lo}, ${hi}${o.openHigh === true ? ')' : ']'}`;
};

/** true or false. */
export const bool: Check = (v) => (typeof v === 'boolean' ? null : 'expected true or false');

/** One of a fixed set of strings. */
export const oneOf = (choices: readonly string[]): Check => (v) =>
  typeof v === 'string' && choices.includes(v) ? null : `expected one of ${choices.join(', ')}`;

/** A non-empty string; `what` names it ("a directory path"). */
export const nonEmptyString = (what: string): Check => (v) => (typeof v === 'string' && v.length > 0 ? null : `expected ${what}`);

/** A function; `signature` shows its shape ("(line: string) => void"). */
export const fn = (signature: string): Check => (v) => (typeof v === 'function' ? null : `expected a function ${signature}`);

/** Either null or what `check` accepts. */
export const nullOr = (check: Check): Check => (v) => {
  if (v === null) return null;
  const problem = check(v);
  return problem === null ? null : `${problem} or null`;
};

/** A safe integer of at least `lo` (no upper bound but the safe range). */
export const intAtLeast = (lo: number): Check => (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= lo ? null : `expected an integer of at least ${lo}`;

/** Either absent (undefined: an optional key with no default) or what `check` accepts. */
export const optional = (check: Check): Check => (v) => (v === undefined ? null : check(v));

/** Any safe integer (seeds). */
export const safeInteger: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? null : 'expected a safe integer');

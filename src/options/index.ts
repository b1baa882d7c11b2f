/*
 * src/options: the one resolver of every module's options (frozen defaults, a table of checks keyed by the options
 * type, unknown keys refused with the valid list) and the checks the tables share.
 */
export { resolveOptions } from './resolve.js';
export type { OptionsSpec } from './resolve.js';
export { bool, fn, intAtLeast, intIn, nonEmptyString, nullOr, numberIn, oneOf, optional, safeInteger } from './checks.js';
export type { Check } from './checks.js';

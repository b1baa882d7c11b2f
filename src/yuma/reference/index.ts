/*
 * The exact BigInt reference of the Yuma epoch (the test oracle) and the fixed-point and math.rs primitives it is
 * built from.
 */
export { referenceEpoch } from './epoch.js';
export * from './fixed.js';
export * from './math.js';

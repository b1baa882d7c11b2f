/*
 * The math.rs primitives the production epoch uses, gathered from their topic files.
 */
export * from './convert.js';
export * from './vector.js';
export * from './sparse.js';
export * from './median.js';
export * from './ema.js';
export * from './liquid-alpha.js';

export * from './yuma/index.js';
export * from './errors/index.js';
export * from './simulation/index.js';
export * from './scoring/index.js';

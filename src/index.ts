export * from './yuma/index.js';
export * from './errors/index.js';
export * from './simulation/index.js';
export * from './scoring/index.js';
// As a namespace: its Hyperparams (a chain's, read from storage) differ from the simulation's (a scenario's).
export * as chain from './chain/index.js';
export * from './store/index.js';
export * from './keys/index.js';

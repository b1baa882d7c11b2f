export * from './yuma/index.js';
export * from './errors/index.js';

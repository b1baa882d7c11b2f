export * from './yuma/index.js';
export * from './errors/index.js';
export * from './simulation/index.js';
export * from './scoring/index.js';
// As a namespace: its Hyperparams (a chain's, read from storage) differ from the simulation's (a scenario's).
export * as chain from './chain/index.js';
export * from './store/index.js';
export * from './keys/index.js';
// Namespaces too: their names (FailureKind, RawBody, ...) would clash with the store's and with each other's.
export * as protocol from './protocol/index.js';
export * as dendrite from './dendrite/index.js';
export * as miner from './miner/index.js';
export * as task from './task/index.js';
// A namespace: its Trial, Space and objective names would crowd the top level (BullMQ loads only when a queue is used).
export * as tune from './tune/index.js';
// A namespace: the audit's Finding, Pricing and detector names belong together (docs/audit.md).
export * as audit from './audit/index.js';
// The validator service (createValidator), as a namespace: its names (StopReason, ...) stay apart.
export * as service from './service/index.js';

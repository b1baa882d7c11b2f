export { createDendrite } from './dendrite.js';
export type { Dendrite, QueryAxon, QueryOptions } from './dendrite.js';
export { DENDRITE_DEFAULTS, resolveDendriteOptions } from './options.js';
export type { DendriteOptions, ResolvedDendriteOptions } from './options.js';
export type { QueryResult, ResultFailure } from './run-request.js';
export { checkAddress } from './address-policy.js';
export type { AddressCheck, AddressPolicyOptions } from './address-policy.js';
export { failureStatus, redirectStatus } from './status.js';
export type { FailureKind, FailureContext, StatusAndMessage } from './status.js';
export { CircuitBreakers } from './circuit-breaker.js';
export type { Admission, BreakerOptions } from './circuit-breaker.js';
export { createAgent, send } from './send.js';
export type { AgentOptions, SendLimits, SendOutcome } from './send.js';
export { DendriteClosedError, DendriteQueryError } from './errors.js';
// The wire protocol lives in src/protocol; re-exported for the library's `dendrite` namespace, which carried it before.
// Modules import it from src/protocol/index.ts.
export * from '../protocol/index.js';

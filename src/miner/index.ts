export { dummyHandler } from './handler.js';
export type { Handler, HandlerRequest, HandlerResult, RawBody, SynapseRoute } from './handler.js';
export { AXON_VERSION, startAxon } from './axon.js';
export type { AxonHandle, AxonStats } from './axon.js';
export { AXON_DEFAULTS, resolveAxonOptions } from './axon-options.js';
export type { AxonOptions } from './axon-options.js';
export { AxonListenError, HandlerResultError } from './errors.js';

export { dummyHandler } from './handler.js';
export type { Handler, HandlerRequest, HandlerResult, SynapseRoute } from './handler.js';

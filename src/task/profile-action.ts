/*
 * What a miner profile asks the reference axon to do with one request: exactly the miner's HandlerResult
 * (src/miner/handler.ts: answer fields, an error status, raw bytes, hang, or delay then act). A type-only import, so
 * the task module loads no server code.
 */
export type { HandlerResult as ProfileAction, RawBody } from '../miner/index.js';

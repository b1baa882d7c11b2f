export { startRpcServer } from './server.js';
export type { RpcServer } from './server.js';
export { RPC_SERVER_DEFAULTS, resolveRpcServerOptions } from './options.js';
export type { RpcServerOptions } from './options.js';
export { RpcError } from './rpc-error.js';
export type { RpcErrorObject } from './rpc-error.js';
export type { DevnetNodeExtensions, ServedNode } from './node-extensions.js';
export { STORAGE_KEYS_PAGED_MAX_COUNT } from './methods-state.js';
export { devnetPeerId } from './methods-system.js';

/*
 * The devnet: a loopback Substrate JSON-RPC node with subtensor semantics (docs/devnet.md). This is its only entry;
 * other modules, and tests of other modules, import from here. It loads @polkadot/types and the subtensor runtime, so
 * the CLI imports it lazily (`await import('../devnet/index.js')`) to keep the other commands' start-up light.
 */
export { createDevnet, Devnet, DEFAULT_KEEP_BLOCKS, DEVNET_DEFAULTS, MIN_KEEP_BLOCKS } from './node.js';
export type { AdminContext, AdminMethod, DevnetOptions, GenesisWriter } from './node.js';
export { TxRejected } from './node-types.js';
export type { ChainInfo, DevnetNode, TxStatus } from './node-types.js';
export { DEVNET_SPECS, METADATA_URL, loadRuntime, selectDevnetSpec } from './runtime.js';
export type { DevnetRuntime, DevnetSpec, RuntimeVersionJson } from './runtime.js';
export { StorageCodec } from './storage-codec.js';
export type { Hex } from './storage-codec.js';
export type { BlockContext, BlockRecord, HeaderJson } from './chain.js';
export type { CallContext, RuntimeModule } from './dispatch.js';
export { RPC_SERVER_DEFAULTS, RpcError, resolveRpcServerOptions, startRpcServer } from './rpc/index.js';
export type { RpcServer, RpcServerOptions } from './rpc/index.js';
export { commitHash, epochIndex, epochInputAt, isEpochBlock, LocalBeacon, subtensorGenesis, subtensorModule } from './subtensor/index.js';
export type { BeaconOptions, Pulse, SubtensorConfig } from './subtensor/index.js';

import type { BlockContext, Chain } from '../chain.js';
import type { RuntimeModule } from '../dispatch.js';
import type { TransactionValidator } from '../extrinsic/check.js';
import type { DevnetRuntime } from '../runtime.js';
import type { StateStore } from '../state-store.js';
import type { StorageCodec } from '../storage-codec.js';
import {
  createSubnet,
  registerNeuron,
  replaceNeuron,
  setStorageAfterInitialize,
  storePulse,
  subtensorGenesis,
  subtensorModule,
  weightsTransactionValidity,
} from '../subtensor/index.js';

/*
 * How the node composes its runtime by default: the subtensor pallet module of src/devnet/subtensor, imported
 * statically with its types. Its module and genesis are required; the admin writes createSubnet, registerNeuron,
 * replaceNeuron, setStorageAfterInitialize and storePulse become devnet_ methods (one params object each), and
 * weightsTransactionValidity is SubtensorSignedExtension's check (a TransactionValidator).
 */

/** Writes the genesis storage (block 0). */
export type GenesisWriter = (ctx: BlockContext, storage: StorageCodec) => void;

/** What an admin method sees: the runtime, the state, and the block its writes will go into (produced right after). */
export interface AdminContext {
  runtime: DevnetRuntime;
  storage: StorageCodec;
  state: StateStore;
  chain: Chain;
  block: BlockContext;
}

/**
 * A devnet_ admin method: params as received; answers the JSON-RPC result. Storage writes go through
 * `ctx.block.state` (or `ctx.state`); the node commits them in a block of their own right after the call.
 * @throws InvalidInputError for bad params
 */
export type AdminMethod = (ctx: AdminContext, params: unknown[]) => unknown;

/** The subtensor parts the node wires in by default. */
export interface SubtensorWiring {
  modules: RuntimeModule[];
  /** Builds the genesis from a config (only called for a new chain). */
  genesisFor(config: unknown): { write: GenesisWriter; devAccounts: unknown };
  admin: Record<string, AdminMethod>;
  validators: TransactionValidator[];
}

/** An admin write of the subtensor module: into the block being built, from one params object. */
type SubtensorAdminWrite = (target: BlockContext, storage: StorageCodec, params: unknown) => unknown;

/** The subtensor admin writes served as devnet_ methods, by method name. */
const ADMIN_WRITES: Readonly<Record<string, SubtensorAdminWrite>> = Object.freeze({
  createSubnet,
  registerNeuron,
  replaceNeuron,
  setStorageAfterInitialize,
  storePulse,
});

/** The subtensor parts wired into a node (a fresh module instance each call). */
export function subtensorWiring(): SubtensorWiring {
  const admin: Record<string, AdminMethod> = {};
  for (const [name, write] of Object.entries(ADMIN_WRITES)) admin[name] = (ctx, params) => write(ctx.block, ctx.storage, params[0]);
  return {
    modules: [subtensorModule()],
    genesisFor: (config) => {
      const g = subtensorGenesis(config);
      return { write: (ctx, storage) => g.write(ctx, storage), devAccounts: g.devAccounts };
    },
    admin,
    validators: [weightsTransactionValidity],
  };
}

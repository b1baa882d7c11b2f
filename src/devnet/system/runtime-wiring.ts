import type { BlockContext, Chain } from '../chain.js';
import type { RuntimeModule } from '../dispatch.js';
import type { TransactionValidator } from '../extrinsic/check.js';
import type { DevnetRuntime } from '../runtime.js';
import type { StateStore } from '../state-store.js';
import type { StorageCodec } from '../storage-codec.js';

/*
 * How the node composes its runtime by default: the subtensor pallet module of src/devnet/subtensor (written
 * separately) when it is there. It is loaded by a computed specifier so the node compiles and runs without it; the
 * exports it uses: `subtensorModule(): RuntimeModule` and `subtensorGenesis(config): { write(ctx, storage),
 * devAccounts }` (required), then `createSubnet(target, storage, params)` and `registerNeuron(target, storage, params)`
 * (the devnet_createSubnet / devnet_registerNeuron admin methods, one params object) and
 * `weightsTransactionValidity` (SubtensorSignedExtension's check: a TransactionValidator). `replaceNeuron` and
 * `setStorageAfterInitialize` are further admin writes of the same shape.
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

interface SubtensorExports {
  subtensorModule?: () => RuntimeModule;
  subtensorGenesis?: (config: unknown) => { write: GenesisWriter; devAccounts?: unknown };
  createSubnet?: SubtensorAdminWrite;
  registerNeuron?: SubtensorAdminWrite;
  replaceNeuron?: SubtensorAdminWrite;
  setStorageAfterInitialize?: SubtensorAdminWrite;
  storePulse?: SubtensorAdminWrite;
  weightsTransactionValidity?: TransactionValidator;
}

/** The specifier of the subtensor module, relative to this file (src/devnet/system → src/devnet/subtensor). */
const SUBTENSOR_SPECIFIER = '../subtensor/index.js';

/** Loads the subtensor module if it exists; null when it is absent or lacks the agreed exports. */
export async function loadSubtensorWiring(): Promise<SubtensorWiring | null> {
  let mod: SubtensorExports;
  try {
    mod = (await import(SUBTENSOR_SPECIFIER)) as SubtensorExports;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
  const { subtensorModule, subtensorGenesis } = mod;
  if (typeof subtensorModule !== 'function' || typeof subtensorGenesis !== 'function') return null;
  const admin: Record<string, AdminMethod> = {};
  for (const name of ['createSubnet', 'registerNeuron', 'replaceNeuron', 'setStorageAfterInitialize', 'storePulse'] as const) {
    const write = mod[name];
    if (typeof write === 'function') admin[name] = (ctx, params) => write(ctx.block, ctx.storage, params[0]);
  }
  const validity = mod.weightsTransactionValidity;
  return {
    modules: [subtensorModule()],
    genesisFor: (config) => {
      const g = subtensorGenesis(config);
      return { write: (ctx, storage) => g.write(ctx, storage), devAccounts: g.devAccounts ?? null };
    },
    admin,
    validators: typeof validity === 'function' ? [validity] : [],
  };
}

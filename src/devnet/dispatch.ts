import { YumavalError } from '../errors/index.js';
import type { BlockContext } from './chain.js';
import type { StorageCodec, Hex } from './storage-codec.js';

/*
 * The interface between the devnet's extrinsic pipeline (src/devnet/extrinsic/) and the pallets it dispatches to
 * (src/devnet/subtensor/, ...). A pallet module registers call handlers by the metadata's names and may act at the
 * start of each block. A handler fails by throwing DispatchError with the metadata's error name; the pipeline then
 * undoes the call's writes (calls are transactional on chain), keeps the nonce increment, and deposits
 * System.ExtrinsicFailed with the Module error's real index.
 */

/** A runtime event to deposit, by the metadata's names: e.g. ('subtensorModule', 'WeightsSet', [netuid, uid]). */
export interface EventSpec {
  pallet: string;
  method: string;
  /** The event's fields in order, in any form the registry accepts for their types. */
  data: unknown[];
}

/** What a call handler sees. */
export interface CallContext {
  block: BlockContext;
  storage: StorageCodec;
  /** The signer's account id (32-byte public key) and its SS58 form (prefix 42). */
  signer: { publicKey: Hex; address: string };
  /** Deposits an event in this extrinsic's phase. */
  deposit(event: EventSpec): void;
}

/** A dispatchable's arguments, decoded by the metadata and given as JSON (`call.args[i].toJSON()` by name). */
export type CallArgs = Record<string, unknown>;

/** A call handler: writes storage through ctx.block.state; throws DispatchError to fail. */
export type CallHandler = (ctx: CallContext, args: CallArgs) => void;

/** A pallet module of the devnet runtime. */
export interface RuntimeModule {
  /** Handlers by `pallet.method` in the metadata's camelCase, e.g. `subtensorModule.setWeights`. */
  calls?: Record<string, CallHandler>;
  /** At the start of every block after genesis, before extrinsics (on_initialize: epochs). */
  onInitialize?(block: BlockContext, deposit: (event: EventSpec) => void): void;
}

/** A call that failed with one of the runtime's Module errors, by name (e.g. SubtensorModule's SettingWeightsTooFast). */
export class DispatchError extends YumavalError {
  constructor(
    /** The pallet in the metadata's camelCase, e.g. `subtensorModule`. */
    readonly pallet: string,
    /** The error variant's name, e.g. `SettingWeightsTooFast`. */
    readonly error: string,
  ) {
    super(`${pallet}.${error}`, 'ERR_DISPATCH');
  }
}

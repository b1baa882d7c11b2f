import type { Call } from '../extrinsic/check.js';
import { u8aToHex } from '@polkadot/util';
import type { BlockContext } from '../chain.js';
import { DispatchError, type CallHandler } from '../dispatch.js';
import type { DevnetRuntime } from '../runtime.js';
import type { Hex, StorageCodec } from '../storage-codec.js';
import { callArgs } from './call-args.js';
import { dispatchInfoOf } from './dispatch-info.js';
import { palletIndex, type EventLog } from './events.js';

/*
 * Dispatching one signed call the way frame-executive applies it after the nonce increment: the call runs in its own
 * storage layer; when it fails its writes and its events are undone, and the block records
 * TransactionPayment.TransactionFeePaid (fee 0: the devnet charges no fees) then System.ExtrinsicFailed with the
 * DispatchError; when it succeeds, its own events, TransactionFeePaid, then System.ExtrinsicSuccess.
 *
 * A call no module handles fails with System's `CallFiltered` module error, the error subtensor's runtime gives for the
 * calls its call filter refuses: the extrinsic is included, its nonce used, and the client sees a Module error it can
 * name. A handler that throws something other than DispatchError is a devnet bug: the call fails with
 * `DispatchError::Other` and the error is logged.
 */

/** A DispatchError in the JSON form the registry takes. */
export type DispatchErrorJson = { Module: { index: number; error: Hex } } | { Other: null };

/** The Module DispatchError for a pallet's error by name, with the metadata's pallet index and error index. */
export function moduleError(runtime: DevnetRuntime, pallet: string, error: string): DispatchErrorJson | null {
  const meta = runtime.decorated.errors[pallet]?.[error]?.meta;
  if (meta === undefined) return null;
  // The error field is [u8; 4]: the variant index, then the (empty here) encoding of its fields.
  return { Module: { index: palletIndex(runtime, pallet), error: u8aToHex(new Uint8Array([meta.index.toNumber(), 0, 0, 0])) as Hex } };
}

/** What dispatching needs besides the block. */
export interface DispatchEnv {
  runtime: DevnetRuntime;
  storage: StorageCodec;
  handlers: ReadonlyMap<string, CallHandler>;
  events: EventLog;
  log: (message: string) => void;
}

/** The signed extrinsic being applied. */
export interface SignedCall {
  call: Call;
  signer: Hex;
  address: string;
}

/** Runs a signed call at extrinsic position `index` and deposits its events; answers whether it succeeded. */
export function dispatchSigned(env: DispatchEnv, block: BlockContext, tx: SignedCall, index: number): boolean {
  const { runtime, events } = env;
  const phase = { applyExtrinsic: index };
  const name = `${tx.call.section}.${tx.call.method}`;
  const handler = env.handlers.get(name);
  const mark = events.length;
  const savepoint = block.state.checkpoint();
  let error: DispatchErrorJson | null = null;
  if (handler === undefined) {
    error = moduleError(runtime, 'system', 'CallFiltered') ?? { Other: null };
  } else {
    try {
      handler({
        block,
        storage: env.storage,
        signer: { publicKey: tx.signer, address: tx.address },
        deposit: (event) => events.deposit(phase, event),
      }, callArgs(tx.call));
    } catch (e) {
      error = e instanceof DispatchError ? moduleError(runtime, e.pallet, e.error) : null;
      if (error === null) {
        env.log(`devnet: ${name} failed with an error that is not one of the runtime's: ${(e as Error).stack ?? String(e)}`);
        error = { Other: null };
      }
    }
  }
  if (error !== null) {
    block.state.restore(savepoint);
    events.truncate(mark);
  }
  const info = dispatchInfoOf(runtime, tx.call);
  events.deposit(phase, { pallet: 'transactionPayment', method: 'TransactionFeePaid', data: [tx.signer, 0, 0] });
  events.deposit(phase, error === null
    ? { pallet: 'system', method: 'ExtrinsicSuccess', data: [info] }
    : { pallet: 'system', method: 'ExtrinsicFailed', data: [error, info] });
  return error === null;
}

import type { DevnetNode } from '../node-types.js';
import type { Hex } from '../storage-codec.js';

/*
 * What the server uses from a node beyond the DevnetNode interface, when the node has it. Both are optional, so any
 * DevnetNode can be served; a node that has them gets the matching RPC features.
 */

/** Optional node capabilities the server detects at start-up. */
export interface DevnetNodeExtensions {
  /**
   * A runtime API call (`state_call`, e.g. `TransactionPaymentApi_query_info`) at block `at`: SCALE-encoded arguments
   * in, SCALE-encoded result out. Without it the server does not offer state_call, as a node without runtime APIs.
   * @throws RpcError (or TxRejected / InvalidInputError) to answer with an error
   */
  runtimeCall?(method: string, data: Hex, at: number): Hex;
  /** The admin methods `admin` accepts, without the `devnet_` prefix: listed by rpc_methods. */
  adminMethods?(): readonly string[];
  /**
   * admin('newBlock') without holding the event loop: devnet_newBlock uses it when the node has it, so other clients
   * are served while a call for many blocks runs. Same parameter and answer as admin('newBlock', [count]).
   * @throws InvalidInputError for a bad count
   */
  newBlockYielding?(count: unknown): Promise<number>;
}

/** A node as the server serves it. */
export type ServedNode = DevnetNode & DevnetNodeExtensions;

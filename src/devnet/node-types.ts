import { YumavalError } from '../errors/index.js';
import type { Chain } from './chain.js';
import type { DevnetRuntime } from './runtime.js';
import type { StateStore } from './state-store.js';
import type { Hex } from './storage-codec.js';

/*
 * What the JSON-RPC server (src/devnet/rpc/) needs from the devnet, and what the node (src/devnet/node.ts) provides:
 * the chain and its state, the transaction pool, and the devnet_ admin methods.
 */

/** The life of a watched extrinsic, as author_submitAndWatchExtrinsic reports it. */
export type TxStatus =
  | 'ready'
  | 'future'
  | { inBlock: Hex }
  | { finalized: Hex }
  | { invalid: string }
  | { dropped: string };

/**
 * An extrinsic refused at submission, as a node refuses it: JSON-RPC error `rpcCode` (1010 invalid transaction, 1011
 * unknown validity, 1012 temporarily banned, 1013 already imported, 1014 priority too low), `message` and `data`
 * (e.g. code 1010, message "Invalid Transaction", data "Transaction has a bad signature").
 */
export class TxRejected extends YumavalError {
  constructor(
    /** The JSON-RPC error code a node answers with (1010 ...). */
    readonly rpcCode: number,
    message: string,
    readonly data: string,
  ) {
    super(message, 'ERR_TX_REJECTED');
  }
}

/** Chain facts the system_* methods return. */
export interface ChainInfo {
  chainName: string;
  nodeName: string;
  nodeVersion: string;
  properties: { ss58Format: number; tokenDecimals: number; tokenSymbol: string };
}

/** The devnet as the RPC server sees it. */
export interface DevnetNode {
  readonly runtime: DevnetRuntime;
  readonly chain: Chain;
  readonly state: StateStore;
  readonly info: ChainInfo;
  /**
   * Validates an extrinsic and queues it for the next block; returns its hash. `watch` receives every status change.
   * @throws TxRejected when a node would refuse it at submission
   */
  submit(xt: Hex, watch?: (status: TxStatus) => void): Hex;
  /** The next nonce of an account (SS58 or hex public key): its stored nonce plus its queued extrinsics. */
  accountNextIndex(address: string): number;
  /** Extrinsics waiting in the pool. */
  pending(): Hex[];
  /**
   * A `devnet_` admin method (without the prefix): newBlock, createSubnet, registerNeuron, setStorage, ...
   * @throws InvalidInputError for bad params (the server answers JSON-RPC -32602); unknown names throw RangeError
   */
  admin(method: string, params: unknown[]): unknown;
}

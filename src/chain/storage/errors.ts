import { YumavalError } from '../../errors/index.js';

/*
 * The errors of reading storage at a block. Connection failures and deadlines are src/chain/errors.ts's
 * ChainConnectError and ChainTimeoutError; a missing subnet is src/chain/sync-errors.ts's SubnetNotFoundError.
 */

/** The block asked for is not known to the node (a number past the head, or a hash it does not have). */
export class BlockNotFoundError extends YumavalError {
  constructor(block: number | string, detail: string) {
    super(`block ${block} is not known to the chain: ${detail}`, 'ERR_BLOCK_NOT_FOUND');
  }
}

/** The runtime lacks a storage item that cannot be defaulted (it is not a subtensor-like chain). */
export class ChainRuntimeError extends YumavalError {
  constructor(detail: string) {
    super(`the chain's runtime cannot be read as subtensor: ${detail}`, 'ERR_CHAIN_RUNTIME');
  }
}

import { YumavalError } from '../errors/index.js';

/*
 * The errors of reading a subnet's state (hyperparameters, metagraph). Connection failures and deadlines are
 * src/chain/errors.ts's ChainConnectError and ChainTimeoutError; an unknown block or a runtime that is not subtensor
 * are src/chain/storage/errors.ts's BlockNotFoundError and ChainRuntimeError.
 */

/** The subnet is not registered on the chain at the block read (NetworksAdded[netuid] is false). */
export class SubnetNotFoundError extends YumavalError {
  constructor(netuid: number, block: number) {
    super(`subnet ${netuid} does not exist at block ${block} (NetworksAdded is false); check --netuid`, 'ERR_SUBNET_NOT_FOUND');
  }
}

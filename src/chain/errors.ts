import { YumavalError } from '../errors/index.js';

/** The chain could not be reached within the connect deadline. */
export class ChainConnectError extends YumavalError {
  constructor(url: string, detail: string) {
    super(`cannot connect to ${url}: ${detail}`, 'ERR_CHAIN_CONNECT');
  }
}

/** A chain call did not answer within its deadline (the call is abandoned; nothing waits forever). */
export class ChainTimeoutError extends YumavalError {
  constructor(label: string, ms: number) {
    super(`${label}: no answer from the chain within ${ms} ms`, 'ERR_CHAIN_TIMEOUT');
  }
}

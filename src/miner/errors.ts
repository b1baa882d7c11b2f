import { YumavalError } from '../errors/index.js';

/** The axon could not listen on its address (port taken, no permission, bad host). */
export class AxonListenError extends YumavalError {
  constructor(address: string, detail: string) {
    super(`axon cannot listen on ${address}: ${detail}`, 'ERR_AXON_LISTEN');
  }
}

/** A handler answered with something that is not a HandlerResult, or output fields the synapse refuses. */
export class HandlerResultError extends YumavalError {
  constructor(synapse: string, detail: string) {
    super(`handler of ${synapse}: ${detail}`, 'ERR_HANDLER_RESULT');
  }
}

import { YumavalError } from '../errors/index.js';

/** The dendrite was used after close(). */
export class DendriteClosedError extends YumavalError {
  constructor() {
    super('the dendrite is closed: create a new one with createDendrite', 'ERR_DENDRITE_CLOSED');
  }
}

/** A query call that breaks its contract (the caller's mistake, never a miner's): the message names the argument. */
export class DendriteQueryError extends YumavalError {
  constructor(detail: string) {
    super(`dendrite query: ${detail}`, 'ERR_DENDRITE_QUERY');
  }
}

/** The worker pool did not start (a worker failed to load the key or its module, or took too long). */
export class DendriteStartError extends YumavalError {
  constructor(detail: string) {
    super(`the dendrite's workers did not start: ${detail}`, 'ERR_DENDRITE_START');
  }
}

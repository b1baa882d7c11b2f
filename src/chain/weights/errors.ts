import { YumavalError } from '../../errors/index.js';

/**
 * Weights the chain would refuse, refused locally before anything is sent. `chainError` is the name the chain's
 * module error would have (e.g. 'SettingWeightsTooFast'), so callers branch on the same names either way.
 */
export class PrevalidationError extends YumavalError {
  constructor(readonly chainError: string, detail: string, readonly firstAllowedBlock: number | null = null) {
    super(`the chain would refuse these weights with ${chainError}: ${detail}`, 'ERR_WEIGHTS_PREVALIDATION');
  }
}

/** The chain included the extrinsic and the call failed with a module error (recorded; not retried). */
export class WeightsDispatchError extends YumavalError {
  constructor(readonly chainError: string, readonly intentId: number, blockNumber: number) {
    super(`commit intent ${intentId}: the chain refused the call in block ${blockNumber} with ${chainError}`, 'ERR_WEIGHTS_DISPATCH');
  }
}

/** The node refused the extrinsic at submission (Invalid Transaction, bad signature, ...): recorded, not retried. */
export class WeightsRejectedError extends YumavalError {
  constructor(readonly intentId: number, readonly reason: string) {
    super(`commit intent ${intentId}: the node refused the extrinsic: ${reason}`, 'ERR_WEIGHTS_REJECTED');
  }
}

/** The extrinsic's fate could not be learned within the retries (transport errors, no inclusion by the deadline). */
export class WeightsUnconfirmedError extends YumavalError {
  constructor(readonly intentId: number, detail: string) {
    super(`commit intent ${intentId}: not confirmed: ${detail}; it stays in the store and a restart resumes it with the same bytes`, 'ERR_WEIGHTS_UNCONFIRMED');
  }
}

/** A block the pipeline waits for (a rate limit opening, a reveal window) is further than it is allowed to wait. */
export class WeightsWaitError extends YumavalError {
  constructor(detail: string) {
    super(detail, 'ERR_WEIGHTS_WAIT');
  }
}

/** A block the store says holds an extrinsic does not hold it (the node serves another block under that hash). */
export class ExtrinsicNotInBlockError extends YumavalError {
  constructor(blockHash: string, xtHash: string) {
    super(`block ${blockHash} does not hold extrinsic ${xtHash}; the pipeline retries, then leaves the intent for a resume`, 'ERR_EXTRINSIC_NOT_IN_BLOCK');
  }
}

/** A reveal's window has passed: the commit can never be revealed. */
export class RevealExpiredError extends YumavalError {
  constructor(readonly commitIntentId: number, last: number, head: number) {
    super(`commit intent ${commitIntentId}: its reveal window ended at block ${last} and the head is ${head}; the commit has expired`, 'ERR_REVEAL_EXPIRED');
  }
}

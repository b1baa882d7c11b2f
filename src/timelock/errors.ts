import { YumavalError } from '../errors/index.js';

/*
 * The ways a timelocked commit can fail to open. The chain drops such a commit silently (a trace log is all it
 * leaves), so yumaval names each one: a wrong round (the signature opens another round's ciphertexts), a ciphertext
 * that is not the `tle` layout or whose body fails authentication, a key or signature that is not a curve point, and
 * a plaintext that is not a WeightsTlockPayload.
 */

/** The signature is a valid point but does not open this ciphertext: it is another round's (or another beacon's). */
export class TimelockRoundError extends YumavalError {
  constructor(detail: string) {
    super(`the round signature does not open this ciphertext: ${detail}`, 'ERR_TIMELOCK_ROUND');
  }
}

/** The bytes are not a `tle` ciphertext (layout, lengths, the G2 point), or the AES-GCM body fails to authenticate. */
export class TimelockCiphertextError extends YumavalError {
  constructor(detail: string) {
    super(`not a valid timelock ciphertext: ${detail}`, 'ERR_TIMELOCK_CIPHERTEXT');
  }
}

/** A beacon public key (G2) or round signature (G1) that is not a compressed point of the right group. */
export class TimelockKeyError extends YumavalError {
  constructor(readonly what: 'public key' | 'signature', detail: string) {
    super(`the beacon ${what} is unusable: ${detail}`, 'ERR_TIMELOCK_KEY');
  }
}

/** A plaintext that is not a SCALE WeightsTlockPayload, or a payload whose fields break their types. */
export class TimelockPayloadError extends YumavalError {
  /** The field that is wrong (e.g. `uids[3]`, `hotkey`), or `` for the whole payload. */
  readonly field: string;

  constructor(field: string, detail: string) {
    super(`${field === '' ? 'the weights payload' : `weights payload ${field}`}: ${detail}`, 'ERR_TIMELOCK_PAYLOAD');
    this.field = field;
  }
}

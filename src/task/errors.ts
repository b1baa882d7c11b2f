import { YumavalError } from '../errors/index.js';

/*
 * The task module's own failures. Option values that are out of range use the shared InvalidOptionError (src/errors);
 * what is specific to tasks is declared here.
 */

/** A miner profile name that is not one of PROFILE_NAMES (the `--profile` of `yumaval miner`). */
export class UnknownProfileError extends YumavalError {
  /** The name that was asked for. */
  readonly profile: string;

  constructor(profile: string, valid: readonly string[]) {
    super(`unknown miner profile ${JSON.stringify(profile)}: expected one of ${valid.join(', ')}`, 'ERR_UNKNOWN_PROFILE');
    this.profile = profile;
  }
}

import { YumavalError } from '../errors/index.js';

/** The replay was stopped (Ctrl-C, SIGTERM) between two epochs; the archive holds every epoch read so far. */
export class ReplayAbortedError extends YumavalError {
  constructor(readonly done: number, readonly total: number) {
    super(`replay stopped after ${done} of ${total} epochs; run it again to continue (epochs already archived are not read again)`, 'ERR_REPLAY_ABORTED');
  }
}

/** An archive lacks what an offline replay needs (the subnet, the chain, or a snapshot of the range). */
export class ArchiveContentError extends YumavalError {
  constructor(detail: string) {
    super(`archive: ${detail}`, 'ERR_ARCHIVE_CONTENT');
  }
}

import type { Database as Db } from 'better-sqlite3';
import { CommitIntentRepo } from './commit-intents.js';
import { openDatabase, type StoreOptions } from './database.js';
import { RevealRepo } from './reveals.js';
import { TimelockCommitRepo } from './timelock-commits.js';
import { ValidatorStateRepo } from './validator-state.js';

/** The validator's store: the open database and its repositories. */
export class Store {
  readonly intents: CommitIntentRepo;
  readonly reveals: RevealRepo;
  /** Timelocked commits: ciphertext, round, reconcile state. */
  readonly timelock: TimelockCommitRepo;
  /** The validator service's seed, step cursor, score book, steps and predictions. */
  readonly validator: ValidatorStateRepo;
  private constructor(readonly file: string, readonly db: Db) {
    this.intents = new CommitIntentRepo(db);
    this.reveals = new RevealRepo(db);
    this.timelock = new TimelockCommitRepo(db);
    this.validator = new ValidatorStateRepo(db);
  }

  /**
   * Opens (or creates) a store file and brings its schema up to date.
   * @throws StoreOpenError, StoreVersionError
   */
  static open(file: string, options: StoreOptions = {}): Store {
    return new Store(file, openDatabase(file, options));
  }

  /** Closes the database (idempotent). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

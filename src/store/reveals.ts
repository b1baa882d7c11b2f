import type { Database as Db } from 'better-sqlite3';
import type { CommitIntent } from './commit-intents.js';
import { CommitIntentRepo } from './commit-intents.js';
import { InvalidTransitionError, StoreInputError, StoreNotFoundError } from './errors.js';

/*
 * Commit-reveal state: the salt of each commit (written before the commit is sent: a commit whose salt is lost can
 * never be revealed), the commit's block and reveal window once it is in a block, and the reveal intent that reveals
 * it. A restart lists the pending ones and reveals them in their window.
 */

export type RevealStatus = 'pending' | 'revealed' | 'expired' | 'failed';

/** A commit awaiting (or past) its reveal. */
export interface PendingReveal {
  commitIntentId: number;
  salt: number[];
  commitBlock: number | null;
  /** The reveal window: the first and last block of the reveal epoch. */
  revealFirst: number | null;
  revealLast: number | null;
  revealIntentId: number | null;
  status: RevealStatus;
  error: string | null;
  /** The commit intent (netuid, hotkey, uids, values, version key, hash). */
  commit: CommitIntent;
}

interface Row {
  commit_intent_id: number; salt: string; commit_block: number | null; reveal_first: number | null; reveal_last: number | null;
  reveal_intent_id: number | null; status: RevealStatus; error: string | null;
}

/** The salts and pending reveals over an open store. */
export class RevealRepo {
  private readonly intents: CommitIntentRepo;
  constructor(private readonly db: Db) {
    this.intents = new CommitIntentRepo(db);
  }

  private fromRow(r: Row): PendingReveal {
    return {
      commitIntentId: r.commit_intent_id, salt: JSON.parse(r.salt) as number[], commitBlock: r.commit_block, revealFirst: r.reveal_first,
      revealLast: r.reveal_last, revealIntentId: r.reveal_intent_id, status: r.status, error: r.error, commit: this.intents.get(r.commit_intent_id),
    };
  }

  /** Stores the salt of a commit intent (before the commit is signed or sent). */
  saveSalt(commitIntentId: number, salt: readonly number[]): PendingReveal {
    const commit = this.intents.get(commitIntentId);
    if (commit.kind !== 'commit_weights') throw new StoreInputError('commitIntentId', `intent ${commitIntentId} is a ${commit.kind}, not a commit_weights`);
    salt.forEach((x, i) => {
      if (!(Number.isInteger(x) && x >= 0 && x <= 65535)) throw new StoreInputError(`salt[${i}]`, `expected a u16, got ${x}`);
    });
    this.db.prepare("INSERT INTO commit_reveals (commit_intent_id, salt, status) VALUES (?, ?, 'pending')").run(commitIntentId, JSON.stringify(salt));
    return this.get(commitIntentId);
  }

  /** One commit's reveal state. @throws StoreNotFoundError */
  get(commitIntentId: number): PendingReveal {
    const row = this.db.prepare('SELECT * FROM commit_reveals WHERE commit_intent_id = ?').get(commitIntentId) as Row | undefined;
    if (row === undefined) throw new StoreNotFoundError('commit reveal of intent', commitIntentId);
    return this.fromRow(row);
  }

  /** The reveals still to do, oldest commit first. */
  listPending(): PendingReveal[] {
    return (this.db.prepare("SELECT * FROM commit_reveals WHERE status = 'pending' ORDER BY commit_intent_id").all() as Row[]).map((r) => this.fromRow(r));
  }

  /** The commit landed in `block`; its reveal window is [first, last]. */
  setWindow(commitIntentId: number, commitBlock: number, first: number, last: number): PendingReveal {
    this.get(commitIntentId);
    this.db.prepare('UPDATE commit_reveals SET commit_block = ?, reveal_first = ?, reveal_last = ? WHERE commit_intent_id = ?').run(commitBlock, first, last, commitIntentId);
    return this.get(commitIntentId);
  }

  /** Links the reveal intent (once: a reveal is never planned twice for one commit). */
  setRevealIntent(commitIntentId: number, revealIntentId: number): PendingReveal {
    const cur = this.get(commitIntentId);
    if (cur.revealIntentId !== null && cur.revealIntentId !== revealIntentId) {
      throw new InvalidTransitionError(commitIntentId, `reveal intent ${cur.revealIntentId}`, `reveal intent ${revealIntentId}`);
    }
    this.db.prepare('UPDATE commit_reveals SET reveal_intent_id = ? WHERE commit_intent_id = ?').run(revealIntentId, commitIntentId);
    return this.get(commitIntentId);
  }

  /** Closes a reveal: revealed, expired (its window passed) or failed (with the reason). */
  close(commitIntentId: number, status: Exclude<RevealStatus, 'pending'>, error: string | null = null): PendingReveal {
    const cur = this.get(commitIntentId);
    if (cur.status !== 'pending') throw new InvalidTransitionError(commitIntentId, `reveal ${cur.status}`, `reveal ${status}`);
    this.db.prepare('UPDATE commit_reveals SET status = ?, error = ? WHERE commit_intent_id = ?').run(status, error, commitIntentId);
    return this.get(commitIntentId);
  }
}

import type { Database as Db } from 'better-sqlite3';
import { CommitIntentRepo, type CommitIntent } from './commit-intents.js';
import { InvalidTransitionError, StoreInputError, StoreNotFoundError } from './errors.js';

/*
 * Timelocked commits: the exact ciphertext of each commit_timelocked_weights intent, with the drand round and the
 * CommitRevealWeightsVersion it was made for. The ciphertext is randomised (a fresh ephemeral key per encryption), so
 * it is stored with its intent, in one transaction, before anything is signed: a re-sign after a crash or a stale nonce
 * builds the call from these bytes, and one intent can never become two different commits. After the reveal epoch the
 * pipeline reconciles each landed commit: revealed (the chain set the weights), dropped (the chain discarded it
 * silently: it failed to decrypt, decode or match, or its pulse never came), or failed (the commit never landed).
 */

export type TimelockStatus = 'pending' | 'revealed' | 'dropped' | 'failed';

/** A timelocked commit as stored. */
export interface TimelockCommit {
  commitIntentId: number;
  /** The ciphertext committed, 0x hex. */
  ciphertext: string;
  /** The drand round it is encrypted to. */
  revealRound: bigint;
  /** The CommitRevealWeightsVersion read when it was made. */
  version: number;
  /** The block the round was planned from. */
  plannedBlock: number;
  /** The first block of the reveal epoch of the block the commit landed in (once known). */
  firstRevealBlock: number | null;
  status: TimelockStatus;
  /** The block whose events hold TimelockedWeightsRevealed. */
  revealedBlock: number | null;
  /** For a dropped commit: the intent that commits the same weights again. */
  recommitIntentId: number | null;
  error: string | null;
  commit: CommitIntent;
}

interface Row {
  commit_intent_id: number; ciphertext: string; reveal_round: string; version: number; planned_block: number; first_reveal_block: number | null;
  status: TimelockStatus; revealed_block: number | null; recommit_intent_id: number | null; error: string | null;
}

/** The timelocked commits over an open store. */
export class TimelockCommitRepo {
  private readonly intents: CommitIntentRepo;
  constructor(private readonly db: Db) {
    this.intents = new CommitIntentRepo(db);
  }

  private fromRow(r: Row): TimelockCommit {
    return {
      commitIntentId: r.commit_intent_id, ciphertext: r.ciphertext, revealRound: BigInt(r.reveal_round), version: r.version, plannedBlock: r.planned_block,
      firstRevealBlock: r.first_reveal_block, status: r.status, revealedBlock: r.revealed_block, recommitIntentId: r.recommit_intent_id, error: r.error,
      commit: this.intents.get(r.commit_intent_id),
    };
  }

  /** Stores the ciphertext of a commit_timelocked_weights intent (before it is signed). */
  save(commitIntentId: number, t: { ciphertext: string; revealRound: bigint; version: number; plannedBlock: number }): TimelockCommit {
    const commit = this.intents.get(commitIntentId);
    if (commit.kind !== 'commit_timelocked_weights') throw new StoreInputError('commitIntentId', `intent ${commitIntentId} is a ${commit.kind}, not a commit_timelocked_weights`);
    if (!/^0x([0-9a-f]{2})+$/i.test(t.ciphertext)) throw new StoreInputError('ciphertext', 'expected 0x-prefixed hex bytes');
    if (t.revealRound < 1n || t.revealRound >= 1n << 64n) throw new StoreInputError('revealRound', `expected a u64 ≥ 1, got ${t.revealRound}`);
    if (!(Number.isInteger(t.version) && t.version >= 0 && t.version <= 65535)) throw new StoreInputError('version', `expected a u16, got ${t.version}`);
    if (!(Number.isSafeInteger(t.plannedBlock) && t.plannedBlock >= 0)) throw new StoreInputError('plannedBlock', `expected a block number ≥ 0, got ${t.plannedBlock}`);
    this.db.prepare("INSERT INTO timelock_commits (commit_intent_id, ciphertext, reveal_round, version, planned_block, status) VALUES (?, ?, ?, ?, ?, 'pending')")
      .run(commitIntentId, t.ciphertext.toLowerCase(), t.revealRound.toString(), t.version, t.plannedBlock);
    return this.get(commitIntentId);
  }

  /** One commit's timelock state. @throws StoreNotFoundError */
  get(commitIntentId: number): TimelockCommit {
    const r = this.db.prepare('SELECT * FROM timelock_commits WHERE commit_intent_id = ?').get(commitIntentId) as Row | undefined;
    if (r === undefined) throw new StoreNotFoundError('timelocked commit', commitIntentId);
    return this.fromRow(r);
  }

  /** The commits not yet reconciled, oldest first. */
  listPending(): TimelockCommit[] {
    return (this.db.prepare("SELECT * FROM timelock_commits WHERE status = 'pending' ORDER BY commit_intent_id").all() as Row[]).map((r) => this.fromRow(r));
  }

  /** Every timelocked commit, oldest first. */
  listAll(): TimelockCommit[] {
    return (this.db.prepare('SELECT * FROM timelock_commits ORDER BY commit_intent_id').all() as Row[]).map((r) => this.fromRow(r));
  }

  /** Records the first reveal block of a landed commit. */
  setFirstRevealBlock(commitIntentId: number, block: number): void {
    this.db.prepare('UPDATE timelock_commits SET first_reveal_block = ? WHERE commit_intent_id = ?').run(block, commitIntentId);
  }

  /** Closes a pending commit: revealed (in `block`), dropped or failed. @throws InvalidTransitionError when it is closed */
  close(commitIntentId: number, status: Exclude<TimelockStatus, 'pending'>, detail: { block?: number | null; error?: string | null; recommitIntentId?: number | null } = {}): TimelockCommit {
    const cur = this.get(commitIntentId);
    if (cur.status !== 'pending') throw new InvalidTransitionError(commitIntentId, cur.status, status);
    this.db.prepare('UPDATE timelock_commits SET status = ?, revealed_block = ?, error = ?, recommit_intent_id = ? WHERE commit_intent_id = ?')
      .run(status, detail.block ?? null, detail.error ?? null, detail.recommitIntentId ?? null, commitIntentId);
    return this.get(commitIntentId);
  }
}

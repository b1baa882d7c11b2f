import type { Database as Db, Statement } from 'better-sqlite3';
import { InvalidTransitionError, StoreInputError, StoreNotFoundError } from './errors.js';

/*
 * Commit intents: one row per weight extrinsic the validator means to land (a set_weights, a commit_weights or a
 * reveal_weights), with its state machine
 *
 *   planned ──sign──> planned (bytes stored) ──> submitted ──> in_block ──> finalized
 *      │                                           │  ^  │          │
 *      └──────────────> failed <───────────────────┘  └──┘          └──> failed (the call failed in its block)
 *
 * The signed extrinsic's bytes are stored before it is sent: after a crash the same bytes are sent again (a node
 * answers "already imported" or includes it once), so one intent can never become two different extrinsics.
 * `submitted → planned` (re-sign) is allowed only through `releaseForResign`, which the pipeline calls once it has
 * proven the old bytes can no longer land (their nonce is used by another extrinsic, or their era has expired).
 */

export type IntentKind = 'set_weights' | 'commit_weights' | 'reveal_weights' | 'commit_timelocked_weights';
export type IntentState = 'planned' | 'submitted' | 'in_block' | 'finalized' | 'failed';
export type FailureKind = 'refused' | 'dispatch' | 'rejected' | 'expired';

/** A commit intent as stored. */
export interface CommitIntent {
  id: number;
  kind: IntentKind;
  /** The chain's URL or genesis hash, to keep intents of different chains apart. */
  chain: string;
  netuid: number;
  /** The hotkey's SS58 address (never a secret). */
  hotkey: string;
  uids: number[];
  values: number[];
  versionKey: bigint;
  /** commit_weights: the hash committed; reveal_weights: the hash revealed. */
  commitHash: string | null;
  state: IntentState;
  /** The first block the extrinsic may be included in (rate limit, reveal window); null: any. */
  notBefore: number | null;
  nonce: number | null;
  eraBirth: number | null;
  eraPeriod: number | null;
  /** The exact signed extrinsic, 0x hex. */
  extrinsicHex: string | null;
  extrinsicHash: string | null;
  blockNumber: number | null;
  blockHash: string | null;
  error: string | null;
  /** Why it failed: refused locally, failed in its block, refused by the node, or its window passed. */
  failureKind: FailureKind | null;
  /** How many times the extrinsic was sent. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** What a new intent needs. */
export interface NewIntent {
  kind: IntentKind;
  chain: string;
  netuid: number;
  hotkey: string;
  uids: readonly number[];
  values: readonly number[];
  versionKey: bigint;
  commitHash?: string | null;
  notBefore?: number | null;
}

/** A signed extrinsic for an intent. */
export interface SignedExtrinsic {
  nonce: number;
  eraBirth: number;
  eraPeriod: number;
  extrinsicHex: string;
  extrinsicHash: string;
}

const ALLOWED: Readonly<Record<IntentState, readonly IntentState[]>> = Object.freeze({
  planned: ['planned', 'submitted', 'failed'],
  submitted: ['submitted', 'in_block', 'failed', 'planned'],
  // A retracted block (a reorg on a real chain) puts an included extrinsic back to submitted.
  in_block: ['finalized', 'failed', 'submitted'],
  finalized: [],
  failed: [],
});

interface Row {
  id: number; kind: IntentKind; chain: string; netuid: number; hotkey: string; uids: string; values: string; version_key: string;
  commit_hash: string | null; state: IntentState; not_before: number | null; nonce: number | null; era_birth: number | null;
  era_period: number | null; extrinsic_hex: string | null; extrinsic_hash: string | null; block_number: number | null;
  block_hash: string | null; error: string | null; failure_kind: FailureKind | null; attempts: number; created_at: string; updated_at: string;
}

function fromRow(r: Row): CommitIntent {
  return {
    id: r.id, kind: r.kind, chain: r.chain, netuid: r.netuid, hotkey: r.hotkey,
    uids: JSON.parse(r.uids) as number[], values: JSON.parse(r.values) as number[], versionKey: BigInt(r.version_key),
    commitHash: r.commit_hash, state: r.state, notBefore: r.not_before, nonce: r.nonce, eraBirth: r.era_birth, eraPeriod: r.era_period,
    extrinsicHex: r.extrinsic_hex, extrinsicHash: r.extrinsic_hash, blockNumber: r.block_number, blockHash: r.block_hash,
    error: r.error, failureKind: r.failure_kind, attempts: r.attempts, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function checkU16List(field: string, v: readonly number[]): void {
  v.forEach((x, i) => {
    if (!(Number.isInteger(x) && x >= 0 && x <= 65535)) throw new StoreInputError(`${field}[${i}]`, `expected a u16, got ${x}`);
  });
}

function checkBlock(field: string, v: number | null | undefined): void {
  if (v !== null && v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new StoreInputError(field, `expected a block number ≥ 0, got ${v}`);
}

/** The commit-intent repository over an open store. */
export class CommitIntentRepo {
  private readonly byId: Statement;
  private readonly insert: Statement;
  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM commit_intents WHERE id = ?');
    this.insert = db.prepare(`INSERT INTO commit_intents (kind, chain, netuid, hotkey, uids, "values", version_key, commit_hash, state,
      not_before, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?)`);
  }

  /** Records a new intent in state planned. */
  create(n: NewIntent): CommitIntent {
    if (!(Number.isInteger(n.netuid) && n.netuid >= 0 && n.netuid <= 65535)) throw new StoreInputError('netuid', `expected a u16, got ${n.netuid}`);
    checkU16List('uids', n.uids);
    checkU16List('values', n.values);
    if (n.uids.length !== n.values.length) throw new StoreInputError('values', `has ${n.values.length} entries but uids has ${n.uids.length}`);
    if (n.versionKey < 0n || n.versionKey >= 1n << 64n) throw new StoreInputError('versionKey', `expected a u64, got ${n.versionKey}`);
    checkBlock('notBefore', n.notBefore);
    const now = new Date().toISOString();
    const r = this.insert.run(n.kind, n.chain, n.netuid, n.hotkey, JSON.stringify(n.uids), JSON.stringify(n.values), n.versionKey.toString(),
      n.commitHash ?? null, n.notBefore ?? null, now, now);
    return this.get(Number(r.lastInsertRowid));
  }

  /** One intent. @throws StoreNotFoundError */
  get(id: number): CommitIntent {
    const row = this.byId.get(id) as Row | undefined;
    if (row === undefined) throw new StoreNotFoundError('commit intent', id);
    return fromRow(row);
  }

  /** The intents not yet finalized or failed, oldest first (what a restart must finish), optionally of one kind. */
  listOpen(kind?: IntentKind): CommitIntent[] {
    const rows = (kind === undefined
      ? this.db.prepare("SELECT * FROM commit_intents WHERE state IN ('planned', 'submitted', 'in_block') ORDER BY id").all()
      : this.db.prepare("SELECT * FROM commit_intents WHERE state IN ('planned', 'submitted', 'in_block') AND kind = ? ORDER BY id").all(kind)) as Row[];
    return rows.map(fromRow);
  }

  /**
   * Deletes closed history: finalized or failed intents last touched before `before`, with their closed reveal rows.
   * An intent that an open reveal still needs (a pending commit's salt, or its reveal intent) is kept, so pruning can
   * never lose what a restart must finish. Returns how many intents were deleted.
   */
  prune(before: Date): number {
    if (!(before instanceof Date) || Number.isNaN(before.getTime())) throw new StoreInputError('before', 'expected a valid Date');
    const cutoff = before.toISOString();
    return this.db.transaction(() => {
      // A reveal row goes once it is closed and both intents it names are closed and old.
      this.db.prepare(`DELETE FROM commit_reveals WHERE status <> 'pending'
        AND commit_intent_id IN (SELECT id FROM commit_intents WHERE state IN ('finalized', 'failed') AND updated_at < ?)
        AND (reveal_intent_id IS NULL OR reveal_intent_id IN (SELECT id FROM commit_intents WHERE state IN ('finalized', 'failed') AND updated_at < ?))`)
        .run(cutoff, cutoff);
      // A timelocked commit's row goes with its intent once it is reconciled (or its intent failed).
      this.db.prepare(`DELETE FROM timelock_commits WHERE status <> 'pending'
        AND commit_intent_id IN (SELECT id FROM commit_intents WHERE state IN ('finalized', 'failed') AND updated_at < ?)`).run(cutoff);
      this.db.prepare(`UPDATE timelock_commits SET recommit_intent_id = NULL
        WHERE recommit_intent_id IN (SELECT id FROM commit_intents WHERE state IN ('finalized', 'failed') AND updated_at < ?)`).run(cutoff);
      const r = this.db.prepare(`DELETE FROM commit_intents WHERE state IN ('finalized', 'failed') AND updated_at < ?
        AND id NOT IN (SELECT commit_intent_id FROM commit_reveals)
        AND id NOT IN (SELECT commit_intent_id FROM timelock_commits WHERE status = 'pending')
        AND id NOT IN (SELECT reveal_intent_id FROM commit_reveals WHERE reveal_intent_id IS NOT NULL)`).run(cutoff);
      return r.changes;
    })();
  }

  /** Every intent, oldest first. */
  listAll(): CommitIntent[] {
    return (this.db.prepare('SELECT * FROM commit_intents ORDER BY id').all() as Row[]).map(fromRow);
  }

  private move(id: number, to: IntentState, set: Record<string, unknown>, extra?: (i: CommitIntent) => void): CommitIntent {
    return this.db.transaction(() => {
      const cur = this.get(id);
      if (!ALLOWED[cur.state].includes(to)) throw new InvalidTransitionError(id, cur.state, to);
      extra?.(cur);
      const cols = Object.keys(set);
      const sql = `UPDATE commit_intents SET state = ?, updated_at = ?${cols.map((c) => `, ${c} = ?`).join('')} WHERE id = ?`;
      this.db.prepare(sql).run(to, new Date().toISOString(), ...cols.map((c) => set[c]), id);
      return this.get(id);
    })();
  }

  /** Moves a planned intent's first allowed block (a rate limit, a reveal window). */
  reschedule(id: number, notBefore: number): CommitIntent {
    checkBlock('notBefore', notBefore);
    return this.move(id, 'planned', { not_before: notBefore }, (i) => {
      if (i.extrinsicHex !== null) throw new InvalidTransitionError(id, 'planned (signed)', 'rescheduled: its bytes are already signed');
    });
  }

  /** Stores the signed extrinsic of a planned intent, before it is sent. A signed intent is never signed again. */
  sign(id: number, s: SignedExtrinsic): CommitIntent {
    if (!/^0x[0-9a-f]+$/i.test(s.extrinsicHex)) throw new StoreInputError('extrinsicHex', 'expected 0x-prefixed hex');
    if (!/^0x[0-9a-f]{64}$/i.test(s.extrinsicHash)) throw new StoreInputError('extrinsicHash', 'expected a 0x-prefixed 32-byte hash');
    checkBlock('eraBirth', s.eraBirth);
    return this.move(id, 'planned', { nonce: s.nonce, era_birth: s.eraBirth, era_period: s.eraPeriod, extrinsic_hex: s.extrinsicHex, extrinsic_hash: s.extrinsicHash }, (i) => {
      if (i.state !== 'planned') throw new InvalidTransitionError(id, i.state, 'signed');
      if (i.extrinsicHex !== null) throw new InvalidTransitionError(id, 'planned (signed)', 'signed again');
    });
  }

  /** Records one more send of the stored bytes (planned → submitted, or a resubmission). */
  markSubmitted(id: number): CommitIntent {
    const cur = this.get(id);
    if (cur.extrinsicHex === null) throw new InvalidTransitionError(id, `${cur.state} (unsigned)`, 'submitted');
    return this.move(id, 'submitted', { attempts: cur.attempts + 1 });
  }

  /** The extrinsic is in a block. */
  markInBlock(id: number, blockNumber: number, blockHash: string): CommitIntent {
    checkBlock('blockNumber', blockNumber);
    return this.move(id, 'in_block', { block_number: blockNumber, block_hash: blockHash });
  }

  /** Its block is final and the call succeeded. */
  markFinalized(id: number): CommitIntent {
    return this.move(id, 'finalized', {});
  }

  /** Terminal failure: the chain's error name or the local reason, and which kind of failure it was. */
  markFailed(id: number, error: string, kind: FailureKind = 'dispatch'): CommitIntent {
    return this.move(id, 'failed', { error, failure_kind: kind });
  }

  /** Its block was retracted (a reorg): back to submitted, to be looked for again (not a new send). */
  markRetracted(id: number): CommitIntent {
    return this.move(id, 'submitted', { block_number: null, block_hash: null }, (i) => {
      if (i.state !== 'in_block') throw new InvalidTransitionError(id, i.state, 'submitted (retracted)');
    });
  }

  /**
   * Forgets a submitted intent's bytes so that it can be signed again. Call only once the old bytes provably cannot
   * land (their nonce was used by another extrinsic, or their era expired, and they are in no block since their birth).
   */
  releaseForResign(id: number, reason: string): CommitIntent {
    return this.move(id, 'planned', { nonce: null, era_birth: null, era_period: null, extrinsic_hex: null, extrinsic_hash: null, block_number: null, block_hash: null, error: reason }, (i) => {
      if (i.state !== 'submitted' && i.state !== 'planned') throw new InvalidTransitionError(id, i.state, 'planned (re-sign)');
    });
  }
}

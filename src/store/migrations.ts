/*
 * The store's schema as an ordered list of migrations. Version N is the N-th entry; a store records the versions it
 * has applied in `schema_version`, and opening it applies the missing ones in order, each in one transaction. Never
 * edit a released migration: append a new one.
 */

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'commit intents, commit-reveal salts and pending reveals',
    sql: `
      CREATE TABLE commit_intents (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT    NOT NULL CHECK (kind IN ('set_weights', 'commit_weights', 'reveal_weights')),
        chain           TEXT    NOT NULL,
        netuid          INTEGER NOT NULL,
        hotkey          TEXT    NOT NULL,
        uids            TEXT    NOT NULL,
        "values"        TEXT    NOT NULL,
        version_key     TEXT    NOT NULL,
        commit_hash     TEXT,
        state           TEXT    NOT NULL CHECK (state IN ('planned', 'submitted', 'in_block', 'finalized', 'failed')),
        not_before      INTEGER,
        nonce           INTEGER,
        era_birth       INTEGER,
        era_period      INTEGER,
        extrinsic_hex   TEXT,
        extrinsic_hash  TEXT,
        block_number    INTEGER,
        block_hash      TEXT,
        error           TEXT,
        failure_kind    TEXT    CHECK (failure_kind IN ('refused', 'dispatch', 'rejected', 'expired')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
      );
      CREATE INDEX commit_intents_open ON commit_intents (state) WHERE state IN ('planned', 'submitted', 'in_block');
      CREATE TABLE commit_reveals (
        commit_intent_id  INTEGER PRIMARY KEY REFERENCES commit_intents (id),
        salt              TEXT    NOT NULL,
        commit_block      INTEGER,
        reveal_first      INTEGER,
        reveal_last       INTEGER,
        reveal_intent_id  INTEGER REFERENCES commit_intents (id),
        status            TEXT    NOT NULL CHECK (status IN ('pending', 'revealed', 'expired', 'failed')),
        error             TEXT
      );
      CREATE INDEX commit_reveals_pending ON commit_reveals (status) WHERE status = 'pending';
    `,
  },
  {
    version: 2,
    name: 'validator service: task seed and step cursor, score book by (uid, hotkey), steps, predictions',
    sql: `
      CREATE TABLE validator_state (
        chain       TEXT    NOT NULL,
        netuid      INTEGER NOT NULL,
        hotkey      TEXT    NOT NULL,
        task_seed   INTEGER NOT NULL,
        next_step   INTEGER NOT NULL,
        created_at  TEXT    NOT NULL,
        PRIMARY KEY (chain, netuid, hotkey)
      );
      CREATE TABLE validator_scores (
        chain         TEXT    NOT NULL,
        netuid        INTEGER NOT NULL,
        hotkey        TEXT    NOT NULL,
        uid           INTEGER NOT NULL,
        miner_hotkey  TEXT    NOT NULL,
        score         REAL    NOT NULL,
        PRIMARY KEY (chain, netuid, hotkey, uid)
      );
      CREATE TABLE validator_steps (
        chain        TEXT    NOT NULL,
        netuid       INTEGER NOT NULL,
        hotkey       TEXT    NOT NULL,
        step         INTEGER NOT NULL,
        block        INTEGER NOT NULL,
        task         TEXT    NOT NULL,
        queried      INTEGER NOT NULL,
        responsive   INTEGER NOT NULL,
        duration_ms  REAL    NOT NULL,
        finished_at  TEXT    NOT NULL,
        PRIMARY KEY (chain, netuid, hotkey, step)
      );
      CREATE TABLE validator_predictions (
        id                   INTEGER PRIMARY KEY AUTOINCREMENT,
        chain                TEXT    NOT NULL,
        netuid               INTEGER NOT NULL,
        hotkey               TEXT    NOT NULL,
        uid                  INTEGER NOT NULL,
        synced_block         INTEGER NOT NULL,
        epoch_block          INTEGER NOT NULL,
        intent_id            INTEGER,
        predicted_vtrust     INTEGER NOT NULL,
        predicted_dividends  INTEGER NOT NULL,
        predicted_incentive  TEXT    NOT NULL,
        chain_vtrust         INTEGER,
        chain_dividends      INTEGER,
        chain_incentive      TEXT,
        diff_vtrust          INTEGER,
        diff_dividends       INTEGER,
        max_diff_incentive   INTEGER,
        created_at           TEXT    NOT NULL,
        checked_at           TEXT
      );
      CREATE INDEX validator_predictions_open ON validator_predictions (chain, netuid, hotkey) WHERE checked_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'timelocked weight commits: the intent kind commit_timelocked_weights and each commit\'s ciphertext, round and reconcile state',
    // SQLite cannot widen a CHECK in place: the intents table is rebuilt with the same columns, rows and ids. The
    // reveal rows reference intents, and foreign keys are on (and cannot be switched off inside the migration's
    // transaction): they are set aside while the old table is dropped, then put back once every id exists again.
    sql: `
      CREATE TEMP TABLE commit_reveals_keep AS SELECT * FROM commit_reveals;
      DELETE FROM commit_reveals;
      CREATE TABLE commit_intents_v3 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT    NOT NULL CHECK (kind IN ('set_weights', 'commit_weights', 'reveal_weights', 'commit_timelocked_weights')),
        chain           TEXT    NOT NULL,
        netuid          INTEGER NOT NULL,
        hotkey          TEXT    NOT NULL,
        uids            TEXT    NOT NULL,
        "values"        TEXT    NOT NULL,
        version_key     TEXT    NOT NULL,
        commit_hash     TEXT,
        state           TEXT    NOT NULL CHECK (state IN ('planned', 'submitted', 'in_block', 'finalized', 'failed')),
        not_before      INTEGER,
        nonce           INTEGER,
        era_birth       INTEGER,
        era_period      INTEGER,
        extrinsic_hex   TEXT,
        extrinsic_hash  TEXT,
        block_number    INTEGER,
        block_hash      TEXT,
        error           TEXT,
        failure_kind    TEXT    CHECK (failure_kind IN ('refused', 'dispatch', 'rejected', 'expired')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
      );
      INSERT INTO commit_intents_v3 SELECT * FROM commit_intents;
      DROP TABLE commit_intents;
      ALTER TABLE commit_intents_v3 RENAME TO commit_intents;
      CREATE INDEX commit_intents_open ON commit_intents (state) WHERE state IN ('planned', 'submitted', 'in_block');
      INSERT INTO commit_reveals SELECT * FROM temp.commit_reveals_keep;
      DROP TABLE temp.commit_reveals_keep;
      CREATE TABLE timelock_commits (
        commit_intent_id    INTEGER PRIMARY KEY REFERENCES commit_intents (id),
        ciphertext          TEXT    NOT NULL,
        reveal_round        TEXT    NOT NULL,
        version             INTEGER NOT NULL,
        planned_block       INTEGER NOT NULL,
        first_reveal_block  INTEGER,
        status              TEXT    NOT NULL CHECK (status IN ('pending', 'revealed', 'dropped', 'failed')),
        revealed_block      INTEGER,
        recommit_intent_id  INTEGER REFERENCES commit_intents (id),
        error               TEXT
      );
      CREATE INDEX timelock_commits_pending ON timelock_commits (status) WHERE status = 'pending';
    `,
  },
]);

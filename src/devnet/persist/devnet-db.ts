import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FileWriteError, RuntimeDataError } from '../../errors/index.js';
import type { BlockRecord, HeaderJson, Produced } from '../chain.js';
import type { Hex } from '../storage-codec.js';

/*
 * The devnet's own persistence (`--db FILE`), separate from the validator's store (src/store): every produced block
 * (header, extrinsics, timestamp) and the storage writes it made. A restarted devnet replays the writes block by
 * block, so every block and every historical storage value comes back, and checks each rebuilt block's hash against
 * the stored one. Each block is written in one transaction in WAL mode: a devnet killed at any moment loses at most
 * the block it was writing, never the ones before (synchronous=NORMAL survives a process crash).
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  number INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  header TEXT NOT NULL,
  extrinsics TEXT NOT NULL,
  timestamp INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
  block INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (block, key)
);
`;

/** The schema version written into `meta`; a file with another version is refused. */
const SCHEMA_VERSION = '1';

/** A stored block with its storage writes. */
export interface StoredBlock {
  block: BlockRecord;
  changes: Array<[Hex, Hex | null]>;
}

/** A devnet database file. */
export class DevnetDb {
  private readonly insertBlock: Database.Statement;
  private readonly insertChange: Database.Statement;
  private readonly saveTx: (produced: Produced) => void;

  private constructor(private readonly db: Database.Database, readonly file: string, readonly isNew: boolean) {
    this.insertBlock = db.prepare('INSERT INTO blocks (number, hash, header, extrinsics, timestamp) VALUES (?, ?, ?, ?, ?)');
    this.insertChange = db.prepare('INSERT INTO changes (block, key, value) VALUES (?, ?, ?)');
    this.saveTx = db.transaction((produced: Produced) => {
      const b = produced.block;
      this.insertBlock.run(b.number, b.hash, JSON.stringify(b.header), JSON.stringify(b.extrinsics), b.timestamp);
      for (const [key, value] of produced.changes) this.insertChange.run(b.number, key, value);
    });
  }

  /**
   * Opens (or creates) a devnet database. `isNew` tells whether it holds no block yet (to be initialised from the
   * config) or is to be resumed.
   * @throws FileWriteError when the file cannot be opened or created; RuntimeDataError when it is not a devnet database
   */
  static open(file: string, specVersion: number): DevnetDb {
    const existed = existsSync(file);
    let db: Database.Database;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
    } catch (e) {
      throw new FileWriteError(file, (e as Error).message);
    }
    const meta = (key: string): string | undefined =>
      (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    const count = (db.prepare('SELECT COUNT(*) AS n FROM blocks').get() as { n: number }).n;
    if (count === 0) {
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('specVersion', String(specVersion));
    } else {
      if (meta('schema') !== SCHEMA_VERSION) {
        db.close();
        throw new RuntimeDataError(`${file} is not a devnet database of schema ${SCHEMA_VERSION} (remove it to start afresh)`);
      }
      if (meta('specVersion') !== String(specVersion)) {
        db.close();
        throw new RuntimeDataError(`${file} holds a chain of runtime spec ${meta('specVersion')}, this devnet serves ${specVersion}`);
      }
    }
    return new DevnetDb(db, file, !existed || count === 0);
  }

  /** Stores a produced block and its writes (one transaction). */
  save(produced: Produced): void {
    this.saveTx(produced);
  }

  /** The stored blocks in order, each with its writes. */
  *blocks(): IterableIterator<StoredBlock> {
    const changes = this.db.prepare('SELECT key, value FROM changes WHERE block = ? ORDER BY key');
    const rows = this.db.prepare('SELECT number, hash, header, extrinsics, timestamp FROM blocks ORDER BY number').iterate() as
      IterableIterator<{ number: number; hash: string; header: string; extrinsics: string; timestamp: number }>;
    let expected = 0;
    for (const row of rows) {
      if (row.number !== expected) throw new RuntimeDataError(`${this.file}: block ${expected} is missing`);
      expected++;
      yield {
        block: {
          number: row.number,
          hash: row.hash as Hex,
          header: JSON.parse(row.header) as HeaderJson,
          extrinsics: JSON.parse(row.extrinsics) as Hex[],
          timestamp: row.timestamp,
        },
        changes: (changes.all(row.number) as Array<{ key: Hex; value: Hex | null }>).map((c) => [c.key, c.value]),
      };
    }
  }

  /** Closes the file. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

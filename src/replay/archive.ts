import type { Database as Db, Statement } from 'better-sqlite3';
import { ARCHIVE_KIND, openDatabase } from '../store/index.js';
import type { Migration } from '../store/index.js';
import { ArchiveContentError } from './errors.js';
import { packInput, packKeys, packOutput, snapshotFromRow } from './snapshot-codec.js';
import type { Snapshot } from './types.js';

/*
 * The replay archive: one SQLite file (better-sqlite3, WAL, synchronous=FULL, through the store's openDatabase and
 * its versioned migrations) holding epoch snapshots keyed by (genesis hash, netuid, epoch block), and the ranges whose
 * epoch blocks were fully discovered. Each snapshot is written in one statement, `INSERT OR IGNORE` on its key: a
 * replay killed at any point leaves whole rows only, and a rerun adds the missing ones without duplicating any.
 * The schema is documented in docs/replay.md; audit and tuning read it through this class only.
 */

/** The archive's schema, version by version (append only). */
export const ARCHIVE_MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'replay archive: snapshots, discovered epoch blocks, scanned ranges',
    sql: `
      CREATE TABLE snapshots (
        genesis  TEXT    NOT NULL,
        netuid   INTEGER NOT NULL,
        block    INTEGER NOT NULL,
        input    BLOB    NOT NULL,
        output   BLOB,
        keys     BLOB    NOT NULL,
        unread   TEXT    NOT NULL,
        PRIMARY KEY (genesis, netuid, block)
      ) WITHOUT ROWID;
      CREATE TABLE epoch_blocks (
        genesis  TEXT    NOT NULL,
        netuid   INTEGER NOT NULL,
        block    INTEGER NOT NULL,
        PRIMARY KEY (genesis, netuid, block)
      ) WITHOUT ROWID;
      CREATE TABLE scans (
        genesis     TEXT    NOT NULL,
        netuid      INTEGER NOT NULL,
        from_block  INTEGER NOT NULL,
        to_block    INTEGER NOT NULL,
        PRIMARY KEY (genesis, netuid, from_block, to_block)
      ) WITHOUT ROWID;
    `,
  },
]);

/** Options of `Archive.get`. */
export interface GetOptions {
  /** Decode hotkeys, coldkeys and axons (default true; a replay does not need them). */
  keys?: boolean;
}

interface Row {
  netuid: number;
  block: number;
  input: Buffer;
  output: Buffer | null;
  keys: Buffer;
  unread: string;
}

/** An archive file. */
export class Archive {
  private readonly insert: Statement;
  private readonly select: Statement;

  private constructor(readonly file: string, private readonly db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO snapshots (genesis, netuid, block, input, output, keys, unread) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.select = db.prepare('SELECT netuid, block, input, output, keys, unread FROM snapshots WHERE genesis = ? AND netuid = ? AND block = ?');
  }

  /**
   * Opens (creating when absent) an archive file and applies the missing schema versions.
   * @throws StoreOpenError; StoreVersionError for a file written by a newer yumaval; StoreKindError for a validator
   *   store or an unmarked file; ArchiveContentError for a marked archive without its table
   */
  static open(file: string): Archive {
    const db = openDatabase(file, { migrations: ARCHIVE_MIGRATIONS, kind: ARCHIVE_KIND });
    // The store and the archive share openDatabase's schema_version table: a validator store (or any other SQLite
    // file with one) would pass as an archive of the same version without this check.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'").get() === undefined) {
      db.close();
      throw new ArchiveContentError(`${file} is not a replay archive (it has a schema_version but no snapshots table; is it a validator store?)`);
    }
    return new Archive(file, db);
  }

  /** Stores a snapshot under its chain's genesis hash; false when that (genesis, netuid, block) was already stored. */
  put(genesis: string, s: Snapshot): boolean {
    const keys = packKeys(s.axons === undefined ? { hotkeys: s.hotkeys, coldkeys: s.coldkeys } : { hotkeys: s.hotkeys, coldkeys: s.coldkeys, axons: s.axons });
    const info = this.insert.run(genesis, s.netuid, s.block, packInput(s.input), s.output === null ? null : packOutput(s.output), keys, JSON.stringify(s.unread ?? []));
    return info.changes === 1;
  }

  /**
   * Stores many snapshots in one transaction (one sync to disk instead of one per row: an import, a bulk copy).
   * @returns how many were new
   */
  putMany(items: Iterable<{ genesis: string; snapshot: Snapshot }>): number {
    let added = 0;
    this.db.transaction(() => {
      for (const { genesis, snapshot } of items) if (this.put(genesis, snapshot)) added++;
    })();
    return added;
  }

  /** One snapshot, or null. */
  get(genesis: string, netuid: number, block: number, options: GetOptions = {}): Snapshot | null {
    const row = this.select.get(genesis, netuid, block) as Row | undefined;
    if (row === undefined) return null;
    return snapshotFromRow(row.netuid, row.block, row.input, row.output, options.keys === false ? null : row.keys, row.unread);
  }

  /** The blocks of the stored snapshots of a subnet in [from, to], ascending. */
  blocks(genesis: string, netuid: number, from = 0, to = Number.MAX_SAFE_INTEGER): number[] {
    const rows = this.db.prepare('SELECT block FROM snapshots WHERE genesis = ? AND netuid = ? AND block BETWEEN ? AND ? ORDER BY block').all(genesis, netuid, from, to) as Array<{ block: number }>;
    return rows.map((r) => r.block);
  }

  /** The (genesis, netuid) pairs in the archive, with their snapshot counts and block ranges. */
  subnets(): Array<{ genesis: string; netuid: number; snapshots: number; first: number; last: number }> {
    return this.db.prepare('SELECT genesis, netuid, COUNT(*) AS snapshots, MIN(block) AS first, MAX(block) AS last FROM snapshots GROUP BY genesis, netuid ORDER BY genesis, netuid').all() as Array<{ genesis: string; netuid: number; snapshots: number; first: number; last: number }>;
  }

  /** The epoch blocks of [from, to] when a recorded scan covers that range, else null. */
  scanned(genesis: string, netuid: number, from: number, to: number): number[] | null {
    const cover = this.db.prepare('SELECT 1 FROM scans WHERE genesis = ? AND netuid = ? AND from_block <= ? AND to_block >= ? LIMIT 1').get(genesis, netuid, from, to);
    if (cover === undefined) return null;
    const rows = this.db.prepare('SELECT block FROM epoch_blocks WHERE genesis = ? AND netuid = ? AND block BETWEEN ? AND ? ORDER BY block').all(genesis, netuid, from, to) as Array<{ block: number }>;
    return rows.map((r) => r.block);
  }

  /** The widest recorded scan of a subnet, or null. */
  scanRange(genesis: string, netuid: number): { from: number; to: number } | null {
    const r = this.db.prepare('SELECT from_block AS "from", to_block AS "to" FROM scans WHERE genesis = ? AND netuid = ? ORDER BY to_block - from_block DESC LIMIT 1').get(genesis, netuid) as { from: number; to: number } | undefined;
    return r ?? null;
  }

  /** Records that [from, to] was fully scanned and holds exactly these epoch blocks (one transaction). */
  recordScan(genesis: string, netuid: number, from: number, to: number, blocks: number[]): void {
    const addBlock = this.db.prepare('INSERT OR IGNORE INTO epoch_blocks (genesis, netuid, block) VALUES (?, ?, ?)');
    const addScan = this.db.prepare('INSERT OR IGNORE INTO scans (genesis, netuid, from_block, to_block) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const b of blocks) addBlock.run(genesis, netuid, b);
      addScan.run(genesis, netuid, from, to);
    })();
  }

  /** Every snapshot, ordered by genesis, netuid and block (optionally one subnet), read one at a time. */
  *iterate(filter: { genesis?: string; netuid?: number } = {}): Generator<{ genesis: string; snapshot: Snapshot }> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.genesis !== undefined) { where.push('genesis = ?'); args.push(filter.genesis); }
    if (filter.netuid !== undefined) { where.push('netuid = ?'); args.push(filter.netuid); }
    const sql = `SELECT genesis, netuid, block, input, output, keys, unread FROM snapshots${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY genesis, netuid, block`;
    for (const row of this.db.prepare(sql).iterate(...args) as IterableIterator<Row & { genesis: string }>) {
      yield { genesis: row.genesis, snapshot: snapshotFromRow(row.netuid, row.block, row.input, row.output, row.keys, row.unread) };
    }
  }

  /** Rows and bytes held, for size reports. */
  stats(): { snapshots: number; bytes: number } {
    const r = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(input) + COALESCE(LENGTH(output), 0) + LENGTH(keys)), 0) AS bytes FROM snapshots').get() as { n: number; bytes: number };
    return { snapshots: r.n, bytes: r.bytes };
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }
}

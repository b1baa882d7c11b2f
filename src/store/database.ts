import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { InvalidOptionError } from '../errors/index.js';
import { StoreKindError, StoreOpenError, StoreVersionError } from './errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/*
 * Opening the validator's store: better-sqlite3 in WAL mode (readers never block the writer, and a commit is durable
 * once the call returns with synchronous=FULL: the weight pipeline writes a signed extrinsic BEFORE sending it, and
 * that write must survive a kill -9 right after). Migrations run at open, in order, one transaction each.
 */

/** Options of `openDatabase`. */
export interface StoreOptions {
  /** How long a write waits for another process's lock before failing (SQLite busy_timeout). */
  busyTimeoutMs?: number;
  /** The migrations to apply (tests give a longer list to prove upgrades); default MIGRATIONS. */
  migrations?: readonly Migration[];
  /** What kind of file this is (default: the validator store). Files of another kind are refused. */
  kind?: FileKind;
}

/**
 * A kind of yumaval SQLite file, marked in SQLite's `application_id` header field: the validator store and the replay
 * archive share openDatabase and its schema_version table, so their version numbers alone cannot tell them apart.
 */
export interface FileKind {
  /** The 32-bit application_id written into the file's header. */
  id: number;
  /** Its name in messages ("validator store"). */
  name: string;
  /** Accept a file with migrations but no mark (files written before kinds were marked), and mark it. */
  adoptUnmarked: boolean;
}

/** The validator store ('yumv'). Stores written before the mark existed are adopted. */
export const STORE_KIND: Readonly<FileKind> = Object.freeze({ id: 0x79756d76, name: 'validator store', adoptUnmarked: true });

/** The replay archive ('yuma', src/replay), marked from its first version on: an unmarked file is not one. */
export const ARCHIVE_KIND: Readonly<FileKind> = Object.freeze({ id: 0x79756d61, name: 'replay archive', adoptUnmarked: false });

/** Every kind this build writes, by id, to name the kind of a file refused. */
const KIND_NAMES = new Map<number, string>([[STORE_KIND.id, 'a validator store'], [ARCHIVE_KIND.id, 'a replay archive']]);

export const STORE_DEFAULTS: Readonly<Required<StoreOptions>> = Object.freeze({ busyTimeoutMs: 5_000, migrations: MIGRATIONS, kind: STORE_KIND });

/** Refuses a file marked as (or, unmarked, not adoptable as) another kind; marks a new or adopted file. */
function checkKind(db: Db, file: string, kind: FileKind): void {
  const id = db.pragma('application_id', { simple: true }) as number;
  if (id === kind.id) return;
  const fresh = schemaVersion(db) === 0;
  if (id !== 0 || !(fresh || kind.adoptUnmarked)) {
    const found = id === 0 ? 'an unmarked yumaval file of another kind' : (KIND_NAMES.get(id) ?? `a file with application_id ${id}`);
    throw new StoreKindError(file, kind.name, found);
  }
  db.pragma(`application_id = ${kind.id}`);
}

function checkOptions(o: Required<StoreOptions>): void {
  if (!(Number.isInteger(o.busyTimeoutMs) && o.busyTimeoutMs >= 0 && o.busyTimeoutMs <= 600_000)) {
    throw new InvalidOptionError('busyTimeoutMs', `expected milliseconds in 0..600000, got ${o.busyTimeoutMs}`);
  }
  o.migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new InvalidOptionError('migrations', `entry ${i} has version ${m.version}; versions must be 1, 2, 3, ... in order`);
  });
}

/** The schema version a store has reached (0 for a new file). */
export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Opens (creating when absent) a store file, switches it to WAL and applies the missing migrations.
 * @throws StoreOpenError when the file cannot be opened; StoreVersionError when it is newer than this build
 */
export function openDatabase(file: string, options: StoreOptions = {}): Db {
  const o = { ...STORE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<StoreOptions>;
  checkOptions(o);
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${o.busyTimeoutMs}`);
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  } catch (e) {
    throw new StoreOpenError(file, (e as Error).message, { cause: e });
  }
  try {
    const current = schemaVersion(db);
    checkKind(db, file, o.kind);
    if (current > o.migrations.length) throw new StoreVersionError(file, current, o.migrations.length);
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of o.migrations.slice(current)) {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name, new Date().toISOString());
      })();
    }
  } catch (e) {
    db.close();
    if (e instanceof StoreVersionError || e instanceof StoreKindError) throw e;
    throw new StoreOpenError(file, `migration failed: ${(e as Error).message}`, { cause: e });
  }
  return db;
}

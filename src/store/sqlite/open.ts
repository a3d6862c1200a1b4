import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { OctoError } from '../../core/errors.js';
import { NotAKeystore } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';
import { ensurePrivateDir, ensurePrivateFile } from '../private-files.js';

export type Db = Database.Database;

/** Long enough for several CLI processes and a running `serve` to take turns (SPEC §2). */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating on first use) the keystore at `path`: private folder and file, WAL, foreign
 * keys, a busy timeout, and every pending migration applied. Clear errors, never a stack, for a
 * path that cannot be made, a file that is not SQLite, and a schema newer than this octo.
 */
export function openDatabase(path: string): Db {
  prepareFile(path);
  let db: Db;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw cannotOpen(path, err);
  }
  try {
    db.pragma('foreign_keys = ON');
    // Checked before anything writes: a file octo must refuse is left exactly as it was.
    checkIsOurs(db, path);
    setWal(db);
    migrate(db, path);
  } catch (err) {
    db.close();
    if (err instanceof OctoError) throw err;
    throw cannotOpen(path, err);
  }
  return db;
}

/** A keystore in memory with the current schema and no rows: what a read sees where none exists yet. */
export function openEmptyDatabase(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, ':memory:');
  return db;
}

function prepareFile(path: string): void {
  try {
    ensurePrivateDir(dirname(path));
    ensurePrivateFile(path);
  } catch (err) {
    throw cannotOpen(path, err);
  }
  refuseFolder(path);
}

function refuseFolder(path: string): void {
  if (statSync(path).isDirectory()) {
    throw new NotAKeystore(`${path} is a folder, not a keystore file`, 'pass --db with a file path, e.g. --db ~/octo/keystore.db');
  }
}

/**
 * An existing keystore file opened as it is, for a look that changes nothing (`octo status`): no
 * folder or file created, no pragma set, no migration, so an older schema is reported as it is.
 * The same refusals as openDatabase: a folder, a file that is not SQLite, another program's
 * database, a schema newer than ours.
 */
export function openDatabaseAsIs(path: string): { db: Db; version: number } {
  let db: Db;
  try {
    refuseFolder(path);
    db = new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof OctoError) throw err;
    throw cannotOpen(path, err);
  }
  try {
    checkIsOurs(db, path);
    return { db, version: db.pragma('user_version', { simple: true }) as number };
  } catch (err) {
    db.close();
    if (err instanceof OctoError) throw err;
    throw cannotOpen(path, err);
  }
}

/** journal_mode=WAL needs a moment of exclusive access; a racing first open may see SQLITE_BUSY. */
export function setWal(db: Db): void {
  for (let attempt = 0; ; attempt++) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 50) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function migrate(db: Db, path: string): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  checkNotNewer(current(), path);
  if (current() === SCHEMA_VERSION) return;
  // IMMEDIATE: the first of several racing processes migrates; the others wait, then see it done.
  db.transaction(() => {
    const from = current();
    checkNotNewer(from, path);
    for (let v = from; v < SCHEMA_VERSION; v++) {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

/**
 * A schema newer than ours, or a SQLite database of another program (version 0 with tables).
 * One statement reads both, so a racing first open that migrates in between (tables and version
 * committed together) can never be seen half-way as "version 0 with tables".
 */
function checkIsOurs(db: Db, path: string): void {
  const { version, hasTables } = schemaState(db);
  checkNotNewer(version, path);
  if (version === 0 && hasTables) {
    throw new NotAKeystore(
      `${path} is a SQLite database, but not an octo keystore`,
      'pass --db (or OCTO_DB) with the path of your keystore; octo does not add its tables to another database',
    );
  }
}

/** A file's user_version and whether it holds any table, read in one statement (checkIsOurs says why). */
export function schemaState(db: Db): { version: number; hasTables: boolean } {
  const { version, hasTables } = db
    .prepare('SELECT user_version AS version, EXISTS (SELECT 1 FROM sqlite_master) AS hasTables FROM pragma_user_version')
    .get() as { version: number; hasTables: number };
  return { version, hasTables: hasTables === 1 };
}

/** `prepare`, each SQL text prepared once on `db` and kept for the next call with the same text. */
export function preparedOnce(db: Db): <P extends unknown[] = unknown[], R = unknown>(sql: string) => Database.Statement<P, R> {
  const statements = new Map<string, Database.Statement>();
  return <P extends unknown[], R>(sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement as unknown as Database.Statement<P, R>;
  };
}

function checkNotNewer(version: number, path: string): void {
  if (version > SCHEMA_VERSION) {
    throw new OctoError(
      'keystore_too_new',
      `the keystore ${path} has schema version ${version}, newer than this octo understands (${SCHEMA_VERSION})`,
      { hint: 'upgrade octo (npm install -g octo@latest); octo never downgrades a keystore' },
    );
  }
}

function cannotOpen(path: string, err: unknown): OctoError {
  const e = err as { code?: string; message?: string };
  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
    return new NotAKeystore(
      `${path} is not an octo keystore (not a SQLite database)`,
      'pass --db (or OCTO_DB) with the path of your keystore, or move this file away to start a new one',
    );
  }
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' || e.code === 'SQLITE_READONLY' || e.code === 'SQLITE_CANTOPEN') {
    return new OctoError('keystore_unwritable', `cannot open the keystore ${path}: permission denied or read-only`, {
      hint: 'pass --db (or OCTO_DB) with a path in a folder you can write to',
    });
  }
  if (e.code === 'ENOTDIR' || e.code === 'ENOENT') {
    return new OctoError('keystore_unwritable', `cannot create the keystore ${path}: a parent is not a folder`, {
      hint: 'pass --db (or OCTO_DB) with a path in a folder you can write to',
    });
  }
  return new OctoError('keystore_error', `cannot open the keystore ${path}: ${e.message ?? String(err)}`, {
    hint: 'check the path given by --db or OCTO_DB',
  });
}

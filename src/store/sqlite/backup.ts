import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { OctoError } from '../../core/errors.js';
import { NotAKeystore } from '../errors.js';
import type { RestoreSource } from '../keystore.js';
import { ensurePrivateDir, ensurePrivateFile, tempBeside } from '../private-files.js';
import type { KeystoreSummary } from '../records.js';
import { SqliteKeystore } from './keystore.js';
import { SCHEMA_VERSION } from './migrations/index.js';
import { openDatabase, type Db } from './open.js';

export function summarise(db: Db): KeystoreSummary {
  const count = (sql: string) => db.prepare<[], number>(sql).pluck().get() as number;
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    keys: count('SELECT count(*) FROM keys'),
    subjects: count('SELECT (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM wabas) + (SELECT count(*) FROM channels)'),
    auditEvents: count('SELECT count(*) FROM audit'),
    sealedSecrets: count('SELECT count(*) FROM keys WHERE secret_sealed IS NOT NULL'),
    masterKeyFingerprint: db.prepare<[], string>("SELECT value FROM meta WHERE key = 'master_key_fingerprint'").pluck().get() ?? null,
  };
}

/** A SQLite file and its -wal, -shm and -journal companions. */
export function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/**
 * A consistent copy of the open keystore in `file`, private (0600), taken with SQLite's online
 * backup API so that `serve` and other CLI processes may keep writing meanwhile. The copy is
 * written under a temporary name and moved into place whole; without `overwrite`, an existing
 * `file` (even one created meanwhile) is never replaced.
 */
export async function backupDatabase(db: Db, file: string, overwrite: boolean): Promise<KeystoreSummary> {
  ensurePrivateDir(dirname(file));
  const temp = tempBeside(file);
  try {
    ensurePrivateFile(temp);
    // All pages in one step: one read transaction, so the copy is one moment of the keystore.
    await db.backup(temp, { progress: () => 0x7fffffff });
    const copy = new Database(temp);
    let summary: KeystoreSummary;
    try {
      // One self-contained file: a backup in WAL mode would need its -wal beside it.
      copy.pragma('journal_mode = DELETE');
      summary = summarise(copy);
    } finally {
      copy.close();
    }
    chmodSync(temp, 0o600);
    if (overwrite) renameSync(temp, file);
    else linkSync(temp, file);
    return summary;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw backupExists(file);
    throw err;
  } finally {
    removeDb(temp);
  }
}

export function backupExists(file: string): OctoError {
  return new OctoError('backup_exists', `${file} already exists`, {
    hint: `choose another file, or replace it with \`octo backup ${file} --yes\``,
  });
}

/**
 * A keystore file to restore, checked and brought to this octo's schema in a private working copy
 * beside the live keystore: never the file itself, which stays as it was. Refuses what is not an
 * octo keystore, a schema newer than this octo (never downgraded), and a file that fails
 * integrity_check.
 */
export function openRestoreSource(file: string, livePath: string): RestoreSource {
  ensurePrivateDir(dirname(livePath));
  const temp = tempBeside(livePath);
  try {
    copyFileSync(file, temp);
    chmodSync(temp, 0o600);
  } catch (err) {
    removeDb(temp);
    const code = (err as NodeJS.ErrnoException).code;
    throw new OctoError('backup_unreadable', `cannot read ${file}${code === 'ENOENT' ? ': no such file' : ''}`, {
      hint: 'pass the path of a file made by `octo backup FILE`',
    });
  }
  try {
    checkSource(temp, file);
    return new SqliteRestoreSource(new SqliteKeystore(openDatabase(temp), temp));
  } catch (err) {
    removeDb(temp);
    if (err instanceof OctoError) throw notABackup(file, err);
    throw err;
  }
}

function checkSource(temp: string, file: string): void {
  if (statSync(temp).size === 0) throw notABackup(file);
  let db: Db;
  try {
    db = new Database(temp, { fileMustExist: true });
  } catch {
    throw notABackup(file);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw notABackup(file);
    if (version > SCHEMA_VERSION) {
      throw new OctoError('keystore_too_new', `${file} has schema version ${version}, newer than this octo understands (${SCHEMA_VERSION})`, {
        hint: 'restore it with a newer octo (npm install -g octo@latest); octo never downgrades a keystore',
      });
    }
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') {
      throw new OctoError('backup_corrupt', `${file} is damaged (integrity_check: ${String(integrity)})`, {
        hint: 'restore an older backup',
      });
    }
  } catch (err) {
    if (err instanceof OctoError) throw err;
    throw notABackup(file);
  } finally {
    db.close();
  }
}

function notABackup(file: string, cause?: OctoError): OctoError {
  if (cause && !(cause instanceof NotAKeystore)) return cause;
  return new OctoError('backup_invalid', `${file} is not an octo keystore`, {
    hint: 'pass the path of a file made by `octo backup FILE`',
  });
}

/** The working copy of a backup file, a keystore file of its own beside the live one. */
class SqliteRestoreSource implements RestoreSource {
  constructor(readonly store: SqliteKeystore) {}

  async discard(): Promise<void> {
    await this.store.close();
    removeDb(this.store.path);
  }
}

/**
 * Replaces the live keystore's content with `source`'s in one write transaction on the live file
 * (the backup API run the other way), so a running `serve` sees either the old keystore or the
 * restored one, never a mix. The working copy is removed afterwards.
 */
export async function replaceDatabase(source: RestoreSource, livePath: string): Promise<void> {
  try {
    if (!(source instanceof SqliteRestoreSource)) throw new Error('a restore source is opened by openRestoreSource');
    await backupInWorker(source.store.path, livePath);
  } finally {
    await source.discard();
  }
}

/*
 * The copy runs in a worker thread. better-sqlite3's backup() takes the destination's write lock in
 * a first step that copies nothing and copies the pages a turn of the event loop later; run on the
 * thread of `serve` (POST /_octo/reset), a write of serve's own connection in that turn (a webhook
 * delivery's outcome, the batched last-used times) waited on a lock its own thread held, for the
 * whole busy timeout, and every request with it. From a worker, such a write waits for the copy only.
 * The worker's code is a string so that the one-file bundle (scripts/bundle.mjs) needs no second entry.
 */
const BACKUP_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.source, { readonly: true, fileMustExist: true });
db.backup(workerData.target, { progress: () => 0x7fffffff }).then(
  () => null,
  (err) => ({ message: err.message, code: err.code }),
).then((failure) => {
  db.close();
  parentPort.postMessage(failure);
});
`;

async function backupInWorker(source: string, target: string): Promise<void> {
  // Loaded here, not at the top: every command opens its keystore through this module, and only a
  // restore needs node's worker machinery; the rest, `octo keys verify` first (SPEC §10), would pay
  // for loading it at every start.
  const { Worker } = await import('node:worker_threads');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    let failure: { message: string; code?: string } | null = null;
    const worker = new Worker(BACKUP_WORKER, { eval: true, workerData: { driver, source, target } });
    worker.on('message', (m: typeof failure) => (failure = m));
    worker.on('error', reject);
    // Settled at exit, once the worker has closed both files (the working copy is removed next).
    worker.on('exit', (code) => {
      if (failure) reject(Object.assign(new Error(failure.message), { code: failure.code }));
      else if (code !== 0) reject(new Error(`the restore's copy stopped (worker exit code ${code})`));
      else resolve();
    });
  });
}

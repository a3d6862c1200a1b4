import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { OctoError } from '../../core/errors.js';
import type { TwinKind, TwinWrite } from '../keystore.js';
import { ensurePrivateFile } from '../private-files.js';
import type { SegmentRange, TwinSegment, TwinSegments } from '../twin-log.js';
import { BUSY_TIMEOUT_MS, schemaState, setWal, type Db } from './open.js';
import { TwinSegmentsRepo } from './twin-repo.js';

/*
 * On SQLite the local twin's outbox and journal (SPEC §12) live beside the keystore, in a file of
 * their own: `<keystore>-twin`. SPEC §12 says the commands read them from "the keystore"; the README
 * says where. A verifier commits a batch several times a second, and in the keystore file those
 * commits would move its data_version (every other verifier on the file would take each batch for a
 * change of the keys and drop its cache), grow the keystore's WAL (whose checkpoints fall to
 * whichever writer, CLI commands too), and fill its backups with traffic. Here they can also be
 * kept as what they are, a test's observations rather than the keys: synchronous=NORMAL (a power
 * loss may lose the last commits, never corrupt the file) and rarer checkpoints (BENCHMARKS.md).
 */

/** The twin's file beside the keystore at `keystorePath`, named like SQLite's own -wal and -shm. */
export function twinPath(keystorePath: string): string {
  return keystorePath === ':memory:' ? keystorePath : `${keystorePath}-twin`;
}

/** The file's schema: the segment tables (store/twin-log.ts has the format and the rules). */
const SCHEMA_VERSION = 1;
const SCHEMA = ['twin_messages', 'twin_requests'].map((table) => `
  CREATE TABLE ${table} (
    seq_first INTEGER PRIMARY KEY,
    seq_last  INTEGER NOT NULL,
    at_last   INTEGER NOT NULL,
    keep      INTEGER NOT NULL,
    entries   TEXT NOT NULL
  );`).join('');

/** Pages of WAL before a checkpoint: ten times SQLite's default, so that a busy verifier checkpoints every few seconds, not every few hundred milliseconds. */
const WAL_AUTOCHECKPOINT = 10_000;
/** What the -wal file is cut back to after a checkpoint (it would otherwise stay at its largest). */
const JOURNAL_SIZE_LIMIT = 8 * 1024 * 1024;

/**
 * The twin's segments in its file, opened at the first call that needs it: an append creates the
 * file, while a read of a file not there yet (no verifier has written one) finds no segments, and
 * looks again at its next call (`messages wait` may start before `serve` does).
 */
export class TwinFile implements TwinSegments {
  private db: Db | null = null;
  private repo: TwinSegmentsRepo | null = null;

  constructor(readonly path: string) {}

  async append(writes: Iterable<TwinWrite>, stored?: (write: TwinWrite) => void): Promise<void> {
    await this.opened(true)!.append(writes, stored);
  }

  async read(kind: TwinKind, range: SegmentRange): Promise<TwinSegment[]> {
    return (await this.opened(false)?.read(kind, range)) ?? [];
  }

  async newest(kind: TwinKind): Promise<Omit<TwinSegment, 'entries'> | undefined> {
    return this.opened(false)?.newest(kind);
  }

  async clear(): Promise<void> {
    await this.opened(false)?.clear();
  }

  close(): void {
    if (this.db?.open) this.db.close();
    this.db = this.repo = null;
  }

  private opened(create: boolean): TwinSegmentsRepo | null {
    if (this.repo) return this.repo;
    if (!create && this.path !== ':memory:' && !existsSync(this.path)) return null;
    this.db = openTwinDatabase(this.path);
    return (this.repo = new TwinSegmentsRepo(this.db, this.path));
  }
}

function openTwinDatabase(path: string): Db {
  let db: Db;
  try {
    if (path !== ':memory:') ensurePrivateFile(path);
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw cannotOpen(path, err);
  }
  try {
    checkIsOurs(db, path);
    if (path !== ':memory:') {
      setWal(db);
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
      db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    }
    // IMMEDIATE: of a verifier and a reader opening a new file at once, one makes the tables.
    db.transaction(() => {
      if (checkIsOurs(db, path) === 0) {
        db.exec(SCHEMA);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }
    }).immediate();
  } catch (err) {
    db.close();
    if (err instanceof OctoError) throw err;
    throw cannotOpen(path, err);
  }
  return db;
}

/** The file's schema version, refusing another program's database and a newer octo's file. */
function checkIsOurs(db: Db, path: string): number {
  const { version, hasTables } = schemaState(db);
  if (version > SCHEMA_VERSION || (version === 0 && hasTables)) {
    throw new OctoError('twin_file_unknown', `${path} is not the outbox and journal file of this octo`, { hint: REMOVE_HINT });
  }
  return version;
}

const REMOVE_HINT = 'it holds only what `octo serve` recorded (the outbox and the request journal): move it away, and the next serve starts a new one';

function cannotOpen(path: string, err: unknown): OctoError {
  const e = err as { code?: string; message?: string };
  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
    return new OctoError('twin_file_unknown', `${path} is not the outbox and journal file of this octo (not a SQLite database)`, { hint: REMOVE_HINT });
  }
  return new OctoError('keystore_unwritable', `cannot open the outbox and journal file ${path}: ${e.message ?? String(err)}`, {
    hint: 'the keystore\'s folder must be writable by `octo serve`, and readable by `octo messages` and `octo requests`',
  });
}

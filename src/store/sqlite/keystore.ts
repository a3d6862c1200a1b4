import type { Statement } from 'better-sqlite3';
import type { Keystore, KeystoreLook, RestoreSource } from '../keystore.js';
import type { KeystoreSummary } from '../records.js';
import { AuditRepo } from './audit-repo.js';
import { backupDatabase, replaceDatabase, summarise } from './backup.js';
import { storeError } from './errors.js';
import { KeysRepo } from './keys-repo.js';
import { MetaRepo } from './meta-repo.js';
import { SCHEMA_VERSION } from './migrations/index.js';
import { openDatabase, openDatabaseAsIs, openEmptyDatabase, preparedOnce, type Db } from './open.js';
import { SubjectsRepo } from './subjects-repo.js';
import { TwinLog } from '../twin-log.js';
import { TwinFile, twinPath } from './twin-file.js';
import { WalIndexWatch } from './wal-index.js';
import { WebhooksRepo } from './webhooks-repo.js';
import { TransactionScope } from '../transaction-scope.js';

/**
 * The keystore in one SQLite file: one connection and the repositories over it. SQL lives only in
 * src/store/sqlite. Each repository is made (and prepares its statements) on first use, so that a
 * command pays only for the tables it touches: `keys verify`'s start-up is measured (SPEC §10).
 */
export class SqliteKeystore implements Keystore {
  private subjectsRepo: SubjectsRepo | undefined;
  private keysRepo: KeysRepo | undefined;
  private auditRepo: AuditRepo | undefined;
  private metaRepo: MetaRepo | undefined;
  private webhooksRepo: WebhooksRepo | undefined;
  private twinFile: TwinFile | undefined;
  private twinLog: TwinLog | undefined;
  private dataVersion: Statement<[], number> | undefined;
  private walIndex: WalIndexWatch | null | undefined;
  /** Settles when the transaction running now ends; null when none is. */
  private running: Promise<void> | null = null;
  /** Set while `fn` of this keystore's transaction runs: tells a nested call from a concurrent one. */
  private readonly inside = new TransactionScope<true>();
  private savepoints = 0;
  private readonly controls: ReturnType<typeof preparedOnce>;

  /** `db` is the connection: for store/sqlite and tests only (app/ sees the Keystore interface). */
  constructor(readonly db: Db, readonly path: string) {
    this.controls = preparedOnce(db);
  }

  get subjects(): SubjectsRepo {
    return (this.subjectsRepo ??= new SubjectsRepo(this.db, this.path));
  }

  get keys(): KeysRepo {
    return (this.keysRepo ??= new KeysRepo(this.db, this.path));
  }

  get audit(): AuditRepo {
    return (this.auditRepo ??= new AuditRepo(this.db, this.path));
  }

  get meta(): MetaRepo {
    return (this.metaRepo ??= new MetaRepo(this.db, this.path));
  }

  get webhooks(): WebhooksRepo {
    return (this.webhooksRepo ??= new WebhooksRepo(this.db, this.path));
  }

  /** In a file of its own beside the keystore (twin-file.ts says why), opened at its first use. */
  get twin(): TwinLog {
    return (this.twinLog ??= new TwinLog((this.twinFile = new TwinFile(twinPath(this.path)))));
  }

  static async open(path: string): Promise<SqliteKeystore> {
    return new SqliteKeystore(openDatabase(path), path);
  }

  /** The schema version this octo writes (and migrates an older keystore to). */
  static readonly schemaVersion = SCHEMA_VERSION;

  /** The keystore file at `path` as it is: no file made, no pragma, no migration (openDatabaseAsIs). */
  static async asIs(path: string): Promise<KeystoreLook> {
    const { db, version } = openDatabaseAsIs(path);
    return { store: new SqliteKeystore(db, path), schemaVersion: version };
  }

  /** An empty keystore that lives in memory only: a read of a keystore not created yet. */
  static empty(): SqliteKeystore {
    return new SqliteKeystore(openEmptyDatabase(), ':memory:');
  }

  /**
   * BEGIN IMMEDIATE by hand around an async `fn`, so that concurrent writers queue on the busy
   * timeout instead of failing at commit. better-sqlite3 answers at once, so the promises `fn`
   * awaits (this keystore's calls) are settled when they are made: the whole transaction runs in
   * microtasks, and no I/O callback (another request, a timer's flush) can run between its
   * statements. Two transactions begun in the same turn (two deliveries' outcomes, say) would still
   * interleave their microtasks on the one connection, so a second waits for the first to end. A
   * transaction() called from within `fn` (`inside` tells) is nested instead: a SAVEPOINT
   * inside the outer one, as on PostgreSQL, so that a use case can run inside a caller's transaction.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside.current) return this.nested(fn);
    while (this.running) await this.running;
    let done!: () => void;
    this.running = new Promise<void>((resolve) => (done = resolve));
    try {
      this.control('BEGIN IMMEDIATE').run();
      const result = await this.inside.run(true, fn);
      this.control('COMMIT').run();
      return result;
    } catch (err) {
      // A failed COMMIT (SQLITE_BUSY, SQLITE_FULL) leaves the transaction open: roll it back too.
      if (this.db.inTransaction) {
        try {
          this.control('ROLLBACK').run();
        } catch {
          // SQLite may have rolled it back itself (an I/O error); what fn or COMMIT threw is the news.
        }
      }
      throw storeError(err, this.path);
    } finally {
      this.running = null;
      done();
    }
  }

  private async nested<T>(fn: () => Promise<T>): Promise<T> {
    const name = `octo_${++this.savepoints}`;
    try {
      this.db.exec(`SAVEPOINT ${name}`);
      const result = await fn();
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      if (this.db.inTransaction) {
        try {
          this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        } catch {
          // The outer transaction is gone too (an I/O error); the outer call reports it.
        }
      }
      throw storeError(err, this.path);
    }
  }

  /** BEGIN, COMMIT and ROLLBACK as statements prepared once (and seen as statements by tests' fault injection). */
  private control(sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK'): Statement {
    return this.controls(sql);
  }

  /** Nothing to follow: changeCounter() reads the shared file's data_version itself. */
  async followChanges(): Promise<void> {}

  /** PRAGMA data_version: moves with every commit by another connection, never with our own. */
  changeCounter(): number {
    try {
      this.dataVersion ??= this.db.prepare<[], number>('PRAGMA data_version').pluck();
      return this.dataVersion.get() as number;
    } catch (err) {
      throw storeError(err, this.path);
    }
  }

  /**
   * One read of the WAL-index header (WalIndexWatch). null when that cannot be told (no watch, or
   * before changeCounter() has been read once, which makes SQLite open the -shm file).
   */
  commitStamp(): string | null {
    if (this.walIndex === undefined) {
      if (!this.dataVersion) return null;
      this.walIndex = WalIndexWatch.find(this.path);
    }
    return this.walIndex === null ? null : this.walIndex.header();
  }

  async summary(): Promise<KeystoreSummary> {
    try {
      return summarise(this.db);
    } catch (err) {
      throw storeError(err, this.path);
    }
  }

  backupTo(file: string, overwrite: boolean): Promise<KeystoreSummary> {
    return backupDatabase(this.db, file, overwrite);
  }

  replaceWith(source: RestoreSource): Promise<void> {
    return replaceDatabase(source, this.path);
  }

  async close(): Promise<void> {
    this.walIndex?.close();
    this.walIndex = null;
    this.twinFile?.close();
    if (this.db.open) this.db.close();
  }
}

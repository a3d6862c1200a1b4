import type { Statement } from 'better-sqlite3';
import { AuditRepo } from './audit-repo.js';
import { KeysRepo } from './keys-repo.js';
import { MetaRepo } from './meta-repo.js';
import { openDatabase, openEmptyDatabase, type Db } from './open.js';
import { SubjectsRepo } from './subjects-repo.js';
import { WalIndexWatch } from './wal-index.js';
import { WebhooksRepo } from './webhooks-repo.js';

/**
 * The open keystore: one connection and the repositories over it. SQL lives only in src/store.
 * Each repository is made (and prepares its statements) on first use, so that a command pays only
 * for the tables it touches: `keys verify`'s start-up is measured (SPEC §10).
 */
export class Keystore {
  private subjectsRepo: SubjectsRepo | undefined;
  private keysRepo: KeysRepo | undefined;
  private auditRepo: AuditRepo | undefined;
  private metaRepo: MetaRepo | undefined;
  private webhooksRepo: WebhooksRepo | undefined;
  private dataVersion: Statement<[], number> | undefined;
  private walIndex: WalIndexWatch | null | undefined;

  constructor(readonly db: Db, readonly path: string) {}

  get subjects(): SubjectsRepo {
    return (this.subjectsRepo ??= new SubjectsRepo(this.db));
  }

  get keys(): KeysRepo {
    return (this.keysRepo ??= new KeysRepo(this.db));
  }

  get audit(): AuditRepo {
    return (this.auditRepo ??= new AuditRepo(this.db));
  }

  get meta(): MetaRepo {
    return (this.metaRepo ??= new MetaRepo(this.db));
  }

  get webhooks(): WebhooksRepo {
    return (this.webhooksRepo ??= new WebhooksRepo(this.db));
  }

  static open(path: string): Keystore {
    return new Keystore(openDatabase(path), path);
  }

  /** An empty keystore that lives in memory only: a read of a keystore not created yet. */
  static empty(): Keystore {
    return new Keystore(openEmptyDatabase(), ':memory:');
  }

  /** A write transaction taken with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout. */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Changes whenever another connection commits: the signal that cached records are stale. */
  changeCounter(): number {
    this.dataVersion ??= this.db.prepare<[], number>('PRAGMA data_version').pluck();
    return this.dataVersion.get() as number;
  }

  /**
   * A stamp of the last commit by any connection: equal stamps mean nothing was committed in between
   * (WalIndexWatch: one read of the WAL-index header). null when that cannot be told (no watch, or
   * before changeCounter() has been read once): then read changeCounter(). Callers keep their own
   * last stamp, so any number of them can ask.
   */
  commitStamp(): string | null {
    if (this.walIndex === undefined) {
      if (!this.dataVersion) return null;
      this.walIndex = WalIndexWatch.find(this.path);
    }
    return this.walIndex === null ? null : this.walIndex.header();
  }

  close(): void {
    this.walIndex?.close();
    this.walIndex = null;
    if (this.db.open) this.db.close();
  }
}

/**
 * One reader's view of the keystore's commits: `moved()` is true when anything may have been
 * committed by any connection since this reader's previous call (always true where no stamp can be
 * read). Each reader keeps its own, so no reader can take a change from another.
 */
export class CommitWatch {
  private last: string | null = null;

  constructor(private readonly store: Keystore) {}

  moved(): boolean {
    const stamp = this.store.commitStamp();
    const moved = stamp === null || stamp !== this.last;
    this.last = stamp;
    return moved;
  }
}

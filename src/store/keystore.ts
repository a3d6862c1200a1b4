import { AuditRepo } from './audit-repo.js';
import { KeysRepo } from './keys-repo.js';
import { MetaRepo } from './meta-repo.js';
import { openDatabase, type Db } from './open.js';
import { SubjectsRepo } from './subjects-repo.js';
import { WebhooksRepo } from './webhooks-repo.js';

/** The open keystore: one connection and the repositories over it. SQL lives only in src/store. */
export class Keystore {
  readonly subjects: SubjectsRepo;
  readonly keys: KeysRepo;
  readonly audit: AuditRepo;
  readonly meta: MetaRepo;
  readonly webhooks: WebhooksRepo;
  private readonly dataVersion;

  constructor(readonly db: Db, readonly path: string) {
    this.subjects = new SubjectsRepo(db);
    this.keys = new KeysRepo(db);
    this.audit = new AuditRepo(db);
    this.meta = new MetaRepo(db);
    this.webhooks = new WebhooksRepo(db);
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  static open(path: string, opts: { readonly?: boolean } = {}): Keystore {
    return new Keystore(openDatabase(path, opts), path);
  }

  /** A write transaction taken with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout. */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Changes whenever another connection commits: the signal that cached records are stale. */
  changeCounter(): number {
    return this.dataVersion.get() as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

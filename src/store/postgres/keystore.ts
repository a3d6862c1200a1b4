import type { Keystore, KeystoreLook, RestoreSource, VerifierRow } from '../keystore.js';
import type { KeystoreSummary } from '../records.js';
import type { Db } from '../sqlite/open.js';
import { AuditRepo, MetaRepo } from './audit-repo.js';
import { backupToFile, replaceFromFile } from './backup.js';
import { ChangeFeed } from './changes.js';
import { connect, parsePgUrl, type PgTarget, type Sql } from './connect.js';
import { PgContext } from './context.js';
import { storeError } from './errors.js';
import { KeysRepo } from './keys-repo.js';
import { PG_SCHEMA_VERSION } from './migrations.js';
import { PgRateWindows } from './rate-windows.js';
import { migrate, schemaAsIs } from './schema.js';
import { SubjectsRepo } from './subjects-repo.js';
import { TwinLog } from '../twin-log.js';
import { TwinSegmentsRepo } from './twin-repo.js';
import { WebhooksRepo } from './webhooks-repo.js';

/** How long `/healthz` waits for the keystore to answer before it says it cannot be reached. */
const PROBE_MS = 1_000;

/**
 * The keystore in a PostgreSQL database (SPEC §11): a pool of connections, the repositories over
 * it, and the change protocol (changes.ts). SQL lives only in src/store/postgres.
 */
export class PostgresKeystore implements Keystore {
  readonly keys: KeysRepo;
  readonly subjects: SubjectsRepo;
  readonly audit: AuditRepo;
  readonly meta: MetaRepo;
  readonly webhooks: WebhooksRepo;
  readonly twin: TwinLog;
  readonly rateWindows: PgRateWindows;
  private readonly ctx: PgContext;
  private readonly changes: ChangeFeed;
  private closed = false;

  /** The local twin's appends' own connection (made at the first one: in `serve` only). */
  private twinSql: Sql | undefined;

  private constructor(private readonly sql: Sql, readonly target: PgTarget, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.changes = new ChangeFeed(sql);
    this.ctx = new PgContext(sql, target, this.changes);
    this.keys = new KeysRepo(this.ctx);
    this.subjects = new SubjectsRepo(this.ctx);
    this.audit = new AuditRepo(this.ctx);
    this.meta = new MetaRepo(this.ctx);
    this.webhooks = new WebhooksRepo(this.ctx);
    // Appends run on a connection of their own: a verifier's batches every fraction of a second
    // must never take the pool's connections from requests and deliveries (4 in all), whose
    // transactions, each holding the writers' lock, wait for one of them.
    this.twin = new TwinLog(new TwinSegmentsRepo(this.ctx, () => (this.twinSql ??= connect(this.target, { env: this.env, max: 1 }))));
    this.rateWindows = new PgRateWindows(sql);
  }

  /** The schema version this octo writes, the same number as SQLite's for the same schema. */
  static readonly schemaVersion = PG_SCHEMA_VERSION;

  /** Opens the keystore at `url`: the schema created on first use, migrated forward. */
  static async open(url: string, env: NodeJS.ProcessEnv = process.env): Promise<PostgresKeystore> {
    const target = parsePgUrl(url, env);
    const sql = connect(target, { env });
    try {
      await migrate(sql, target);
    } catch (err) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw storeError(err, target);
    }
    return new PostgresKeystore(sql, target, env);
  }

  /** The keystore at `url` as it is: nothing created, no migration (`octo status`). */
  static async asIs(url: string, env: NodeJS.ProcessEnv = process.env): Promise<KeystoreLook> {
    const target = parsePgUrl(url, env);
    const sql = connect(target, { env, max: 1 });
    try {
      const schemaVersion = await schemaAsIs(sql, target);
      return { store: new PostgresKeystore(sql, target), schemaVersion };
    } catch (err) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw storeError(err, target);
    }
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.ctx.transaction(fn);
  }

  /** As last announced to this process; a new number on every call before followChanges() or once the lease ran out. */
  changeCounter(): number {
    return this.changes.changeCounter();
  }

  followChanges(): Promise<void> {
    return this.changes.follow().catch((err: unknown) => {
      throw storeError(err, this.target);
    });
  }

  commitStamp(): string | null {
    return this.changes.commitStamp();
  }

  /**
   * A verifier with a live lease whose last renewal went through knows the keystore answers; any
   * other process (or a verifier catching up) asks, and takes no answer within PROBE_MS as none.
   */
  reachable(): boolean | Promise<boolean> {
    if (this.changes.healthy) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_MS)));
    const probe = this.sql.unsafe('SELECT 1').then(() => true, () => false);
    return Promise.race([probe, late]).finally(() => clearTimeout(timer));
  }

  async verifiers(): Promise<{ version: number; verifiers: VerifierRow[] }> {
    try {
      const rows = await this.ctx.rows<{ host: string; pid: number; started_at: number; applied_version: number; lease_until: number; read_at: number }>(
        `SELECT host, pid, started_at, applied_version, lease_until, (extract(epoch from clock_timestamp()) * 1000)::int8 AS read_at
         FROM octo_verifiers ORDER BY started_at, id`);
      const [counter] = await this.ctx.rows<{ version: number }>('SELECT version FROM octo_changes');
      return {
        version: counter?.version ?? 0,
        verifiers: rows.map((r) => ({
          host: r.host, pid: r.pid, startedAt: r.started_at, appliedVersion: r.applied_version, leaseUntil: r.lease_until, readAt: r.read_at,
        })),
      };
    } catch (err) {
      throw storeError(err, this.target);
    }
  }

  async summary(): Promise<KeystoreSummary> {
    try {
      const [r] = await this.ctx.rows<{
        schema_version: number; keys: number; subjects: number; audit_events: number; sealed: number; fingerprint: string | null;
      }>(`SELECT (SELECT version FROM octo_schema) AS schema_version,
                 (SELECT count(*) FROM keys) AS keys,
                 (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM wabas) + (SELECT count(*) FROM channels) AS subjects,
                 (SELECT count(*) FROM audit) AS audit_events,
                 (SELECT count(*) FROM keys WHERE secret_sealed IS NOT NULL) AS sealed,
                 (SELECT value FROM meta WHERE key = 'master_key_fingerprint') AS fingerprint`);
      return {
        schemaVersion: r!.schema_version, keys: Number(r!.keys), subjects: Number(r!.subjects), auditEvents: Number(r!.audit_events),
        sealedSecrets: Number(r!.sealed), masterKeyFingerprint: r!.fingerprint,
      };
    } catch (err) {
      throw storeError(err, this.target);
    }
  }

  backupTo(file: string, overwrite: boolean): Promise<KeystoreSummary> {
    return backupToFile(this.ctx, file, overwrite);
  }

  /** `source.store` is an octo SQLite keystore (openBackupFile's working copy); discarded after. */
  async replaceWith(source: RestoreSource): Promise<void> {
    try {
      const db = (source.store as unknown as { db?: Db }).db;
      if (!db) throw new Error('a restore source is an octo SQLite keystore opened by openBackupFile');
      await replaceFromFile(this.ctx, db);
    } finally {
      await source.discard();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.changes.stop();
    await Promise.all([this.sql, this.twinSql].map((sql) => sql?.end({ timeout: 1 }).catch(() => {})));
  }
}

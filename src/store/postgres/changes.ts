import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Querier, Sql } from './connect.js';

/*
 * SPEC §11's change protocol. NOTIFY alone is delivered to listeners after the writer's commit
 * returns, so a request sent right after `octo keys revoke` could still be judged by a stale
 * cache. Instead: every transaction that changes what a verifier decides on bumps one counter row
 * (UPDATE … RETURNING, transactional, unlike a sequence) and NOTIFYs the new version; each verifier
 * holds a lease in octo_verifiers and records the version it has applied; the writer returns only
 * once every verifier with a live lease has applied its version, or that lease ran out. A verifier
 * whose lease ran out (it could not renew it) no longer trusts its cache: changeCounter() then
 * moves on every call, so every request reads the keystore (and fails closed when it cannot).
 */

const CHANNEL = 'octo_changes';
/** How long a verifier's lease lasts, and how often it renews it. */
export const LEASE_MS = 2_000;
export const RENEW_MS = 500;
/** The longest a writer waits for verifiers: a lease runs out well within it. */
export const MAX_WAIT_MS = LEASE_MS + 1_000;
/** The database's clock, so that leases do not depend on the machines' clocks agreeing. */
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::int8';

export class ChangeFeed {
  /** The counter as last announced to this process (or read by it). */
  private version = 0;
  private id: string | null = null;
  /** performance.now() until which our lease is surely live (measured from before the renewal was sent). */
  private leaseValidUntil = 0;
  private stale = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;
  /** Whether the last renewal (or registration) reached the keystore. */
  private renewed = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly sql: Sql) {}

  /** Inside a writer's transaction: the new version, announced at commit. */
  async bump(tx: Querier): Promise<number> {
    const [row] = await tx.unsafe<{ version: number }[]>('UPDATE octo_changes SET version = version + 1 RETURNING version', [], { prepare: true });
    const version = row!.version;
    await tx.unsafe('SELECT pg_notify($1, $2)', [CHANNEL, String(version)] as never[], { prepare: true });
    return version;
  }

  /**
   * After a bumping commit: until every verifier with a live lease has applied `version`, or its
   * lease ran out. Bounded (MAX_WAIT_MS); never throws, since the change is committed already.
   */
  async awaitApplied(version: number): Promise<void> {
    const deadline = performance.now() + MAX_WAIT_MS;
    try {
      for (let delay = 1; ; delay = Math.min(delay * 2, 16)) {
        const [row] = await this.sql.unsafe<{ n: number }[]>(
          `SELECT count(*) AS n FROM octo_verifiers WHERE applied_version < $1 AND lease_until > ${NOW_MS}`, [version] as never[], { prepare: true });
        if (row!.n === 0 || performance.now() >= deadline) return;
        await new Promise((r) => setTimeout(r, delay));
      }
    } catch {
      // The keystore went away after the commit: the verifiers' leases run out on their own.
    }
  }

  /** Following, with a live lease, and the last renewal went through: the keystore answered within RENEW_MS. */
  get healthy(): boolean {
    return this.id !== null && this.renewed && performance.now() < this.leaseValidUntil;
  }

  get following(): boolean {
    return this.id !== null;
  }

  /** A number that moves with every announced change; on every call while this process is not sure it knows them. */
  changeCounter(): number {
    if (this.id === null || performance.now() >= this.leaseValidUntil) return -++this.stale;
    return this.version;
  }

  commitStamp(): string | null {
    if (this.id === null || performance.now() >= this.leaseValidUntil) return null;
    return String(this.version);
  }

  /** Registers this process as a verifier, LISTENs, reads the counter, and renews the lease from then on. */
  async follow(): Promise<void> {
    if (this.id !== null) return;
    const id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    // Rows of verifiers long gone (killed without deregistering) are dropped by the next one.
    await this.sql.unsafe(`DELETE FROM octo_verifiers WHERE lease_until < ${NOW_MS} - 3600000`);
    const sent = performance.now();
    await this.sql.unsafe(
      `INSERT INTO octo_verifiers (id, host, pid, started_at, applied_version, lease_until)
       VALUES ($1, $2, $3, ${NOW_MS}, 0, ${NOW_MS} + $4)`, [id, hostname(), process.pid, LEASE_MS] as never[]);
    this.id = id;
    this.leaseValidUntil = sent + LEASE_MS;
    this.renewed = true;
    try {
      // onlisten runs after every (re)connect of the listening connection: notifications sent
      // while it was away are lost, so the counter is read again then.
      const listening = await this.sql.listen(CHANNEL, (payload) => void this.announced(Number(payload)), () => void this.resync());
      this.unlisten = listening.unlisten;
    } catch (err) {
      await this.stop();
      throw err;
    }
    await this.resync();
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
  }

  /** Deregisters: writers stop waiting for this process at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const id = this.id;
    this.id = null;
    if (id === null) return;
    try {
      await this.unlisten?.();
      await this.sql.unsafe('DELETE FROM octo_verifiers WHERE id = $1', [id]);
    } catch {
      // Gone with the keystore; its lease runs out.
    }
  }

  private async resync(): Promise<void> {
    try {
      const [row] = await this.sql.unsafe<{ version: number }[]>('SELECT version FROM octo_changes', [], { prepare: true });
      await this.announced(row!.version);
    } catch {
      // The renewal loop tries again.
    }
  }

  /** The local version moves first, then the keystore is told it was applied (and the lease renewed). */
  private async announced(version: number): Promise<void> {
    if (this.id === null || !Number.isFinite(version)) return;
    if (version > this.version) this.version = version;
    await this.record();
  }

  private async record(): Promise<void> {
    const sent = performance.now();
    try {
      const rows = await this.sql.unsafe<{ version: number }[]>(
        `UPDATE octo_verifiers SET applied_version = GREATEST(applied_version, $2), lease_until = ${NOW_MS} + $3
         WHERE id = $1 RETURNING (SELECT version FROM octo_changes) AS version`,
        [this.id, this.version, LEASE_MS] as never[], { prepare: true });
      if (rows.length === 0) {
        // Removed by someone else meanwhile: register again.
        await this.sql.unsafe(
          `INSERT INTO octo_verifiers (id, host, pid, started_at, applied_version, lease_until)
           VALUES ($1, $2, $3, ${NOW_MS}, $4, ${NOW_MS} + $5) ON CONFLICT (id) DO NOTHING`,
          [this.id, hostname(), process.pid, this.version, LEASE_MS] as never[]);
      }
      this.leaseValidUntil = Math.max(this.leaseValidUntil, sent + LEASE_MS);
      this.renewed = true;
      // A notification missed (the listening connection was away): caught up here.
      const current = rows[0]?.version;
      if (current !== undefined && current > this.version) {
        this.version = current;
        await this.record();
      }
    } catch {
      // Not renewed: the lease runs out and the cache stops being trusted.
      this.renewed = false;
    }
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.id === null) return;
    this.renewing = true;
    try {
      await this.record();
    } finally {
      this.renewing = false;
    }
  }
}

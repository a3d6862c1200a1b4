import type { AuditRepository, MetaRepository } from '../keystore.js';
import type { AuditEntry } from '../records.js';
import { toAuditEntry, type AuditRow } from '../rows.js';
import type { PgContext } from './context.js';
import { raiseStoreErrors } from './errors.js';


/** The audit log, as SQLite's AuditRepo. Recording an event changes nothing a verifier decides on. */
export class AuditRepo implements AuditRepository {
  constructor(private readonly ctx: PgContext) {}

  get target() {
    return this.ctx.target;
  }

  async record(e: AuditEntry): Promise<void> {
    await this.ctx.write(false, () => this.ctx.rows(
      'INSERT INTO audit (at, actor, action, key_id, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [e.at, e.actor, e.action, e.keyId, e.subjectType, e.subjectId, e.detail ? JSON.stringify(e.detail) : null]));
  }

  async list(filter: { keyId?: string; since?: number; newestFirst?: boolean; limit?: number }): Promise<(AuditEntry & { id: number })[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.keyId) {
      // A rotation touches both keys: it is filed under the successor, which replaced this key.
      const p = `$${args.push(filter.keyId)}`;
      where.push(`(key_id = ${p} OR (action = 'key.rotate' AND key_id = (SELECT replaced_by FROM keys WHERE id = ${p})))`);
    }
    if (filter.since !== undefined) where.push(`at >= $${args.push(filter.since)}`);
    const direction = filter.newestFirst ? 'DESC' : 'ASC';
    let sql = `SELECT id, at, actor, action, key_id, subject_type, subject_id, detail FROM audit
               ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY at ${direction}, id ${direction}`;
    if (filter.limit !== undefined) sql += ` LIMIT $${args.push(filter.limit)}`;
    const rows = await this.ctx.rows<AuditRow>(sql, args);
    return rows.map(toAuditEntry);
  }
}

export class MetaRepo implements MetaRepository {
  constructor(private readonly ctx: PgContext) {}

  get target() {
    return this.ctx.target;
  }

  async get(key: string): Promise<string | undefined> {
    const [r] = await this.ctx.rows<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return r?.value;
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    return this.ctx.write(false, async () => {
      await this.ctx.rows('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
      return (await this.get(key))!;
    });
  }
}

raiseStoreErrors(AuditRepo);
raiseStoreErrors(MetaRepo);

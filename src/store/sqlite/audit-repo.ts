import type { AuditRepository } from '../keystore.js';
import type { AuditEntry } from '../records.js';
import { toAuditEntry, type AuditRow } from '../rows.js';
import { raiseStoreErrors } from './errors.js';
import type { Db } from './open.js';


export class AuditRepo implements AuditRepository {
  constructor(private readonly db: Db, private readonly location: string) {}

  async record(e: AuditEntry): Promise<void> {
    this.db.prepare(
      'INSERT INTO audit (at, actor, action, key_id, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(e.at, e.actor, e.action, e.keyId, e.subjectType, e.subjectId, e.detail ? JSON.stringify(e.detail) : null);
  }

  /**
   * Oldest first, or newest first with `newestFirst` (index audit_at either way, so `limit` reads
   * that many rows); with `keyId`, every event that touched that key.
   */
  async list(filter: { keyId?: string; since?: number; newestFirst?: boolean; limit?: number }): Promise<(AuditEntry & { id: number })[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.keyId) {
      // A rotation touches both keys: it is filed under the successor, which replaced this key.
      where.push(`(key_id = ? OR (action = 'key.rotate' AND key_id = (SELECT replaced_by FROM keys WHERE id = ?)))`);
      args.push(filter.keyId, filter.keyId);
    }
    if (filter.since !== undefined) { where.push('at >= ?'); args.push(filter.since); }
    const direction = filter.newestFirst ? 'DESC' : 'ASC';
    let sql = `SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY at ${direction}, id ${direction}`;
    if (filter.limit !== undefined) { sql += ' LIMIT ?'; args.push(filter.limit); }
    return this.db.prepare<(string | number)[], AuditRow>(sql).all(...args).map(toAuditEntry);
  }
}

raiseStoreErrors(AuditRepo);

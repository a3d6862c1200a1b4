import type { KeyKind } from '../../core/key-format.js';
import type { KeyRecord, KeySort, SubjectType } from '../../core/model.js';
import type { Statement } from 'better-sqlite3';
import type { KeysRepository } from '../keystore.js';
import { KEY_SELECT, toKeyRecord, type KeyRow } from '../rows.js';
import type { KeyFilter, KeyStateRow, NewKey } from '../records.js';
import { raiseStoreErrors, storeError } from './errors.js';
import type { Db } from './open.js';

/**
 * ORDER BY for each sort, `#` standing for its direction. A key never used counts as used longest
 * ago, and one that never expires as expiring last, in both directions. The id breaks ties, so an
 * order is the same on every run.
 */
const ORDER_BY: Record<KeySort['by'], string> = {
  created: 'k.created_at #, k.id #',
  'last-used': 'k.last_used_at #, k.id #',
  name: 'COALESCE(k.name, w.name, c.name, b.name) COLLATE NOCASE #, k.id #',
  expires: '(k.expires_at IS NULL) #, k.expires_at #, k.id #',
};

/** The SELECT of `iterate` for a filter (exported so a test can ask SQLite how it runs it). */
export function listQuery(filter: KeyFilter): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.kind) { where.push('k.kind = ?'); args.push(filter.kind); }
  if (filter.states) { where.push(`k.state IN (${filter.states.map(() => '?').join(', ')})`); args.push(...filter.states); }
  if (filter.workspaceId) {
    where.push('COALESCE(k.workspace_id, c.workspace_id, b.workspace_id) = ?');
    args.push(filter.workspaceId);
  }
  if (filter.nameContains !== undefined) {
    // LIKE, with its wildcards escaped: `--name 100%` means the characters 100%.
    where.push(`COALESCE(k.name, w.name, c.name, b.name) LIKE ? ESCAPE '\\'`);
    args.push(`%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%`);
  }
  const sort = filter.sort ?? { by: 'created', descending: false };
  const order = ORDER_BY[sort.by].replaceAll('#', sort.descending ? 'DESC' : 'ASC');
  let sql = `${KEY_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${order}`;
  if (filter.limit !== undefined) { sql += ' LIMIT ?'; args.push(filter.limit); }
  return { sql, args };
}

const SUBJECT_COLUMN: Record<SubjectType, string> = { workspace: 'workspace_id', channel: 'channel_id', waba: 'waba_id' };

export class KeysRepo implements KeysRepository {
  private readonly byHash;
  private readonly byId;
  private readonly touch;
  private insertStatement: Statement | undefined;

  constructor(private readonly db: Db, private readonly location: string) {
    this.byHash = db.prepare<[Buffer], KeyRow>(`${KEY_SELECT} WHERE k.hash = ?`);
    this.byId = db.prepare<[string], KeyRow>(`${KEY_SELECT} WHERE k.id = ?`);
    this.touch = db.prepare<[{ at: number; id: string }]>(
      'UPDATE keys SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)',
    );
  }

  async insert(k: NewKey): Promise<void> {
    this.insertStatement ??= this.db.prepare(`
      INSERT INTO keys (id, kind, name, env, workspace_id, channel_id, waba_id, hash, secret_sealed, masked,
                        scopes, rate_limit, rate_window_s, created_at, expires_at, replaces)
      VALUES (@id, @kind, @name, @env, @workspace_id, @channel_id, @waba_id, @hash, @secret_sealed, @masked,
              @scopes, @rate_limit, @rate_window_s, @created_at, @expires_at, @replaces)`);
    this.insertStatement.run({
      id: k.id,
      kind: k.kind,
      name: k.name,
      env: k.env,
      workspace_id: k.subjectType === 'workspace' ? k.subjectId : null,
      channel_id: k.subjectType === 'channel' ? k.subjectId : null,
      waba_id: k.subjectType === 'waba' ? k.subjectId : null,
      hash: k.hash,
      secret_sealed: k.secretSealed,
      masked: k.masked,
      scopes: k.scopes === null ? null : JSON.stringify(k.scopes),
      rate_limit: k.rateLimit?.limit ?? null,
      rate_window_s: k.rateLimit?.window_s ?? null,
      created_at: k.createdAt,
      expires_at: k.expiresAt,
      replaces: k.replaces,
    });
  }

  async findByHash(hash: Buffer): Promise<KeyRecord | undefined> {
    const r = this.byHash.get(hash);
    return r && toKeyRecord(r);
  }

  async findById(id: string): Promise<KeyRecord | undefined> {
    const r = this.byId.get(id);
    return r && toKeyRecord(r);
  }

  /** Ids starting with `prefix`, at most `limit` (enough to tell unique from ambiguous). */
  async idsWithPrefix(prefix: string, limit = 11): Promise<string[]> {
    return this.db.prepare<[{ prefix: string; limit: number }], { id: string }>(
      'SELECT id FROM keys WHERE id >= @prefix AND substr(id, 1, length(@prefix)) = @prefix ORDER BY id LIMIT @limit',
    ).all({ prefix, limit }).map((r) => r.id);
  }

  /** Ids of the keys named `name` (bearer keys), active ones first, then the newest: for hints. */
  async idsNamed(name: string, limit = 5): Promise<string[]> {
    return this.db.prepare<[{ name: string; limit: number }], { id: string }>(
      `SELECT id FROM keys WHERE name = @name ORDER BY state = 'active' DESC, created_at DESC, id LIMIT @limit`,
    ).all({ name, limit }).map((r) => r.id);
  }

  async activeFor(subjectType: SubjectType, subjectId: string): Promise<KeyRecord | undefined> {
    const r = this.db.prepare<[string], KeyRow>(
      `${KEY_SELECT} WHERE k.${SUBJECT_COLUMN[subjectType]} = ? AND k.state = 'active'`,
    ).get(subjectId);
    return r && toKeyRecord(r);
  }

  /** Every key of a subject, whatever its state, oldest first. */
  async forSubject(subjectType: SubjectType, subjectId: string): Promise<KeyRecord[]> {
    return this.db.prepare<[string], KeyRow>(`${KEY_SELECT} WHERE k.${SUBJECT_COLUMN[subjectType]} = ? ORDER BY k.created_at, k.id`)
      .all(subjectId).map(toKeyRecord);
  }

  async rename(id: string, name: string): Promise<void> {
    this.db.prepare('UPDATE keys SET name = ? WHERE id = ?').run(name, id);
  }

  /** The sealed secret of a workspace, channel or WABA key (null for bearer keys). */
  async sealedSecret(id: string): Promise<Buffer | null> {
    return this.db.prepare<[string], { secret_sealed: Buffer | null }>('SELECT secret_sealed FROM keys WHERE id = ?')
      .get(id)?.secret_sealed ?? null;
  }

  /**
   * Streams records (oldest first unless `sort` says otherwise), so that a listing of 100,000 keys
   * never sits in memory whole; with `limit` and the default order, only that many rows are read
   * (index keys_created).
   */
  async *iterate(filter: KeyFilter = {}): AsyncIterableIterator<KeyRecord> {
    const { sql, args } = listQuery(filter);
    // The caller's own errors are not thrown in here: what is caught is the driver's, reading.
    try {
      for (const r of this.db.prepare<(string | number)[], KeyRow>(sql).iterate(...args)) yield toKeyRecord(r);
    } catch (err) {
      throw storeError(err, this.location);
    }
  }

  async *states(): AsyncIterableIterator<KeyStateRow> {
    try {
      const rows = this.db.prepare<[], [string, KeyKind, KeyRecord['state'], number | null, number | null]>(
        'SELECT id, kind, state, expires_at, grace_until FROM keys',
      ).raw();
      for (const [id, kind, state, expiresAt, graceUntil] of rows.iterate()) yield { id, kind, state, expiresAt, graceUntil };
    } catch (err) {
      throw storeError(err, this.location);
    }
  }

  /** First half of a rotation: the old key leaves the active state (and the one-active index). */
  /** Returns false when the key was no longer active (another process rotated or revoked it). */
  async retire(id: string, graceUntil: number): Promise<boolean> {
    return this.db.prepare(`UPDATE keys SET state = 'rotated', grace_until = ? WHERE id = ? AND state = 'active'`)
      .run(graceUntil, id).changes === 1;
  }

  /** Second half, once the successor row exists (replaced_by is a foreign key). */
  async linkSuccessor(id: string, successor: string): Promise<void> {
    this.db.prepare('UPDATE keys SET replaced_by = ? WHERE id = ?').run(successor, id);
  }

  /** Returns false when the key was already revoked. */
  async revoke(id: string, at: number, reason: string | null): Promise<boolean> {
    return this.db.prepare(`UPDATE keys SET state = 'revoked', revoked_at = ?, revoked_reason = ? WHERE id = ? AND state != 'revoked'`)
      .run(at, reason, id).changes === 1;
  }

  async setScopes(id: string, scopes: string[] | null): Promise<void> {
    this.db.prepare('UPDATE keys SET scopes = ? WHERE id = ?').run(scopes === null ? null : JSON.stringify(scopes), id);
  }

  /** Batched last-used times: one transaction for many keys; never moves a time backwards. */
  async touchLastUsed(entries: Iterable<[string, number]>): Promise<void> {
    this.db.transaction(() => {
      for (const [id, at] of entries) this.touch.run({ at, id });
    })();
  }
}

raiseStoreErrors(KeysRepo);

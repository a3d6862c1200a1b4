import type { KeyKind } from '../../core/key-format.js';
import type { KeyRecord, KeySort, KeyState, SubjectType } from '../../core/model.js';
import type { KeysRepository } from '../keystore.js';
import { KEY_SELECT, toKeyRecord, type KeyRow } from '../rows.js';
import type { KeyFilter, KeyStateRow, NewKey } from '../records.js';
import type { PgContext } from './context.js';
import { raiseStoreErrors, storeError } from './errors.js';

/**
 * ORDER BY for each sort, `#` standing for its direction, as SQLite orders (keys-repo.ts there):
 * NULL sorts first ascending and last descending, as in SQLite, and names compare with ASCII case
 * folded (NOCASE) in byte order.
 */
const ORDER_BY: Record<KeySort['by'], string> = {
  created: 'k.created_at #, k.id #',
  'last-used': 'k.last_used_at #, k.id #',
  name: 'lower(COALESCE(k.name, w.name, c.name, b.name)) COLLATE "C" #, k.id #',
  expires: '(k.expires_at IS NULL) #, k.expires_at #, k.id #',
};

/** The SELECT of `iterate` for a filter, with $n parameters. */
export function listQuery(filter: KeyFilter): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const param = (v: string | number) => `$${args.push(v)}`;
  if (filter.kind) where.push(`k.kind = ${param(filter.kind)}`);
  if (filter.states) where.push(filter.states.length ? `k.state IN (${filter.states.map(param).join(', ')})` : 'false');
  if (filter.workspaceId) where.push(`COALESCE(k.workspace_id, c.workspace_id, b.workspace_id) = ${param(filter.workspaceId)}`);
  if (filter.nameContains !== undefined) {
    // A plain substring test (no LIKE, so `--name 100%` means those characters), ASCII case folded
    // as SQLite's LIKE does: lower() under the C collation folds ASCII letters only.
    where.push(`strpos(lower(COALESCE(k.name, w.name, c.name, b.name)) COLLATE "C", lower(${param(filter.nameContains)}::text COLLATE "C")) > 0`);
  }
  const sort = filter.sort ?? { by: 'created', descending: false };
  const order = ORDER_BY[sort.by].replaceAll('#', sort.descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST');
  let sql = `${KEY_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${order}`;
  if (filter.limit !== undefined) sql += ` LIMIT ${param(filter.limit)}`;
  return { sql, args };
}

const SUBJECT_COLUMN: Record<SubjectType, string> = { workspace: 'workspace_id', channel: 'channel_id', waba: 'waba_id' };

/** Rows fetched per round trip while a listing streams. */
const CURSOR_ROWS = 500;

export class KeysRepo implements KeysRepository {
  constructor(private readonly ctx: PgContext) {}

  get target() {
    return this.ctx.target;
  }

  async insert(k: NewKey): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows(`
      INSERT INTO keys (id, kind, name, env, workspace_id, channel_id, waba_id, hash, secret_sealed, masked,
                        scopes, rate_limit, rate_window_s, created_at, expires_at, replaces)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`, [
      k.id, k.kind, k.name, k.env,
      k.subjectType === 'workspace' ? k.subjectId : null,
      k.subjectType === 'channel' ? k.subjectId : null,
      k.subjectType === 'waba' ? k.subjectId : null,
      k.hash, k.secretSealed, k.masked,
      k.scopes === null ? null : JSON.stringify(k.scopes),
      k.rateLimit?.limit ?? null, k.rateLimit?.window_s ?? null,
      k.createdAt, k.expiresAt, k.replaces,
    ]));
  }

  async findByHash(hash: Buffer): Promise<KeyRecord | undefined> {
    const [r] = await this.ctx.rows<KeyRow>(`${KEY_SELECT} WHERE k.hash = $1`, [hash]);
    return r && toKeyRecord(r);
  }

  async findById(id: string): Promise<KeyRecord | undefined> {
    const [r] = await this.ctx.rows<KeyRow>(`${KEY_SELECT} WHERE k.id = $1`, [id]);
    return r && toKeyRecord(r);
  }

  async idsWithPrefix(prefix: string, limit = 11): Promise<string[]> {
    const rows = await this.ctx.rows<{ id: string }>('SELECT id FROM keys WHERE id >= $1 AND starts_with(id, $1) ORDER BY id LIMIT $2', [prefix, limit]);
    return rows.map((r) => r.id);
  }

  async idsNamed(name: string, limit = 5): Promise<string[]> {
    const rows = await this.ctx.rows<{ id: string }>(
      `SELECT id FROM keys WHERE name = $1 ORDER BY state = 'active' DESC, created_at DESC, id LIMIT $2`, [name, limit]);
    return rows.map((r) => r.id);
  }

  async activeFor(subjectType: SubjectType, subjectId: string): Promise<KeyRecord | undefined> {
    const [r] = await this.ctx.rows<KeyRow>(`${KEY_SELECT} WHERE k.${SUBJECT_COLUMN[subjectType]} = $1 AND k.state = 'active'`, [subjectId]);
    return r && toKeyRecord(r);
  }

  async forSubject(subjectType: SubjectType, subjectId: string): Promise<KeyRecord[]> {
    const rows = await this.ctx.rows<KeyRow>(`${KEY_SELECT} WHERE k.${SUBJECT_COLUMN[subjectType]} = $1 ORDER BY k.created_at, k.id`, [subjectId]);
    return rows.map(toKeyRecord);
  }

  async rename(id: string, name: string): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows('UPDATE keys SET name = $1 WHERE id = $2', [name, id]));
  }

  async sealedSecret(id: string): Promise<Buffer | null> {
    const [r] = await this.ctx.rows<{ secret_sealed: Buffer | null }>('SELECT secret_sealed FROM keys WHERE id = $1', [id]);
    return r?.secret_sealed ?? null;
  }

  async *iterate(filter: KeyFilter = {}): AsyncIterable<KeyRecord> {
    const { sql, args } = listQuery(filter);
    // The caller's own errors are not thrown in here: what is caught is the driver's, reading.
    try {
      for await (const rows of this.ctx.stream<KeyRow>(sql, args, CURSOR_ROWS)) {
        for (const r of rows) yield toKeyRecord(r);
      }
    } catch (err) {
      throw storeError(err, this.target);
    }
  }

  async *states(): AsyncIterable<KeyStateRow> {
    try {
      const query = this.ctx.stream<{ id: string; kind: KeyKind; state: KeyState; expires_at: number | null; grace_until: number | null }>(
        'SELECT id, kind, state, expires_at, grace_until FROM keys', [], CURSOR_ROWS * 10);
      for await (const rows of query) {
        for (const r of rows) yield { id: r.id, kind: r.kind, state: r.state, expiresAt: r.expires_at, graceUntil: r.grace_until };
      }
    } catch (err) {
      throw storeError(err, this.target);
    }
  }

  async retire(id: string, graceUntil: number): Promise<boolean> {
    const rows = await this.ctx.write(true, () => this.ctx.rows(
      `UPDATE keys SET state = 'rotated', grace_until = $1 WHERE id = $2 AND state = 'active' RETURNING id`, [graceUntil, id]));
    return rows.length === 1;
  }

  async linkSuccessor(id: string, successor: string): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows('UPDATE keys SET replaced_by = $1 WHERE id = $2', [successor, id]));
  }

  async revoke(id: string, at: number, reason: string | null): Promise<boolean> {
    const rows = await this.ctx.write(true, () => this.ctx.rows(
      `UPDATE keys SET state = 'revoked', revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND state != 'revoked' RETURNING id`,
      [at, reason, id]));
    return rows.length === 1;
  }

  async setScopes(id: string, scopes: string[] | null): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows('UPDATE keys SET scopes = $1 WHERE id = $2', [scopes === null ? null : JSON.stringify(scopes), id]));
  }

  /**
   * One statement for the whole batch, outside the writers' lock (it changes nothing a verifier
   * decides on, and runs while requests are served); never moves a time backwards. Rows are
   * locked in id order; a deadlock with a writer locking several keys is retried.
   */
  async touchLastUsed(entries: Iterable<[string, number]>): Promise<void> {
    const latest = new Map<string, number>();
    for (const [id, at] of entries) latest.set(id, Math.max(at, latest.get(id) ?? at));
    if (latest.size === 0) return;
    // The json parameter is serialized by the driver (JSON.stringify) once its type is known.
    const batch = ([...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, at]) => ({ id, at })));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.rows(`
          UPDATE keys k SET last_used_at = v.at
          FROM json_to_recordset($1::json) AS v(id text, at int8)
          WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)`, [batch]);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt >= 3) throw err;
      }
    }
  }
}

raiseStoreErrors(KeysRepo);

import type { Channel, ChannelType, SubjectType, Waba, Workspace } from '../../core/model.js';
import type { SubjectRefMatch, SubjectsRepository } from '../keystore.js';
import type { Dependants, SubjectRow } from '../records.js';
import { SUBJECT_TABLE, toChannel, toRef, toWaba, toWorkspace, type ChannelRow, type RawRef, type WabaRow, type WorkspaceRow } from '../rows.js';
import { raiseStoreErrors } from './errors.js';
import type { Db } from './open.js';

/**
 * Workspaces, WABAs and channels. Names are unique per subject type, so a name identifies one.
 * A removed subject stays as a tombstone that only references (findRef, clash) and key records
 * see: lookups by id and listings never return it, so the verifier cannot send through it.
 */
export class SubjectsRepo implements SubjectsRepository {
  private readonly channelById;

  constructor(private readonly db: Db, private readonly location: string) {
    this.channelById = db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE id = ? AND removed_at IS NULL');
  }

  async addWorkspace(w: Workspace): Promise<void> {
    this.db.prepare('INSERT INTO workspaces (id, name, platform, created_at) VALUES (?, ?, ?, ?)')
      .run(w.id, w.name, w.platform, w.createdAt);
  }

  async addWaba(w: Waba): Promise<void> {
    this.db.prepare('INSERT INTO wabas (id, name, workspace_id, created_at) VALUES (?, ?, ?, ?)')
      .run(w.id, w.name, w.workspaceId, w.createdAt);
  }

  async addChannel(c: Channel): Promise<void> {
    this.db.prepare('INSERT INTO channels (id, name, workspace_id, type, waba_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.id, c.name, c.workspaceId, c.type, c.wabaId, c.createdAt);
  }

  /**
   * The row whose id or name is exactly `ref` (a tombstone too, so that the caller can say it was
   * removed), else the live rows whose id starts with it (for unique prefixes).
   */
  async findRef(type: SubjectType, ref: string): Promise<SubjectRefMatch> {
    const table = SUBJECT_TABLE[type];
    // An id match wins over a name match (a keystore from before names were kept apart from ids may
    // hold a name that is another subject's id).
    const exact = this.db.prepare<[{ ref: string }], RawRef>(
      `SELECT id, name, removed_at FROM ${table} WHERE id = @ref OR name = @ref ORDER BY id = @ref DESC LIMIT 1`,
    ).get({ ref });
    if (exact) return { exact: toRef(exact), byPrefix: [] };
    const byPrefix = this.db.prepare<[{ ref: string }], RawRef>(
      `SELECT id, name, removed_at FROM ${table} WHERE substr(id, 1, length(@ref)) = @ref AND removed_at IS NULL ORDER BY id LIMIT 11`,
    ).all({ ref });
    return { exact: undefined, byPrefix: byPrefix.map(toRef) };
  }

  /**
   * A subject of `type` that a new one with this id and name would collide with or shadow: one
   * whose id or name is either of them (a name equal to another's id would make `--workspace NAME`
   * ambiguous). Id collisions first, then names. Tombstones count: their ids and names stay taken.
   */
  async clash(type: SubjectType, id: string, name: string): Promise<SubjectRow | undefined> {
    const r = this.db.prepare<[{ id: string; name: string }], RawRef>(
      `SELECT id, name, removed_at FROM ${SUBJECT_TABLE[type]} WHERE id IN (@id, @name) OR name IN (@id, @name)
       ORDER BY id = @id DESC, name = @name DESC LIMIT 1`,
    ).get({ id, name });
    return r && toRef(r);
  }

  /** Another subject of `type` (tombstones too) whose id or name is `name`: renaming `id` to it would clash. */
  async renameClash(type: SubjectType, id: string, name: string): Promise<SubjectRow | undefined> {
    const r = this.db.prepare<[{ id: string; name: string }], RawRef>(
      `SELECT id, name, removed_at FROM ${SUBJECT_TABLE[type]} WHERE id != @id AND (id = @name OR name = @name)
       ORDER BY id = @name DESC LIMIT 1`,
    ).get({ id, name });
    return r && toRef(r);
  }

  /** Returns false when the subject is not there, or was removed meanwhile. */
  async rename(type: SubjectType, id: string, name: string): Promise<boolean> {
    return this.db.prepare(`UPDATE ${SUBJECT_TABLE[type]} SET name = ? WHERE id = ? AND removed_at IS NULL`).run(name, id).changes === 1;
  }

  /** Makes the subject a tombstone; false when it was removed already. */
  async markRemoved(type: SubjectType, id: string, at: number): Promise<boolean> {
    return this.db.prepare(`UPDATE ${SUBJECT_TABLE[type]} SET removed_at = ? WHERE id = ? AND removed_at IS NULL`).run(at, id).changes === 1;
  }

  /** The live channels, WABAs and webhook endpoints under a workspace, or the numbers of a WABA. */
  async dependants(type: SubjectType, id: string): Promise<Dependants> {
    const none: Dependants = { channels: [], wabas: [], webhooks: [] };
    if (type === 'channel') return none;
    const column = type === 'workspace' ? 'workspace_id' : 'waba_id';
    const named = (sql: string) => this.db.prepare<[string], { id: string; name: string }>(sql).all(id);
    return {
      channels: named(`SELECT id, name FROM channels WHERE ${column} = ? AND removed_at IS NULL ORDER BY created_at, id`),
      wabas: type === 'workspace' ? named('SELECT id, name FROM wabas WHERE workspace_id = ? AND removed_at IS NULL ORDER BY created_at, id') : [],
      webhooks: type === 'workspace'
        ? this.db.prepare<[string], { id: string; url: string }>(
          'SELECT id, url FROM webhooks WHERE workspace_id = ? AND removed_at IS NULL ORDER BY created_at, id').all(id)
        : [],
    };
  }

  async workspace(id: string): Promise<Workspace | undefined> {
    const r = this.db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?').get(id);
    return r && toWorkspace(r);
  }

  async waba(id: string): Promise<Waba | undefined> {
    const r = this.db.prepare<[string], WabaRow>('SELECT * FROM wabas WHERE id = ?').get(id);
    return r && toWaba(r);
  }

  async channel(id: string): Promise<Channel | undefined> {
    const r = this.channelById.get(id);
    return r && toChannel(r);
  }

  async listWorkspaces(): Promise<Workspace[]> {
    return this.db.prepare<[], WorkspaceRow>('SELECT * FROM workspaces WHERE removed_at IS NULL ORDER BY created_at, id').all().map(toWorkspace);
  }

  async listWabas(workspaceId?: string): Promise<Waba[]> {
    const rows = workspaceId
      ? this.db.prepare<[string], WabaRow>('SELECT * FROM wabas WHERE workspace_id = ? AND removed_at IS NULL ORDER BY created_at, id').all(workspaceId)
      : this.db.prepare<[], WabaRow>('SELECT * FROM wabas WHERE removed_at IS NULL ORDER BY created_at, id').all();
    return rows.map(toWaba);
  }

  async listChannels(filter: { workspaceId?: string; wabaId?: string; type?: ChannelType } = {}): Promise<Channel[]> {
    const where: string[] = ['removed_at IS NULL'];
    const args: string[] = [];
    if (filter.workspaceId) { where.push('workspace_id = ?'); args.push(filter.workspaceId); }
    if (filter.wabaId) { where.push('waba_id = ?'); args.push(filter.wabaId); }
    if (filter.type) { where.push('type = ?'); args.push(filter.type); }
    const sql = `SELECT * FROM channels WHERE ${where.join(' AND ')} ORDER BY created_at, id`;
    return this.db.prepare<string[], ChannelRow>(sql).all(...args).map(toChannel);
  }
}

raiseStoreErrors(SubjectsRepo);

import type { Channel, ChannelType, Platform, SubjectType, Waba, Workspace } from '../../core/model.js';
import type { SubjectRefMatch, SubjectsRepository } from '../keystore.js';
import { raiseStoreErrors } from './errors.js';
import type { Db } from './open.js';

interface WorkspaceRow { id: string; name: string; platform: Platform; created_at: number }
interface WabaRow { id: string; name: string; workspace_id: string; created_at: number }
interface ChannelRow {
  id: string; name: string; workspace_id: string; type: ChannelType; waba_id: string | null; created_at: number;
}

const toWorkspace = (r: WorkspaceRow): Workspace => ({ id: r.id, name: r.name, platform: r.platform, createdAt: r.created_at });
const toWaba = (r: WabaRow): Waba => ({ id: r.id, name: r.name, workspaceId: r.workspace_id, createdAt: r.created_at });
const toChannel = (r: ChannelRow): Channel => ({
  id: r.id, name: r.name, workspaceId: r.workspace_id, type: r.type, wabaId: r.waba_id, createdAt: r.created_at,
});

const TABLE: Record<SubjectType, string> = { workspace: 'workspaces', waba: 'wabas', channel: 'channels' };

/** Workspaces, WABAs and channels. Names are unique per subject type, so a name identifies one. */
export class SubjectsRepo implements SubjectsRepository {
  private readonly channelById;

  constructor(private readonly db: Db, private readonly location: string) {
    this.channelById = db.prepare<[string], ChannelRow>('SELECT * FROM channels WHERE id = ?');
  }

  addWorkspace(w: Workspace): void {
    this.db.prepare('INSERT INTO workspaces (id, name, platform, created_at) VALUES (?, ?, ?, ?)')
      .run(w.id, w.name, w.platform, w.createdAt);
  }

  addWaba(w: Waba): void {
    this.db.prepare('INSERT INTO wabas (id, name, workspace_id, created_at) VALUES (?, ?, ?, ?)')
      .run(w.id, w.name, w.workspaceId, w.createdAt);
  }

  addChannel(c: Channel): void {
    this.db.prepare('INSERT INTO channels (id, name, workspace_id, type, waba_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.id, c.name, c.workspaceId, c.type, c.wabaId, c.createdAt);
  }

  /** Rows whose id or name is exactly `ref`, else whose id starts with it (for unique prefixes). */
  findRef(type: SubjectType, ref: string): SubjectRefMatch {
    const table = TABLE[type];
    // An id match wins over a name match (a keystore from before names were kept apart from ids may
    // hold a name that is another subject's id).
    const exact = this.db.prepare<[{ ref: string }], { id: string; name: string }>(
      `SELECT id, name FROM ${table} WHERE id = @ref OR name = @ref ORDER BY id = @ref DESC LIMIT 1`,
    ).get({ ref });
    if (exact) return { exact, byPrefix: [] };
    const byPrefix = this.db.prepare<[{ ref: string }], { id: string; name: string }>(
      `SELECT id, name FROM ${table} WHERE substr(id, 1, length(@ref)) = @ref ORDER BY id LIMIT 11`,
    ).all({ ref });
    return { exact: undefined, byPrefix };
  }

  /**
   * A subject of `type` that a new one with this id and name would collide with or shadow: one
   * whose id or name is either of them (a name equal to another's id would make `--workspace NAME`
   * ambiguous). Id collisions first, then names.
   */
  clash(type: SubjectType, id: string, name: string): { id: string; name: string } | undefined {
    return this.db.prepare<[{ id: string; name: string }], { id: string; name: string }>(
      `SELECT id, name FROM ${TABLE[type]} WHERE id IN (@id, @name) OR name IN (@id, @name)
       ORDER BY id = @id DESC, name = @name DESC LIMIT 1`,
    ).get({ id, name });
  }

  workspace(id: string): Workspace | undefined {
    const r = this.db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?').get(id);
    return r && toWorkspace(r);
  }

  waba(id: string): Waba | undefined {
    const r = this.db.prepare<[string], WabaRow>('SELECT * FROM wabas WHERE id = ?').get(id);
    return r && toWaba(r);
  }

  channel(id: string): Channel | undefined {
    const r = this.channelById.get(id);
    return r && toChannel(r);
  }

  listWorkspaces(): Workspace[] {
    return this.db.prepare<[], WorkspaceRow>('SELECT * FROM workspaces ORDER BY created_at, id').all().map(toWorkspace);
  }

  listWabas(workspaceId?: string): Waba[] {
    const rows = workspaceId
      ? this.db.prepare<[string], WabaRow>('SELECT * FROM wabas WHERE workspace_id = ? ORDER BY created_at, id').all(workspaceId)
      : this.db.prepare<[], WabaRow>('SELECT * FROM wabas ORDER BY created_at, id').all();
    return rows.map(toWaba);
  }

  listChannels(filter: { workspaceId?: string; wabaId?: string; type?: ChannelType } = {}): Channel[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.workspaceId) { where.push('workspace_id = ?'); args.push(filter.workspaceId); }
    if (filter.wabaId) { where.push('waba_id = ?'); args.push(filter.wabaId); }
    if (filter.type) { where.push('type = ?'); args.push(filter.type); }
    const sql = `SELECT * FROM channels ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, id`;
    return this.db.prepare<string[], ChannelRow>(sql).all(...args).map(toChannel);
  }
}

raiseStoreErrors(SubjectsRepo);

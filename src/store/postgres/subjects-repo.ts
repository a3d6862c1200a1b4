import type { Channel, ChannelType, SubjectType, Waba, Workspace } from '../../core/model.js';
import type { SubjectRefMatch, SubjectsRepository } from '../keystore.js';
import type { Dependants, SubjectRow } from '../records.js';
import { SUBJECT_TABLE, toChannel, toRef, toWaba, toWorkspace, type ChannelRow, type RawRef, type WabaRow, type WorkspaceRow } from '../rows.js';
import type { PgContext } from './context.js';
import { raiseStoreErrors } from './errors.js';

/** Workspaces, WABAs and channels, as SQLite's SubjectsRepo (tombstones and all). */
export class SubjectsRepo implements SubjectsRepository {
  constructor(private readonly ctx: PgContext) {}

  get target() {
    return this.ctx.target;
  }

  async addWorkspace(w: Workspace): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows('INSERT INTO workspaces (id, name, platform, created_at) VALUES ($1, $2, $3, $4)',
      [w.id, w.name, w.platform, w.createdAt]));
  }

  async addWaba(w: Waba): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows('INSERT INTO wabas (id, name, workspace_id, created_at) VALUES ($1, $2, $3, $4)',
      [w.id, w.name, w.workspaceId, w.createdAt]));
  }

  async addChannel(c: Channel): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows(
      'INSERT INTO channels (id, name, workspace_id, type, waba_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [c.id, c.name, c.workspaceId, c.type, c.wabaId, c.createdAt]));
  }

  async findRef(type: SubjectType, ref: string): Promise<SubjectRefMatch> {
    const table = SUBJECT_TABLE[type];
    // An id match wins over a name match.
    const [exact] = await this.ctx.rows<RawRef>(
      `SELECT id, name, removed_at FROM ${table} WHERE id = $1 OR name = $1 ORDER BY id = $1 DESC LIMIT 1`, [ref]);
    if (exact) return { exact: toRef(exact), byPrefix: [] };
    const byPrefix = await this.ctx.rows<RawRef>(
      `SELECT id, name, removed_at FROM ${table} WHERE starts_with(id, $1) AND removed_at IS NULL ORDER BY id LIMIT 11`, [ref]);
    return { exact: undefined, byPrefix: byPrefix.map(toRef) };
  }

  async clash(type: SubjectType, id: string, name: string): Promise<SubjectRow | undefined> {
    const [r] = await this.ctx.rows<RawRef>(
      `SELECT id, name, removed_at FROM ${SUBJECT_TABLE[type]} WHERE id IN ($1, $2) OR name IN ($1, $2)
       ORDER BY id = $1 DESC, name = $2 DESC LIMIT 1`, [id, name]);
    return r && toRef(r);
  }

  async renameClash(type: SubjectType, id: string, name: string): Promise<SubjectRow | undefined> {
    const [r] = await this.ctx.rows<RawRef>(
      `SELECT id, name, removed_at FROM ${SUBJECT_TABLE[type]} WHERE id != $1 AND (id = $2 OR name = $2)
       ORDER BY id = $2 DESC LIMIT 1`, [id, name]);
    return r && toRef(r);
  }

  async rename(type: SubjectType, id: string, name: string): Promise<boolean> {
    const rows = await this.ctx.write(true, () => this.ctx.rows(
      `UPDATE ${SUBJECT_TABLE[type]} SET name = $1 WHERE id = $2 AND removed_at IS NULL RETURNING id`, [name, id]));
    return rows.length === 1;
  }

  async markRemoved(type: SubjectType, id: string, at: number): Promise<boolean> {
    const rows = await this.ctx.write(true, () => this.ctx.rows(
      `UPDATE ${SUBJECT_TABLE[type]} SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL RETURNING id`, [at, id]));
    return rows.length === 1;
  }

  async dependants(type: SubjectType, id: string): Promise<Dependants> {
    const none: Dependants = { channels: [], wabas: [], webhooks: [] };
    if (type === 'channel') return none;
    const column = type === 'workspace' ? 'workspace_id' : 'waba_id';
    const named = (sql: string) => this.ctx.rows<{ id: string; name: string }>(sql, [id]);
    return {
      channels: await named(`SELECT id, name FROM channels WHERE ${column} = $1 AND removed_at IS NULL ORDER BY created_at, id`),
      wabas: type === 'workspace' ? await named('SELECT id, name FROM wabas WHERE workspace_id = $1 AND removed_at IS NULL ORDER BY created_at, id') : [],
      webhooks: type === 'workspace'
        ? await this.ctx.rows<{ id: string; url: string }>(
          'SELECT id, url FROM webhooks WHERE workspace_id = $1 AND removed_at IS NULL ORDER BY created_at, id', [id])
        : [],
    };
  }

  async workspace(id: string): Promise<Workspace | undefined> {
    const [r] = await this.ctx.rows<WorkspaceRow>('SELECT id, name, platform, created_at FROM workspaces WHERE id = $1', [id]);
    return r && toWorkspace(r);
  }

  async waba(id: string): Promise<Waba | undefined> {
    const [r] = await this.ctx.rows<WabaRow>('SELECT id, name, workspace_id, created_at FROM wabas WHERE id = $1', [id]);
    return r && toWaba(r);
  }

  async channel(id: string): Promise<Channel | undefined> {
    const [r] = await this.ctx.rows<ChannelRow>(
      'SELECT id, name, workspace_id, type, waba_id, created_at FROM channels WHERE id = $1 AND removed_at IS NULL', [id]);
    return r && toChannel(r);
  }

  async listWorkspaces(): Promise<Workspace[]> {
    const rows = await this.ctx.rows<WorkspaceRow>(
      'SELECT id, name, platform, created_at FROM workspaces WHERE removed_at IS NULL ORDER BY created_at, id');
    return rows.map(toWorkspace);
  }

  async listWabas(workspaceId?: string): Promise<Waba[]> {
    const rows = workspaceId
      ? await this.ctx.rows<WabaRow>(
        'SELECT id, name, workspace_id, created_at FROM wabas WHERE workspace_id = $1 AND removed_at IS NULL ORDER BY created_at, id', [workspaceId])
      : await this.ctx.rows<WabaRow>('SELECT id, name, workspace_id, created_at FROM wabas WHERE removed_at IS NULL ORDER BY created_at, id');
    return rows.map(toWaba);
  }

  async listChannels(filter: { workspaceId?: string; wabaId?: string; type?: ChannelType } = {}): Promise<Channel[]> {
    const where: string[] = ['removed_at IS NULL'];
    const args: string[] = [];
    if (filter.workspaceId) where.push(`workspace_id = $${args.push(filter.workspaceId)}`);
    if (filter.wabaId) where.push(`waba_id = $${args.push(filter.wabaId)}`);
    if (filter.type) where.push(`type = $${args.push(filter.type)}`);
    const rows = await this.ctx.rows<ChannelRow>(
      `SELECT id, name, workspace_id, type, waba_id, created_at FROM channels WHERE ${where.join(' AND ')} ORDER BY created_at, id`, args);
    return rows.map(toChannel);
  }
}

raiseStoreErrors(SubjectsRepo);

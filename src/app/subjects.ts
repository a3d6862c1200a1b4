import { ConflictError, UsageError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { checkName } from '../core/names.js';
import {
  CHANNEL_TYPES, keyView, PLATFORMS, toIso,
  type Channel, type ChannelType, type KeyView, type Platform, type SubjectType, type Waba, type Workspace,
} from '../core/model.js';
import { recordChange } from './audit.js';
import type { AppContext } from './context.js';
import { resolveSubjectId } from './resolve.js';
import type { SubjectRow } from '../store/records.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function checkId(id: string | undefined, prefix: 'ws' | 'waba' | 'ch'): string {
  if (id === undefined) return newId(prefix);
  if (!ID_PATTERN.test(id)) {
    throw new UsageError(`invalid id "${id}"`, 'an id is 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit');
  }
  return id;
}

/** The command group of each type of subject (`octo workspaces …`). */
export const PLURAL: Record<SubjectType, string> = { workspace: 'workspaces', waba: 'wabas', channel: 'channels' };
/** Each type of subject as a person calls it. */
export const SUBJECT_WORD: Record<SubjectType, string> = { workspace: 'workspace', waba: 'WABA', channel: 'channel' };

/**
 * Inserts a subject unless another of its type has this id or name, or has as its id this name or
 * as its name this id: any of these would make `--workspace X` pick one of two, or unless one of
 * its `parents` was removed. Run inside the write transaction, so two processes adding (or adding
 * and removing) at once cannot both pass. The error names the subject that exists, by its real id.
 */
async function insertUnique(
  ctx: AppContext, what: SubjectType, subject: { id: string; name: string }, idGiven: boolean, insert: () => Promise<void>,
  parents: [SubjectType, string][] = [],
): Promise<void> {
  // Resolved again here: a parent removed since it was resolved must not get a new child.
  for (const [type, id] of parents) await resolveSubjectId(ctx, type, id);
  const existing = await (await ctx.keystore()).subjects.clash(what, subject.id, subject.name);
  if (existing) throw clashError(what, subject, idGiven, existing);
  await insert();
}

function clashError(what: SubjectType, wanted: { id: string; name: string }, idGiven: boolean, existing: SubjectRow, renaming = false): ConflictError {
  const them = `the ${what} "${existing.name}" (${existing.id}${existing.removedAt === null ? '' : ', removed'})`;
  // A tombstone keeps its id and name, so that key listings and the audit log name one subject each.
  const list = existing.removedAt === null
    ? `see them with \`octo ${PLURAL[what]} list\``
    : 'a removed subject keeps its id and name, so that its keys and audit history name only it';
  if (idGiven && existing.id === wanted.id) return new ConflictError(`${them} already has the id "${wanted.id}"`, `choose another --id; ${list}`);
  if (existing.name === wanted.name) {
    const useIt = renaming || existing.removedAt !== null ? '' : `, or use that one (--${what} ${existing.id})`;
    return new ConflictError(`${them} already has the name "${wanted.name}"`, `choose another name${useIt}; ${list}`);
  }
  if (existing.id === wanted.name) {
    return new ConflictError(`the name "${wanted.name}" is the id of ${them}: --${what} ${wanted.name} would select that one`, `choose another name; ${list}`);
  }
  if (idGiven) {
    return new ConflictError(`the id "${wanted.id}" is the name of ${them}: --${what} ${wanted.id} would select that one`, `choose another --id; ${list}`);
  }
  // A generated id that is taken: vanishingly rare, and a second try draws another.
  return new ConflictError(`the generated id "${wanted.id}" is taken by ${them}`, 'run the command again');
}

export async function addWorkspace(ctx: AppContext, input: { name: string; platform: string; id?: string }): Promise<Workspace> {
  if (!PLATFORMS.includes(input.platform as Platform)) {
    throw new UsageError(`unknown platform "${input.platform}"`, 'pass --platform intercom or --platform hubspot');
  }
  const ws: Workspace = {
    id: checkId(input.id, 'ws'),
    name: checkName(input.name, SUBJECT_WORD.workspace),
    platform: input.platform as Platform,
    createdAt: ctx.now(),
  };
  const store = await ctx.keystore();
  await store.transaction(async () => {
    await insertUnique(ctx, 'workspace', ws, input.id !== undefined, () => store.subjects.addWorkspace(ws));
    await recordChange(ctx, 'workspace.add', { subjectType: 'workspace', subjectId: ws.id }, { name: ws.name, platform: ws.platform });
  });
  return ws;
}

export async function addWaba(ctx: AppContext, input: { name: string; workspace: string; id?: string }): Promise<Waba> {
  const waba: Waba = {
    id: checkId(input.id, 'waba'),
    name: checkName(input.name, SUBJECT_WORD.waba),
    workspaceId: await resolveSubjectId(ctx, 'workspace', input.workspace),
    createdAt: ctx.now(),
  };
  const store = await ctx.keystore();
  await store.transaction(async () => {
    await insertUnique(ctx, 'waba', waba, input.id !== undefined, () => store.subjects.addWaba(waba), [['workspace', waba.workspaceId]]);
    await recordChange(ctx, 'waba.add', { subjectType: 'waba', subjectId: waba.id }, { name: waba.name, workspace: waba.workspaceId });
  });
  return waba;
}

export async function addChannel(
  ctx: AppContext,
  input: { name: string; workspace: string; type: string; waba?: string; id?: string },
): Promise<Channel> {
  if (!CHANNEL_TYPES.includes(input.type as ChannelType)) {
    throw new UsageError(`unknown channel type "${input.type}"`, 'pass --type sms, viber, telegram or whatsapp');
  }
  const type = input.type as ChannelType;
  if (type !== 'whatsapp' && input.waba) {
    throw new UsageError(`only WhatsApp channels belong to a WABA, not ${type} channels`, 'drop --waba, or use --type whatsapp');
  }
  const workspaceId = await resolveSubjectId(ctx, 'workspace', input.workspace);
  if (type === 'whatsapp' && !input.waba) {
    throw new UsageError('a WhatsApp channel must be attached to a WABA', await wabaHint(ctx, workspaceId));
  }
  const wabaId = input.waba ? await resolveSubjectId(ctx, 'waba', input.waba) : null;
  const store = await ctx.keystore();
  if (wabaId && (await store.subjects.waba(wabaId))!.workspaceId !== workspaceId) {
    throw new UsageError(`the WABA "${input.waba}" belongs to another workspace`, await wabaHint(ctx, workspaceId));
  }
  const channel: Channel = {
    id: checkId(input.id, 'ch'),
    name: checkName(input.name, SUBJECT_WORD.channel),
    workspaceId,
    type,
    wabaId,
    createdAt: ctx.now(),
  };
  await store.transaction(async () => {
    await insertUnique(ctx, 'channel', channel, input.id !== undefined, () => store.subjects.addChannel(channel),
      [['workspace', workspaceId], ...(wabaId ? [['waba', wabaId] as [SubjectType, string]] : [])]);
    await recordChange(ctx, 'channel.add', { subjectType: 'channel', subjectId: channel.id }, {
      name: channel.name, type, workspace: workspaceId, waba: wabaId,
    });
  });
  return channel;
}

export type Subject = Workspace | Waba | Channel;

/** A live subject by id (resolved already); a tombstone is not one. */
export async function getSubject(ctx: AppContext, type: SubjectType, id: string): Promise<Subject> {
  const subjects = (await ctx.keystore()).subjects;
  const found = type === 'workspace' ? subjects.workspace(id) : type === 'waba' ? subjects.waba(id) : subjects.channel(id);
  return (await found)!;
}

/**
 * Renames a subject under the rules of `add`: one name per subject of a type, and never another
 * subject's id (it may take its own). Resolved and checked inside the write transaction, so of two
 * processes renaming to one name at once, the second gets the conflict.
 */
export async function renameSubject(ctx: AppContext, type: SubjectType, ref: string, newName: string): Promise<{ subject: Subject; previousName: string }> {
  const name = checkName(newName, SUBJECT_WORD[type]);
  const store = await ctx.keystore();
  return store.transaction(async () => {
    const id = await resolveSubjectId(ctx, type, ref);
    const previousName = (await getSubject(ctx, type, id)).name;
    if (previousName !== name) {
      const existing = await store.subjects.renameClash(type, id, name);
      if (existing) throw clashError(type, { id, name }, false, existing, true);
      await store.subjects.rename(type, id, name);
      await recordChange(ctx, `${type}.rename`, { subjectType: type, subjectId: id }, { before: previousName, after: name });
    }
    return { subject: await getSubject(ctx, type, id), previousName };
  });
}

/** Which --waba to pass for a number of this workspace: its WABAs by id, or how to add the first. */
async function wabaHint(ctx: AppContext, workspaceId: string): Promise<string> {
  const wabas = await (await ctx.keystore()).subjects.listWabas(workspaceId);
  if (wabas.length === 0) return `the workspace ${workspaceId} has no WABA yet: add one with \`octo wabas add NAME --workspace ${workspaceId}\`, then pass --waba`;
  return `pass a WABA of the workspace ${workspaceId}: ${wabas.slice(0, 5).map((b) => `--waba ${b.id} (${b.name})`).join(', ')}${wabas.length > 5 ? ', …' : ''}`;
}

async function activeKeyView(ctx: AppContext, type: SubjectType, id: string): Promise<KeyView | null> {
  const key = await (await ctx.keystore()).keys.activeFor(type, id);
  return key ? keyView(key, ctx.now()) : null;
}

export interface WorkspaceView { id: string; name: string; platform: Platform; created_at: string; key: KeyView | null }
export interface WabaView { id: string; name: string; workspace: { id: string; name: string }; created_at: string; key: KeyView | null }
export interface ChannelView {
  id: string; name: string; type: ChannelType; workspace: { id: string; name: string };
  waba: { id: string; name: string } | null; created_at: string;
  /** The key that serves this channel: its channel key, or for a WhatsApp number its WABA's key. */
  key: KeyView | null;
}

/** The seeds' "Workspace API Keys" table: every workspace with its key, or none yet. */
export async function listWorkspaces(ctx: AppContext): Promise<WorkspaceView[]> {
  const views: WorkspaceView[] = [];
  for (const w of await (await ctx.keystore()).subjects.listWorkspaces()) {
    views.push({
      id: w.id, name: w.name, platform: w.platform, created_at: toIso(w.createdAt)!,
      key: await activeKeyView(ctx, 'workspace', w.id),
    });
  }
  return views;
}

export async function listWabas(ctx: AppContext, filter: { workspace?: string } = {}): Promise<WabaView[]> {
  const workspaceId = filter.workspace ? await resolveSubjectId(ctx, 'workspace', filter.workspace) : undefined;
  const views: WabaView[] = [];
  for (const b of await (await ctx.keystore()).subjects.listWabas(workspaceId)) {
    views.push({
      id: b.id, name: b.name, workspace: await namedRef(ctx, 'workspace', b.workspaceId), created_at: toIso(b.createdAt)!,
      key: await activeKeyView(ctx, 'waba', b.id),
    });
  }
  return views;
}

export async function listChannels(ctx: AppContext, filter: { workspace?: string } = {}): Promise<ChannelView[]> {
  const workspaceId = filter.workspace ? await resolveSubjectId(ctx, 'workspace', filter.workspace) : undefined;
  const views: ChannelView[] = [];
  for (const c of await (await ctx.keystore()).subjects.listChannels({ workspaceId })) {
    views.push({
      id: c.id, name: c.name, type: c.type,
      workspace: await namedRef(ctx, 'workspace', c.workspaceId),
      waba: c.wabaId ? await namedRef(ctx, 'waba', c.wabaId) : null,
      created_at: toIso(c.createdAt)!,
      key: c.wabaId ? await activeKeyView(ctx, 'waba', c.wabaId) : await activeKeyView(ctx, 'channel', c.id),
    });
  }
  return views;
}

async function namedRef(ctx: AppContext, type: 'workspace' | 'waba', id: string): Promise<{ id: string; name: string }> {
  const store = await ctx.keystore();
  const s = await (type === 'workspace' ? store.subjects.workspace(id) : store.subjects.waba(id));
  return { id, name: s?.name ?? '' };
}

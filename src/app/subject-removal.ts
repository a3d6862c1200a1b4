import { OctoError } from '../core/errors.js';
import { keyAcceptance } from '../core/key-acceptance.js';
import type { KeyRecord, SubjectType } from '../core/model.js';
import type { Dependants, SubjectRow } from '../store/records.js';
import { recordChange } from './audit.js';
import type { AppContext } from './context.js';
import { revokeWithin } from './keys.js';
import { resolveSubjectId } from './resolve.js';
import { getSubject, PLURAL, type Subject } from './subjects.js';

/** The reason recorded on each key that a removal revokes. */
export const REMOVAL_REASON = 'subject removed';

export interface RemovalPlan {
  type: SubjectType;
  subject: Subject;
  /** The subject's keys that are still accepted: revoked by the removal (with --revoke-keys). */
  keys: KeyRecord[];
}

/**
 * What removing a subject would do, or why it is refused: while anything still hangs off it
 * (channels, WABAs, webhook endpoints: they are named, with the commands that remove them), or
 * while a key of its own is still accepted, unless `revokeKeys` says to revoke those too. A key
 * left working for a subject that is gone would be a credential nobody can see in a listing.
 */
export async function planRemoval(ctx: AppContext, type: SubjectType, ref: string, revokeKeys: boolean): Promise<RemovalPlan> {
  const id = await resolveSubjectId(ctx, type, ref);
  const subject = await getSubject(ctx, type, id);
  const store = await ctx.keystore();
  const dependants = await store.subjects.dependants(type, id);
  if (dependants.channels.length + dependants.wabas.length + dependants.webhooks.length > 0) {
    throw await hasDependants(ctx, type, subject, dependants);
  }
  const now = ctx.now();
  const keys = (await store.keys.forSubject(type, id)).filter((k) => keyAcceptance(k, now).accepted);
  if (keys.length > 0 && !revokeKeys) throw hasKeys(type, subject, keys, now);
  return { type, subject, keys };
}

export interface RemovedSubject {
  type: SubjectType;
  subject: Subject;
  removedAt: number;
  revoked: KeyRecord[];
}

/**
 * Revokes the keys still accepted (with `revokeKeys`; each revocation audited with the reason
 * "subject removed") and makes the subject a tombstone, in one transaction in which the plan is
 * made again, so that a channel or key added since the confirmation is not left behind. Nothing is
 * deleted: the keys, their audit history and the subject's name stay readable.
 */
export async function removeSubject(ctx: AppContext, type: SubjectType, ref: string, revokeKeys: boolean): Promise<RemovedSubject> {
  const store = await ctx.keystore();
  return store.transaction(async () => {
    const plan = await planRemoval(ctx, type, ref, revokeKeys);
    const id = plan.subject.id;
    const revoked: KeyRecord[] = [];
    for (const k of plan.keys) {
      await revokeWithin(ctx, k, REMOVAL_REASON);
      revoked.push((await store.keys.findById(k.id))!);
    }
    const removedAt = ctx.now();
    await store.subjects.markRemoved(type, id, removedAt);
    await recordChange(ctx, `${type}.remove`, { subjectType: type, subjectId: id }, {
      name: plan.subject.name, revoked_keys: revoked.map((k) => k.id),
    });
    return { type, subject: plan.subject, removedAt, revoked };
  });
}

function describe(type: SubjectType, s: Pick<SubjectRow, 'id' | 'name'>): string {
  return `the ${type} "${s.name}" (${s.id})`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const MAX_SHOWN = 5;

function shown<T>(items: T[], show: (item: T) => string): string {
  return items.slice(0, MAX_SHOWN).map(show).join(', ') + (items.length > MAX_SHOWN ? ', …' : '');
}

async function hasDependants(ctx: AppContext, type: SubjectType, subject: Subject, d: Dependants): Promise<OctoError> {
  const parts: string[] = [];
  if (d.channels.length) parts.push(`${count(d.channels.length, 'channel')} (${shown(d.channels, (c) => c.id)})`);
  if (d.wabas.length) parts.push(`${count(d.wabas.length, 'WABA')} (${shown(d.wabas, (b) => b.id)})`);
  if (d.webhooks.length) parts.push(`${count(d.webhooks.length, 'webhook endpoint')} (${shown(d.webhooks, (w) => w.id)})`);
  // Channels before WABAs: a WABA with numbers attached is itself refused.
  const now = ctx.now();
  const store = await ctx.keystore();
  const removal = async (t: SubjectType, id: string) =>
    `\`octo ${PLURAL[t]} remove ${id}${(await store.keys.forSubject(t, id)).some((k) => keyAcceptance(k, now).accepted) ? ' --revoke-keys' : ''}\``;
  const commands: string[] = [];
  for (const c of d.channels) commands.push(await removal('channel', c.id));
  for (const b of d.wabas) commands.push(await removal('waba', b.id));
  for (const w of d.webhooks) commands.push(`\`octo webhooks remove ${w.id}\``);
  return new OctoError('has_dependants', `${describe(type, subject)} still has ${parts.join(', ')}`, {
    hint: `remove ${commands.length === 1 ? 'it' : 'them'} first: ${shown(commands, (c) => c)}`,
  });
}

function hasKeys(type: SubjectType, subject: Subject, keys: KeyRecord[], now: number): OctoError {
  const list = shown(keys, (k) => `${k.id} (${keyAcceptance(k, now).status === 'active' ? 'active' : 'rotated, in its grace'})`);
  return new OctoError('has_active_keys',
    `${describe(type, subject)} has ${count(keys.length, 'key')} still accepted: ${list}; removing it would leave ${keys.length === 1 ? 'that key' : 'them'} working`,
    { hint: `revoke ${keys.length === 1 ? 'it' : 'them'} with the ${type}: \`octo ${PLURAL[type]} remove ${subject.id} --revoke-keys\`` });
}

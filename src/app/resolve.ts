import { NotFoundError, UsageError } from '../core/errors.js';
import type { SubjectType } from '../core/model.js';
import type { AppContext } from './context.js';

const SUBJECT_WORDS: Record<SubjectType, { plural: string; flag: string }> = {
  workspace: { plural: 'workspaces', flag: '--workspace' },
  waba: { plural: 'wabas', flag: '--waba' },
  channel: { plural: 'channels', flag: '--channel' },
};

/** A subject given by id, name, or a unique id prefix. */
export function resolveSubjectId(ctx: AppContext, type: SubjectType, ref: string): string {
  const { exact, byPrefix } = ctx.store.subjects.findRef(type, ref);
  if (exact) return exact.id;
  const words = SUBJECT_WORDS[type];
  if (byPrefix.length === 1) return byPrefix[0]!.id;
  if (byPrefix.length > 1) {
    throw new UsageError(
      `"${ref}" matches several ${words.plural}: ${byPrefix.map((s) => `${s.id} (${s.name})`).join(', ')}`,
      `pass more of the id to ${words.flag}`,
      'ambiguous_id',
    );
  }
  throw new NotFoundError(`no ${type} "${ref}"`, `list them with \`octo ${words.plural} list\``);
}

/** A key id, or a unique prefix of one (SPEC §5); an ambiguous prefix lists the candidates. */
export function resolveKeyId(ctx: AppContext, ref: string): string {
  return pickUniqueId(ref, ctx.store.keys.idsWithPrefix(ref), { noun: 'key', list: 'octo keys list' });
}

/**
 * The one rule for ids given by prefix: an exact id wins, else the only id that starts with `ref`;
 * several are a usage error naming them, none is "not found" with the command that lists them.
 */
export function pickUniqueId(ref: string, ids: readonly string[], what: { noun: string; list: string }): string {
  if (ids.includes(ref)) return ref;
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1) {
    const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ', …' : '');
    throw new UsageError(`"${ref}" matches several ${what.noun}s: ${shown}`, `pass more characters of the ${what.noun} id`, 'ambiguous_id');
  }
  throw new NotFoundError(`no ${what.noun} with id "${ref}"`, `list ${what.noun} ids with \`${what.list}\``);
}

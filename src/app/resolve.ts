import { NotFoundError, OctoError, UsageError } from '../core/errors.js';
import { hashKey, maskKey } from '../core/key-format.js';
import { KEY_BODY_LENGTH, parseKeyRef } from '../core/key-ref.js';
import type { SubjectType } from '../core/model.js';
import type { AppContext } from './context.js';

const SUBJECT_WORDS: Record<SubjectType, { plural: string; flag: string }> = {
  workspace: { plural: 'workspaces', flag: '--workspace' },
  waba: { plural: 'wabas', flag: '--waba' },
  channel: { plural: 'channels', flag: '--channel' },
};

/** A subject given by id, name, or a unique id prefix. */
export async function resolveSubjectId(ctx: AppContext, type: SubjectType, ref: string): Promise<string> {
  const { exact, byPrefix } = await (await ctx.keystore()).subjects.findRef(type, ref);
  const words = SUBJECT_WORDS[type];
  if (exact?.removedAt != null) {
    throw new NotFoundError(`the ${type} "${exact.name}" (${exact.id}) was removed`, `its keys and history stay in \`octo keys list\` and \`octo audit\`; see the ${words.plural} there are with \`octo ${words.plural} list\``);
  }
  if (exact) return exact.id;
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

/**
 * A key id, a unique prefix of one (SPEC §5), or the whole key, found by its SHA-256 as the verifier
 * finds it (what an operator holds after a leak). A message never repeats a key: only its mask.
 */
export async function resolveKeyId(ctx: AppContext, text: string): Promise<string> {
  const ref = parseKeyRef(text);
  const byId = 'or pass its key id (see `octo keys list`)';
  switch (ref.type) {
    case 'id':
      return pickUniqueId(ref.id, await (await ctx.keystore()).keys.idsWithPrefix(ref.id), { noun: 'key', list: 'octo keys list' });
    case 'key': {
      const key = await (await ctx.keystore()).keys.findByHash(hashKey(ref.key));
      if (key) return key.id;
      throw new NotFoundError(`no key ${maskKey(ref.key)} in this keystore`, `is it another keystore's? check --db or OCTO_DB, ${byId}`);
    }
    case 'malformed':
      throw new OctoError('malformed_key', ref.problem === 'checksum'
        ? `${ref.masked} is not an octo key: its checksum does not match (a typo, or part of a copy)`
        : `${ref.masked} is not a whole octo key: it has ${ref.length} characters after the prefix, a key has ${KEY_BODY_LENGTH}`,
      { hint: `copy the whole key again, ${byId}` });
    case 'webhook_secret':
      throw new OctoError('webhook_secret', `${ref.masked} is a webhook signing secret, not an API key`, {
        hint: 'webhooks are named by their wh_ id: see `octo webhooks list`',
      });
    case 'other':
      throw new NotFoundError(`${ref.shown} is neither a key id nor an octo key`, await notAKeyHint(ctx, ref.value));
  }
}

/**
 * What a value that is not a key id was probably meant as: a bearer key's name, or a subject whose
 * key was wanted. Either way the hint names the real key id.
 */
async function notAKeyHint(ctx: AppContext, value: string): Promise<string> {
  const store = await ctx.keystore();
  const named = await store.keys.idsNamed(value);
  if (named.length > 0) {
    return `${JSON.stringify(value)} is the name of ${named.join(', ')}: pass the id, e.g. \`octo keys show ${named[0]}\``;
  }
  for (const type of ['workspace', 'channel', 'waba'] as const) {
    const subject = (await store.subjects.findRef(type, value)).exact;
    if (!subject || subject.removedAt !== null) continue;
    const waba = type === 'channel' ? (await store.subjects.channel(subject.id))?.wabaId : null;
    const key = waba ? await store.keys.activeFor('waba', waba) : await store.keys.activeFor(type, subject.id);
    return key
      ? `that is the ${type} ${subject.id}; the key that serves it is ${key.id}: \`octo keys show ${key.id}\``
      : `that is the ${type} ${subject.id}, which has no active key: see \`octo ${SUBJECT_WORDS[type].plural} list\``;
  }
  return 'key ids start with key_ (see `octo keys list`); the whole key (octo_ws_…, octo_ch_…, octo_wa_…, oct_live_…, oct_test_…) works too, or - to read it from standard input';
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

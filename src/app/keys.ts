import { ConflictError, OctoError, UsageError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { generateKey, hashKey, maskKey, parseKey, prefixFor, type KeyKind } from '../core/key-format.js';
import type { RateLimit } from '../core/duration.js';
import { keyAcceptance } from '../core/key-acceptance.js';
import { keyLabel, keyView, type KeyRecord, type KeySort, type KeyStatus, type KeyView, type SubjectType } from '../core/model.js';
import { checkName } from '../core/names.js';
import { ADMIN_SCOPE, normaliseScopes, validateScopes } from '../core/scopes.js';
import { open, seal } from '../core/secret-box.js';
import { shellWord } from '../core/shell-word.js';
import { UniqueViolation } from '../store/errors.js';
import type { Keystore } from '../store/keystore.js';
import type { NewKey } from '../store/records.js';
import { recordChange, type RevealedTo } from './audit.js';
import type { AppContext } from './context.js';
import { heirOf, replacementCommand, replacementHint } from './key-hints.js';
import { resolveKeyId, resolveSubjectId } from './resolve.js';

/**
 * `secret`: a given, well-formed key of the kind (fixtures, `keys import`) instead of a generated
 * one; `name` on a workspace, channel or WABA key: how a fixtures file identifies it.
 */
export type CreateKeyInput = (
  | { kind: 'workspace'; workspace: string; rateLimit?: RateLimit; name?: string }
  | { kind: 'channel'; channel: string; rateLimit?: RateLimit; name?: string }
  | { kind: 'waba'; waba: string; rateLimit?: RateLimit; name?: string }
  | {
      kind: 'bearer';
      name: string;
      scopes?: string[];
      test?: boolean;
      expiresInSeconds?: number;
      rateLimit?: RateLimit;
    }
) & { secret?: string };

export interface IssuedKey {
  key: KeyRecord;
  /** The whole key: printed once by the CLI, never stored in plaintext for bearer keys. */
  secret: string;
}

const SUBJECT_OF: Record<Exclude<KeyKind, 'bearer'>, SubjectType> = { workspace: 'workspace', channel: 'channel', waba: 'waba' };

/**
 * What to do with a new key's secret inside the transaction that stores the key (write it to a
 * dotenv file): if it throws, the key is not created, or the rotation not made, so a secret that
 * could not be kept never leaves a key nobody holds.
 */
export type KeepSecret = (secret: string) => void;

export async function createKey(ctx: AppContext, input: CreateKeyInput, keep?: KeepSecret): Promise<IssuedKey> {
  if (input.kind === 'bearer') {
    const name = checkName(input.name, 'key', 'a bearer key needs a name of 1 to 200 printable characters: pass --name NAME, e.g. --name "Production Server"');
    const scopes = normaliseScopes(validateScopes(input.scopes ?? []));
    const now = ctx.now();
    return issue(ctx, {
      kind: 'bearer', name, env: input.test ? 'test' : 'live', subjectType: null, subjectId: null, scopes,
      rateLimit: input.rateLimit ?? null,
      createdAt: now,
      expiresAt: input.expiresInSeconds === undefined ? null : now + input.expiresInSeconds * 1000,
      replaces: null,
    }, 'key.create', { keep, secret: input.secret });
  }
  const subjectType = SUBJECT_OF[input.kind];
  const ref = input.kind === 'workspace' ? input.workspace : input.kind === 'channel' ? input.channel : input.waba;
  const subjectId = await resolveSubjectId(ctx, subjectType, ref);
  if (input.kind === 'channel') {
    const store = await ctx.keystore();
    const channel = (await store.subjects.channel(subjectId))!;
    if (channel.type === 'whatsapp') {
      const wabaKey = await store.keys.activeFor('waba', channel.wabaId!);
      throw new OctoError('wrong_kind', `"${channel.name}" is a WhatsApp number: it takes its WABA's key, not a channel key`, {
        hint: wabaKey
          ? `its WABA already has a WhatsApp Business API Key: copy it with \`octo keys copy ${wabaKey.id}\``
          : `create the WhatsApp Business API Key with \`octo keys create waba --waba ${channel.wabaId}\``,
      });
    }
  }
  const name = input.name === undefined ? null : checkName(input.name, 'key');
  return issue(ctx, {
    kind: input.kind, name, env: null, subjectType, subjectId, scopes: null,
    rateLimit: input.rateLimit ?? null, createdAt: ctx.now(), expiresAt: null, replaces: null,
  }, 'key.create', { keep, secret: input.secret });
}

type KeyShape = Pick<
  NewKey,
  'kind' | 'name' | 'env' | 'subjectType' | 'subjectId' | 'scopes' | 'rateLimit' | 'createdAt' | 'expiresAt' | 'replaces'
>;

/**
 * Generates, stores and audits one key in one transaction. `before` runs inside it first (rotation
 * retires the old key there, so the one-active-key index never sees two); `after` gets the new id.
 */
/** A given secret must be a well-formed key of the kind being created (SPEC §3). */
function checkGivenSecret(secret: string, kind: KeyKind, env: NewKey['env']): void {
  const parsed = parseKey(secret);
  const prefix = prefixFor(kind, env);
  if (!parsed.ok || parsed.info.prefix !== prefix) {
    throw new UsageError(
      parsed.ok ? `the secret is not a ${kind}${env ? ' ' + env : ''} key (it should start with ${prefix})` : `the secret is not a well-formed octo key (${parsed.problem === 'checksum' ? 'its checksum does not match' : 'bad format'})`,
      'give a key of the kind being created, e.g. one `octo keys create` printed', 'invalid_secret',
    );
  }
}

async function issue(
  ctx: AppContext,
  shape: KeyShape,
  action: string,
  hooks: { before?: () => Promise<void>; after?: (id: string) => Promise<void>; keep?: KeepSecret | undefined; secret?: string | undefined } = {},
): Promise<IssuedKey> {
  const id = newId('key');
  const secret = hooks.secret ?? generateKey(prefixFor(shape.kind, shape.env));
  if (hooks.secret !== undefined) checkGivenSecret(hooks.secret, shape.kind, shape.env);
  // Loaded before the transaction: it may create the master key file and record its fingerprint.
  const sealed = shape.kind === 'bearer' ? null : seal(await ctx.masterKey(), secret, id);
  const store = await ctx.keystore();
  try {
    await store.transaction(async () => {
      await hooks.before?.();
      await store.keys.insert({ ...shape, id, hash: hashKey(secret), secretSealed: sealed, masked: maskKey(secret) });
      await recordChange(ctx, action, { keyId: id, subjectType: shape.subjectType, subjectId: shape.subjectId }, {
        kind: shape.kind,
        ...(shape.name ? { name: shape.name } : {}),
        ...(shape.env ? { env: shape.env } : {}),
        ...(shape.kind === 'bearer' ? { scopes: shape.scopes } : {}),
        ...(shape.replaces ? { replaces: shape.replaces } : {}),
      });
      await hooks.after?.(id);
      hooks.keep?.(secret);
    });
  } catch (err) {
    // Another process gave the subject its key first; the transaction is rolled back.
    if (err instanceof UniqueViolation && err.rule === 'one_active_key' && shape.subjectType && shape.subjectId) {
      throw await alreadyHasKey(store, shape.subjectType, shape.subjectId);
    }
    throw err;
  }
  return { key: (await store.keys.findById(id))!, secret };
}

async function alreadyHasKey(store: Keystore, type: SubjectType, subjectId: string): Promise<ConflictError> {
  const existing = await store.keys.activeFor(type, subjectId);
  return new ConflictError(
    `the ${type} "${existing?.subject?.name ?? subjectId}" already has an active key${existing ? ` (${existing.id})` : ''}; there is at most one per ${type}`,
    existing
      ? `copy it with \`octo keys copy ${existing.id}\`, or replace it with \`octo keys rotate ${existing.id}\``
      : 'list them with `octo keys list --status active`',
  );
}

export async function getKey(ctx: AppContext, ref: string): Promise<KeyRecord> {
  const id = await resolveKeyId(ctx, ref);
  return (await (await ctx.keystore()).keys.findById(id))!;
}

export interface KeyListFilter {
  kind?: KeyKind;
  status?: KeyStatus;
  workspace?: string;
  /** A part of the name (a bearer key's, else its subject's), case ignored. */
  name?: string;
  sort?: KeySort;
  limit?: number;
}

/**
 * Streams key views. Filters, order and limit are the store's (SQL), except `status`: expiry is
 * derived at read time (keyAcceptance), so a status is checked here and the limit counted here.
 */
export async function* listKeys(ctx: AppContext, filter: KeyListFilter): AsyncIterableIterator<KeyView> {
  const workspaceId = filter.workspace ? await resolveSubjectId(ctx, 'workspace', filter.workspace) : undefined;
  // Expiry is derived: an expired key is stored active, or rotated with its grace not yet over.
  const states = filter.status === undefined ? undefined : filter.status === 'expired' ? ['active' as const, 'rotated' as const] : [filter.status];
  const now = ctx.now();
  let left = filter.limit ?? Infinity;
  const rows = (await ctx.keystore()).keys.iterate({
    kind: filter.kind, states, workspaceId, nameContains: filter.name, sort: filter.sort,
    limit: filter.status === undefined ? filter.limit : undefined,
  });
  for await (const key of rows) {
    const view = keyView(key, now);
    if (filter.status !== undefined && view.status !== filter.status) continue;
    yield view;
    // Returning closes the statement: the rows after the last one shown are never read.
    if (--left === 0) return;
  }
}

/**
 * The plaintext of a workspace, channel or WABA key; bearer keys are shown once and never kept.
 * Audited as `key.reveal` (who, and where it went) before the key is handed out, so that a key
 * that left the keystore is always on record: if the entry cannot be written, nothing is revealed.
 */
export async function revealKey(ctx: AppContext, ref: string, to: RevealedTo): Promise<{ key: KeyRecord; secret: string }> {
  const key = await getKey(ctx, ref);
  const store = await ctx.keystore();
  const sealed = await store.keys.sealedSecret(key.id);
  if (key.kind === 'bearer' || sealed === null) {
    throw new OctoError('not_retrievable', `${key.id} is a bearer key: it was shown once, at creation, and octo does not keep it`, {
      hint: `issue a replacement with \`${await replacementCommand(store, key)}\``,
    });
  }
  const secret = open(await ctx.masterKey(), sealed, key.id);
  await recordChange(ctx, 'key.reveal', { keyId: key.id, subjectType: key.subject?.type, subjectId: key.subject?.id }, { to });
  return { key, secret };
}

export interface ScopeChange {
  add?: string[];
  remove?: string[];
  fullAccess?: boolean;
}

export async function scopeKey(ctx: AppContext, ref: string, change: ScopeChange): Promise<KeyRecord> {
  const id = await resolveKeyId(ctx, ref);
  const add = validateScopes(change.add ?? []);
  const remove = validateScopes(change.remove ?? []);
  // Read inside the write transaction: of two processes adding scopes at once, both must count.
  const store = await ctx.keystore();
  await store.transaction(async () => {
    const key = (await store.keys.findById(id))!;
    const next = nextScopes(key, { add, remove, fullAccess: change.fullAccess === true });
    await store.keys.setScopes(key.id, next);
    await recordChange(ctx, 'key.scope', { keyId: key.id }, { before: key.scopes, after: next });
  });
  return (await store.keys.findById(id))!;
}

function nextScopes(key: KeyRecord, change: { add: string[]; remove: string[]; fullAccess: boolean }): string[] | null {
  const { add, remove } = change;
  if (key.kind !== 'bearer') {
    throw new OctoError('wrong_kind', `${key.id} is a ${key.kind} key: its scope is its ${key.kind}, not a list of scopes`, {
      hint: 'scopes apply to bearer keys (`octo keys list --kind bearer`)',
    });
  }
  if (!change.fullAccess && add.length === 0 && remove.length === 0) {
    throw new UsageError('nothing to change', `pass --add, --remove or --full-access, e.g. \`octo keys scope ${key.id} --add posts:read\``);
  }
  if (change.fullAccess || add.includes(ADMIN_SCOPE)) return null;
  if (key.scopes === null && remove.length > 0) {
    throw new UsageError(`${key.id} has full access: there is no scope to remove`, `narrow it to what it needs with --add, e.g. \`octo keys scope ${key.id} --add posts:read\``);
  }
  // A full-access key given --add is narrowed to exactly what is added.
  const set = new Set([...(key.scopes ?? []), ...add]);
  for (const s of remove) set.delete(s);
  if (set.size === 0) {
    throw new UsageError(
      'removing every scope would give the key full access',
      `say so with \`octo keys scope ${key.id} --full-access\`` + (key.state === 'revoked' ? '' : `, or revoke it with \`octo keys revoke ${key.id}\``),
    );
  }
  return normaliseScopes([...set]);
}

export interface RotatedKey extends IssuedKey {
  replaced: KeyRecord;
}

/**
 * Issues a successor with the same subject, name, scopes, environment, rate limit and lifetime, and
 * retires the old key, which stays accepted until `graceSeconds` have passed (default: none).
 */
export async function rotateKey(ctx: AppContext, ref: string, graceSeconds = 0, keep?: KeepSecret): Promise<RotatedKey> {
  const old = await getKey(ctx, ref);
  const now = ctx.now();
  const store = await ctx.keystore();
  if (old.state !== 'active') throw await notRotatable(store, old, now);
  const issued = await issue(ctx, {
    kind: old.kind,
    name: old.name,
    env: old.env,
    subjectType: old.subject?.type ?? null,
    subjectId: old.subject?.id ?? null,
    scopes: old.scopes,
    rateLimit: old.rateLimit,
    createdAt: now,
    expiresAt: old.expiresAt === null ? null : now + (old.expiresAt - old.createdAt),
    replaces: old.id,
  }, 'key.rotate', {
    before: async () => {
      // Checked again inside the transaction: another process may have rotated or revoked it since.
      if (!(await store.keys.retire(old.id, now + graceSeconds * 1000))) throw await notRotatable(store, (await store.keys.findById(old.id))!, now);
    },
    after: (successor) => store.keys.linkSuccessor(old.id, successor),
    keep,
  });
  return { ...issued, replaced: (await store.keys.findById(old.id))! };
}

async function notRotatable(store: Keystore, key: KeyRecord, now: number): Promise<ConflictError> {
  const heir = await heirOf(store, key);
  return new ConflictError(
    `${key.id} is ${keyAcceptance(key, now).status}${key.replacedBy ? ` (replaced by ${key.replacedBy})` : ''}: only an active or expired key can be rotated`,
    heir
      ? `rotate the key in use now instead: \`octo keys rotate ${heir.id}\``
      : await replacementHint(store, key),
  );
}

export async function revokeKey(ctx: AppContext, ref: string, reason: string | null): Promise<KeyRecord> {
  const key = await getKey(ctx, ref);
  if (key.state === 'revoked') throw alreadyRevoked(key);
  const store = await ctx.keystore();
  await store.transaction(() => revokeWithin(ctx, key, reason));
  return (await store.keys.findById(key.id))!;
}

/**
 * A revocation's writes and its audit entry, inside the caller's transaction (a transaction's `fn`
 * never begins another): revokeKey's, or a subject removal's.
 */
export async function revokeWithin(ctx: AppContext, key: KeyRecord, reason: string | null): Promise<void> {
  const store = await ctx.keystore();
  if (!(await store.keys.revoke(key.id, ctx.now(), reason))) throw alreadyRevoked(key);
  await recordChange(ctx, 'key.revoke', { keyId: key.id, subjectType: key.subject?.type, subjectId: key.subject?.id }, reason ? { reason } : null);
}

function alreadyRevoked(key: KeyRecord): ConflictError {
  return new ConflictError(`${key.id} is already revoked`, 'list active keys with `octo keys list --status active`');
}

/**
 * Renames a bearer key. Workspace, channel and WABA keys have no name of their own (their subject
 * names them), so the hint points at renaming the subject instead.
 */
export async function renameKey(ctx: AppContext, ref: string, newName: string): Promise<{ key: KeyRecord; previousName: string }> {
  const name = checkName(newName, 'key');
  const id = await resolveKeyId(ctx, ref);
  const store = await ctx.keystore();
  return store.transaction(async () => {
    const key = (await store.keys.findById(id))!;
    if (key.kind !== 'bearer') {
      const subject = key.subject!;
      throw new OctoError('wrong_kind', `${key.id} is a ${keyLabel(key.kind, key.channelType)}: it has no name of its own, its ${subject.type} "${subject.name}" names it`, {
        hint: `rename the ${subject.type} instead: \`octo ${subject.type}s rename ${subject.id} ${shellWord(name)}\``,
      });
    }
    const previousName = key.name!;
    if (previousName !== name) {
      await store.keys.rename(key.id, name);
      await recordChange(ctx, 'key.rename', { keyId: key.id }, { before: previousName, after: name });
    }
    return { key: (await store.keys.findById(id))!, previousName };
  });
}

/**
 * `octo keys import --hash`: a bearer key known only by its SHA-256 (as another keystore holds it),
 * brought in with the same rules and audit entry as a created one. Workspace, channel and WABA keys
 * must stay viewable (SPEC §4), so they are imported only with their secret (createKey's `secret`).
 */
export async function importBearerHash(
  ctx: AppContext, input: { name: string; hashHex: string; test?: boolean; scopes?: string[]; expiresInSeconds?: number; rateLimit?: RateLimit },
): Promise<KeyRecord> {
  if (!/^[0-9a-f]{64}$/i.test(input.hashHex)) {
    throw new UsageError(`invalid --hash "${input.hashHex.slice(0, 12)}…"`, 'pass the SHA-256 of the whole key as 64 hex digits, e.g. `printf %s "$KEY" | sha256sum`', 'invalid_hash');
  }
  const name = checkName(input.name, 'key', 'an imported bearer key needs a name: pass --name NAME');
  const scopes = normaliseScopes(validateScopes(input.scopes ?? []));
  const now = ctx.now();
  const env = input.test ? 'test' : 'live';
  const id = newId('key');
  const hash = Buffer.from(input.hashHex, 'hex');
  const store = await ctx.keystore();
  if (await store.keys.findByHash(hash)) throw new ConflictError('the keystore already holds this key', 'see it with `octo keys show KEY_ID`');
  await store.transaction(async () => {
    await store.keys.insert({
      kind: 'bearer', name, env, subjectType: null, subjectId: null, scopes, rateLimit: input.rateLimit ?? null, createdAt: now,
      expiresAt: input.expiresInSeconds === undefined ? null : now + input.expiresInSeconds * 1000, replaces: null,
      id, hash, secretSealed: null, masked: `${prefixFor('bearer', env)}…(imported)`,
    });
    await recordChange(ctx, 'key.create', { keyId: id }, { kind: 'bearer', name, env, scopes, imported: 'hash' });
  });
  return (await store.keys.findById(id))!;
}

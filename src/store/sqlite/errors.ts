import type { SubjectType } from '../../core/model.js';
import { KeystoreUnavailable, ParentRemoved, UniqueViolation, type UniqueRule } from '../errors.js';

/*
 * The one place that reads better-sqlite3's error codes (besides opening, in open.ts): each driver
 * error that means something to octo becomes the store's own error; anything else passes as it is.
 */

/**
 * SQLite names the columns of the constraint broken ("UNIQUE constraint failed: keys.workspace_id");
 * the one-active-key rules are the partial unique indexes on a key's subject column.
 */
const RULES: Record<string, [UniqueRule, SubjectType | null]> = {
  'keys.workspace_id': ['one_active_key', 'workspace'],
  'keys.channel_id': ['one_active_key', 'channel'],
  'keys.waba_id': ['one_active_key', 'waba'],
  'keys.id': ['key_id', null],
  'keys.hash': ['key_hash', null],
  'workspaces.id': ['subject_id', 'workspace'],
  'wabas.id': ['subject_id', 'waba'],
  'channels.id': ['subject_id', 'channel'],
  'workspaces.name': ['subject_name', 'workspace'],
  'wabas.name': ['subject_name', 'waba'],
  'channels.name': ['subject_name', 'channel'],
  'webhooks.id': ['webhook_id', null],
  'webhook_secrets.webhook_id, webhook_secrets.generation': ['webhook_secret_generation', null],
  'webhook_deliveries.id': ['delivery_id', null],
  'meta.key': ['meta_key', null],
};

const UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/** The store's error for a driver error raised on the keystore at `location`; other errors unchanged. */
export function storeError(err: unknown, location: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  const message = (err as Error).message;
  if (UNIQUE_CODES.has(code)) {
    const constraint = message.replace(/^UNIQUE constraint failed: /, '');
    const [rule, subjectType] = RULES[constraint] ?? ['unknown', null];
    return withCause(new UniqueViolation(rule, subjectType, constraint), err);
  }
  // Migration 0003's triggers: an insert under a removed subject (their RAISE message says which).
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return withCause(new ParentRemoved(message), err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return withCause(new KeystoreUnavailable('busy', location), err);
  if (code === 'SQLITE_FULL') return withCause(new KeystoreUnavailable('full', location), err);
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY')) {
    return withCause(new KeystoreUnavailable('io', location, message), err);
  }
  return err;
}

/**
 * Makes every method of a repository class raise the store's errors, never the driver's, so that
 * no method can forget to. Applied once per class at load. The methods are async, so what the
 * driver throws arrives as a rejection; the wrapper takes fixed arguments (no rest array) and one
 * handler per repository (no closure per call), since `serve` calls some of these methods per request.
 * Async generators translate their own errors: theirs are thrown while the caller iterates.
 */
export function raiseStoreErrors(repository: { prototype: object }): void {
  const proto = repository.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
    if (name === 'constructor' || typeof method !== 'function' || method.constructor.name.endsWith('GeneratorFunction')) continue;
    if (method.length > 4) throw new Error(`${name} takes more arguments than raiseStoreErrors passes`);
    proto[name] = function (this: Repository, a: unknown, b: unknown, c: unknown, d: unknown): Promise<unknown> {
      return (method.call(this, a, b, c, d) as Promise<unknown>).then(undefined, (this[RAISE] ??= raiserFor(this.location)));
    };
  }
}

const RAISE = Symbol('raise');

interface Repository {
  readonly location: string;
  [RAISE]?: (err: unknown) => never;
}

function raiserFor(location: string): (err: unknown) => never {
  return (err) => {
    throw storeError(err, location);
  };
}

function withCause<E extends Error>(e: E, cause: unknown): E {
  (e as { cause?: unknown }).cause = cause;
  return e;
}

import type { SubjectType } from '../../core/model.js';
import { KeystoreUnavailable, ParentRemoved, UniqueViolation, type UniqueRule } from '../errors.js';
import { serverName, type PgTarget } from './connect.js';

/*
 * The one place that reads the PostgreSQL driver's errors: each that means something to octo
 * becomes the store's own error (store/errors.ts); anything else passes as it is.
 */

/** The schema names every unique constraint and index (migrations.ts); each is one rule. */
const RULES: Record<string, [UniqueRule, SubjectType | null]> = {
  keys_one_active_workspace: ['one_active_key', 'workspace'],
  keys_one_active_channel: ['one_active_key', 'channel'],
  keys_one_active_waba: ['one_active_key', 'waba'],
  keys_id: ['key_id', null],
  keys_hash: ['key_hash', null],
  workspaces_id: ['subject_id', 'workspace'],
  wabas_id: ['subject_id', 'waba'],
  channels_id: ['subject_id', 'channel'],
  workspaces_name: ['subject_name', 'workspace'],
  wabas_name: ['subject_name', 'waba'],
  channels_name: ['subject_name', 'channel'],
  webhooks_id: ['webhook_id', null],
  webhook_secrets_generation: ['webhook_secret_generation', null],
  webhook_deliveries_id: ['delivery_id', null],
  meta_key: ['meta_key', null],
};

/** The SQLSTATE the schema's triggers raise for an insert under a removed subject. */
export const PARENT_REMOVED_CODE = 'OC001';

/** Node's and the driver's codes for a connection that could not be made or was lost. */
const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection lost',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ENOENT: 'no such socket',
  CONNECT_TIMEOUT: 'no answer within the connect timeout',
  CONNECTION_CLOSED: 'the connection was closed',
  CONNECTION_ENDED: 'the connection was closed',
  CONNECTION_DESTROYED: 'the connection was closed',
};

interface DriverError { code?: unknown; constraint_name?: unknown; message?: unknown }

/** The store's error for a driver error raised on the keystore `t`; other errors unchanged. */
export function storeError(err: unknown, t: PgTarget): unknown {
  if (!err || typeof err !== 'object' || err instanceof KeystoreUnavailable || err instanceof UniqueViolation || err instanceof ParentRemoved) return err;
  const e = err as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const at = serverName(t);
  const unreachable = (what: string, hint?: string) => withCause(new KeystoreUnavailable('unreachable', t.location, `${what} (${at})`, hint), err);
  if (code in CONNECTION_CODES) return unreachable(CONNECTION_CODES[code]!);
  // Anything else with a code is not the server's.
  if ((err as Error).name !== 'PostgresError') return err;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === '23505') {
    const constraint = typeof e.constraint_name === 'string' ? e.constraint_name : '';
    const [rule, subjectType] = RULES[constraint] ?? ['unknown', null];
    return withCause(new UniqueViolation(rule, subjectType, constraint), err);
  }
  if (code === PARENT_REMOVED_CODE) return withCause(new ParentRemoved(message), err);
  if (code === '28P01' || code === '28000') {
    return unreachable('the server refused the user or password', 'check the user and password in the URL given by --db or OCTO_DB');
  }
  if (code === '3D000') {
    return unreachable(`the database ${t.database} does not exist`, `create it (createdb ${t.database}), or fix the database name in the URL given by --db or OCTO_DB`);
  }
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') {
    return unreachable(message || 'the server closed the connection');
  }
  if (code === '55P03') return withCause(new KeystoreUnavailable('busy', t.location), err);
  if (code === '57014') return withCause(new KeystoreUnavailable('timeout', t.location, 'a statement ran past the statement timeout'), err);
  if (code === '53100') return withCause(new KeystoreUnavailable('full', t.location), err);
  if (code.startsWith('58') || code === '25006') return withCause(new KeystoreUnavailable('io', t.location, message), err);
  return err;
}

/**
 * Makes every async method of a repository class raise the store's errors, never the driver's.
 * Async generators translate their own (theirs are thrown while the caller iterates).
 */
export function raiseStoreErrors(repository: { prototype: object }): void {
  const proto = repository.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
    if (name === 'constructor' || typeof method !== 'function' || method.constructor.name === 'AsyncGeneratorFunction') continue;
    proto[name] = async function (this: { target: PgTarget }, ...args: unknown[]): Promise<unknown> {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      } catch (err) {
        throw storeError(err, this.target);
      }
    };
  }
}

function withCause<E extends Error>(e: E, cause: unknown): E {
  (e as { cause?: unknown }).cause = cause;
  return e;
}

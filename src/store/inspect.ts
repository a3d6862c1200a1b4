import type { KeyKind } from '../core/key-format.js';
import type { KeyRecord } from '../core/model.js';
import { Keystore } from './keystore.js';
import { openDatabaseAsIs } from './open.js';

/**
 * What `octo status` reads of a keystore, apart from the commands' own repositories: the file as
 * it is (schema version before any migration), and each key's stored state, no more, so that
 * counting a million keys reads four columns rather than the joined record.
 */
export interface KeystoreLook {
  store: Keystore;
  /** PRAGMA user_version as found: 0 for an empty file no command has set up yet. */
  schemaVersion: number;
}

export function lookAtKeystore(path: string): KeystoreLook {
  const { db, version } = openDatabaseAsIs(path);
  return { store: new Keystore(db, path), schemaVersion: version };
}

export type KeyStateRow = Pick<KeyRecord, 'id' | 'kind' | 'state' | 'expiresAt' | 'graceUntil'>;

/** Every key's id, kind and the stored fields its status is derived from (keyAcceptance). */
export function* keyStates(store: Keystore): IterableIterator<KeyStateRow> {
  const rows = store.db.prepare<[], [string, KeyKind, KeyRecord['state'], number | null, number | null]>(
    'SELECT id, kind, state, expires_at, grace_until FROM keys',
  ).raw();
  for (const [id, kind, state, expiresAt, graceUntil] of rows.iterate()) yield { id, kind, state, expiresAt, graceUntil };
}

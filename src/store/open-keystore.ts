import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPostgresUrl } from '../core/db-url.js';
import type { Keystore, KeystoreLook, RestoreSource } from './keystore.js';
import { backupExists, openRestoreSource } from './sqlite/backup.js';
import { SqliteKeystore } from './sqlite/keystore.js';

/*
 * How app/ gets a keystore: the one module that names a backend. A PostgreSQL URL loads
 * store/postgres/ (and its driver) with a dynamic import, so that nothing of it is loaded, or
 * slows anything, when the keystore is a file (SPEC §11).
 */

/** Opens (creating on first use, migrated) the keystore at `location`. */
export async function openKeystore(location: string): Promise<Keystore> {
  if (isPostgresUrl(location)) return (await import('./postgres/keystore.js')).PostgresKeystore.open(location);
  return SqliteKeystore.open(location);
}

/**
 * The existing keystore at `location` as it is, changing nothing (`octo status`): the same refusals
 * as openKeystore for what is not a keystore, but no file made and no migration.
 */
export async function lookAtKeystore(location: string): Promise<KeystoreLook> {
  if (isPostgresUrl(location)) return (await import('./postgres/keystore.js')).PostgresKeystore.asIs(location);
  return SqliteKeystore.asIs(location);
}

/** The schema version this octo writes: an older keystore is migrated by the next command that opens it. */
export const SCHEMA_VERSION = SqliteKeystore.schemaVersion;

/** An empty keystore in memory, with the current schema: what a read sees where none exists yet. */
export function emptyKeystore(): Keystore {
  return SqliteKeystore.empty();
}

/**
 * A backup file (an octo SQLite keystore file, whatever the live backend), checked and migrated in
 * a private working copy beside `besidePath` (in a private temporary folder when the live keystore
 * is a PostgreSQL URL); the file itself stays as it was.
 */
export async function openBackupFile(file: string, besidePath: string): Promise<RestoreSource> {
  if (!isPostgresUrl(besidePath)) return openRestoreSource(file, besidePath);
  const dir = mkdtempSync(join(tmpdir(), 'octo-restore-'));
  try {
    const source = await openRestoreSource(file, join(dir, 'keystore.db'));
    return {
      store: source.store,
      discard: async () => {
        try {
          await source.discard();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export { backupExists };

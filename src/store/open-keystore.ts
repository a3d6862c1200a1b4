import type { Keystore, RestoreSource } from './keystore.js';
import { backupExists, openRestoreSource } from './sqlite/backup.js';
import { SqliteKeystore } from './sqlite/keystore.js';

/* How app/ gets a keystore: the one module that names a backend. */

/** Opens (creating on first use, migrated) the keystore at `location`. */
export function openKeystore(location: string): Keystore {
  return SqliteKeystore.open(location);
}

/** An empty keystore in memory, with the current schema: what a read sees where none exists yet. */
export function emptyKeystore(): Keystore {
  return SqliteKeystore.empty();
}

/**
 * A backup file (an octo SQLite keystore file, whatever the live backend), checked and migrated in
 * a private working copy beside `besidePath`; the file itself stays as it was.
 */
export function openBackupFile(file: string, besidePath: string): RestoreSource {
  return openRestoreSource(file, besidePath);
}

export { backupExists };

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';

/**
 * Temporary folders and SQLite keystores for store tests, closed and removed after each test. The
 * tests get the concrete SqliteKeystore, whose `db` handle they may use to stage what the interface
 * cannot (a held lock, a checkpoint); app/ only ever sees the Keystore interface.
 */
export function tempStores(prefix: string): { tempDir: () => string; open: (path: string) => Promise<SqliteKeystore> } {
  const dirs: string[] = [];
  const stores: SqliteKeystore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  return {
    tempDir: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    open: async (path) => {
      const store = await SqliteKeystore.open(path);
      stores.push(store);
      return store;
    },
  };
}

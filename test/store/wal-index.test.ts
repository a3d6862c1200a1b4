import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, symlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommitWatch } from '../../src/store/keystore.js';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';
import { WalIndexWatch } from '../../src/store/sqlite/wal-index.js';
import { tempStores } from '../helpers/temp-store.js';

/**
 * The verifier skips PRAGMA data_version while the WAL-index header is unchanged: every commit by
 * any connection, in this process or another, must still be seen, including after the WAL restarts.
 */
const { tempDir, open } = tempStores('octo-wal-');

/** A reader of commits, as the verifier is, after its first look: data_version read, a stamp seen. */
function watched(store: SqliteKeystore) {
  store.changeCounter();
  expect(store.commitStamp()).not.toBeNull();
  const watch = new CommitWatch(store);
  watch.moved();
  return { store, mayHaveChanged: () => watch.moved() };
}

const commit = (store: SqliteKeystore, n: number) => store.db.transaction(() => store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`k${n}`, 'v')).immediate();

describe('the WAL-index watch', () => {
  it('sees every commit by another connection, and reports nothing when there was none', async () => {
    const path = join(tempDir(), 'k.db');
    const server = watched(await open(path));
    const cli = await open(path);
    expect([server.mayHaveChanged(), server.mayHaveChanged()]).toEqual([false, false]);
    for (let i = 0; i < 50; i++) {
      commit(cli, i);
      expect(server.mayHaveChanged()).toBe(true);
      expect(server.mayHaveChanged()).toBe(false);
    }
  });

  it('sees a commit after the WAL was checkpointed and restarted from its start', async () => {
    const path = join(tempDir(), 'k.db');
    const server = watched(await open(path));
    const cli = await open(path);
    commit(cli, 1);
    expect(server.mayHaveChanged()).toBe(true);
    cli.db.pragma('wal_checkpoint(TRUNCATE)');
    server.mayHaveChanged();
    commit(cli, 2);
    expect(server.mayHaveChanged()).toBe(true);
  });

  it('sees a commit by another process', async () => {
    const path = join(tempDir(), 'k.db');
    const server = watched(await open(path));
    expect(server.mayHaveChanged()).toBe(false);
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const script = `const D = require(${JSON.stringify(sqlite)}); const db = new D(process.argv[1]);` +
      `db.prepare("INSERT INTO meta (key, value) VALUES ('other', 'process')").run(); db.close();`;
    const r = spawnSync(process.execPath, ['-e', script, path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(server.mayHaveChanged()).toBe(true);
  });

  it('gives no stamp while the two copies of the header differ (a writer that died between them)', async () => {
    const path = join(tempDir(), 'k.db');
    const server = await open(path);
    server.changeCounter();
    expect(server.commitStamp()).not.toBeNull();
    // Change one byte of the second copy, as a writer killed after writing it alone would leave it.
    const fd = openSync(`${path}-shm`, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 48 + 8);
    writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, 48 + 8);
    closeSync(fd);
    expect(server.commitStamp()).toBeNull();
    // SQLite itself rebuilds the index on its next read; then the copies agree again.
    server.changeCounter();
    expect(server.commitStamp()).not.toBeNull();
  });

  it('watches the file SQLite has open when the keystore is reached through a symlink', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const server = watched(await open(join(dir, 'link', 'k.db')));
    // A fallback would answer true every time: false proves the header is being read.
    expect(server.mayHaveChanged()).toBe(false);
    commit(await open(join(dir, 'real', 'k.db')), 1);
    expect(server.mayHaveChanged()).toBe(true);
  });

  it('gives two readers each every commit (one reader never takes a change from the other)', async () => {
    const path = join(tempDir(), 'k.db');
    const store = await open(path);
    const [lookup, dispatcher] = [watched(store), watched(store)];
    commit(await open(path), 1);
    expect(lookup.mayHaveChanged()).toBe(true);
    expect(dispatcher.mayHaveChanged()).toBe(true);
    expect([lookup.mayHaveChanged(), dispatcher.mayHaveChanged()]).toEqual([false, false]);
  });

  it('finds nothing to watch for a keystore this process has not opened, and gives no stamp before data_version was read', async () => {
    const path = join(tempDir(), 'k.db');
    expect(WalIndexWatch.find(path)).toBeNull();
    const store = await open(path);
    expect(store.commitStamp()).toBeNull();
  });
});

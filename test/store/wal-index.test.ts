import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/store/keystore.js';
import { WalIndexWatch } from '../../src/store/wal-index.js';

/**
 * The verifier skips PRAGMA data_version while the WAL-index header is unchanged: every commit by
 * any connection, in this process or another, must still be seen, including after the WAL restarts.
 */
const dirs: string[] = [];
const stores: Keystore[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octo-wal-'));
  dirs.push(dir);
  return dir;
}

function open(path: string): Keystore {
  const store = Keystore.open(path);
  stores.push(store);
  return store;
}

/** The verifier's first look: data_version read once, then the header seen once. */
function watched(store: Keystore): Keystore {
  store.changeCounter();
  expect(store.mayHaveChanged()).toBe(true);
  return store;
}

const commit = (store: Keystore, n: number) => store.write(() => store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`k${n}`, 'v'));

describe('the WAL-index watch', () => {
  it('sees every commit by another connection, and reports nothing when there was none', () => {
    const path = join(tempDir(), 'k.db');
    const server = watched(open(path));
    const cli = open(path);
    expect([server.mayHaveChanged(), server.mayHaveChanged()]).toEqual([false, false]);
    for (let i = 0; i < 50; i++) {
      commit(cli, i);
      expect(server.mayHaveChanged()).toBe(true);
      expect(server.mayHaveChanged()).toBe(false);
    }
  });

  it('sees a commit after the WAL was checkpointed and restarted from its start', () => {
    const path = join(tempDir(), 'k.db');
    const server = watched(open(path));
    const cli = open(path);
    commit(cli, 1);
    expect(server.mayHaveChanged()).toBe(true);
    cli.db.pragma('wal_checkpoint(TRUNCATE)');
    server.mayHaveChanged();
    commit(cli, 2);
    expect(server.mayHaveChanged()).toBe(true);
  });

  it('sees a commit by another process', () => {
    const path = join(tempDir(), 'k.db');
    const server = watched(open(path));
    expect(server.mayHaveChanged()).toBe(false);
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const script = `const D = require(${JSON.stringify(sqlite)}); const db = new D(process.argv[1]);` +
      `db.prepare("INSERT INTO meta (key, value) VALUES ('other', 'process')").run(); db.close();`;
    const r = spawnSync(process.execPath, ['-e', script, path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(server.mayHaveChanged()).toBe(true);
  });

  it('watches the file SQLite has open when the keystore is reached through a symlink', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const server = watched(open(join(dir, 'link', 'k.db')));
    // A fallback would answer true every time: false proves the header is being read.
    expect(server.mayHaveChanged()).toBe(false);
    commit(open(join(dir, 'real', 'k.db')), 1);
    expect(server.mayHaveChanged()).toBe(true);
  });

  it('finds nothing to watch for a keystore this process has not opened, and then always says "may have changed"', () => {
    const path = join(tempDir(), 'k.db');
    expect(WalIndexWatch.find(path)).toBeNull();
    const store = open(path);
    // Before data_version has been read once, the answer is always "may have changed".
    expect([store.mayHaveChanged(), store.mayHaveChanged()]).toEqual([true, true]);
  });
});

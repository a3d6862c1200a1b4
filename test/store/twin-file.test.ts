import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TwinWrite } from '../../src/store/keystore.js';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';

/* On SQLite the local twin lives in `<keystore>-twin` (store/sqlite/twin-file.ts), not in the keystore file. */
describe('the local twin\'s own file beside a SQLite keystore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octo-twin-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const keystorePath = () => join(dir, `k${n++}.db`);
  const write = (at: number): TwinWrite => ({ kind: 'messages', batch: { entries: JSON.stringify([{ at, to: '+15551234567' }]), count: 1, atLast: at }, keep: 10 });

  it('is made, private, by the first append; the keystore file sees no commit of it', async () => {
    const path = keystorePath();
    const store = await SqliteKeystore.open(path);
    const other = new Database(path);
    const dataVersion = () => other.pragma('data_version', { simple: true });
    try {
      expect(await store.twin.page('messages', { limit: 10 })).toEqual([]);
      expect(existsSync(`${path}-twin`)).toBe(false);
      const before = dataVersion();
      await store.twin.append([write(1), write(2)]);
      expect(dataVersion()).toBe(before);
      expect(statSync(`${path}-twin`).mode & 0o777).toBe(0o600);
      expect((await store.twin.page('messages', { limit: 10 })).map((r) => r.entry.at)).toEqual([2, 1]);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('is found by a reader that looked before a verifier made it, and read by other processes\' connections', async () => {
    const path = keystorePath();
    const reader = await SqliteKeystore.open(path);
    const writer = await SqliteKeystore.open(path);
    try {
      expect(await reader.twin.last('messages')).toBe(0);
      await writer.twin.append([write(5)]);
      expect(await reader.twin.last('messages')).toBe(1);
      await writer.twin.clear();
      expect(await reader.twin.page('messages', { limit: 10 })).toEqual([]);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('is refused, with what to do, when the file is not octo\'s; the keystore still opens', async () => {
    const path = keystorePath();
    writeFileSync(`${path}-twin`, 'not a database, but long enough to be read as one: '.repeat(40));
    const store = await SqliteKeystore.open(path);
    try {
      const err = await store.twin.append([write(1)]).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'twin_file_unknown', message: `${path}-twin is not the outbox and journal file of this octo (not a SQLite database)` });
      expect((err as { hint: string }).hint).toMatch(/move it away/);
      expect(await store.summary()).toMatchObject({ keys: 0, subjects: 0 });
    } finally {
      await store.close();
    }
  });

  it('is what a keystore at schema 6 has its twin tables replaced by (migration 0007)', async () => {
    const path = keystorePath();
    const old = new Database(path);
    for (const m of MIGRATIONS.slice(0, 6)) m(old);
    old.pragma('user_version = 6');
    old.prepare("INSERT INTO twin_messages VALUES (1, 1, 1, 10, '[]')").run();
    old.close();
    const store = await SqliteKeystore.open(path);
    try {
      const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'twin_%'").all();
      expect(tables).toEqual([]);
      expect(await store.twin.last('messages')).toBe(0);
    } finally {
      await store.close();
    }
  });
});

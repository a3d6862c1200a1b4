import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';
import { openDatabase } from '../../src/store/sqlite/open.js';

describe('keystore migrations', () => {
  const dirs: string[] = [];
  const tempDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'octo-store-'));
    dirs.push(dir);
    return join(dir, 'k.db');
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('applies every migration to a new keystore, with WAL and foreign keys on', () => {
    const db = openDatabase(tempDb());
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it.each(Array.from({ length: SCHEMA_VERSION }, (_, v) => v))('upgrades a keystore at version %i, keeping its data', (from) => {
    const path = tempDb();
    const old = new Database(path);
    for (let v = 0; v < from; v++) MIGRATIONS[v]!(old);
    old.pragma(`user_version = ${from}`);
    if (from >= 1) old.prepare("INSERT INTO workspaces (id, name, platform, created_at) VALUES ('acme', 'Acme', 'intercom', 1)").run();
    old.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    if (from >= 1) expect(db.prepare('SELECT name FROM workspaces').pluck().all()).toEqual(['Acme']);
    db.close();
  });

  it('refuses a keystore newer than this octo, and leaves it at its version', () => {
    const path = tempDb();
    const newer = new Database(path);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: 'keystore_too_new', exitCode: 1 }));
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('enforces one active key per subject in the schema itself', () => {
    const db = openDatabase(tempDb());
    db.prepare("INSERT INTO workspaces (id, name, platform, created_at) VALUES ('acme', 'Acme', 'intercom', 1)").run();
    const insert = db.prepare(`INSERT INTO keys (id, kind, workspace_id, hash, secret_sealed, masked, created_at)
      VALUES (?, 'workspace', 'acme', ?, x'00', 'm', 1)`);
    insert.run('key_a', Buffer.from('a'));
    expect(() => insert.run('key_b', Buffer.from('b'))).toThrow(/UNIQUE/);
    db.prepare("UPDATE keys SET state = 'revoked' WHERE id = 'key_a'").run();
    expect(() => insert.run('key_b', Buffer.from('b'))).not.toThrow();
    db.close();
  });
});

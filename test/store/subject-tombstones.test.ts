import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/sqlite/open.js';

/**
 * Migration 0003: a removed subject is a tombstone, and the keystore itself refuses to attach
 * anything new to it, so a `keys create` or `channels add` racing a `remove` cannot leave a live
 * key or channel under a subject that is gone.
 */
describe('subject tombstones', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const open = (): Db => {
    const dir = mkdtempSync(join(tmpdir(), 'octo-store-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'k.db'));
    db.exec(`INSERT INTO workspaces (id, name, platform, created_at) VALUES ('acme', 'Acme', 'intercom', 1);
      INSERT INTO wabas (id, name, workspace_id, created_at) VALUES ('wa1', 'WABA', 'acme', 1);
      INSERT INTO channels (id, name, workspace_id, type, waba_id, created_at) VALUES ('sms1', 'SMS', 'acme', 'sms', NULL, 1);`);
    return db;
  };
  const key = (db: Db, column: string, id: string, keyId: string) =>
    db.prepare(`INSERT INTO keys (id, kind, ${column}, hash, secret_sealed, masked, created_at)
      VALUES (?, ?, ?, randomblob(32), x'00', 'm', 1)`).run(keyId, column.replace('_id', ''), id);

  it.each([['workspace_id', 'workspaces', 'acme'], ['channel_id', 'channels', 'sms1'], ['waba_id', 'wabas', 'wa1']])(
    'refuses a key for a removed subject (%s)', (column, table, id) => {
      const db = open();
      key(db, column, id, 'key_a');
      db.prepare(`UPDATE keys SET state = 'revoked'`).run();
      db.prepare(`UPDATE ${table} SET removed_at = 2 WHERE id = ?`).run(id);
      expect(() => key(db, column, id, 'key_b')).toThrow(/removed/);
      db.close();
    });

  it('refuses a WABA, a channel or a webhook under a removed workspace, and a number under a removed WABA', () => {
    const db = open();
    db.prepare("UPDATE wabas SET removed_at = 2 WHERE id = 'wa1'").run();
    expect(() => db.prepare("INSERT INTO channels (id, name, workspace_id, type, waba_id, created_at) VALUES ('n', 'N', 'acme', 'whatsapp', 'wa1', 1)").run()).toThrow(/removed/);
    db.prepare("UPDATE workspaces SET removed_at = 2 WHERE id = 'acme'").run();
    expect(() => db.prepare("INSERT INTO wabas (id, name, workspace_id, created_at) VALUES ('wa2', 'W2', 'acme', 1)").run()).toThrow(/removed/);
    expect(() => db.prepare("INSERT INTO channels (id, name, workspace_id, type, created_at) VALUES ('s2', 'S2', 'acme', 'sms', 1)").run()).toThrow(/removed/);
    expect(() => db.prepare("INSERT INTO webhooks (id, url, events, workspace_id, created_at) VALUES ('wh', 'http://x', '[]', 'acme', 1)").run()).toThrow(/removed/);
    // Every-workspace webhooks and live subjects are untouched.
    db.prepare("INSERT INTO webhooks (id, url, events, workspace_id, created_at) VALUES ('wh2', 'http://x', '[]', NULL, 1)").run();
    db.close();
  });
});

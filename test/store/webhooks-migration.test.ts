import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';
import * as m0001 from '../../src/store/sqlite/migrations/0001-initial.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octo-mig-'));
  dirs.push(dir);
  return join(dir, 'keystore.db');
}

describe('migration 0002 (webhooks)', () => {
  it('upgrades a version 1 keystore, keeping its rows', () => {
    const path = tempDb();
    const v1 = new Database(path);
    m0001.up(v1);
    v1.pragma('user_version = 1');
    v1.prepare("INSERT INTO workspaces (id, name, platform, created_at) VALUES ('acme', 'Acme', 'intercom', 1)").run();
    v1.close();

    const store = SqliteKeystore.open(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.subjects.workspace('acme')?.name).toBe('Acme');
      store.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:1/', events: ['message.sent'], workspaceId: 'acme', createdAt: 1 });
      expect(store.webhooks.list().map((w) => [w.id, w.workspaceId, w.events])).toEqual([['wh_1', 'acme', ['message.sent']]]);
    } finally {
      store.close();
    }
  });

  it('refuses a pending delivery without a due time, and a finished one with one', () => {
    const store = SqliteKeystore.open(tempDb());
    try {
      store.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:1/', events: [], workspaceId: null, createdAt: 1 });
      const row = { id: 'dlv_1', webhookId: 'wh_1', eventId: 'evt_1', eventType: 'message.sent', payload: '{}', attempts: 0, createdAt: 1 };
      expect(() => store.webhooks.insertDelivery({ ...row, status: 'pending', nextAttemptAt: null })).toThrow(/CHECK/);
      expect(() => store.webhooks.insertDelivery({ ...row, status: 'succeeded', nextAttemptAt: 5 })).toThrow(/CHECK/);
      expect(() => store.webhooks.insert({ id: 'wh_2', url: 'x', events: [], workspaceId: 'nope', createdAt: 1 })).toThrow(/FOREIGN KEY/);
    } finally {
      store.close();
    }
  });
});

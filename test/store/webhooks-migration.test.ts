import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';
import * as m0001 from '../../src/store/sqlite/migrations/0001-initial.js';
import * as m0002 from '../../src/store/sqlite/migrations/0002-webhooks.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octo-mig-'));
  dirs.push(dir);
  return join(dir, 'keystore.db');
}

describe('migration 0002 (webhooks)', () => {
  it('upgrades a version 1 keystore, keeping its rows', async () => {
    const path = tempDb();
    const v1 = new Database(path);
    m0001.up(v1);
    v1.pragma('user_version = 1');
    v1.prepare("INSERT INTO workspaces (id, name, platform, created_at) VALUES ('acme', 'Acme', 'intercom', 1)").run();
    v1.close();

    const store = await SqliteKeystore.open(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect((await store.subjects.workspace('acme'))?.name).toBe('Acme');
      await store.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:1/', events: ['message.sent'], workspaceId: 'acme', createdAt: 1 });
      expect((await store.webhooks.list()).map((w) => [w.id, w.workspaceId, w.events])).toEqual([['wh_1', 'acme', ['message.sent']]]);
    } finally {
      await store.close();
    }
  });

  it('refuses a pending delivery without a due time, and a finished one with one', async () => {
    const store = await SqliteKeystore.open(tempDb());
    try {
      await store.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:1/', events: [], workspaceId: null, createdAt: 1 });
      const row = { id: 'dlv_1', webhookId: 'wh_1', eventId: 'evt_1', eventType: 'message.sent', payload: '{}', attempts: 0, createdAt: 1 };
      await expect(store.webhooks.insertDelivery({ ...row, status: 'pending', nextAttemptAt: null })).rejects.toThrow(/CHECK/);
      await expect(store.webhooks.insertDelivery({ ...row, status: 'succeeded', nextAttemptAt: 5 })).rejects.toThrow(/CHECK/);
      await expect(store.webhooks.insert({ id: 'wh_2', url: 'x', events: [], workspaceId: 'nope', createdAt: 1 })).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await store.close();
    }
  });
});

describe('migration 0005 (webhook signature scheme)', () => {
  it('upgrades a version 2 keystore: its endpoints keep signing the octo way', async () => {
    const path = tempDb();
    const v2 = new Database(path);
    m0001.up(v2);
    m0002.up(v2);
    v2.pragma('user_version = 2');
    v2.prepare("INSERT INTO webhooks (id, url, events, workspace_id, created_at) VALUES ('wh_old', 'http://127.0.0.1:1/', '[]', NULL, 1)").run();
    v2.close();

    const store = await SqliteKeystore.open(path);
    try {
      expect((await store.webhooks.find('wh_old'))?.scheme).toBe('octo');
      await store.webhooks.insert({ id: 'wh_new', url: 'http://127.0.0.1:1/', events: [], workspaceId: null, scheme: 'standard-webhooks', createdAt: 2 });
      expect((await store.webhooks.list()).map((w) => [w.id, w.scheme])).toEqual([['wh_old', 'octo'], ['wh_new', 'standard-webhooks']]);
    } finally {
      await store.close();
    }
  });

  it('refuses a scheme it does not know', async () => {
    const store = await SqliteKeystore.open(tempDb());
    try {
      const row = { id: 'wh_1', url: 'x', events: [], workspaceId: null, createdAt: 1 };
      await expect(store.webhooks.insert({ ...row, scheme: 'svix' as 'octo' })).rejects.toThrow(/CHECK/);
    } finally {
      await store.close();
    }
  });
});

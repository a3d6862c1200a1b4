import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SubjectType } from '../../src/core/model.js';
import { KeystoreUnavailable, NotAKeystore, ParentRemoved, UniqueViolation, type UniqueRule } from '../../src/store/errors.js';
import type { Keystore } from '../../src/store/keystore.js';
import type { NewKey } from '../../src/store/records.js';
import type { SqliteKeystore } from '../../src/store/sqlite/keystore.js';
import { collect } from '../helpers/collect.js';
import { tempStores } from '../helpers/temp-store.js';

/** The store's own errors, raised by real SQLite: what app/ reads instead of driver codes. */
const { tempDir, open: openAt } = tempStores('octo-errors-');
const tempPath = () => join(tempDir(), 'keystore.db');
const open = (path = tempPath()) => openAt(path);

let serial = 0;
function key(subject: { type: SubjectType; id: string } | null, over: Partial<NewKey> = {}): NewKey {
  const n = ++serial;
  return {
    id: `key_${n}`, kind: subject?.type ?? 'bearer', name: subject ? null : `k${n}`, env: subject ? null : 'live',
    subjectType: subject?.type ?? null, subjectId: subject?.id ?? null, hash: Buffer.from(`hash ${n}`),
    secretSealed: subject ? Buffer.from('sealed') : null, masked: 'oct_…', scopes: null, rateLimit: null,
    createdAt: n, expiresAt: null, replaces: null, ...over,
  };
}

/** A keystore with one workspace `acme`, its WABA `b1` and SMS channel `c1`, each with its active key, and a webhook. */
async function seeded(): Promise<Keystore> {
  const store = await open();
  await store.transaction(async () => {
    await store.subjects.addWorkspace({ id: 'acme', name: 'Acme', platform: 'intercom', createdAt: 1 });
    await store.subjects.addWaba({ id: 'b1', name: 'B1', workspaceId: 'acme', createdAt: 1 });
    await store.subjects.addChannel({ id: 'c1', name: 'C1', workspaceId: 'acme', type: 'sms', wabaId: null, createdAt: 1 });
    for (const type of ['workspace', 'waba', 'channel'] as const) await store.keys.insert(key({ type, id: { workspace: 'acme', waba: 'b1', channel: 'c1' }[type] }));
    await store.keys.insert(key(null, { id: 'key_bearer', hash: Buffer.from('the hash') }));
    await store.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:1/', events: ['message.sent'], workspaceId: null, createdAt: 1 });
    await store.webhooks.insertSecret('wh_1', { generation: 1, sealed: Buffer.from('s'), masked: 'whsec_…', createdAt: 1 });
    await store.webhooks.insertDelivery(delivery('dlv_1'));
  });
  return store;
}

const delivery = (id: string) => ({
  id, webhookId: 'wh_1', eventId: 'evt_1', eventType: 'message.sent', payload: '{}', status: 'pending' as const,
  attempts: 0, nextAttemptAt: 1, createdAt: 1,
});

describe('ParentRemoved: an insert under a subject removed meanwhile', () => {
  it.each<[string, (s: Keystore) => Promise<void>]>([
    ['a key of a removed workspace', async (s) => { await s.keys.revoke('key_1', 2, null); await s.subjects.markRemoved('workspace', 'acme', 2); await s.keys.insert(key({ type: 'workspace', id: 'acme' })); }],
    ['a WABA under a removed workspace', async (s) => { await s.subjects.markRemoved('workspace', 'acme', 2); await s.subjects.addWaba({ id: 'b2', name: 'B2', workspaceId: 'acme', createdAt: 2 }); }],
    ['a number under a removed WABA', async (s) => { await s.subjects.markRemoved('waba', 'b1', 2); await s.subjects.addChannel({ id: 'n1', name: 'N1', workspaceId: 'acme', type: 'whatsapp', wabaId: 'b1', createdAt: 2 }); }],
  ])('%s is not_found, and nothing of the transaction is written', async (_what, write) => {
    const store = await seeded();
    const before = await store.summary();
    let caught: unknown;
    try {
      await store.transaction(() => write(store));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ParentRemoved);
    expect(caught).toMatchObject({ code: 'not_found', message: expect.stringMatching(/was removed meanwhile/) });
    expect(await store.summary()).toEqual(before);
    expect((await store.subjects.listWorkspaces()).map((w) => w.id)).toEqual(['acme']);
  });
});

describe('UniqueViolation names the rule a write would break', () => {
  it.each<[string, UniqueRule, SubjectType | null, (s: Keystore) => Promise<void>]>([
    ['a second active workspace key', 'one_active_key', 'workspace', (s) => s.keys.insert(key({ type: 'workspace', id: 'acme' }))],
    ['a second active channel key', 'one_active_key', 'channel', (s) => s.keys.insert(key({ type: 'channel', id: 'c1' }))],
    ['a second active WABA key', 'one_active_key', 'waba', (s) => s.keys.insert(key({ type: 'waba', id: 'b1' }))],
    ['a key id taken', 'key_id', null, (s) => s.keys.insert(key(null, { id: 'key_bearer' }))],
    ['a key hash taken', 'key_hash', null, (s) => s.keys.insert(key(null, { hash: Buffer.from('the hash') }))],
    ['a workspace id taken', 'subject_id', 'workspace', (s) => s.subjects.addWorkspace({ id: 'acme', name: 'Other', platform: 'hubspot', createdAt: 2 })],
    ['a workspace name taken', 'subject_name', 'workspace', (s) => s.subjects.addWorkspace({ id: 'other', name: 'Acme', platform: 'hubspot', createdAt: 2 })],
    ['a WABA id taken', 'subject_id', 'waba', (s) => s.subjects.addWaba({ id: 'b1', name: 'Other', workspaceId: 'acme', createdAt: 2 })],
    ['a WABA name taken', 'subject_name', 'waba', (s) => s.subjects.addWaba({ id: 'b2', name: 'B1', workspaceId: 'acme', createdAt: 2 })],
    ['a channel id taken', 'subject_id', 'channel', (s) => s.subjects.addChannel({ id: 'c1', name: 'Other', workspaceId: 'acme', type: 'sms', wabaId: null, createdAt: 2 })],
    ['a channel name taken', 'subject_name', 'channel', (s) => s.subjects.addChannel({ id: 'c2', name: 'C1', workspaceId: 'acme', type: 'sms', wabaId: null, createdAt: 2 })],
    ['a webhook id taken', 'webhook_id', null, (s) => s.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:2/', events: [], workspaceId: null, createdAt: 2 })],
    ['a secret generation taken', 'webhook_secret_generation', null, (s) => s.webhooks.insertSecret('wh_1', { generation: 1, sealed: Buffer.from('t'), masked: 'whsec_…', createdAt: 2 })],
    ['a delivery id taken', 'delivery_id', null, (s) => s.webhooks.insertDelivery(delivery('dlv_1'))],
  ])('%s: %s', async (_what, rule, subjectType, write) => {
    const store = await seeded();
    const before = await store.summary();
    let caught: unknown;
    try {
      // In a transaction, as app/ writes: the audit entry written first is rolled back with it.
      await store.transaction(async () => {
        await store.audit.record({ at: 2, actor: 't', action: 'test', keyId: null, subjectType: null, subjectId: null, detail: null });
        await write(store);
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UniqueViolation);
    expect(caught).toMatchObject({ rule, subjectType });
    expect(await store.summary()).toEqual(before);
    // Outside a transaction too, from the write itself.
    await expect(write(store)).rejects.toThrow(UniqueViolation);
  });

  it('eight processes racing to give a workspace its key: one commits, seven get one_active_key', async () => {
    const path = tempPath();
    await (await open(path)).subjects.addWorkspace({ id: 'acme', name: 'Acme', platform: 'intercom', createdAt: 1 });
    const url = (p: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'store', p)).href);
    const script = join(dirname(path), 'race.mjs');
    writeFileSync(script, `
      import { SqliteKeystore } from ${url('sqlite/keystore.js')};
      import { UniqueViolation } from ${url('errors.js')};
      const [path, n] = process.argv.slice(2);
      const store = await SqliteKeystore.open(path);
      const key = { id: 'key_' + n, kind: 'workspace', name: null, env: null, subjectType: 'workspace', subjectId: 'acme',
        hash: Buffer.from('hash ' + n), secretSealed: Buffer.from('s'), masked: 'm', scopes: null, rateLimit: null,
        createdAt: 1, expiresAt: null, replaces: null };
      try {
        await store.transaction(() => store.keys.insert(key));
        console.log('committed');
      } catch (err) {
        console.log(err instanceof UniqueViolation ? err.rule + ' ' + err.subjectType : 'other: ' + err);
      }
      await store.close();`);
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [script, path, String(i)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject).on('close', () => resolve(out.trim()));
    })));
    expect(outcomes.sort()).toEqual(['committed', ...Array(7).fill('one_active_key workspace')]);
    expect(await collect((await open(path)).keys.iterate({ kind: 'workspace' }))).toHaveLength(1);
  });
});

describe('KeystoreUnavailable', () => {
  /** `store` with a short busy timeout, while another connection holds the write lock. */
  async function lockedOut(): Promise<{ store: SqliteKeystore; release: () => void }> {
    const path = tempPath();
    const holder = await open(path);
    const store = await open(path);
    store.db.pragma('busy_timeout = 50');
    holder.db.exec('BEGIN IMMEDIATE');
    return { store, release: () => holder.db.exec('ROLLBACK') };
  }

  it.each<[string, (s: Keystore) => Promise<unknown>]>([
    ['a transaction', (s) => s.transaction(() => s.subjects.addWorkspace({ id: 'w', name: 'W', platform: 'intercom', createdAt: 1 }))],
    ['last-used times, written outside any transaction', (s) => s.keys.touchLastUsed([['key_1', 1]])],
    ['a meta value, written outside any transaction', (s) => s.meta.setIfAbsent('k', 'v')],
  ])('is raised for %s when another writer holds the keystore past the busy timeout', async (_what, write) => {
    const { store, release } = await lockedOut();
    let caught: unknown;
    try {
      await write(store);
    } catch (err) {
      caught = err;
    }
    release();
    expect(caught).toBeInstanceOf(KeystoreUnavailable);
    expect(caught).toMatchObject({
      reason: 'busy', code: 'keystore_unavailable',
      message: `the keystore ${store.path} stayed locked by another writer past the busy timeout; nothing was changed`,
    });
    expect((await store.summary()).subjects).toBe(0);
  });
});

describe('NotAKeystore', () => {
  it('is raised, as keystore_invalid, for a file that is not SQLite', async () => {
    const path = tempPath();
    writeFileSync(path, 'not a database\n');
    await expect(open(path)).rejects.toThrow(NotAKeystore);
    await expect(open(path)).rejects.toThrow(expect.objectContaining({ code: 'keystore_invalid' }));
  });
});

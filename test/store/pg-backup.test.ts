import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, hashKey, maskKey, prefixFor } from '../../src/core/key-format.js';
import { open as unseal, seal } from '../../src/core/secret-box.js';
import type { Keystore } from '../../src/store/keystore.js';
import { openBackupFile } from '../../src/store/open-keystore.js';
import { PostgresKeystore } from '../../src/store/postgres/keystore.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';
import { COPIED_TABLES } from '../../src/store/table-copy.js';
import { pgDumpBinary, skipPg, usePostgres } from '../helpers/pg.js';
import { bearer } from './keystore-contract.js';

/*
 * Moving a keystore between PostgreSQL and an octo SQLite file, both ways, and what a pg_dump of
 * a PostgreSQL keystore holds (no key or webhook secret in plaintext).
 */

const MASTER = randomBytes(32);

/** Every kind of row: subjects (one removed, with its revoked key), keys of each kind, a rotation, webhooks and deliveries. */
async function fill(s: Keystore): Promise<{ secrets: string[] }> {
  const secrets: string[] = [];
  const key = async (kind: 'workspace' | 'channel' | 'waba' | 'bearer', subjectId: string | null, over: object = {}) => {
    const id = `key_${randomBytes(6).toString('hex')}`;
    const secret = generateKey(prefixFor(kind, kind === 'bearer' ? 'live' : null));
    secrets.push(secret);
    await s.keys.insert({
      ...bearer(), id, kind, name: kind === 'bearer' ? 'deploy' : null, env: kind === 'bearer' ? 'live' : null,
      subjectType: kind === 'bearer' ? null : kind, subjectId, hash: hashKey(secret),
      secretSealed: kind === 'bearer' ? null : seal(MASTER, secret, id), masked: maskKey(secret), ...over,
    });
    return id;
  };
  await s.transaction(async () => {
    await s.subjects.addWorkspace({ id: 'ws_a', name: 'Acme', platform: 'intercom', createdAt: 10 });
    await s.subjects.addWorkspace({ id: 'ws_gone', name: 'Gone', platform: 'hubspot', createdAt: 11 });
    await s.subjects.addWaba({ id: 'waba_1', name: 'acme-waba', workspaceId: 'ws_a', createdAt: 12 });
    await s.subjects.addChannel({ id: 'ch_sms', name: 'acme-sms', workspaceId: 'ws_a', type: 'sms', wabaId: null, createdAt: 13 });
    await s.subjects.addChannel({ id: 'ch_wa', name: 'acme-wa', workspaceId: 'ws_a', type: 'whatsapp', wabaId: 'waba_1', createdAt: 14 });
    await s.meta.setIfAbsent('master_key_fingerprint', 'fp');
  });
  const old = await key('workspace', 'ws_a', { createdAt: 20 });
  await s.transaction(async () => {
    await s.keys.retire(old, 99_000);
    const next = await key('workspace', 'ws_a', { createdAt: 21, replaces: old });
    await s.keys.linkSuccessor(old, next);
    await s.audit.record({ at: 21, actor: 'me', action: 'key.rotate', keyId: next, subjectType: 'workspace', subjectId: 'ws_a', detail: { from: old } });
  });
  await key('channel', 'ch_sms');
  await key('waba', 'waba_1');
  const b = await key('bearer', null, { scopes: ['posts:read'], rateLimit: { limit: 5, window_s: 60 } });
  await s.keys.touchLastUsed([[b, 500]]);
  const gone = await key('workspace', 'ws_gone');
  await s.keys.revoke(gone, 30, 'workspace removed');
  await s.subjects.markRemoved('workspace', 'ws_gone', 31);
  await s.webhooks.insert({ id: 'wh_1', url: 'http://127.0.0.1:9/hook', events: ['message.sent'], workspaceId: 'ws_a', createdAt: 40 });
  for (const generation of [1, 2]) {
    const secret = generateKey(prefixFor('webhook_secret'));
    secrets.push(secret);
    await s.webhooks.insertSecret('wh_1', { generation, sealed: seal(MASTER, secret, `wh_1:${generation}`), masked: maskKey(secret), createdAt: 40 + generation });
  }
  for (const id of ['dlv_z', 'dlv_a', 'dlv_m']) {
    await s.webhooks.insertDelivery({ id, webhookId: 'wh_1', eventId: 'evt_1', eventType: 'message.sent', payload: '{}', status: 'pending', attempts: 0, nextAttemptAt: 50, createdAt: 50 });
  }
  await s.webhooks.recordAttempt({ deliveryId: 'dlv_a', at: 51, code: 500, error: null, durationMs: 3 }, { status: 'pending', nextAttemptAt: 60 });
  await s.audit.record({ at: 60, actor: 'me', action: 'key.create', keyId: b, subjectType: null, subjectId: null, detail: null });
  return { secrets };
}

/** Every copied table's rows, in key order, as plain values: what must be equal on both sides. */
async function dumpPg(url: string): Promise<Record<string, unknown[][]>> {
  const sql = postgres(url, { max: 1, types: { int8: { to: 20, from: [20], parse: Number, serialize: String } } as never });
  const out: Record<string, unknown[][]> = {};
  for (const t of COPIED_TABLES) out[t.name] = await sql.unsafe(`SELECT ${t.columns.join(', ')} FROM ${t.name} ORDER BY ${t.insertionOrder ? 'seq' : t.orderBy}`).values();
  await sql.end();
  return out;
}

function dumpSqlite(file: string): Record<string, unknown[][]> {
  const db = new Database(file, { readonly: true });
  const out: Record<string, unknown[][]> = {};
  for (const t of COPIED_TABLES) {
    out[t.name] = db.prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name} ORDER BY ${t.insertionOrder ? 'rowid' : t.orderBy}`).raw().all() as unknown[][];
  }
  db.close();
  return out;
}

describe.skipIf(skipPg)('PostgreSQL keystore: backup, restore and secrets at rest', () => {
  const pg = usePostgres();
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'octo-pg-backup-'));
    dirs.push(d);
    return d;
  };

  it('backs up to an octo SQLite file and restores it into another database: the same rows, the same answers', async () => {
    const fromUrl = await pg.fresh();
    const from = await PostgresKeystore.open(fromUrl);
    await fill(from);
    const file = join(tempDir(), 'backup.db');
    const summary = await from.backupTo(file, false);
    expect(summary).toEqual({ schemaVersion: SCHEMA_VERSION, keys: 6, subjects: 5, auditEvents: 2, sealedSecrets: 5, masterKeyFingerprint: 'fp' });
    expect(await from.summary()).toEqual(summary);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
    expect(dumpSqlite(file)).toEqual(await dumpPg(fromUrl));

    // Never replaced without overwrite; replaced with it.
    await expect(from.backupTo(file, false)).rejects.toMatchObject({ code: 'backup_exists' });
    await from.keys.insert(bearer());
    expect((await from.backupTo(file, true)).keys).toBe(7);
    await from.close();

    const toUrl = await pg.fresh();
    const to = await PostgresKeystore.open(toUrl);
    await to.keys.insert(bearer({ id: 'key_before_restore' }));
    const source = await openBackupFile(file, toUrl);
    await to.replaceWith(source);
    expect(await dumpPg(toUrl)).toEqual(await dumpPg(fromUrl));
    expect(await to.keys.findById('key_before_restore')).toBeUndefined();
    expect((await to.webhooks.deliveriesOf('wh_1', 10)).map((d) => d.id)).toEqual(['dlv_m', 'dlv_a', 'dlv_z']);
    expect((await to.subjects.findRef('workspace', 'Gone')).exact).toEqual({ id: 'ws_gone', name: 'Gone', removedAt: 31 });
    const sealed = (await to.keys.iterate({ kind: 'channel' })[Symbol.asyncIterator]().next()).value!;
    expect(unseal(MASTER, (await to.keys.sealedSecret(sealed.id))!, sealed.id)).toMatch(/^octo_ch_/);
    // Ids go on after the restored ones.
    await to.audit.record({ at: 70, actor: 'me', action: 'keystore.restore', keyId: null, subjectType: null, subjectId: null, detail: null });
    await to.webhooks.insertDelivery({ id: 'dlv_new', webhookId: 'wh_1', eventId: 'e', eventType: 'message.sent', payload: '{}', status: 'pending', attempts: 0, nextAttemptAt: 50, createdAt: 50 });
    expect((await to.webhooks.deliveriesOf('wh_1', 1))[0]!.id).toBe('dlv_new');
    expect((await to.audit.list({ newestFirst: true, limit: 1 }))[0]!.action).toBe('keystore.restore');
    await to.close();
  });

  it('restoring bumps the change counter, so a following verifier drops what it cached', async () => {
    const url = await pg.fresh();
    const a = await PostgresKeystore.open(url);
    await fill(a);
    const file = join(tempDir(), 'b.db');
    await a.backupTo(file, false);
    const verifier = await PostgresKeystore.open(url);
    await verifier.followChanges();
    const before = verifier.changeCounter();
    await a.replaceWith(await openBackupFile(file, url));
    expect(verifier.changeCounter()).toBeGreaterThan(before);
    await verifier.close();
    await a.close();
  });

  it.skipIf(!pgDumpBinary())('a pg_dump of a keystore with keys and webhook secrets holds none of them', async () => {
    const url = await pg.fresh();
    const s = await PostgresKeystore.open(url);
    const { secrets } = await fill(s);
    await s.close();
    const u = new URL(url);
    const dump = execFileSync(pgDumpBinary()!, ['-h', u.hostname, '-p', u.port, '-U', u.username, '-d', u.pathname.slice(1)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(dump).toContain('COPY public.keys');
    expect(secrets.length).toBe(8);
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      // Nor the random part alone, nor its hex.
      const body = secret.slice(secret.lastIndexOf('_') + 1);
      expect(dump).not.toContain(body);
      expect(dump).not.toContain(Buffer.from(secret).toString('hex'));
    }
  });
});

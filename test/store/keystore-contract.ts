import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';
import { ParentRemoved, UniqueViolation } from '../../src/store/errors.js';
import type { Keystore } from '../../src/store/keystore.js';
import type { NewKey } from '../../src/store/records.js';

/*
 * What every Keystore backend must do alike, written against the interface only: run by
 * pg-keystore.test.ts for PostgreSQL and sqlite-contract.test.ts for SQLite, so that the two
 * backends are held to one set of answers: records, unique rules, tombstones, orders, transactions.
 */

export function bearer(over: Partial<NewKey> = {}): NewKey {
  return {
    id: `key_${randomBytes(6).toString('hex')}`, kind: 'bearer', name: 'ci', env: 'test', subjectType: null, subjectId: null,
    hash: randomBytes(32), secretSealed: null, masked: 'oct_test_…abcd', scopes: ['posts:read'], rateLimit: null,
    createdAt: 1_000, expiresAt: null, replaces: null, ...over,
  };
}

export function subjectKey(type: 'workspace' | 'channel' | 'waba', subjectId: string, over: Partial<NewKey> = {}): NewKey {
  return bearer({ kind: type, name: null, env: null, subjectType: type, subjectId, secretSealed: randomBytes(48), scopes: null, ...over });
}

async function all<T>(it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function violation(p: Promise<unknown>): Promise<UniqueViolation> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UniqueViolation);
  return err as UniqueViolation;
}

/** A workspace `ws_a` (Acme), a WABA under it, an SMS channel and a WhatsApp number on the WABA. */
async function seed(s: Keystore): Promise<void> {
  await s.transaction(async () => {
    await s.subjects.addWorkspace({ id: 'ws_a', name: 'Acme', platform: 'intercom', createdAt: 10 });
    await s.subjects.addWaba({ id: 'waba_1', name: 'acme-waba', workspaceId: 'ws_a', createdAt: 11 });
    await s.subjects.addChannel({ id: 'ch_sms', name: 'acme-sms', workspaceId: 'ws_a', type: 'sms', wabaId: null, createdAt: 12 });
    await s.subjects.addChannel({ id: 'ch_wa', name: 'acme-wa', workspaceId: 'ws_a', type: 'whatsapp', wabaId: 'waba_1', createdAt: 13 });
  });
}

export function keystoreContract(backend: string, open: () => Promise<Keystore>): void {
  const withStore = (fn: (s: Keystore) => Promise<void>) => async () => {
    const s = await open();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  };

  describe(`the ${backend} keystore`, () => {
    it('adds, finds and lists subjects, and refers to them by id, name or unique id prefix', withStore(async (s) => {
      await seed(s);
      expect(await s.subjects.workspace('ws_a')).toEqual({ id: 'ws_a', name: 'Acme', platform: 'intercom', createdAt: 10 });
      expect(await s.subjects.waba('waba_1')).toEqual({ id: 'waba_1', name: 'acme-waba', workspaceId: 'ws_a', createdAt: 11 });
      expect(await s.subjects.channel('ch_wa')).toEqual({ id: 'ch_wa', name: 'acme-wa', workspaceId: 'ws_a', type: 'whatsapp', wabaId: 'waba_1', createdAt: 13 });
      expect((await s.subjects.listChannels({ workspaceId: 'ws_a' })).map((c) => c.id)).toEqual(['ch_sms', 'ch_wa']);
      expect((await s.subjects.listChannels({ wabaId: 'waba_1' })).map((c) => c.id)).toEqual(['ch_wa']);
      expect((await s.subjects.listChannels({ type: 'sms' })).map((c) => c.id)).toEqual(['ch_sms']);
      expect((await s.subjects.listWabas('ws_a')).map((w) => w.id)).toEqual(['waba_1']);
      expect((await s.subjects.findRef('workspace', 'Acme')).exact?.id).toBe('ws_a');
      expect((await s.subjects.findRef('channel', 'ch_')).byPrefix.map((r) => r.id)).toEqual(['ch_sms', 'ch_wa']);
      // A prefix is characters, not a pattern.
      expect((await s.subjects.findRef('channel', 'ch%')).byPrefix).toEqual([]);
      expect((await s.subjects.findRef('channel', 'ch_s')).byPrefix.map((r) => r.id)).toEqual(['ch_sms']);
      expect(await s.subjects.clash('workspace', 'ws_new', 'Acme')).toEqual({ id: 'ws_a', name: 'Acme', removedAt: null });
      expect(await s.subjects.clash('workspace', 'ws_new', 'Other')).toBeUndefined();
      expect(await s.subjects.renameClash('workspace', 'ws_a', 'Acme')).toBeUndefined();
      expect(await s.subjects.rename('workspace', 'ws_a', 'Acme Inc')).toBe(true);
      expect((await s.subjects.dependants('workspace', 'ws_a')).channels.map((c) => c.id)).toEqual(['ch_sms', 'ch_wa']);
      expect((await s.subjects.dependants('waba', 'waba_1')).channels).toEqual([{ id: 'ch_wa', name: 'acme-wa' }]);
    }));

    it('keeps a removed subject as a tombstone that only references see, and attaches nothing to it', withStore(async (s) => {
      await seed(s);
      expect(await s.subjects.markRemoved('channel', 'ch_sms', 50)).toBe(true);
      expect(await s.subjects.markRemoved('channel', 'ch_sms', 51)).toBe(false);
      expect(await s.subjects.channel('ch_sms')).toBeUndefined();
      expect((await s.subjects.listChannels()).map((c) => c.id)).toEqual(['ch_wa']);
      expect((await s.subjects.findRef('channel', 'acme-sms')).exact).toEqual({ id: 'ch_sms', name: 'acme-sms', removedAt: 50 });
      expect(await s.subjects.rename('channel', 'ch_sms', 'x')).toBe(false);
      const err = await s.keys.insert(subjectKey('channel', 'ch_sms')).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ParentRemoved);
      await s.subjects.markRemoved('workspace', 'ws_a', 60);
      for (const attempt of [
        () => s.subjects.addChannel({ id: 'ch_x', name: 'x', workspaceId: 'ws_a', type: 'sms', wabaId: null, createdAt: 61 }),
        () => s.subjects.addWaba({ id: 'waba_x', name: 'x', workspaceId: 'ws_a', createdAt: 61 }),
        () => s.webhooks.insert({ id: 'wh_x', url: 'http://x', events: ['message.sent'], workspaceId: 'ws_a', createdAt: 61 }),
      ]) expect(await attempt().then(() => null, (e: unknown) => e)).toBeInstanceOf(ParentRemoved);
      expect(await s.subjects.listWorkspaces()).toEqual([]);
    }));

    it('names the unique rule a write breaks', withStore(async (s) => {
      await seed(s);
      const k = subjectKey('workspace', 'ws_a');
      await s.keys.insert(k);
      expect(await violation(s.keys.insert(subjectKey('workspace', 'ws_a')))).toMatchObject({ rule: 'one_active_key', subjectType: 'workspace' });
      await s.keys.insert(subjectKey('channel', 'ch_sms'));
      expect(await violation(s.keys.insert(subjectKey('channel', 'ch_sms')))).toMatchObject({ rule: 'one_active_key', subjectType: 'channel' });
      await s.keys.insert(subjectKey('waba', 'waba_1'));
      expect(await violation(s.keys.insert(subjectKey('waba', 'waba_1')))).toMatchObject({ rule: 'one_active_key', subjectType: 'waba' });
      expect((await violation(s.keys.insert(bearer({ id: k.id })))).rule).toBe('key_id');
      expect((await violation(s.keys.insert(bearer({ hash: k.hash })))).rule).toBe('key_hash');
      expect(await violation(s.subjects.addWorkspace({ id: 'ws_a', name: 'New', platform: 'hubspot', createdAt: 1 })))
        .toMatchObject({ rule: 'subject_id', subjectType: 'workspace' });
      expect(await violation(s.subjects.addWorkspace({ id: 'ws_b', name: 'Acme', platform: 'hubspot', createdAt: 1 })))
        .toMatchObject({ rule: 'subject_name', subjectType: 'workspace' });
      expect(await violation(s.subjects.addChannel({ id: 'ch_2', name: 'acme-sms', workspaceId: 'ws_a', type: 'sms', wabaId: null, createdAt: 1 })))
        .toMatchObject({ rule: 'subject_name', subjectType: 'channel' });
      expect(await violation(s.subjects.addWaba({ id: 'waba_1', name: 'w2', workspaceId: 'ws_a', createdAt: 1 })))
        .toMatchObject({ rule: 'subject_id', subjectType: 'waba' });
      await s.webhooks.insert({ id: 'wh_1', url: 'http://x', events: ['message.sent'], workspaceId: null, createdAt: 1 });
      expect((await violation(s.webhooks.insert({ id: 'wh_1', url: 'http://y', events: [], workspaceId: null, createdAt: 2 }))).rule).toBe('webhook_id');
      const secret = { generation: 1, sealed: randomBytes(40), masked: 'whsec_…1', createdAt: 1 };
      await s.webhooks.insertSecret('wh_1', secret);
      expect((await violation(s.webhooks.insertSecret('wh_1', secret))).rule).toBe('webhook_secret_generation');
      const d = { id: 'dlv_1', webhookId: 'wh_1', eventId: 'evt_1', eventType: 'message.sent', payload: '{}', status: 'pending' as const, attempts: 0, nextAttemptAt: 5, createdAt: 5 };
      await s.webhooks.insertDelivery(d);
      expect((await violation(s.webhooks.insertDelivery(d))).rule).toBe('delivery_id');
      expect(await s.meta.setIfAbsent('m', 'one')).toBe('one');
      expect(await s.meta.setIfAbsent('m', 'two')).toBe('one');
      expect(await s.meta.get('nothing')).toBeUndefined();
    }));

    it('stores and returns key records, joined with their subject', withStore(async (s) => {
      await seed(s);
      const w = subjectKey('channel', 'ch_wa', { createdAt: 2_000, expiresAt: 9_000, rateLimit: { limit: 10, window_s: 60 } });
      await s.keys.insert(w);
      const found = await s.keys.findByHash(w.hash);
      expect(found).toMatchObject({
        id: w.id, kind: 'channel', subject: { type: 'channel', id: 'ch_wa', name: 'acme-wa' }, workspaceId: 'ws_a', channelType: 'whatsapp',
        state: 'active', createdAt: 2_000, expiresAt: 9_000, rateLimit: { limit: 10, window_s: 60 }, lastUsedAt: null, scopes: null,
      });
      expect(await s.keys.findById(w.id)).toEqual(found);
      expect((await s.keys.activeFor('channel', 'ch_wa'))?.id).toBe(w.id);
      expect(Buffer.compare((await s.keys.sealedSecret(w.id))!, w.secretSealed!)).toBe(0);
      const b = bearer({ name: 'deploy' });
      await s.keys.insert(b);
      expect(await s.keys.sealedSecret(b.id)).toBeNull();
      expect(await s.keys.findByHash(randomBytes(32))).toBeUndefined();
      await s.keys.setScopes(b.id, ['a', 'b']);
      await s.keys.rename(b.id, 'deploy-2');
      expect(await s.keys.findById(b.id)).toMatchObject({ scopes: ['a', 'b'], name: 'deploy-2' });
      await s.keys.touchLastUsed([[b.id, 500], [w.id, 700]]);
      await s.keys.touchLastUsed([[b.id, 400]]);
      expect((await s.keys.findById(b.id))?.lastUsedAt).toBe(500);
      expect(await s.keys.revoke(b.id, 800, 'leaked')).toBe(true);
      expect(await s.keys.revoke(b.id, 900, null)).toBe(false);
      expect(await s.keys.findById(b.id)).toMatchObject({ state: 'revoked', revokedAt: 800, revokedReason: 'leaked' });
    }));

    it('rotates: retire once, link the successor; the audit of a rotation is filed under both keys', withStore(async (s) => {
      await seed(s);
      const old = subjectKey('workspace', 'ws_a', { createdAt: 1 });
      await s.keys.insert(old);
      const next = subjectKey('workspace', 'ws_a', { createdAt: 2, replaces: old.id });
      await s.transaction(async () => {
        expect(await s.keys.retire(old.id, 5_000)).toBe(true);
        await s.keys.insert(next);
        await s.keys.linkSuccessor(old.id, next.id);
        await s.audit.record({ at: 3, actor: 'me', action: 'key.rotate', keyId: next.id, subjectType: 'workspace', subjectId: 'ws_a', detail: { grace: 5 } });
      });
      expect(await s.keys.retire(old.id, 6_000)).toBe(false);
      expect(await s.keys.findById(old.id)).toMatchObject({ state: 'rotated', graceUntil: 5_000, replacedBy: next.id });
      expect((await s.keys.forSubject('workspace', 'ws_a')).map((k) => k.id)).toEqual([old.id, next.id]);
      await s.audit.record({ at: 4, actor: 'me', action: 'key.show', keyId: old.id, subjectType: null, subjectId: null, detail: null });
      expect((await s.audit.list({ keyId: old.id })).map((e) => e.action)).toEqual(['key.rotate', 'key.show']);
      expect((await s.audit.list({ newestFirst: true, limit: 1 })).map((e) => e.action)).toEqual(['key.show']);
      expect((await s.audit.list({ since: 4 }))[0]).toMatchObject({ at: 4, keyId: old.id, detail: null });
      expect((await s.audit.list({}))[0]!.detail).toEqual({ grace: 5 });
    }));

    it('matches id prefixes and lists names in byte order, case folded for ASCII only', withStore(async (s) => {
      const ids = ['key_B1', 'key_a1', 'key_a2', 'key_ab', 'key_%1', 'key__1'];
      for (const [i, id] of ids.entries()) await s.keys.insert(bearer({ id, name: ['beta', 'Alpha', 'alpha2', 'Émile', 'zed', '100%'][i]!, createdAt: 100 + i }));
      expect(await s.keys.idsWithPrefix('key_a')).toEqual(['key_a1', 'key_a2', 'key_ab']);
      expect(await s.keys.idsWithPrefix('key_%')).toEqual(['key_%1']);
      expect(await s.keys.idsWithPrefix('key__')).toEqual(['key__1']);
      expect(await s.keys.idsWithPrefix('key_', 2)).toEqual(['key_%1', 'key_B1']);
      const names = (await all(s.keys.iterate({ sort: { by: 'name', descending: false } }))).map((k) => k.name);
      expect(names).toEqual(['100%', 'Alpha', 'alpha2', 'beta', 'zed', 'Émile']);
      expect((await all(s.keys.iterate({ nameContains: 'ALPHA' }))).map((k) => k.name)).toEqual(['Alpha', 'alpha2']);
      expect((await all(s.keys.iterate({ nameContains: '%' }))).map((k) => k.name)).toEqual(['100%']);
      expect((await all(s.keys.iterate({ nameContains: 'émile' }))).map((k) => k.name)).toEqual([]);
    }));

    it('lists keys in each order, NULL first ascending and last descending, within a limit', withStore(async (s) => {
      await seed(s);
      const a = bearer({ id: 'key_1', name: 'a', createdAt: 1, expiresAt: 50 });
      const b = bearer({ id: 'key_2', name: 'b', createdAt: 2, expiresAt: null });
      const c = subjectKey('workspace', 'ws_a', { id: 'key_3', createdAt: 3, expiresAt: 10 });
      for (const k of [a, b, c]) await s.keys.insert(k);
      await s.keys.touchLastUsed([['key_2', 100], ['key_3', 50]]);
      const order = async (by: 'created' | 'last-used' | 'name' | 'expires', descending: boolean, limit?: number) =>
        (await all(s.keys.iterate({ sort: { by, descending }, ...(limit ? { limit } : {}) }))).map((k) => k.id);
      expect(await order('created', false)).toEqual(['key_1', 'key_2', 'key_3']);
      expect(await order('created', true, 2)).toEqual(['key_3', 'key_2']);
      expect(await order('last-used', false)).toEqual(['key_1', 'key_3', 'key_2']);
      expect(await order('last-used', true)).toEqual(['key_2', 'key_3', 'key_1']);
      expect(await order('expires', false)).toEqual(['key_3', 'key_1', 'key_2']);
      expect(await order('expires', true)).toEqual(['key_2', 'key_1', 'key_3']);
      // A workspace key is named by its workspace.
      expect(await order('name', false)).toEqual(['key_1', 'key_3', 'key_2']);
      expect((await all(s.keys.iterate({ kind: 'bearer', states: ['active'] }))).map((k) => k.id)).toEqual(['key_1', 'key_2']);
      expect((await all(s.keys.iterate({ workspaceId: 'ws_a' }))).map((k) => k.id)).toEqual(['key_3']);
      expect((await all(s.keys.iterate({ states: [] })))).toEqual([]);
      expect((await all(s.keys.states())).sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual([
        { id: 'key_1', kind: 'bearer', state: 'active', expiresAt: 50, graceUntil: null },
        { id: 'key_2', kind: 'bearer', state: 'active', expiresAt: null, graceUntil: null },
        { id: 'key_3', kind: 'workspace', state: 'active', expiresAt: 10, graceUntil: null },
      ]);
      await s.keys.insert(bearer({ id: 'key_4', name: 'a', createdAt: 9 }));
      await s.keys.revoke('key_1', 10, null);
      expect(await s.keys.idsNamed('a')).toEqual(['key_4', 'key_1']);
    }));

    it('streams listings longer than one read, and stops reading where the reader stops', withStore(async (s) => {
      await s.transaction(async () => {
        for (let i = 0; i < 1_200; i++) await s.keys.insert(bearer({ id: `key_${String(i).padStart(5, '0')}`, createdAt: i }));
      });
      const ids = (await all(s.keys.iterate())).map((k) => k.id);
      expect(ids).toHaveLength(1_200);
      expect(ids[1_199]).toBe('key_01199');
      expect((await all(s.keys.states()))).toHaveLength(1_200);
      let read = 0;
      for await (const _ of s.keys.iterate()) if (++read === 3) break;
      expect(await s.keys.findById('key_00007')).toBeDefined();
    }));

    it('rolls a throwing transaction back whole, and a throwing nested one back to where it began', withStore(async (s) => {
      const k = bearer();
      const err = await s.transaction(async () => {
        await s.keys.insert(k);
        throw new Error('boom');
      }).then(() => null, (e: unknown) => e);
      expect((err as Error).message).toBe('boom');
      expect(await s.keys.findById(k.id)).toBeUndefined();
      const kept = bearer();
      const dropped = bearer();
      await s.transaction(async () => {
        await s.keys.insert(kept);
        await s.transaction(async () => {
          await s.keys.insert(dropped);
          throw new Error('inner');
        }).catch(() => {});
      });
      expect(await s.keys.findById(kept.id)).toBeDefined();
      expect(await s.keys.findById(dropped.id)).toBeUndefined();
    }));

    it('keeps a transaction its own after a nested one in it has ended', withStore(async (s) => {
      const before = bearer();
      const inner = bearer();
      const after = bearer();
      const err = await s.transaction(async () => {
        await s.keys.insert(before);
        await s.transaction(async () => {
          await s.keys.insert(inner);
        });
        await s.keys.insert(after);
        expect(await s.keys.findById(after.id)).toBeDefined();
        throw new Error('undo');
      }).then(() => null, (e: unknown) => e);
      expect((err as Error).message).toBe('undo');
      for (const k of [before, inner, after]) expect(await s.keys.findById(k.id)).toBeUndefined();
    }));

    it('keeps each of several transactions begun together on its own writes, whichever ends first', withStore(async (s) => {
      // They queue (the writers' lock, or the one SQLite connection), and one may begin while the
      // one before it is still ending: what each wrote must stay its own, readable by it and rolled
      // back with it.
      const tick = () => new Promise((resolve) => setImmediate(resolve));
      for (let round = 0; round < 25; round++) {
        const keys = [bearer(), bearer(), bearer(), bearer()];
        const seen = await Promise.all(keys.map((k, i) => s.transaction(async () => {
          await s.keys.insert(k);
          await tick();
          const found = await s.keys.findById(k.id);
          if (i % 2) throw new Error('undo');
          return found;
        }).catch((e: unknown) => e)));
        for (const [i, k] of keys.entries()) {
          expect(seen[i]).toMatchObject(i % 2 ? { message: 'undo' } : { id: k.id });
          expect(Boolean(await s.keys.findById(k.id))).toBe(i % 2 === 0);
        }
      }
    }));

    it('keeps webhook endpoints, secrets, deliveries and attempts', withStore(async (s) => {
      await seed(s);
      await s.webhooks.insert({ id: 'wh_1', url: 'http://a', events: ['message.sent'], workspaceId: 'ws_a', createdAt: 1 });
      await s.webhooks.insert({ id: 'wh_2', url: 'http://b', events: ['message.delivered'], workspaceId: null, createdAt: 2, scheme: 'standard-webhooks' });
      expect(await s.webhooks.find('wh_2')).toEqual({ id: 'wh_2', url: 'http://b', events: ['message.delivered'], workspaceId: null, scheme: 'standard-webhooks', createdAt: 2, removedAt: null });
      expect((await s.webhooks.list()).map((w) => w.id)).toEqual(['wh_1', 'wh_2']);
      expect(await s.webhooks.idsWithPrefix('wh_')).toEqual(['wh_1', 'wh_2']);
      expect(await s.subjects.dependants('workspace', 'ws_a')).toMatchObject({ webhooks: [{ id: 'wh_1', url: 'http://a' }] });
      const sealed = randomBytes(40);
      await s.webhooks.insertSecret('wh_1', { generation: 1, sealed, masked: 'whsec_…1', createdAt: 1 });
      expect(await s.webhooks.latestGeneration('wh_1')).toBe(1);
      expect(await s.webhooks.latestGeneration('wh_2')).toBe(0);
      await s.webhooks.retireSecrets('wh_1', 100, 200);
      await s.webhooks.insertSecret('wh_1', { generation: 2, sealed: randomBytes(40), masked: 'whsec_…2', createdAt: 100 });
      expect((await s.webhooks.validSecrets('wh_1', 150)).map((x) => x.generation)).toEqual([2, 1]);
      expect((await s.webhooks.validSecrets('wh_1', 250)).map((x) => x.generation)).toEqual([2]);
      expect((await s.webhooks.everySecret()).map((x) => [x.webhookId, x.generation, x.webhookRemovedAt])).toEqual([['wh_1', 1, null], ['wh_1', 2, null]]);
      const d = (id: string, due: number) => ({ id, webhookId: 'wh_1', eventId: 'evt_1', eventType: 'message.sent', payload: `{"n":"${id}"}`, status: 'pending' as const, attempts: 0, nextAttemptAt: due, createdAt: 10 });
      await s.transaction(async () => {
        await s.webhooks.insertDelivery(d('dlv_b', 30));
        await s.webhooks.insertDelivery(d('dlv_a', 20));
        await s.webhooks.insertDelivery(d('dlv_c', 40));
      });
      expect((await s.webhooks.due(35, 10)).map((x) => x.id)).toEqual(['dlv_a', 'dlv_b']);
      expect(await s.webhooks.nextDueAt()).toBe(20);
      expect(await s.webhooks.reschedule('dlv_a', 60)).toBe(true);
      await s.webhooks.recordAttempt({ deliveryId: 'dlv_b', at: 31, code: 200, error: null, durationMs: 5 }, { status: 'succeeded', nextAttemptAt: null });
      expect(await s.webhooks.reschedule('dlv_b', 70)).toBe(false);
      expect(await s.webhooks.attemptsOf('dlv_b')).toEqual([{ deliveryId: 'dlv_b', at: 31, code: 200, error: null, durationMs: 5 }]);
      // Newest first; equal creation times in the order they were made, newest first.
      expect((await s.webhooks.deliveriesOf('wh_1', 10)).map((x) => [x.id, x.status, x.attempts])).toEqual([['dlv_c', 'pending', 0], ['dlv_a', 'pending', 0], ['dlv_b', 'succeeded', 1]]);
      expect(await s.webhooks.remove('wh_1', 80)).toBe(2);
      expect(await s.webhooks.find('wh_1')).toBeUndefined();
      expect((await s.webhooks.find('wh_1', { includeRemoved: true }))?.removedAt).toBe(80);
      expect(await s.webhooks.idsWithPrefix('wh_')).toEqual(['wh_2']);
      expect(await s.webhooks.idsWithPrefix('wh_', { includeRemoved: true })).toEqual(['wh_1', 'wh_2']);
      expect(await s.webhooks.nextDueAt()).toBeNull();
    }));

    it('keeps the local twin: appended in order, read newest first by page, bounded, emptied by a reset', withStore(async (s) => {
      const batch = (entries: object[]) => ({ entries: JSON.stringify(entries), count: entries.length, atLast: (entries.at(-1) as { at: number }).at });
      const messages = (from: number, to: number) => batch(Array.from({ length: to - from + 1 }, (_, i) => ({ at: 1_000 + from + i, n: from + i, text: 'a "quoted" body, ünïcödé' })));
      const ns = (records: { entry: unknown }[]) => records.map((r) => (r.entry as { n: number }).n);
      expect(await s.twin.last('messages')).toBe(0);
      expect(await s.twin.page('messages', { limit: 10 })).toEqual([]);
      // Three batches; past `keep`, the oldest records are not read, and a batch wholly past it is gone.
      await s.twin.append([{ kind: 'messages', batch: messages(1, 2), keep: 4 }]);
      await s.twin.append([{ kind: 'messages', batch: messages(3, 4), keep: 4 }]);
      await s.twin.append([{ kind: 'messages', batch: messages(5, 7), keep: 4 }]);
      const page = await s.twin.page('messages', { limit: 10 });
      expect(ns(page)).toEqual([7, 6, 5, 4]);
      expect(page[0]!.entry).toEqual({ at: 1_007, n: 7, text: 'a "quoted" body, ünïcödé' });
      const last = await s.twin.last('messages');
      expect(page.map((r) => r.seq)).toEqual([last, last - 1, last - 2, last - 3]);
      // Pages of a listing, across batches; a follower's look past a seq, oldest first; a time bound.
      expect(ns(await s.twin.page('messages', { limit: 2, before: last - 1 }))).toEqual([5, 4]);
      expect(ns(await s.twin.page('messages', { limit: 10, after: last - 3, oldestFirst: true }))).toEqual([5, 6, 7]);
      expect(ns(await s.twin.page('messages', { limit: 2, after: last - 3, oldestFirst: true }))).toEqual([5, 6]);
      expect(ns(await s.twin.page('messages', { limit: 10, since: 1_006 }))).toEqual([7, 6]);

      const req = (status: number, reason: string) => ({ at: 2_000, status, reason });
      await s.twin.append([{ kind: 'requests', batch: batch([req(202, 'ok'), req(401, 'unknown_key'), req(403, 'wrong_key_type'), req(404, 'not_found')]), keep: 100 }]);
      const statuses = async (p: { status?: string; reason?: string }) => (await s.twin.page('requests', { limit: 10, ...p })).map((r) => r.entry.status);
      expect(await statuses({ status: '4xx' })).toEqual([404, 403, 401]);
      expect(await statuses({ status: '401' })).toEqual([401]);
      expect(await statuses({ reason: 'wrong_key_type' })).toEqual([403]);
      expect(await statuses({ status: '2xx', reason: 'ok' })).toEqual([202]);

      await s.twin.clear();
      expect(await s.twin.page('messages', { limit: 10 })).toEqual([]);
      expect(await s.twin.page('requests', { limit: 10 })).toEqual([]);
      // A follower asks for what came after the last seq it saw: seq never goes back, not even after a reset.
      expect(await s.twin.last('messages')).toBe(last);
      // And appending changes nothing a verifier decides on: PostgreSQL's change counter stays.
      const version = (await s.verifiers?.())?.version;
      await s.twin.append([{ kind: 'messages', batch: messages(8, 8), keep: 4 }]);
      expect(await s.twin.page('messages', { limit: 10 })).toEqual([{ seq: last + 1, entry: { at: 1_008, n: 8, text: 'a "quoted" body, ünïcödé' } }]);
      expect((await s.verifiers?.())?.version).toBe(version);
    }));

    it('reads the local twin across many batches, either way, to the limit', withStore(async (s) => {
      // In one append: more segments than SQLite puts in one transaction.
      const told: number[] = [];
      await s.twin.append(Array.from({ length: 40 }, (_, i) => ({ kind: 'requests' as const, batch: { entries: JSON.stringify([{ at: i + 1, n: i + 1 }]), count: 1, atLast: i + 1 }, keep: 1_000 })), (w) => told.push(w.batch.atLast));
      expect(told.at(-1)).toBe(40);
      const ns = (records: { entry: unknown }[]) => records.map((r) => (r.entry as { n: number }).n);
      const range = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from < to ? from + i : from - i));
      expect(ns(await s.twin.page('requests', { limit: 100 }))).toEqual(range(40, 1));
      expect(ns(await s.twin.page('requests', { limit: 30 }))).toEqual(range(40, 11));
      expect(ns(await s.twin.page('requests', { limit: 100, after: 3, oldestFirst: true }))).toEqual(range(4, 40));
      expect(ns(await s.twin.page('requests', { limit: 100, before: 35, since: 10 }))).toEqual(range(34, 10));
    }));

    it('reads segments with shared fields as verifiers write them, beside plain arrays written before them', withStore(async (s) => {
      const shared = { method: 'POST', path: '/api/v1/sms/messages', status: 202, code: 'ok', reason: 'ok', key_id: 'key_a' };
      const compact = JSON.stringify({ shared, entries: [{ at: 3, ms: 1 }, { at: 4, ...shared, status: 401, reason: 'unknown_key', ms: 2, expected: 'channel' }, { at: 5, ms: 3 }] });
      await s.twin.append([
        { kind: 'requests', batch: { entries: JSON.stringify([{ at: 1, ...shared, ms: 0 }, { at: 2, ...shared, ms: 0 }]), count: 2, atLast: 2 }, keep: 100 },
        { kind: 'requests', batch: { entries: compact, count: 3, atLast: 5 }, keep: 100 },
      ]);
      const page = await s.twin.page('requests', { limit: 10, oldestFirst: true });
      expect(page.map((r) => r.entry)).toEqual([
        { at: 1, ...shared, ms: 0 }, { at: 2, ...shared, ms: 0 },
        { at: 3, ...shared, ms: 1 }, { at: 4, ...shared, status: 401, reason: 'unknown_key', ms: 2, expected: 'channel' }, { at: 5, ...shared, ms: 3 },
      ]);
      expect(Object.keys(page[2]!.entry)).toEqual(['at', 'method', 'path', 'status', 'code', 'reason', 'key_id', 'ms']);
      // Filters see the merged fields.
      expect((await s.twin.page('requests', { limit: 10, status: '4xx' })).map((r) => r.entry.at)).toEqual([4]);
      expect((await s.twin.page('requests', { limit: 10, reason: 'ok' })).map((r) => r.entry.at)).toEqual([5, 3, 2, 1]);
    }));

    it('appends many segments of both kinds at once, and says which are stored, also when a batch fails midway', withStore(async (s) => {
      const write = (kind: 'messages' | 'requests', n: number) =>
        ({ kind, batch: { entries: JSON.stringify([{ at: n, n, status: 202, reason: 'ok' }]), count: 1, atLast: n }, keep: 3 });
      const ns = async (kind: 'messages' | 'requests') => (await s.twin.page(kind, { limit: 10 })).map((r) => (r.entry as unknown as { n: number }).n);
      const told: string[] = [];
      const note = (w: { kind: string; batch: { atLast: number } }) => told.push(`${w.kind} ${w.batch.atLast}`);
      await s.twin.append([write('messages', 1), write('messages', 2), write('requests', 3), write('messages', 4), write('messages', 5), write('requests', 6)], note);
      // Each kind keeps its own 3; whatever else is told, the newest write of each kind is told last.
      expect(await ns('messages')).toEqual([5, 4, 2]);
      expect(await ns('requests')).toEqual([6, 3]);
      expect(told.filter((t) => t.startsWith('messages')).at(-1)).toBe('messages 5');
      expect(told.filter((t) => t.startsWith('requests')).at(-1)).toBe('requests 6');

      // The batches are built as they are asked for: one that cannot be leaves the keystore holding
      // exactly what `stored` told (SQLite: nothing of this call, whose writes are in one transaction; PostgreSQL: what came before it).
      told.length = 0;
      function* failing() {
        yield write('messages', 7);
        yield write('requests', 8);
        throw new Error('the ring went away');
      }
      await expect(s.twin.append(failing(), note)).rejects.toThrow('the ring went away');
      const messages = await ns('messages');
      const requests = await ns('requests');
      expect([told.includes('messages 7'), told.includes('requests 8')]).toEqual([messages[0] === 7, requests[0] === 8]);
      const whole = backend === 'postgres';
      expect(messages).toEqual(whole ? [7, 5, 4] : [5, 4, 2]);
      expect(requests).toEqual(whole ? [8, 6, 3] : [6, 3]);
    }));

    it('sums itself up as backup and restore report it', withStore(async (s) => {
      await seed(s);
      await s.keys.insert(subjectKey('workspace', 'ws_a'));
      await s.keys.insert(bearer());
      await s.audit.record({ at: 1, actor: 'me', action: 'key.create', keyId: null, subjectType: null, subjectId: null, detail: null });
      await s.meta.setIfAbsent('master_key_fingerprint', 'fp1');
      expect(await s.summary()).toEqual({ schemaVersion: SCHEMA_VERSION, keys: 2, subjects: 4, auditEvents: 1, sealedSecrets: 1, masterKeyFingerprint: 'fp1' });
    }));
  });
}

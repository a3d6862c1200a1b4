import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, revokeKey, rotateKey, scopeKey } from '../../src/app/keys.js';
import { addChannel, addWaba, addWorkspace } from '../../src/app/subjects.js';
import { Verifier, verifyKey } from '../../src/app/verify.js';
import { newId } from '../../src/core/ids.js';
import { createHandler, queuedBody, scopedOkBody, type LaterHandler, type VerifierPort } from '../../src/server/handler.js';
import { listen } from '../../src/server/http.js';
import type { AcceptedMessage } from '../../src/server/types.js';
import { KeystoreUnavailable } from '../../src/store/errors.js';
import type { Keystore } from '../../src/store/keystore.js';
import { Sandbox } from '../helpers/cli.js';

/**
 * The pure handler, called directly (no socket) over a real temporary keystore. A second AppContext
 * on the same file plays the operator's CLI in another process: its changes reach the handler only
 * through SQLite, as they would in real life.
 */
let sandbox: Sandbox;
let cli: AppContext;
let serverCtx: AppContext;
let verifier: Verifier;
let handle: LaterHandler;
let accepted: AcceptedMessage[];
let clock: number;

const SMS = { destination_phone: '+15551234567', body: 'Hello from Octopods.' };
const bytes = (body: unknown) => Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
const post = (path: string, headers: Record<string, string>, body?: unknown) => handle('POST', path, headers, bytes(body));
const parse = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

beforeEach(async () => {
  sandbox = new Sandbox();
  cli = new AppContext(sandbox.env);
  await addWorkspace(cli, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(cli, { name: 'Support line', workspace: 'acme', type: 'sms', id: 'sms1' });
  await addWaba(cli, { name: 'Acme WABA', workspace: 'acme', id: 'waba1' });
  await addChannel(cli, { name: '+1 555 0100', workspace: 'acme', type: 'whatsapp', waba: 'waba1', id: 'wa1' });
  clock = Date.now();
  serverCtx = new AppContext(sandbox.env, undefined, () => clock);
  verifier = new Verifier((await serverCtx.keystore()), () => clock);
  accepted = [];
  handle = createHandler({ verifier, now: () => clock, onMessageAccepted: (m) => accepted.push(m) });
});

afterEach(async () => {
  await verifier.stop();
  await serverCtx.close();
  await cli.close();
  sandbox.cleanup();
});

describe('the pure handler', () => {
  it('answers the seed example with 202 queued, and tells the webhook hook', async () => {
    const { key, secret } = (await createKey(cli, { kind: 'channel', channel: 'sms1' }));
    const r = (await post('/api/v1/sms/messages', { 'x-octopods-auth': secret, 'content-type': 'application/json' }, SMS));
    expect(r.status).toBe(202);
    const body = parse(r);
    expect(body).toEqual({ id: expect.stringMatching(/^msg_[0-9A-Za-z]{10}$/), status: 'queued', channel_id: 'sms1' });
    expect(r.keyId).toBe(key.id);
    expect(accepted).toEqual([{
      id: body.id, workspaceId: 'acme', channelId: 'sms1', channelType: 'sms',
      endpoint: 'POST /api/v1/sms/messages', keyId: key.id, at: clock,
    }]);
  });

  it('answers 202 even when the webhook hook throws, and reports the error', async () => {
    const { secret } = (await createKey(cli, { kind: 'channel', channel: 'sms1' }));
    const reported: unknown[] = [];
    handle = createHandler({ verifier, now: () => clock, onMessageAccepted: () => { throw new Error('hook broke'); }, onHookError: (err) => reported.push(err) });
    const r = (await post('/api/v1/sms/messages', { 'x-octopods-auth': secret }, SMS));
    expect(r.status).toBe(202);
    expect(reported).toEqual([new Error('hook broke')]);
  });

  it('writes the SPEC §6 error body, with Allow and Retry-After headers', async () => {
    const r401 = (await handle('GET', '/v1/posts', {}, bytes(undefined)));
    expect(r401.status).toBe(401);
    expect(parse(r401)).toEqual({ error: 'Invalid or expired API key', code: 'unauthorized', reason: 'missing_key' });
    const r405 = (await handle('GET', '/api/v1/sms/messages', {}, bytes(undefined)));
    expect([r405.status, r405.headers.allow]).toEqual([405, 'POST']);
    const { secret } = (await createKey(cli, { kind: 'bearer', name: 'limited', rateLimit: { limit: 1, window_s: 60 } }));
    expect((await handle('GET', '/v1/posts', { authorization: `Bearer ${secret}` }, bytes(undefined))).status).toBe(200);
    clock += 15_000;
    const r429 = (await handle('GET', '/v1/posts', { authorization: `Bearer ${secret}` }, bytes(undefined)));
    expect([r429.status, r429.headers['retry-after']]).toEqual([429, '45']);
    expect(parse(r429)).toMatchObject({ code: 'rate_limited', reason: 'rate_limited', retry_after: 45 });
  });

  it('answers the scoped success body', async () => {
    const { key, secret } = (await createKey(cli, { kind: 'bearer', name: 'ci', test: true, scopes: ['posts:read'] }));
    const r = (await handle('GET', '/v1/posts/p1', { authorization: `Bearer ${secret}` }, bytes(undefined)));
    expect([r.status, parse(r)]).toEqual([200, { ok: true, key_id: key.id, livemode: false, scope: 'posts:read' }]);
  });

  it('answers the templates API per WABA: 200, 201, 200', async () => {
    const { secret } = (await createKey(cli, { kind: 'waba', waba: 'waba1' }));
    const auth = { 'x-octopods-auth': secret };
    const list = (await handle('GET', '/api/v1/whatsapp/templates', auth, bytes(undefined)));
    expect([list.status, parse(list)]).toEqual([200, { waba_id: 'waba1', templates: [] }]);
    const created = (await post('/api/v1/whatsapp/templates', auth, { name: 'welcome', language: 'en' }));
    expect([created.status, parse(created)]).toEqual([201, { name: 'welcome', language: 'en', status: 'PENDING', waba_id: 'waba1' }]);
    const deleted = (await handle('DELETE', '/api/v1/whatsapp/templates/welcome%20back', auth, bytes(undefined)));
    expect([deleted.status, parse(deleted)]).toEqual([200, { name: 'welcome back', deleted: true, waba_id: 'waba1' }]);
    expect(accepted).toEqual([]);
  });

  it('sees a revoke, a rotation and a re-scope by another connection on the very next request', async () => {
    // A change made while the server is busy is seen from the next turn of the event loop: the
    // turn in which a request sent after the change returned is read from its socket.
    const turn = () => new Promise((r) => setImmediate(r));
    const bearer = (await createKey(cli, { kind: 'bearer', name: 'ci', scopes: ['posts:read'] }));
    const auth = { authorization: `Bearer ${bearer.secret}` };
    expect((await handle('POST', '/v1/posts', auth, bytes(undefined))).status).toBe(403);
    await scopeKey(cli, bearer.key.id, { add: ['posts:write'] });
    await turn();
    expect((await handle('POST', '/v1/posts', auth, bytes(undefined))).status).toBe(200);
    const channel = (await createKey(cli, { kind: 'channel', channel: 'sms1' }));
    await turn();
    expect((await post('/api/v1/sms/messages', { 'x-octopods-auth': channel.secret }, SMS)).status).toBe(202);
    const rotated = (await rotateKey(cli, channel.key.id, 0));
    await turn();
    clock = Date.now() + 1; // the grace of 0 ends at the rotation's own clock reading
    expect(parse((await post('/api/v1/sms/messages', { 'x-octopods-auth': channel.secret }, SMS)))).toMatchObject({ code: 'DEPRECATED_API_KEY', reason: 'rotated' });
    expect((await post('/api/v1/sms/messages', { 'x-octopods-auth': rotated.secret }, SMS)).status).toBe(202);
    await revokeKey(cli, rotated.key.id, null);
    await turn();
    expect(parse((await post('/api/v1/sms/messages', { 'x-octopods-auth': rotated.secret }, SMS)))).toMatchObject({ code: 'DEPRECATED_API_KEY', reason: 'revoked' });
  });

  it('judges expiry and grace by the clock on every request, not by what it cached', async () => {
    const { secret } = (await createKey(cli, { kind: 'bearer', name: 'short', expiresInSeconds: 60 }));
    const auth = { authorization: `Bearer ${secret}` };
    expect((await handle('GET', '/v1/posts', auth, bytes(undefined))).status).toBe(200);
    clock += 61_000;
    expect(parse((await handle('GET', '/v1/posts', auth, bytes(undefined))))).toMatchObject({ reason: 'expired' });
  });

  it('records last_used_at in a batch, for accepted requests only', async () => {
    const used = (await createKey(cli, { kind: 'channel', channel: 'sms1' }));
    const refused = (await createKey(cli, { kind: 'bearer', name: 'no scope', scopes: ['posts:read'] }));
    expect((await post('/api/v1/sms/messages', { 'x-octopods-auth': used.secret }, SMS)).status).toBe(202);
    expect((await handle('POST', '/v1/posts', { authorization: `Bearer ${refused.secret}` }, bytes(undefined))).status).toBe(403);
    const store = await cli.keystore();
    expect((await store.keys.findById(used.key.id))!.lastUsedAt).toBeNull(); // batched, not written per request
    await verifier.stop();
    expect((await store.keys.findById(used.key.id))!.lastUsedAt).toBe(clock);
    expect((await store.keys.findById(refused.key.id))!.lastUsedAt).toBeNull();
  });
});

describe('the answers written as text', () => {
  it.each([
    ['key_abc', true, 'posts:read'],
    ['key_"quoted"\\', false, 'odd\u0001scope/é😀'],
  ])('are the bytes JSON.stringify makes: %s', async (keyId, livemode, scope) => {
    expect(scopedOkBody(keyId, livemode, scope)).toBe(JSON.stringify({ ok: true, key_id: keyId, livemode, scope }));
    // The message id is always one of newId's; the channel id may hold anything.
    const id = newId('msg');
    expect(queuedBody(id, scope)).toBe(JSON.stringify({ id, status: 'queued', channel_id: scope }));
  });
});

describe('POST /v1/keys/verify', () => {
  it('answers the same verdict object as keys verify, and counts nothing', async () => {
    const { key, secret } = (await createKey(cli, { kind: 'bearer', name: 'limited', rateLimit: { limit: 1, window_s: 60 } }));
    const request = { key: secret, endpoint: 'GET /v1/posts' };
    const local = (await verifyKey(cli, { key: secret, endpoint: { method: 'GET', path: '/v1/posts' }, channelId: null }));
    for (let i = 0; i < 3; i++) {
      const r = (await post('/v1/keys/verify', {}, request));
      expect([r.status, parse(r)]).toEqual([200, JSON.parse(JSON.stringify(local))]);
    }
    expect(local).toMatchObject({ valid: true, status: 200, code: 'ok', reason: 'ok', endpoint: 'GET /v1/posts', key: { id: key.id } });
    await verifier.stop();
    expect((await (await cli.keystore()).keys.findById(key.id))!.lastUsedAt).toBeNull();
  });

  it.each([
    ['not JSON', '{', 'body'],
    ['no key', {}, 'key'],
    ['a bad endpoint', { key: 'x', endpoint: 'sms' }, 'endpoint'],
    ['a bad channel_id', { key: 'x', channel_id: 5 }, 'channel_id'],
  ])('refuses %s with 422 naming the field', async (_name, body, field) => {
    const r = (await post('/v1/keys/verify', {}, body));
    expect([r.status, parse(r)]).toEqual([422, expect.objectContaining({ code: 'invalid_request', field })]);
  });

  it('answers only clients on this machine', async () => {
    const r = (await handle('POST', '/v1/keys/verify', {}, bytes({ key: 'x' }), { loopback: false }));
    expect([r.status, parse(r).reason]).toEqual([403, 'not_loopback']);
  });

  it('answers /healthz', async () => {
    expect((await handle('GET', '/healthz', {}, bytes(undefined)))).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect((await handle('POST', '/healthz', {}, bytes(undefined))).status).toBe(405);
  });

  it('answers /healthz 503 keystore_unavailable while the verifier says its keystore cannot be reached, now or later', async () => {
    for (const healthy of [false, Promise.resolve(false), Promise.reject(new Error('gone'))]) {
      const port: VerifierPort = { decide: () => { throw new Error('not asked'); }, dryRun: () => { throw new Error('not asked'); }, healthy: () => healthy };
      const r = await createHandler({ verifier: port, now: () => Date.now() })('GET', '/healthz', {}, bytes(undefined));
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'keystore_unavailable', reason: 'keystore_unavailable', error: expect.any(String) });
    }
    const up: VerifierPort = { decide: () => { throw new Error('not asked'); }, dryRun: () => { throw new Error('not asked'); }, healthy: () => Promise.resolve(true) };
    expect(await createHandler({ verifier: up, now: () => Date.now() })('GET', '/healthz', {}, bytes(undefined))).toMatchObject({ status: 200 });
  });
});

describe('a verifier that answers later (as one whose keystore is across a network would, on a miss)', () => {
  const later = (): VerifierPort => ({
    decide: (...args) => Promise.resolve().then(() => verifier.decide(...args)),
    dryRun: (request) => Promise.resolve().then(() => verifier.dryRun(request)),
  });

  it('gets the answers the verifier gives, and over SQLite a key it knows is answered at once', async () => {
    const bearer = (await createKey(cli, { kind: 'bearer', name: 'ci', scopes: ['posts:read'] }));
    const sms = (await createKey(cli, { kind: 'channel', channel: 'sms1' }));
    const laterHandle = createHandler({ verifier: later(), now: () => clock, onMessageAccepted: (m) => accepted.push(m) });
    const requests: [string, string, Record<string, string>, unknown][] = [
      ['GET', '/v1/posts', { authorization: `Bearer ${bearer.secret}` }, undefined],
      ['POST', '/v1/posts', { authorization: `Bearer ${bearer.secret}` }, undefined],
      ['GET', '/v1/posts', {}, undefined],
      ['GET', '/api/v1/sms/messages', {}, undefined],
      ['POST', '/v1/keys/verify', {}, { key: sms.secret, endpoint: 'POST /api/v1/sms/messages' }],
      ['GET', '/healthz', {}, undefined],
    ];
    for (const [method, path, headers, body] of requests) {
      await handle(method, path, headers, bytes(body)); // a miss the first time: a promise
      const answer = handle(method, path, headers, bytes(body));
      // The dry run (POST /v1/keys/verify) is never on the hot path: it may always answer later.
      if (path !== '/v1/keys/verify') expect(answer).not.toBeInstanceOf(Promise);
      const now = await answer;
      const then = laterHandle(method, path, headers, bytes(body));
      expect(await then).toEqual(now);
    }
    const queued = await laterHandle('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, bytes(SMS));
    expect([queued.status, parse(queued)]).toEqual([202, { id: expect.stringMatching(/^msg_/), status: 'queued', channel_id: 'sms1' }]);
    expect(accepted.map((m) => m.keyId)).toEqual([sms.key.id]);
  });

  it('is sent by the node:http adapter once it comes; a failed one is a 500', async () => {
    const { secret } = (await createKey(cli, { kind: 'bearer', name: 'ci' }));
    const errors: unknown[] = [];
    const laterHandle = createHandler({ verifier: later(), now: () => clock });
    const server = await listen({
      host: '127.0.0.1', port: 0, log: () => {}, onError: (err) => errors.push(err),
      handler: (method, path, headers, body, peer) => (path === '/broken' ? Promise.reject(new Error('gone')) : laterHandle(method, path, headers, body, peer)),
    });
    try {
      const ok = await fetch(`${server.url}/v1/posts`, { headers: { authorization: `Bearer ${secret}` } });
      expect([ok.status, await ok.json()]).toEqual([200, { ok: true, key_id: expect.any(String), livemode: true, scope: 'posts:read' }]);
      const posted = await fetch(`${server.url}/api/v1/sms/messages`, { method: 'POST', body: JSON.stringify(SMS), headers: { 'x-octopods-auth': secret } });
      expect([posted.status, ((await posted.json()) as { reason: string }).reason]).toEqual([401, 'wrong_key_family']);
      const broken = await fetch(`${server.url}/broken`);
      expect(broken.status).toBe(500);
      expect(errors).toEqual([new Error('gone')]);
    } finally {
      await server.close();
    }
  });
});

describe('a keystore that fails (SPEC §11: fail closed)', () => {
  /** The real keystore, except that the reads named fail as `failure` says. */
  const failing = (real: Keystore, failure: { findByHash?: () => Promise<never>; changeCounter?: () => number; listChannels?: () => Promise<never> }): Keystore => ({
    ...real,
    changeCounter: failure.changeCounter ?? (() => real.changeCounter()),
    commitStamp: () => null, // always look: so that changeCounter is read on every turn
    keys: { ...real.keys, findByHash: failure.findByHash ?? ((hash: Buffer) => real.keys.findByHash(hash)), touchLastUsed: async () => {} },
    subjects: { ...real.subjects, listChannels: failure.listChannels ?? ((f?: object) => real.subjects.listChannels(f)) },
  }) as unknown as Keystore;
  const unavailable = () => Promise.reject(new KeystoreUnavailable('io', '/secret/place/keystore.db', 'disk I/O error'));

  it.each<[string, Parameters<typeof failing>[1]]>([
    ['a lookup rejected with KeystoreUnavailable', { findByHash: unavailable }],
    ['a lookup rejected with any other error', { findByHash: () => Promise.reject(new Error('SQLITE_CORRUPT: database disk image is malformed')) }],
    ['the channels that cannot be read', { listChannels: unavailable }],
    ['the change counter that cannot be read', { changeCounter: () => { throw new KeystoreUnavailable('io', '/secret/place/keystore.db', 'disk I/O error'); } }],
  ])('%s is a 503 keystore_unavailable over HTTP, never 2xx or 500, and says nothing of where or why', async (_what, failure) => {
    const { secret } = await createKey(cli, { kind: 'bearer', name: 'ci' });
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    const reported: unknown[] = [];
    const errors: unknown[] = [];
    const broken = new Verifier(failing(await serverCtx.keystore(), failure), () => clock);
    const server = await listen({
      host: '127.0.0.1', port: 0, log: () => {}, onError: (err) => errors.push(err),
      handler: createHandler({ verifier: broken, now: () => clock, onKeystoreError: (err) => reported.push(err) }),
    });
    try {
      const answers = [
        await fetch(`${server.url}/v1/posts`, { headers: { authorization: `Bearer ${secret}` } }),
        await fetch(`${server.url}/api/v1/sms/messages`, { method: 'POST', body: JSON.stringify(SMS), headers: { 'x-octopods-auth': sms.secret } }),
        await fetch(`${server.url}/v1/keys/verify`, { method: 'POST', body: JSON.stringify({ key: secret }) }),
      ];
      for (const r of answers) {
        const text = await r.text();
        expect([r.status, JSON.parse(text)]).toEqual([503, { error: expect.any(String), code: 'keystore_unavailable', reason: 'keystore_unavailable' }]);
        expect(text).not.toMatch(/secret\/place|disk I\/O|SQLITE|oct_live_|octo_ch_/);
      }
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.every((e) => e instanceof KeystoreUnavailable)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await server.close();
      await broken.stop();
    }
  });
});

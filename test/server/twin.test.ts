import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { addChannel, addWaba, addWorkspace } from '../../src/app/subjects.js';
import { Verifier } from '../../src/app/verify.js';
import { AdminRoutes } from '../../src/server/admin.js';
import { createHandler, type LaterHandler } from '../../src/server/handler.js';
import { isLoopback } from '../../src/server/http.js';
import { RequestJournal, statusMatches } from '../../src/server/journal.js';
import { Outbox } from '../../src/server/outbox.js';
import type { RequestLog } from '../../src/server/http.js';
import { Sandbox } from '../helpers/cli.js';

/**
 * The outbox, the request journal and the admin routes, through the pure handler over a real
 * temporary keystore (the journal is fed as the node:http adapter feeds it: one RequestLog per answer).
 */
let sandbox: Sandbox;
let cli: AppContext;
let serverCtx: AppContext;
let verifier: Verifier;
let outbox: Outbox;
let journal: RequestJournal;
let handle: LaterHandler;
let resets: number;

const TOKEN = 'a-long-admin-token-0123456789';
const SMS = { destination_phone: '+15551234567', body: 'Your code is 123456' };
const bytes = (body: unknown) => Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
const parse = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const REMOTE = { loopback: false };

/** A request as the adapter makes it: the handler's answer, then its journal entry. */
async function call(method: string, path: string, headers: Record<string, string>, body?: unknown, peer = { loopback: true }) {
  const r = await handle(method, path, headers, bytes(body), peer);
  const entry: RequestLog = { method, path, status: r.status, keyId: r.keyId, reason: r.reason, code: r.code ?? (r.status < 400 ? 'ok' : r.reason), extras: r.extras ?? null, ms: 0.25 };
  journal.record(entry, Date.now());
  return r;
}

beforeEach(async () => {
  sandbox = new Sandbox();
  cli = new AppContext(sandbox.env);
  await addWorkspace(cli, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(cli, { name: 'Support line', workspace: 'acme', type: 'sms', id: 'sms1' });
  await addChannel(cli, { name: 'Viber', workspace: 'acme', type: 'viber', id: 'vb1' });
  await addWaba(cli, { name: 'Acme WABA', workspace: 'acme', id: 'waba1' });
  await addChannel(cli, { name: '+1 555 0100', workspace: 'acme', type: 'whatsapp', waba: 'waba1', id: 'wa1' });
  serverCtx = new AppContext(sandbox.env);
  verifier = new Verifier(await serverCtx.keystore(), Date.now);
  outbox = new Outbox(100);
  journal = new RequestJournal(100);
  resets = 0;
  const admin = new AdminRoutes({ outbox, journal, token: TOKEN, reset: () => void resets++ });
  handle = createHandler({ verifier, now: Date.now, outbox, admin });
});

afterEach(async () => {
  await verifier.stop();
  await serverCtx.close();
  await cli.close();
  sandbox.cleanup();
});

describe('the outbox', () => {
  it('keeps every accepted message with its body as sent, newest first, and never the key', async () => {
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    const viber = await createKey(cli, { kind: 'channel', channel: 'vb1' });
    const waba = await createKey(cli, { kind: 'waba', waba: 'waba1' });
    const sent = parse(await call('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, SMS));
    await call('POST', '/api/v1/viber/broadcasts', { 'x-octopods-auth': viber.secret }, { recipients: ['+15550001111', '+15550002222'], body: 'Sale' });
    await call('POST', '/api/v1/whatsapp/templates', { 'x-octopods-auth': waba.secret }, { name: 'welcome', language: 'en' });
    // Refused: not kept.
    await call('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, { body: 'no destination' });
    const r = await call('GET', '/_octo/messages', {});
    expect(r.status).toBe(200);
    const { messages } = parse(r);
    expect(messages.map((m: { endpoint: string }) => m.endpoint)).toEqual([
      'POST /api/v1/whatsapp/templates', 'POST /api/v1/viber/broadcasts', 'POST /api/v1/sms/messages',
    ]);
    expect(messages[2]).toEqual({
      id: sent.id, endpoint: 'POST /api/v1/sms/messages', channel_id: 'sms1', channel_type: 'sms', workspace_id: 'acme',
      to: '+15551234567', body: SMS, key_id: sms.key.id, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(messages[0]).toMatchObject({ channel_id: null, workspace_id: 'acme', to: null, body: { name: 'welcome', language: 'en' } });
    expect(r.body).not.toContain(sms.secret);
  });

  it('filters by destination (a broadcast by its recipients), channel id or type, and since', async () => {
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    const viber = await createKey(cli, { kind: 'channel', channel: 'vb1' });
    await call('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, SMS);
    await call('POST', '/api/v1/viber/broadcasts', { 'x-octopods-auth': viber.secret }, { recipients: ['+15550001111'], body: 'Sale' });
    const list = async (query: string) => parse(await call('GET', `/_octo/messages?${query}`, {})).messages as { endpoint: string }[];
    expect((await list('to=%2B15551234567')).map((m) => m.endpoint)).toEqual(['POST /api/v1/sms/messages']);
    expect((await list('to=%2B15550001111')).map((m) => m.endpoint)).toEqual(['POST /api/v1/viber/broadcasts']);
    expect(await list('channel=vb1')).toHaveLength(1);
    expect(await list('channel=sms')).toHaveLength(1);
    expect(await list('since=1m')).toHaveLength(2);
    expect(await list(`since=${new Date(Date.now() + 60_000).toISOString()}`)).toHaveLength(0);
    expect(await list('body_contains=Sale')).toHaveLength(1);
    expect((await call('GET', '/_octo/messages?since=yesterday', {})).status).toBe(422);
  });

  it('keeps ids and bodies of any length and script as sent', async () => {
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    // Longer than a body's slot (BODY_BYTES), and bodies whose characters take 2 to 4 bytes.
    const bodies = ['x'.repeat(2_000), 'Ваш код 123456 ✓', '验证码 123456 😀'.repeat(10)];
    const ids: string[] = [];
    for (const text of bodies) ids.push(parse(await call('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, { ...SMS, body: text })).id);
    const { messages } = parse(await call('GET', '/_octo/messages', {}));
    expect(messages.map((m: { id: string }) => m.id)).toEqual(ids.reverse());
    expect(messages.map((m: { body: { body: string } }) => m.body.body)).toEqual(bodies.reverse());
    expect(parse(await call('GET', `/_octo/messages?body_contains=${encodeURIComponent('验证码')}`, {})).messages).toHaveLength(1);
  });

  it('keeps the newest `capacity` messages', async () => {
    const small = new Outbox(3);
    for (let i = 0; i < 5; i++) small.record(`msg_${i}`, 'POST /api/v1/sms/messages', 'sms1', 'sms', 'acme', `{"n":${i}}`, 'key_x', Date.now());
    expect(small.list({}).map((m) => m.id)).toEqual(['msg_4', 'msg_3', 'msg_2']);
    expect(new Outbox(0).list({})).toEqual([]);
  });

  it('answers a long poll as soon as a matching message is accepted', async () => {
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    const started = Date.now();
    const pending = handle('GET', '/_octo/messages?to=%2B15551234567&wait_ms=10000', {}, bytes(undefined)) as unknown as Promise<{ body: string }>;
    expect(pending).toBeInstanceOf(Promise);
    setTimeout(() => void call('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, SMS), 50);
    const { messages } = parse(await pending);
    expect(messages).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('the request journal', () => {
  it('says why a request was refused: code, reason, expected / required_scope, key id, never the key', async () => {
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    const bearer = await createKey(cli, { kind: 'bearer', name: 'ci', scopes: ['posts:read'] });
    await call('POST', '/api/v1/whatsapp/messages', { 'x-octopods-auth': sms.secret }, { destination_phone: '+15551234567', body: 'x' });
    await call('POST', '/v1/posts', { authorization: `Bearer ${bearer.secret}` });
    await call('GET', `/v1/posts?key=${bearer.secret}`, {});
    const r = await call('GET', '/_octo/requests', {});
    const { requests } = parse(r);
    expect(requests).toHaveLength(3);
    expect(requests[2]).toMatchObject({
      seq: 1, method: 'POST', path: '/api/v1/whatsapp/messages', status: 403, code: 'forbidden', reason: 'wrong_key_type',
      key_id: sms.key.id, expected: 'WhatsApp Business API Key',
    });
    expect(requests[1]).toMatchObject({ status: 403, reason: 'insufficient_scope', required_scope: 'posts:write', key_id: bearer.key.id });
    expect(requests[0]).toMatchObject({ status: 401, reason: 'missing_key', path: '/v1/posts' });
    expect(r.body).not.toContain(bearer.secret);
    expect(r.body).not.toContain(sms.secret);
    // The admin routes do not journal themselves.
    expect(parse(await call('GET', '/_octo/requests', {})).requests).toHaveLength(3);
  });

  it('filters by status class and reason, and by what came after a seq', async () => {
    await call('GET', '/v1/posts', {});
    await call('GET', '/healthz', {});
    await call('GET', '/v1/posts', { authorization: 'Basic x' });
    const list = async (query: string) => parse(await call('GET', `/_octo/requests?${query}`, {})).requests as { seq: number; reason: string }[];
    expect((await list('status=4xx')).map((e) => e.reason)).toEqual(['malformed_header', 'missing_key']);
    expect(await list('status=200')).toHaveLength(1);
    expect(await list('reason=missing_key')).toHaveLength(1);
    expect((await list('after=2')).map((e) => e.seq)).toEqual([3]);
    expect((await call('GET', '/_octo/requests?status=4x', {})).status).toBe(422);
    expect([statusMatches(404, '4xx'), statusMatches(404, '401'), statusMatches(503, '5XX')]).toEqual([true, false, true]);
  });

  it('keeps the newest `capacity` entries, and a cleared journal goes on counting', async () => {
    const small = new RequestJournal(2);
    const entry = (path: string): RequestLog => ({ method: 'GET', path, status: 200, keyId: null, reason: 'ok', ms: 1 });
    // The last one is longer than a path's slot.
    const long = `/v1/posts/${'p'.repeat(100)}`;
    for (const p of ['/a', '/b', long]) small.record(entry(p), Date.now());
    expect(small.list({}).map((e) => [e.seq, e.path])).toEqual([[3, long], [2, '/b']]);
    small.clear();
    expect(small.list({})).toEqual([]);
    small.record(entry('/d'), Date.now());
    expect(small.list({}).map((e) => e.seq)).toEqual([4]);
  });
});

describe('admin access', () => {
  it('answers loopback clients, and others only with the admin token', async () => {
    expect((await call('GET', '/_octo/messages', {}, undefined, REMOTE)).status).toBe(403);
    expect(parse(await call('GET', '/_octo/requests', {}, undefined, REMOTE))).toMatchObject({ code: 'forbidden', reason: 'not_loopback' });
    expect((await call('GET', '/_octo/messages', { authorization: `Bearer ${TOKEN}x` }, undefined, REMOTE)).status).toBe(403);
    expect((await call('GET', '/_octo/messages', { authorization: TOKEN }, undefined, REMOTE)).status).toBe(403);
    expect((await call('GET', '/_octo/messages', { authorization: `Bearer ${TOKEN}` }, undefined, REMOTE)).status).toBe(200);
    expect((await call('POST', '/_octo/reset', {}, undefined, REMOTE)).status).toBe(403);
    expect(resets).toBe(0);
    // POST /v1/keys/verify follows the same rule.
    expect((await call('POST', '/v1/keys/verify', {}, { key: 'oct_live_x' }, REMOTE)).status).toBe(403);
    expect((await call('POST', '/v1/keys/verify', { authorization: `Bearer ${TOKEN}` }, { key: 'oct_live_x' }, REMOTE)).status).toBe(200);
  });

  it('without a token, only loopback clients', async () => {
    handle = createHandler({ verifier, now: Date.now, outbox, admin: new AdminRoutes({ outbox, journal, token: null, reset: () => {} }) });
    expect((await call('GET', '/_octo/messages', { authorization: 'Bearer ' }, undefined, REMOTE)).status).toBe(403);
    expect((await call('GET', '/_octo/messages', {})).status).toBe(200);
  });

  it('decides loopback by the peer address: 127.0.0.0/8, ::1 and their IPv4-mapped forms', async () => {
    expect(['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '172.17.0.1', '::ffff:10.0.0.1', '192.168.1.2', '', undefined].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });

  it('reset empties the outbox and the journal, and restores the keystore', async () => {
    const sms = await createKey(cli, { kind: 'channel', channel: 'sms1' });
    await call('POST', '/api/v1/sms/messages', { 'x-octopods-auth': sms.secret }, SMS);
    const r = await call('POST', '/_octo/reset', {});
    expect([r.status, parse(r)]).toEqual([200, { reset: true }]);
    expect(resets).toBe(1);
    expect(parse(await call('GET', '/_octo/messages', {})).messages).toEqual([]);
    expect(parse(await call('GET', '/_octo/requests', {})).requests).toEqual([]);
    expect((await call('GET', '/_octo/reset', {})).status).toBe(405);
    expect((await call('GET', '/_octo/nothing', {})).status).toBe(404);
  });
});

import { describe, expect, it } from 'vitest';
import { decideRequest, Presented, readRequest, type Credentials, type Identified } from '../../src/core/decision.js';
import { generateKey } from '../../src/core/key-format.js';
import { FAIL_REASONS } from '../../src/core/outcomes.js';
import { parseJsonBody } from '../../src/core/payload.js';
import { FixedWindowLimiter } from '../../src/core/rate-limit.js';
import { decideIn, dryRunIn, makeWorld, NOW, type WorldLookup } from '../helpers/world.js';

/**
 * One row per rule of SPEC §6.1 and §6.2, first failing check wins. A row names the key by its
 * place in the in-memory world (test/helpers/world.ts); `$name` in a header is replaced by that key.
 */
const world = makeWorld();
const S = world.secret;

interface Req {
  xo?: string | string[];
  auth?: string | string[];
  body?: unknown;
  raw?: string;
}

const fill = (v: string) => v.replace(/\$(\w+)/g, (_, name: string) => S[name] ?? `no key ${name}`);
const list = (v: string | string[] | undefined) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(fill));

function decide(method: string, path: string, req: Req, limiter = new FixedWindowLimiter(), now = NOW, lookup: WorldLookup = world.lookup) {
  const credentials: Credentials = { octopodsAuth: list(req.xo), authorization: list(req.auth) };
  const raw = req.raw ?? (req.body === undefined ? '' : JSON.stringify(req.body));
  return decideIn({ method, path, credentials, body: () => parseJsonBody(raw), now }, { lookup, limiter });
}

const SMS = { destination_phone: '+15551234567', body: 'Hello from Octopods.' };
const WA = { destination_phone: '+15551234567', body: 'hi' };
type Row = [string, string, string, Req, number, string, string, Record<string, unknown>?];

describe('SPEC §6.1 Octopods endpoints, in decision order', () => {
  const rows: Row[] = [
    // step 1: the header
    ['no header', 'POST', '/api/v1/sms/messages', { body: SMS }, 401, 'unauthorized', 'missing_key'],
    ['an empty header', 'POST', '/api/v1/sms/messages', { xo: '', body: SMS }, 401, 'unauthorized', 'missing_key'],
    ['Authorization instead', 'POST', '/api/v1/sms/messages', { auth: 'Bearer $smsA', body: SMS }, 401, 'unauthorized', 'wrong_scheme'],
    ['a Bearer prefix', 'POST', '/api/v1/sms/messages', { xo: 'Bearer $smsA', body: SMS }, 401, 'unauthorized', 'wrong_scheme'],
    ['the header twice', 'POST', '/api/v1/sms/messages', { xo: ['$smsA', '$smsA'], body: SMS }, 401, 'unauthorized', 'malformed_header'],
    // step 2: format, existence, family
    ['a bad checksum', 'POST', '/api/v1/sms/messages', { xo: 'x', body: SMS }, 401, 'unauthorized', 'malformed_key'],
    ['an unknown key', 'POST', '/api/v1/sms/messages', { xo: generateKey('octo_ch_'), body: SMS }, 401, 'unauthorized', 'unknown_key'],
    ['a bearer key', 'POST', '/api/v1/sms/messages', { xo: '$full', body: SMS }, 401, 'unauthorized', 'wrong_key_family'],
    ['a webhook secret', 'POST', '/api/v1/sms/messages', { xo: generateKey('octo_wh_'), body: SMS }, 401, 'unauthorized', 'wrong_key_family'],
    // step 3: deprecated
    ['a revoked key', 'POST', '/api/v1/sms/messages', { xo: '$revokedWs', body: SMS }, 400, 'DEPRECATED_API_KEY', 'revoked'],
    ['a rotated key past its grace', 'POST', '/api/v1/sms/messages', { xo: '$rotatedWs', body: SMS }, 400, 'DEPRECATED_API_KEY', 'rotated'],
    ['a rotated key inside its grace', 'POST', '/api/v1/sms/messages', { xo: '$graceWs', body: SMS }, 202, 'ok', 'ok', { channel_id: 'sms_a' }],
    // step 4: the endpoint-family table
    ['WABA key on whatsapp/messages', 'POST', '/api/v1/whatsapp/messages', { xo: '$wabaC', body: WA }, 202, 'ok', 'ok', { channel_id: 'wa_c' }],
    ['workspace key on whatsapp', 'POST', '/api/v1/whatsapp/messages', { xo: '$wsA', body: WA }, 403, 'forbidden', 'wrong_key_type', { expected: 'WhatsApp Business API Key' }],
    ['SMS key on whatsapp/interactive', 'POST', '/api/v1/whatsapp/interactive', { xo: '$smsA', body: WA }, 403, 'forbidden', 'wrong_key_type', { expected: 'WhatsApp Business API Key' }],
    ['WABA key on interactive', 'POST', '/api/v1/whatsapp/interactive', { xo: '$wabaC', body: { destination_phone: '+15551234567', interactive: {} } }, 202, 'ok', 'ok'],
    ['WABA key lists templates', 'GET', '/api/v1/whatsapp/templates', { xo: '$wabaA' }, 200, 'ok', 'ok'],
    ['WABA key creates a template', 'POST', '/api/v1/whatsapp/templates', { xo: '$wabaA', body: { name: 'welcome', language: 'en' } }, 201, 'ok', 'ok'],
    ['WABA key deletes a template', 'DELETE', '/api/v1/whatsapp/templates/welcome', { xo: '$wabaA' }, 200, 'ok', 'ok'],
    ['channel key on templates', 'GET', '/api/v1/whatsapp/templates', { xo: '$smsA' }, 403, 'forbidden', 'wrong_key_type'],
    ['SMS channel key on sms', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: SMS }, 202, 'ok', 'ok', { channel_id: 'sms_a' }],
    ['workspace key on sms', 'POST', '/api/v1/sms/messages', { xo: '$wsA', body: SMS }, 202, 'ok', 'ok', { channel_id: 'sms_a' }],
    ['Viber key on sms', 'POST', '/api/v1/sms/messages', { xo: '$viberA', body: SMS }, 403, 'forbidden', 'wrong_key_type', { expected: 'Twilio API Key or Workspace API Key' }],
    ['WABA key on sms', 'POST', '/api/v1/sms/messages', { xo: '$wabaA', body: SMS }, 403, 'forbidden', 'wrong_key_type'],
    ['Viber key on viber/messages', 'POST', '/api/v1/viber/messages', { xo: '$viberA', body: SMS }, 202, 'ok', 'ok', { channel_id: 'viber_a' }],
    ['workspace key on viber/messages', 'POST', '/api/v1/viber/messages', { xo: '$wsA', body: SMS }, 202, 'ok', 'ok', { channel_id: 'viber_a' }],
    ['Viber key on broadcasts', 'POST', '/api/v1/viber/broadcasts', { xo: '$viberA', body: { recipients: ['+15551234567'], body: 'x' } }, 202, 'ok', 'ok'],
    ['workspace key on broadcasts', 'POST', '/api/v1/viber/broadcasts', { xo: '$wsA', body: { recipients: ['+15551234567'], body: 'x' } }, 403, 'forbidden', 'wrong_key_type', { expected: 'VBM API Key' }],
    ['Telegram key on telegram', 'POST', '/api/v1/telegram/messages', { xo: '$tgA', body: { chat_id: 42, body: 'x' } }, 202, 'ok', 'ok', { channel_id: 'tg_a' }],
    ['workspace key on telegram', 'POST', '/api/v1/telegram/messages', { xo: '$wsA', body: { chat_id: '@news', body: 'x' } }, 202, 'ok', 'ok'],
    ['SMS key on telegram', 'POST', '/api/v1/telegram/messages', { xo: '$smsA', body: { chat_id: 42, body: 'x' } }, 403, 'forbidden', 'wrong_key_type', { expected: 'Telegram API Key or Workspace API Key' }],
    // step 4: channel_id
    ['channel key naming its channel', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { ...SMS, channel_id: 'sms_a' } }, 202, 'ok', 'ok'],
    ['channel key naming another', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { ...SMS, channel_id: 'sms_b1' } }, 403, 'forbidden', 'wrong_channel'],
    ['workspace key, another workspace', 'POST', '/api/v1/sms/messages', { xo: '$wsA', body: { ...SMS, channel_id: 'sms_b1' } }, 403, 'forbidden', 'wrong_channel'],
    ['workspace key, channel of another type', 'POST', '/api/v1/sms/messages', { xo: '$wsA', body: { ...SMS, channel_id: 'viber_a' } }, 403, 'forbidden', 'wrong_channel'],
    ['workspace key, no such channel', 'POST', '/api/v1/sms/messages', { xo: '$wsA', body: { ...SMS, channel_id: 'nope' } }, 403, 'forbidden', 'wrong_channel'],
    ['workspace key without a channel of the type', 'POST', '/api/v1/sms/messages', { xo: '$wsC', body: SMS }, 403, 'forbidden', 'wrong_channel'],
    ['workspace key, several, named', 'POST', '/api/v1/sms/messages', { xo: '$wsB', body: { ...SMS, channel_id: 'sms_b2' } }, 202, 'ok', 'ok', { channel_id: 'sms_b2' }],
    ['workspace key, several, unnamed', 'POST', '/api/v1/sms/messages', { xo: '$wsB', body: SMS }, 422, 'invalid_request', 'invalid_request', { field: 'channel_id' }],
    ['WABA key, several numbers, named', 'POST', '/api/v1/whatsapp/messages', { xo: '$wabaA', body: { ...WA, channel_id: 'wa_a2' } }, 202, 'ok', 'ok', { channel_id: 'wa_a2' }],
    ['WABA key, several numbers, unnamed', 'POST', '/api/v1/whatsapp/messages', { xo: '$wabaA', body: WA }, 422, 'invalid_request', 'invalid_request', { field: 'channel_id' }],
    ['WABA key, a number of another WABA', 'POST', '/api/v1/whatsapp/messages', { xo: '$wabaA', body: { ...WA, channel_id: 'wa_c' } }, 403, 'forbidden', 'wrong_channel'],
    // step 6: the payload
    ['a body that is not JSON', 'POST', '/api/v1/sms/messages', { xo: '$smsA', raw: '{"destination_phone":' }, 422, 'invalid_request', 'invalid_request', { field: 'body' }],
    ['an empty body', 'POST', '/api/v1/sms/messages', { xo: '$smsA' }, 422, 'invalid_request', 'invalid_request', { field: 'body' }],
    ['a JSON array', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: [SMS] }, 422, 'invalid_request', 'invalid_request', { field: 'body' }],
    ['no destination_phone', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { body: 'x' } }, 422, 'invalid_request', 'invalid_request', { field: 'destination_phone' }],
    ['a phone not in E.164', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { ...SMS, destination_phone: '555-1234' } }, 422, 'invalid_request', 'invalid_request', { field: 'destination_phone' }],
    ['a phone with a leading 0', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { ...SMS, destination_phone: '+05551234' } }, 422, 'invalid_request', 'invalid_request', { field: 'destination_phone' }],
    ['an empty body text', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { ...SMS, body: ' ' } }, 422, 'invalid_request', 'invalid_request', { field: 'body' }],
    ['a channel_id that is not a string', 'POST', '/api/v1/sms/messages', { xo: '$smsA', body: { ...SMS, channel_id: 7 } }, 422, 'invalid_request', 'invalid_request', { field: 'channel_id' }],
    ['telegram without chat_id', 'POST', '/api/v1/telegram/messages', { xo: '$tgA', body: { body: 'x' } }, 422, 'invalid_request', 'invalid_request', { field: 'chat_id' }],
    ['broadcast with a bad recipient', 'POST', '/api/v1/viber/broadcasts', { xo: '$viberA', body: { recipients: ['+1555', 'x'], body: 'x' } }, 422, 'invalid_request', 'invalid_request', { field: 'recipients[1]' }],
    ['whatsapp template message', 'POST', '/api/v1/whatsapp/messages', { xo: '$wabaC', body: { destination_phone: '+15551234567', template: { name: 'welcome' } } }, 202, 'ok', 'ok'],
    ['interactive without interactive', 'POST', '/api/v1/whatsapp/interactive', { xo: '$wabaC', body: WA }, 422, 'invalid_request', 'invalid_request', { field: 'interactive' }],
    ['template without language', 'POST', '/api/v1/whatsapp/templates', { xo: '$wabaA', body: { name: 'welcome' } }, 422, 'invalid_request', 'invalid_request', { field: 'language' }],
    // first failing check wins: the key is judged before the body
    ['a revoked key with a broken body', 'POST', '/api/v1/sms/messages', { xo: '$revokedWs', raw: 'nope' }, 400, 'DEPRECATED_API_KEY', 'revoked'],
    ['the wrong key with a broken body', 'POST', '/api/v1/whatsapp/messages', { xo: '$smsA', raw: 'nope' }, 403, 'forbidden', 'wrong_key_type'],
  ];
  it.each(rows)('%s → %i %s %s', (_name, method, path, req, status, code, reason, extras) => {
    const v = decide(method, path, req);
    expect({ status: v.status, code: v.code, reason: v.reason, valid: v.valid }).toEqual({ status, code, reason, valid: status < 300 });
    if (extras) expect(v.extras).toMatchObject(extras);
  });
});

describe('SPEC §6.2 scoped endpoints, in decision order', () => {
  const rows: Row[] = [
    ['no Authorization', 'GET', '/v1/posts', {}, 401, 'unauthorized', 'missing_key'],
    ['X-Octopods-Auth instead', 'GET', '/v1/posts', { xo: '$full' }, 401, 'unauthorized', 'wrong_scheme'],
    ['no Bearer prefix', 'GET', '/v1/posts', { auth: '$full' }, 401, 'unauthorized', 'malformed_header'],
    ['lower-case bearer', 'GET', '/v1/posts', { auth: 'bearer $full' }, 401, 'unauthorized', 'malformed_header'],
    ['two spaces', 'GET', '/v1/posts', { auth: 'Bearer  $full' }, 401, 'unauthorized', 'malformed_header'],
    ['Basic', 'GET', '/v1/posts', { auth: 'Basic dXNlcjpwYXNz' }, 401, 'unauthorized', 'malformed_header'],
    ['Authorization twice', 'GET', '/v1/posts', { auth: ['Bearer $full', 'Bearer $full'] }, 401, 'unauthorized', 'malformed_header'],
    ['a bad format', 'GET', '/v1/posts', { auth: 'Bearer oct_live_abc123def456' }, 401, 'unauthorized', 'malformed_key'],
    ['an unknown key', 'GET', '/v1/posts', { auth: `Bearer ${generateKey('oct_live_')}` }, 401, 'unauthorized', 'unknown_key'],
    ['an Octopods key', 'GET', '/v1/posts', { auth: 'Bearer $wsA' }, 401, 'unauthorized', 'wrong_key_family'],
    ['a revoked key', 'GET', '/v1/posts', { auth: 'Bearer $revoked' }, 401, 'unauthorized', 'revoked'],
    ['an expired key', 'GET', '/v1/posts', { auth: 'Bearer $expired' }, 401, 'unauthorized', 'expired'],
    ['a rotated key, grace over', 'GET', '/v1/posts', { auth: 'Bearer $rotated' }, 401, 'unauthorized', 'rotated'],
    ['a rotated key inside its grace', 'GET', '/v1/posts', { auth: 'Bearer $grace' }, 200, 'ok', 'ok'],
    ['a test key on publish', 'POST', '/v1/posts/p_1/publish', { auth: 'Bearer $test' }, 401, 'unauthorized', 'test_key_on_live_endpoint'],
    ['a live key on publish', 'POST', '/v1/posts/p_1/publish', { auth: 'Bearer $full' }, 200, 'ok', 'ok', { livemode: true, scope: 'posts:write' }],
    ['a test key elsewhere', 'POST', '/v1/posts', { auth: 'Bearer $test' }, 200, 'ok', 'ok', { livemode: false }],
    ['GET needs read', 'GET', '/v1/posts/p_1', { auth: 'Bearer $postsRead' }, 200, 'ok', 'ok', { scope: 'posts:read' }],
    ['HEAD needs read', 'HEAD', '/v1/posts', { auth: 'Bearer $postsRead' }, 200, 'ok', 'ok', { scope: 'posts:read' }],
    ['POST needs write', 'POST', '/v1/posts', { auth: 'Bearer $postsRead' }, 403, 'forbidden', 'insufficient_scope', { required_scope: 'posts:write' }],
    ['PUT needs write', 'PUT', '/v1/posts/p_1', { auth: 'Bearer $postsRead' }, 403, 'forbidden', 'insufficient_scope', { required_scope: 'posts:write' }],
    ['PATCH needs write', 'PATCH', '/v1/posts/p_1', { auth: 'Bearer $postsRead' }, 403, 'forbidden', 'insufficient_scope'],
    ['DELETE needs write', 'DELETE', '/v1/posts/p_1', { auth: 'Bearer $postsRead' }, 403, 'forbidden', 'insufficient_scope'],
    ['another resource', 'GET', '/v1/contacts', { auth: 'Bearer $postsRead' }, 403, 'forbidden', 'insufficient_scope', { required_scope: 'contacts:read' }],
    ['no scopes = full access', 'DELETE', '/v1/agent-loops/a1', { auth: 'Bearer $full' }, 200, 'ok', 'ok', { scope: 'agent-loops:write' }],
    ['admin = full access', 'POST', '/v1/bots', { auth: 'Bearer $legacyAdmin' }, 200, 'ok', 'ok'],
    ['read-only resource read', 'GET', '/v1/handoff-analytics', { auth: 'Bearer $full' }, 200, 'ok', 'ok', { scope: 'handoff-analytics:read' }],
    // routing comes first
    ['a write to a read-only resource', 'POST', '/v1/handoff-analytics', { auth: 'Bearer $full' }, 405, 'method_not_allowed', 'method_not_allowed', { allow: ['GET', 'HEAD'] }],
    ['an unknown resource', 'GET', '/v1/unicorns', { auth: 'Bearer $full' }, 404, 'not_found', 'not_found'],
    ['an unknown path', 'GET', '/nowhere', {}, 404, 'not_found', 'not_found'],
    ['a known path, wrong method', 'GET', '/api/v1/sms/messages', { xo: '$smsA' }, 405, 'method_not_allowed', 'method_not_allowed', { allow: ['POST'] }],
    ['OPTIONS on a resource', 'OPTIONS', '/v1/posts', {}, 405, 'method_not_allowed', 'method_not_allowed'],
    ['templates with a nested path', 'DELETE', '/api/v1/whatsapp/templates/a/b', { xo: '$wabaA' }, 404, 'not_found', 'not_found'],
    ['a query string is ignored', 'GET', '/v1/posts?limit=5', { auth: 'Bearer $full' }, 200, 'ok', 'ok'],
  ];
  it.each(rows)('%s → %i %s %s', (_name, method, path, req, status, code, reason, extras) => {
    const v = decide(method, path, req);
    expect({ status: v.status, code: v.code, reason: v.reason, valid: v.valid }).toEqual({ status, code, reason, valid: status < 300 });
    if (extras) expect(v.extras).toMatchObject(extras);
  });

  it('answers every bearer credential failure with the Octopost seed message', () => {
    for (const auth of ['', 'Bearer x', `Bearer ${S.revoked}`, `Bearer ${S.expired}`, `Bearer ${S.wsA}`]) {
      expect(decide('GET', '/v1/posts', { auth }).message).toBe('Invalid or expired API key');
    }
  });
});

describe('rate limits (step 5)', () => {
  it('refuses the request over the limit with whole seconds to wait, then opens a new window', () => {
    const limiter = new FixedWindowLimiter();
    const at = (t: number) => decide('GET', '/v1/posts', { auth: 'Bearer $limited' }, limiter, t);
    expect(at(NOW).status).toBe(200);
    expect(at(NOW + 1_000).status).toBe(200);
    const third = at(NOW + 20_500);
    expect(third).toMatchObject({ status: 429, code: 'rate_limited', reason: 'rate_limited', extras: { retry_after: 40 } });
    expect(at(NOW + 60_000).status).toBe(200);
  });
  it('counts per key, and comes after the key checks but before the payload', () => {
    const limiter = new FixedWindowLimiter();
    expect(decide('POST', '/api/v1/sms/messages', { xo: '$limitedSms', body: SMS }, limiter).status).toBe(202);
    expect(decide('POST', '/api/v1/sms/messages', { xo: '$limitedSms', raw: 'nope' }, limiter).status).toBe(429);
    expect(decide('POST', '/api/v1/sms/messages', { xo: '$smsA', body: SMS }, limiter).status).toBe(202);
    expect(decide('POST', '/api/v1/sms/messages', { xo: '$limitedSms', body: { ...SMS, channel_id: 'sms_b1' } }, limiter).reason).toBe('wrong_channel');
  });
  it('never counts keys without a rate limit', () => {
    const limiter = new FixedWindowLimiter();
    for (let i = 0; i < 50; i++) expect(decide('GET', '/v1/posts', { auth: 'Bearer $full' }, limiter).status).toBe(200);
  });
});

describe('dry runs (keys verify)', () => {
  const dry = (name: string, endpoint: string | null, channelId: string | null = null) => {
    const [method, path] = endpoint ? endpoint.split(' ') : [];
    return dryRunIn({ key: S[name] ?? name, endpoint: endpoint ? { method: method!, path: path! } : null, channelId, now: NOW }, world.lookup);
  };
  it.each([
    ['wsA', null, 200, 'ok'], ['full', null, 200, 'ok'], ['grace', null, 200, 'ok'],
    ['revokedWs', null, 400, 'revoked'], ['rotatedWs', null, 400, 'rotated'],
    ['revoked', null, 401, 'revoked'], ['expired', null, 401, 'expired'], ['rotated', null, 401, 'rotated'],
    ['octo_ws_typo', null, 401, 'malformed_key'],
    ['smsA', 'POST /api/v1/sms/messages', 202, 'ok'],
    ['wabaA', 'POST /api/v1/sms/messages', 403, 'wrong_key_type'],
    ['wsB', 'POST /api/v1/sms/messages', 202, 'ok'],
    ['full', 'POST /api/v1/sms/messages', 401, 'wrong_key_family'],
    ['wsA', 'GET /v1/posts', 401, 'wrong_key_family'],
    ['postsRead', 'POST /v1/posts', 403, 'insufficient_scope'],
    ['limited', 'GET /v1/posts', 200, 'ok'],
    ['full', 'GET /nowhere', 404, 'not_found'],
  ] as const)('%s at %s → %i %s', (name, endpoint, status, reason) => {
    expect(dry(name, endpoint)).toMatchObject({ status, reason });
  });
  it('checks a named channel', () => {
    expect(dry('wsB', 'POST /api/v1/sms/messages', 'sms_a')).toMatchObject({ status: 403, reason: 'wrong_channel' });
    expect(dry('wsB', 'POST /api/v1/sms/messages', 'sms_b1')).toMatchObject({ status: 202, extras: { channel_id: 'sms_b1' } });
  });
  it('never rate-limits', () => {
    for (let i = 0; i < 5; i++) expect(dry('limited', 'GET /v1/posts').status).toBe(200);
  });

  it('warns, keeping the verdict, when a real request would have to name the channel', () => {
    expect(dry('wsB', 'POST /api/v1/sms/messages')).toMatchObject({
      valid: true, status: 202,
      warnings: [{ code: 'channel_id_required', message: expect.stringContaining('2 sms channels (sms_b1, sms_b2): a real request must name one as channel_id') }],
    });
    expect(dry('wabaA', 'POST /api/v1/whatsapp/messages').warnings).toEqual([expect.objectContaining({ code: 'channel_id_required' })]);
    expect(dry('wsB', 'POST /api/v1/sms/messages', 'sms_b1').warnings).toEqual([]);
    expect(dry('wsA', 'POST /api/v1/sms/messages').warnings).toEqual([]);
    // A real request is refused instead, and carries no warning.
    expect(decide('POST', '/api/v1/sms/messages', { xo: '$wsB', body: SMS })).toMatchObject({ status: 422, warnings: [] });
  });

  it('says when the workspace or WABA has no channel of the endpoint\'s type, with the command that adds one', () => {
    expect(dry('wsC', 'POST /api/v1/sms/messages')).toMatchObject({
      status: 403, reason: 'wrong_channel', message: 'Workspace "ws_c" has no sms channel to send through',
      hint: 'add one: `octo channels add NAME --workspace ws_c --type sms`',
    });
    expect(decide('POST', '/api/v1/telegram/messages', { xo: '$wsB', body: { chat_id: 1, body: 'x' } })).toMatchObject({
      status: 403, reason: 'wrong_channel', message: 'Workspace "ws_b" has no telegram channel to send through',
    });
    expect(dry('wsA', 'POST /api/v1/sms/messages', 'nope')).toMatchObject({ reason: 'wrong_channel', message: 'The channel_id names no channel' });
    expect(dry('wsA', 'POST /api/v1/sms/messages', 'sms_b1')).toMatchObject({ reason: 'wrong_channel', message: 'This API key cannot send through this channel' });
  });

  it('looks at the verifier\'s rate-limit counters without counting: at the limit it warns and stays valid', () => {
    const limiter = new FixedWindowLimiter();
    const dryAt = () => dryRunIn({ key: S.limited!, endpoint: { method: 'GET', path: '/v1/posts' }, channelId: null, now: NOW + 20_500 }, world.lookup, limiter);
    expect(dryAt().warnings).toEqual([]);
    decide('GET', '/v1/posts', { auth: 'Bearer $limited' }, limiter);
    expect(dryAt().warnings).toEqual([]);
    decide('GET', '/v1/posts', { auth: 'Bearer $limited' }, limiter);
    for (let i = 0; i < 3; i++) {
      expect(dryAt()).toMatchObject({
        valid: true, status: 200,
        warnings: [{ code: 'rate_limited', message: 'This key is at its rate limit (2 per 60 s): a real request now is refused with 429 rate_limited; retry after 40 s' }],
      });
    }
    expect(decide('GET', '/v1/posts', { auth: 'Bearer $limited' }, limiter, NOW + 59_000).status).toBe(429);
  });

  it('judges what it was given as a key whatever the endpoint: a pasted header is malformed_key, said in words', () => {
    for (const endpoint of [null, 'POST /api/v1/sms/messages', 'GET /v1/posts']) {
      expect(dry(`Bearer ${S.full}`, endpoint)).toMatchObject({
        status: 401, reason: 'malformed_key', key: null, message: 'This is a whole Authorization header value ("Bearer …"), not a key',
        hint: expect.stringContaining('paste only the key that follows "Bearer "'),
      });
    }
    // An unknown path or method is still told first.
    expect(dry(`Bearer ${S.full}`, 'GET /nowhere')).toMatchObject({ status: 404 });
  });
});

describe('the decision keeps nothing between requests (the verifier caches, in app/)', () => {
  const presented = (key: string) => readRequest('GET', '/v1/posts', { octopodsAuth: [], authorization: [`Bearer ${key}`] }, () => ({ ok: false }));
  const brief = (v: { status: number; reason: string; key: { id: string } | null }) => [v.status, v.reason, v.key?.id ?? null];

  it('judges what it is told the key is, each time: the same Identified in, the same verdict out', () => {
    const read = presented(S.full!);
    if (!(read instanceof Presented)) throw new Error('the header was refused');
    // What the decision may read of its lookup: the channels of step 4, never a key, never a memo.
    const touched = new Set<PropertyKey>();
    const lookup = new Proxy(world.lookup, { get: (target, name, receiver) => (touched.add(name), Reflect.get(target, name, receiver)) });
    const deps = { lookup, limiter: new FixedWindowLimiter() };
    const told: Identified[] = [world.record.full!, world.record.revoked!, 'unknown_key', world.record.wsA!, 'malformed_key', world.record.full!];
    const verdicts = told.map((found) => brief(decideRequest(read, found, NOW, deps)));
    expect(verdicts).toEqual([
      [200, 'ok', 'key_full'], [401, 'revoked', 'key_revoked'], [401, 'unknown_key', null],
      [401, 'wrong_key_family', 'key_wsA'], [401, 'malformed_key', null], [200, 'ok', 'key_full'],
    ]);
    expect(told.map((found) => brief(decideRequest(read, found, NOW, deps)))).toEqual(verdicts);
    expect([...touched]).toEqual([]);
    const sms = readRequest('POST', '/api/v1/sms/messages', { octopodsAuth: [S.wsB!], authorization: [] }, () => parseJsonBody(JSON.stringify({ ...SMS, channel_id: 'sms_b2' })));
    if (!(sms instanceof Presented)) throw new Error('the header was refused');
    expect(brief(decideRequest(sms, world.record.wsB!, NOW, deps))).toEqual([202, 'ok', 'key_wsB']);
    expect([...touched].sort()).toEqual(['channel']);
  });

  it('reads the key from its header without asking anyone what it is', () => {
    expect(presented(S.full!)).toMatchObject({ key: S.full, route: { name: 'GET /v1/posts' } });
    expect(presented('oct_live_nope')).toMatchObject({ key: 'oct_live_nope' });
    expect(readRequest('GET', '/v1/posts', { octopodsAuth: [], authorization: [] }, () => ({ ok: false }))).toMatchObject({ reason: 'missing_key' });
  });
});

describe('the outcome table', () => {
  it('covers the closed set of reasons of SPEC §6', () => {
    expect(FAIL_REASONS).toEqual(expect.arrayContaining([
      'missing_key', 'wrong_scheme', 'malformed_header', 'malformed_key', 'unknown_key', 'wrong_key_family', 'revoked',
      'rotated', 'expired', 'test_key_on_live_endpoint', 'wrong_key_type', 'wrong_channel', 'insufficient_scope', 'rate_limited',
    ]));
  });
});

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, revokeKey, rotateKey } from '../../src/app/keys.js';
import { addChannel, addWaba, addWorkspace } from '../../src/app/subjects.js';
import { Sandbox } from '../helpers/cli.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/**
 * `octo keys verify` as a user runs it: the built binary against a temporary keystore, with and
 * without `--server`, and the promise that it, `POST /v1/keys/verify` and a real request to
 * `octo serve` never disagree.
 */
let sandbox: Sandbox;
let serve: RunningServe;
const K: Record<string, { id: string; secret: string }> = {};

const VERDICT_FIELDS = ['valid', 'status', 'code', 'reason', 'message', 'key', 'endpoint'];
type Verdict = Record<string, unknown> & { valid: boolean; status: number; code: string; reason: string; key: Record<string, unknown> | null };

async function verify(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await sandbox.run(['keys', 'verify', ...args, '--json'], opts);
  return { code: r.code, stderr: r.stderr, verdict: r.stdout ? (JSON.parse(r.stdout) as Verdict) : null };
}

beforeAll(async () => {
  sandbox = new Sandbox();
  const ctx = new AppContext(sandbox.env);
  await addWorkspace(ctx, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(ctx, { name: 'Support line', workspace: 'acme', type: 'sms', id: 'sms1' });
  await addChannel(ctx, { name: 'Backup line', workspace: 'acme', type: 'sms', id: 'sms2' });
  await addWaba(ctx, { name: 'Acme WABA', workspace: 'acme', id: 'waba1' });
  await addChannel(ctx, { name: '+1 555 0100', workspace: 'acme', type: 'whatsapp', waba: 'waba1', id: 'wa1' });
  const keep = (name: string, issued: { key: { id: string }; secret: string }) => (K[name] = { id: issued.key.id, secret: issued.secret });
  keep('sms', (await createKey(ctx, { kind: 'channel', channel: 'sms1' })));
  keep('ws', (await createKey(ctx, { kind: 'workspace', workspace: 'acme' })));
  keep('waba', (await createKey(ctx, { kind: 'waba', waba: 'waba1' })));
  keep('full', (await createKey(ctx, { kind: 'bearer', name: 'full' })));
  keep('read', (await createKey(ctx, { kind: 'bearer', name: 'read', scopes: ['posts:read'] })));
  keep('test', (await createKey(ctx, { kind: 'bearer', name: 'test', test: true })));
  keep('limited', (await createKey(ctx, { kind: 'bearer', name: 'limited', rateLimit: { limit: 1, window_s: 3600 } })));
  keep('spent', (await createKey(ctx, { kind: 'bearer', name: 'spent', rateLimit: { limit: 1, window_s: 3600 } })));
  keep('revoked', (await createKey(ctx, { kind: 'bearer', name: 'revoked' })));
  await revokeKey(ctx, K.revoked!.id, null);
  keep('oldSms', (await createKey(ctx, { kind: 'channel', channel: 'sms2' })));
  keep('newSms', (await rotateKey(ctx, K.oldSms!.id, 0)));
  await ctx.close();
  serve = await startServe(sandbox);
});

afterAll(async () => {
  await serve?.stop('SIGKILL');
  sandbox?.cleanup();
});

describe('where the key comes from', () => {
  it('takes it from the argument, from stdin with -, and from OCTO_KEY, with the same verdict', async () => {
    const endpoint = ['--endpoint', 'POST /api/v1/sms/messages'];
    const fromArg = await verify([K.sms!.secret, ...endpoint]);
    const fromStdin = await verify(['-', ...endpoint], { input: `${K.sms!.secret}\n` });
    const fromEnv = await verify(endpoint, { env: { OCTO_KEY: K.sms!.secret } });
    for (const r of [fromArg, fromStdin, fromEnv]) {
      expect(r.code).toBe(0);
      expect(r.verdict).toEqual(fromArg.verdict);
    }
    expect(Object.keys(fromArg.verdict!).slice(0, VERDICT_FIELDS.length)).toEqual(VERDICT_FIELDS);
    expect(fromArg.verdict).toMatchObject({
      valid: true, status: 202, code: 'ok', reason: 'ok', endpoint: 'POST /api/v1/sms/messages', channel_id: 'sms1',
      key: { id: K.sms!.id, kind: 'channel', label: 'Twilio API Key', masked: expect.stringMatching(/^octo_ch_\w{4}…\w{4}$/) },
    });
  });

  it('is a usage error (exit 2) when there is no key, naming the three ways to give one', async () => {
    for (const args of [[], ['-']]) {
      const r = await sandbox.run(['keys', 'verify', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/hint: .*argument.*- .*OCTO_KEY/);
    }
  });
});

describe('verdicts and exit codes', () => {
  it.each([
    ['sms', null, 0, 200, 'ok'],
    ['revoked', null, 1, 401, 'revoked'],
    ['oldSms', null, 1, 400, 'rotated'],
    ['waba', 'POST /api/v1/sms/messages', 1, 403, 'wrong_key_type'],
    ['ws', 'POST /api/v1/viber/broadcasts', 1, 403, 'wrong_key_type'],
    ['read', 'DELETE /v1/posts/p1', 1, 403, 'insufficient_scope'],
    ['test', 'POST /v1/posts/p1/publish', 1, 401, 'test_key_on_live_endpoint'],
    ['full', 'GET /v1/nothing-here', 1, 404, 'not_found'],
  ])('%s at %s → exit %i, %i %s', async (name, endpoint, code, status, reason) => {
    const r = await verify([K[name]!.secret, ...(endpoint ? ['--endpoint', endpoint] : [])]);
    expect([r.code, r.verdict!.status, r.verdict!.reason, r.verdict!.valid]).toEqual([code, status, reason, code === 0]);
    expect(r.verdict!.endpoint).toBe(endpoint);
  });

  it('reports a typo as malformed_key with no key object', async () => {
    const typo = K.full!.secret.slice(0, -1) + (K.full!.secret.endsWith('a') ? 'b' : 'a');
    const r = await verify([typo]);
    expect([r.code, r.verdict]).toEqual([1, expect.objectContaining({ status: 401, reason: 'malformed_key', key: null })]);
  });

  it('checks a channel named with --channel, and without one accepts a key that serves several', async () => {
    const several = await verify([K.ws!.secret, '--endpoint', 'POST /api/v1/sms/messages']);
    expect([several.code, several.verdict!.status, several.verdict!.channel_id]).toEqual([0, 202, undefined]);
    expect((await verify([K.ws!.secret, '--endpoint', 'POST /api/v1/sms/messages', '--channel', 'sms2'])).verdict).toMatchObject({ status: 202, channel_id: 'sms2' });
    expect((await verify([K.sms!.secret, '--endpoint', 'POST /api/v1/sms/messages', '--channel', 'sms2'])).verdict).toMatchObject({ status: 403, reason: 'wrong_channel' });
  });

  it('refuses a malformed --endpoint or --server as a usage error', async () => {
    expect((await sandbox.run(['keys', 'verify', K.sms!.secret, '--endpoint', 'sms messages'])).code).toBe(2);
    expect((await sandbox.run(['keys', 'verify', K.sms!.secret, '--server', 'not a url'])).code).toBe(2);
  });

  it('prints a coloured-when-possible verdict for people: the reason, what to do, the masked key, never the key', async () => {
    const r = await sandbox.run(['keys', 'verify', '-', '--endpoint', 'POST /api/v1/whatsapp/messages'], { input: K.sms!.secret });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✘ refused  POST /api/v1/whatsapp/messages → 403 forbidden (wrong_key_type)');
    expect(r.stdout).toContain('This endpoint needs a WhatsApp Business API Key');
    expect(r.stdout).toContain('next: find it with `octo keys list --kind waba`');
    expect(r.stdout).toMatch(/key\s+octo_ch_\w{4}…\w{4}/);
    expect(r.stdout + r.stderr).not.toContain(K.sms!.secret);
    const ok = await sandbox.run(['keys', 'verify', K.full!.secret]);
    expect([ok.code, ok.stdout.split('\n')[0]]).toEqual([0, '✔ valid  format, existence, status and expiry → 200']);
  });

  it('documents itself in --help', async () => {
    const r = await sandbox.run(['keys', 'verify', '--help']);
    expect(r.stdout).toMatch(/--endpoint[\s\S]*--channel[\s\S]*--server[\s\S]*OCTO_KEY[\s\S]*Exit codes: 0/);
  });
});

describe('keys verify, --server and serve agree', () => {
  const BODIES: Record<string, unknown> = {
    'POST /api/v1/sms/messages': { destination_phone: '+15551234567', body: 'Hello from Octopods.', channel_id: 'sms1' },
    'POST /api/v1/whatsapp/messages': { destination_phone: '+15551234567', body: 'hi' },
  };
  const CASES: [string, string][] = [
    ['sms', 'POST /api/v1/sms/messages'], ['ws', 'POST /api/v1/sms/messages'], ['waba', 'POST /api/v1/sms/messages'],
    ['waba', 'POST /api/v1/whatsapp/messages'], ['full', 'POST /api/v1/sms/messages'], ['oldSms', 'POST /api/v1/sms/messages'],
    ['read', 'GET /v1/posts'], ['read', 'POST /v1/posts'], ['sms', 'GET /v1/posts'], ['revoked', 'GET /v1/posts'],
    ['test', 'POST /v1/posts/p1/publish'], ['full', 'PUT /v1/handoff-analytics'], ['full', 'GET /api/v1/sms/messages'],
  ];

  it.each(CASES)('%s at %s', async (name, endpoint) => {
    const key = K[name]!.secret;
    const channel = endpoint === 'POST /api/v1/sms/messages' ? ['--channel', 'sms1'] : [];
    const local = await verify([key, '--endpoint', endpoint, ...channel]);
    const remote = await verify([key, '--endpoint', endpoint, ...channel, '--server', serve.url]);
    // The server records last_used_at in batches each second, so the two readings may straddle a
    // flush made for an earlier case; every other field must agree.
    const withoutLastUse = (r: typeof local) => ({ ...r, verdict: r.verdict && { ...r.verdict, key: r.verdict.key && { ...r.verdict.key, last_used_at: null } } });
    expect(withoutLastUse(remote)).toEqual(withoutLastUse(local));
    const [method, path] = endpoint.split(' ') as [string, string];
    const header: Record<string, string> = path.startsWith('/api/') ? { 'X-Octopods-Auth': key } : { Authorization: `Bearer ${key}` };
    const live = await request(`${serve.url}${path}`, method, header, BODIES[endpoint]);
    const v = local.verdict!;
    expect(live.status).toBe(v.status);
    if (!v.valid) expect({ code: live.body.code, reason: live.body.reason }).toEqual({ code: v.code, reason: v.reason });
  });

  it('never counts a dry run against the rate limit, nor as a use of the key', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await verify([K.limited!.secret, '--endpoint', 'GET /v1/posts', '--server', serve.url]);
      expect(r.verdict!.status).toBe(200);
    }
    const show = await sandbox.json<{ key: { last_used_at: string | null } }>(['keys', 'show', K.limited!.id]);
    expect(show.key.last_used_at).toBeNull();
    const auth = { Authorization: `Bearer ${K.limited!.secret}` };
    expect((await request(`${serve.url}/v1/posts`, 'GET', auth)).status).toBe(200);
    expect((await request(`${serve.url}/v1/posts`, 'GET', auth)).status).toBe(429);
  });

  it('fails with exit 1 and a hint when no verifier answers at --server', async () => {
    const r = await sandbox.run(['keys', 'verify', K.sms!.secret, '--server', 'http://127.0.0.1:9', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({ error: expect.objectContaining({ code: 'server_unreachable', hint: expect.stringContaining('octo serve') }) });
  });
});

describe('what a real request still needs, and what was pasted', () => {
  const SMS = ['--endpoint', 'POST /api/v1/sms/messages'];

  it('keeps a key that serves several channels valid, warning that a request must name one; local and --server agree', async () => {
    const local = await verify([K.ws!.secret, ...SMS]);
    expect(local).toMatchObject({ code: 0, verdict: { valid: true, status: 202 } });
    expect(local.verdict!.warnings).toEqual([{
      code: 'channel_id_required',
      message: 'This key serves 2 sms channels (sms1, sms2): a real request must name one as channel_id, or it is refused with 422 invalid_request',
    }]);
    const remote = await verify([K.ws!.secret, ...SMS, '--server', serve.url]);
    expect(remote.verdict!.warnings).toEqual(local.verdict!.warnings);
    const human = await sandbox.run(['keys', 'verify', K.ws!.secret, ...SMS]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('⚠ This key serves 2 sms channels (sms1, sms2)');
    expect(human.stdout).toContain('next: check one channel: pass --channel CH (id or name)');
    // Named, there is nothing to warn about.
    expect((await verify([K.ws!.secret, ...SMS, '--channel', 'sms2'])).verdict!.warnings).toBeUndefined();
  });

  it('takes --channel by name, as every option naming a subject does', async () => {
    for (const server of [[], ['--server', serve.url]]) {
      const r = await verify([K.ws!.secret, ...SMS, '--channel', 'Backup line', ...server]);
      expect([r.code, r.verdict!.status, r.verdict!.channel_id]).toEqual([0, 202, 'sms2']);
      expect((await verify([K.sms!.secret, ...SMS, '--channel', 'Backup line', ...server])).verdict).toMatchObject({ status: 403, reason: 'wrong_channel' });
    }
  });

  it('warns (--server) that a key at its rate limit would be refused now, and stays valid', async () => {
    const auth = { Authorization: `Bearer ${K.spent!.secret}` };
    expect((await request(`${serve.url}/v1/posts`, 'GET', auth)).status).toBe(200);
    const r = await verify([K.spent!.secret, '--endpoint', 'GET /v1/posts', '--server', serve.url]);
    expect(r).toMatchObject({ code: 0, verdict: { valid: true, status: 200 } });
    expect(r.verdict!.warnings).toEqual([{
      code: 'rate_limited',
      message: expect.stringMatching(/^This key is at its rate limit \(1 per 3600 s\): a real request now is refused with 429 rate_limited; retry after \d+ s$/),
    }]);
    expect((await request(`${serve.url}/v1/posts`, 'GET', auth)).status).toBe(429);
  });

  it('says the workspace has no channel of the endpoint\'s type, and how to add one', async () => {
    const endpoint = ['--endpoint', 'POST /api/v1/telegram/messages'];
    const r = await verify([K.ws!.secret, ...endpoint]);
    expect(r).toMatchObject({ code: 1, verdict: {
      status: 403, reason: 'wrong_channel', message: 'Workspace "Acme" has no telegram channel to send through',
      hint: 'add one: `octo channels add NAME --workspace acme --type telegram`',
    } });
    expect((await verify([K.ws!.secret, ...endpoint, '--server', serve.url])).verdict).toEqual(r.verdict);
    const human = await sandbox.run(['keys', 'verify', K.ws!.secret, ...endpoint]);
    expect(human.stdout).toContain('Workspace "Acme" has no telegram channel to send through');
    expect(human.stdout).toContain('next: add one: `octo channels add NAME --workspace acme --type telegram`');
    expect(human.stdout).not.toContain('cannot send through this channel');
  });

  it.each([
    ['a whole Bearer header value', () => `Bearer ${K.full!.secret}`, 'This is a whole Authorization header value ("Bearer …"), not a key', 'paste only the key that follows "Bearer "'],
    ['a GitHub token', () => `ghp_${'x'.repeat(36)}`, 'This looks like a GitHub token, not an octo key', 'octo keys start with'],
    ['random text', () => 'my api key', 'This is not an octo key: it has none of the octo prefixes', '`octo keys list` shows yours'],
  ])('explains %s (still malformed_key, exit 1), never echoing it', async (_name, pasted, message, hint) => {
    for (const args of [[], SMS, ['--endpoint', 'GET /v1/posts']]) {
      const r = await verify(['-', ...args], { input: pasted() });
      expect(r).toMatchObject({ code: 1, verdict: { valid: false, status: 401, reason: 'malformed_key', key: null, message, hint: expect.stringContaining(hint) } });
      expect(r.stderr).toBe('');
    }
    const human = await sandbox.run(['keys', 'verify', '-'], { input: pasted() });
    expect(human.stdout).toContain(message);
    expect(human.stdout).toMatch(/\n {2}next: .+/);
    expect(human.stdout).toContain(hint);
    expect(human.stdout).not.toContain(K.full!.secret);
  });
});

describe('keys verify without a keystore', () => {
  it('says so (exit 1) and creates none', async () => {
    const empty = new Sandbox();
    try {
      // The default location (a keystore named by OCTO_DB or --db that is missing: keystore-missing.test.ts).
      const r = await empty.run(['keys', 'verify', 'oct_live_' + 'a'.repeat(38)], { env: { OCTO_DB: undefined } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: no keystore at /m);
      expect(r.stderr).toContain('--server');
      expect(existsSync(empty.env.XDG_DATA_HOME!)).toBe(false);
    } finally {
      empty.cleanup();
    }
  });
});

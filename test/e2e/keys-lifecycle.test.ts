import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { checksumOf } from '../../src/core/key-format.js';
import { Sandbox } from '../helpers/cli.js';

interface KeyObject {
  id: string; kind: string; label: string; name: string | null;
  subject: { type: string; id: string; name: string } | null; env: string | null; scopes: string[] | null;
  status: string; masked: string; created_at: string; expires_at: string | null; revoked_at: string | null;
  last_used_at: string | null; replaced_by: string | null; replaces: string | null;
  rate_limit: { limit: number; window_s: number } | null;
}
interface Issued { key: KeyObject; secret: string }

const KEY_FIELDS = [
  'id', 'kind', 'label', 'name', 'subject', 'env', 'scopes', 'status', 'masked', 'created_at', 'expires_at',
  'revoked_at', 'last_used_at', 'replaced_by', 'replaces', 'rate_limit',
].sort();

function expectWellFormed(secret: string, prefix: string): void {
  expect(secret).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{38}$`));
  expect(checksumOf(secret.slice(0, -6))).toBe(secret.slice(-6));
}

describe('keys: create, list, show, copy, scope, rotate, revoke', () => {
  const sb = new Sandbox();
  afterAll(async () => sb.cleanup());

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['workspaces', 'add', 'Globex', '--platform', 'hubspot', '--id', 'globex']);
    await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'waba1']);
    for (const [name, type] of [['sms-line', 'sms'], ['viber-sender', 'viber'], ['tg-bot', 'telegram']]) {
      await sb.json(['channels', 'add', name!, '--workspace', 'acme', '--type', type!, '--id', name!]);
    }
    await sb.json(['channels', 'add', '+15550100', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'waba1', '--id', 'wa1']);
  });

  it('creates a workspace key: the SPEC key object and the secret, once', async () => {
    const r = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    expect(Object.keys(r).sort()).toEqual(['key', 'secret']);
    expect(Object.keys(r.key).sort()).toEqual(KEY_FIELDS);
    expectWellFormed(r.secret, 'octo_ws_');
    expect(r.key).toMatchObject({
      kind: 'workspace', label: 'Workspace API Key', name: null, env: null, scopes: null, status: 'active',
      subject: { type: 'workspace', id: 'acme', name: 'Acme' }, expires_at: null, revoked_at: null,
      last_used_at: null, replaced_by: null, replaces: null, rate_limit: null,
    });
    expect(r.key.id).toMatch(/^key_[0-9A-Za-z]+$/);
    expect(r.key.masked).toBe(`${r.secret.slice(0, 12)}…${r.secret.slice(-4)}`);
    expect(new Date(r.key.created_at).toISOString()).toBe(r.key.created_at);
  });

  it('refuses a second active workspace key (exit 1) and says how to copy or rotate', async () => {
    const r = await sb.run(['keys', 'create', 'workspace', '--workspace', 'Acme']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*already has an active key/m);
    expect(r.stderr).toMatch(/^hint: .*octo keys copy key_.*octo keys rotate key_/m);
    const j = await sb.run(['keys', 'create', 'workspace', '--workspace', 'Acme', '--json']);
    expect(j.stdout).toBe('');
    expect(JSON.parse(j.stderr).error.code).toBe('conflict');
  });

  it.each([
    ['sms-line', 'Twilio API Key'],
    ['viber-sender', 'VBM API Key'],
    ['tg-bot', 'Telegram API Key'],
  ])('labels the key of channel %s as %s', async (channel, label) => {
    const r = await sb.json<Issued>(['keys', 'create', 'channel', '--channel', channel]);
    expectWellFormed(r.secret, 'octo_ch_');
    expect(r.key.label).toBe(label);
    expect(r.key.subject).toMatchObject({ type: 'channel', id: channel });
  });

  it("gives a WhatsApp number its WABA's key, not a channel key", async () => {
    const refused = await sb.run(['keys', 'create', 'channel', '--channel', 'wa1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('octo keys create waba --waba waba1');
    const r = await sb.json<Issued>(['keys', 'create', 'waba', '--waba', 'Acme WABA']);
    expectWellFormed(r.secret, 'octo_wa_');
    expect(r.key.label).toBe('WhatsApp Business API Key');
  });

  it('creates bearer keys: live and test prefixes, scopes, expiry, rate limit', async () => {
    const live = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'Production Server', '--scope', 'posts:read', '--scope', 'posts:write,accounts:read']);
    expectWellFormed(live.secret, 'oct_live_');
    expect(live.key).toMatchObject({ kind: 'bearer', label: 'API Key', name: 'Production Server', env: 'live', subject: null });
    expect(live.key.scopes).toEqual(['accounts:read', 'posts:read', 'posts:write']);

    const test = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'CI', '--test', '--expires-in', '90d', '--rate-limit', '100/1m']);
    expectWellFormed(test.secret, 'oct_test_');
    expect(test.key.env).toBe('test');
    expect(test.key.scopes).toBeNull();
    expect(test.key.rate_limit).toEqual({ limit: 100, window_s: 60 });
    const lifetime = Date.parse(test.key.expires_at!) - Date.parse(test.key.created_at);
    expect(lifetime).toBe(90 * 86_400_000);

    const admin = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'Admin', '--scope', 'admin']);
    expect(admin.key.scopes).toBeNull();
  });

  it('refuses an unknown scope with exit 2, naming the nearest valid one', async () => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'x', '--scope', 'posts:reed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "posts:read"');
    expect(r.stderr).toContain('octo scopes list');
    const ro = await sb.run(['keys', 'create', 'bearer', '--name', 'x', '--scope', 'handoff-analytics:write']);
    expect(ro.code).toBe(2);
  });

  it.each([
    ['--expires-in', '90x'], ['--expires-in', '-1d'], ['--expires-in', '0'], ['--rate-limit', '100'], ['--rate-limit', '10/1y'],
  ])('refuses %s %s as a usage error', async (flag, value) => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'x', flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it('lists keys masked, with filters', async () => {
    const all = await sb.json<{ keys: KeyObject[] }>(['keys', 'list']);
    expect(all.keys.length).toBeGreaterThanOrEqual(8);
    for (const k of all.keys) expect(Object.keys(k).sort()).toEqual(KEY_FIELDS);
    const bearer = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--kind', 'bearer']);
    expect(bearer.keys.every((k) => k.kind === 'bearer')).toBe(true);
    expect(bearer.keys).toHaveLength(3);
    const acme = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--workspace', 'acme']);
    expect(acme.keys.map((k) => k.kind).sort()).toEqual(['channel', 'channel', 'channel', 'waba', 'workspace']);
    const globex = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--workspace', 'globex']);
    expect(globex.keys).toEqual([]);
    const bad = await sb.run(['keys', 'list', '--status', 'sleeping']);
    expect(bad.code).toBe(2);
  });

  it('shows and copies a key by unique id prefix; copy --print returns the created secret', async () => {
    const r = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'globex']);
    const prefix = r.key.id.slice(0, 9);
    const shown = await sb.json<{ key: KeyObject }>(['keys', 'show', prefix]);
    expect(shown.key.id).toBe(r.key.id);
    const printed = await sb.run(['keys', 'copy', r.key.id, '--print']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(r.secret + '\n');
    const human = await sb.run(['keys', 'show', r.key.id]);
    expect(human.stdout).toContain(r.key.masked);
    expect(human.stdout).not.toContain(r.secret);
    // A key that left the keystore is on record: who, and where it went (never the key itself);
    // showing the masked form is not a reveal.
    const audit = await sb.run(['audit', '--key', r.key.id, '--json']);
    expect((JSON.parse(audit.stdout) as { events: unknown[] }).events).toEqual([
      expect.objectContaining({ action: 'key.reveal', actor: 'tester', key_id: r.key.id, subject: { type: 'workspace', id: expect.any(String) }, detail: { to: 'stdout' } }),
      expect.objectContaining({ action: 'key.create', key_id: r.key.id }),
    ]);
    expect(audit.stdout).not.toContain(r.secret);
  });

  it('refuses to copy a bearer key: shown once, never kept', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'once']);
    const r = await sb.run(['keys', 'copy', b.key.id, '--print']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('shown once');
    expect(r.stderr).toContain(`octo keys rotate ${b.key.id}`);
    const audit = await sb.json<{ events: { action: string }[] }>(['audit', '--key', b.key.id]);
    expect(audit.events.map((e) => e.action)).toEqual(['key.create']);
  });

  it('reports an ambiguous prefix as a usage error listing candidates, an unknown id as not found', async () => {
    const amb = await sb.run(['keys', 'show', 'key_']);
    expect(amb.code).toBe(2);
    expect(amb.stderr).toMatch(/matches several keys: key_/);
    const none = await sb.run(['keys', 'show', 'key_doesnotexist', '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stderr)).toEqual({
      error: { code: 'not_found', message: 'no key with id "key_doesnotexist"', hint: 'list key ids with `octo keys list`' },
    });
  });

  it('changes scopes: add, remove, full access, and refuses to empty them', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'scoped', '--scope', 'bots:read']);
    const added = await sb.json<{ key: KeyObject }>(['keys', 'scope', b.key.id, '--add', 'bots:write', '--add', 'channels:read']);
    expect(added.key.scopes).toEqual(['bots:read', 'bots:write', 'channels:read']);
    const removed = await sb.json<{ key: KeyObject }>(['keys', 'scope', b.key.id, '--remove', 'bots:read']);
    expect(removed.key.scopes).toEqual(['bots:write', 'channels:read']);
    const empty = await sb.run(['keys', 'scope', b.key.id, '--remove', 'bots:write', '--remove', 'channels:read']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--full-access');
    const full = await sb.json<{ key: KeyObject }>(['keys', 'scope', b.key.id, '--full-access']);
    expect(full.key.scopes).toBeNull();
    const narrowed = await sb.json<{ key: KeyObject }>(['keys', 'scope', b.key.id, '--add', 'posts:read']);
    expect(narrowed.key.scopes).toEqual(['posts:read']);
    const bad = await sb.run(['keys', 'scope', b.key.id, '--add', 'bots:reed']);
    expect(bad.code).toBe(2);
    const ws = (await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--kind', 'workspace'])).keys[0]!;
    const notBearer = await sb.run(['keys', 'scope', ws.id, '--add', 'posts:read']);
    expect(notBearer.code).toBe(1);
  });

  it('rotates: a new secret, the old key rotated and linked both ways', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'rotating', '--scope', 'posts:read', '--expires-in', '30d']);
    const r = await sb.json<Issued & { replaced: KeyObject }>(['keys', 'rotate', b.key.id, '--grace', '24h']);
    expect(Object.keys(r).sort()).toEqual(['key', 'replaced', 'secret']);
    expect(r.secret).not.toBe(b.secret);
    expectWellFormed(r.secret, 'oct_live_');
    expect(r.key).toMatchObject({ name: 'rotating', scopes: ['posts:read'], status: 'active', replaces: b.key.id });
    expect(Date.parse(r.key.expires_at!) - Date.parse(r.key.created_at)).toBe(30 * 86_400_000);
    expect(r.replaced).toMatchObject({ id: b.key.id, status: 'rotated', replaced_by: r.key.id });
    const again = await sb.run(['keys', 'rotate', b.key.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`octo keys rotate ${r.key.id}`);
  });

  it('rotates a workspace key: one active key per workspace still holds, copy gives the new one', async () => {
    const ws = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'acme']).catch(() => null);
    expect(ws).toBeNull(); // acme already has one
    const current = (await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--kind', 'workspace', '--workspace', 'acme', '--status', 'active'])).keys;
    expect(current).toHaveLength(1);
    const r = await sb.json<Issued>(['keys', 'rotate', current[0]!.id]);
    expect((await sb.run(['keys', 'copy', r.key.id, '--print'])).stdout.trim()).toBe(r.secret);
    const active = (await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--kind', 'workspace', '--workspace', 'acme', '--status', 'active'])).keys;
    expect(active.map((k) => k.id)).toEqual([r.key.id]);
  });

  it('revokes only with --yes off a terminal, records the reason, and refuses twice', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'doomed']);
    const refused = await sb.run(['keys', 'revoke', b.key.id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await sb.json<{ key: KeyObject }>(['keys', 'show', b.key.id])).key.status).toBe('active');
    const r = await sb.json<{ key: KeyObject }>(['keys', 'revoke', b.key.id, '--reason', 'leaked in a screenshot', '--yes']);
    expect(r.key.status).toBe('revoked');
    expect(r.key.revoked_at).not.toBeNull();
    const twice = await sb.run(['keys', 'revoke', b.key.id, '-y']);
    expect(twice.code).toBe(1);
    const revoked = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--status', 'revoked']);
    expect(revoked.keys.map((k) => k.id)).toContain(b.key.id);
    const { events } = await sb.json<{ events: { action: string; key_id: string; detail: Record<string, unknown> | null }[] }>(['audit', '--key', b.key.id]);
    // Newest first, as a log is read.
    expect(events.map((e) => e.action)).toEqual(['key.revoke', 'key.create']);
    expect(events[0]!.detail).toEqual({ reason: 'leaked in a screenshot' });
  });

  it('stores --expires-in as a lifetime from creation', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'a day', '--expires-in', '1d']);
    expect(Date.parse(b.key.expires_at!) - Date.parse(b.key.created_at)).toBe(86_400_000);
    expect(b.key.status).toBe('active');
  });

  it('derives expired at read time', async () => {
    // Issued by the use case the CLI calls, on a clock two days back, for one day: active when
    // written, so only a status derived when read (on the real clock) says expired. No waiting.
    const past = new AppContext(sb.env, undefined, () => Date.now() - 2 * 86_400_000);
    let b: { key: { id: string }; secret: string };
    try {
      b = (await createKey(past, { kind: 'bearer', name: 'short', expiresInSeconds: 86_400 }));
    } finally {
      await past.close();
    }
    expect((await sb.json<{ key: KeyObject }>(['keys', 'show', b.key.id])).key.status).toBe('expired');
    const expired = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--status', 'expired']);
    expect(expired.keys.map((k) => k.id)).toEqual([b.key.id]);
    const active = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--status', 'active']);
    expect(active.keys.map((k) => k.id)).not.toContain(b.key.id);
    const verdict = await sb.run(['keys', 'verify', b.secret, '--endpoint', 'GET /v1/posts', '--json']);
    expect(verdict.code).toBe(1);
    expect(JSON.parse(verdict.stdout)).toMatchObject({ valid: false, status: 401, reason: 'expired' });
  });

  it('audits every change with time, actor and key id, never a secret', async () => {
    const { events } = await sb.json<{ events: { at: string; actor: string; action: string; key_id: string | null }[] }>(['audit']);
    const actions = new Set(events.map((e) => e.action));
    for (const a of ['key.create', 'key.rotate', 'key.revoke', 'key.scope', 'workspace.add']) expect(actions).toContain(a);
    expect(events.every((e) => e.actor === 'tester' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    const raw = (await sb.run(['audit', '--json'])).stdout;
    expect(raw).not.toMatch(/oct(o_(ws|ch|wa|wh)|_(live|test))_[0-9A-Za-z]{38}/);
    const recent = await sb.json<{ events: unknown[] }>(['audit', '--since', '1h']);
    // all but the key.create of the key issued two days ago (above)
    expect(recent.events.length).toBe(events.filter((e) => Date.parse(e.at) > Date.now() - 3_600_000).length);
    expect(recent.events.length).toBe(events.length - 1);
  });
});

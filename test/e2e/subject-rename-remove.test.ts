import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInPty, Sandbox } from '../helpers/cli.js';

interface AuditEvent { action: string; key_id: string | null; subject: { type: string; id: string } | null; detail: Record<string, unknown> | null }
interface KeyJson { id: string; name: string | null; status: string; subject: { type: string; id: string; name: string } | null }

const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string; hint: string } }).error;

/** A workspace `acme` with an SMS line `sms1`, a WABA `wa1` with a number `wa-num`, and a webhook. */
async function world(sb: Sandbox): Promise<void> {
  await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
  await sb.json(['workspaces', 'add', 'Beta', '--platform', 'hubspot', '--id', 'beta']);
  await sb.json(['channels', 'add', 'Support line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
  await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'wa1']);
  await sb.json(['channels', 'add', '+1 555 0100', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'wa1', '--id', 'wa-num']);
}

// `octo audit` lists newest first; these tests read a history in the order it happened.
const audit = async (sb: Sandbox, ...args: string[]) => (await sb.json<{ events: AuditEvent[] }>(['audit', ...args])).events.reverse();

describe('rename', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = new Sandbox();
    await world(sb);
  });
  afterEach(() => sb.cleanup());

  it.each([
    ['workspaces', 'workspace', 'acme', 'Acme', 'Acme Corp', { platform: 'intercom' }],
    ['wabas', 'waba', 'wa1', 'Acme WABA', 'Acme WhatsApp', { workspace: 'acme' }],
    ['channels', 'channel', 'sms1', 'Support line', 'Support (EU)', { type: 'sms', workspace: 'acme', waba: null }],
  ] as const)('renames a %s entry: the JSON of add, an audit entry, the new name resolves and the old does not', async (group, type, id, before, after, fields) => {
    const doc = await sb.json<Record<string, Record<string, unknown>>>([group, 'rename', before, after]);
    expect(doc).toEqual({ [type]: { id, name: after, ...fields, created_at: expect.any(String) } });
    const events = await audit(sb);
    expect(events.at(-1)).toMatchObject({ action: `${type}.rename`, subject: { type, id }, detail: { before, after } });
    // The new name selects it, the old one nothing.
    expect((await sb.json<Record<string, unknown>>([group, 'rename', after, after]))[type]).toMatchObject({ id, name: after });
    const old = await sb.run([group, 'rename', before, 'Whatever', '--json']);
    expect(old.code).toBe(1);
    expect(errorOf(old.stderr)).toMatchObject({ code: 'not_found', message: `no ${type} "${before}"` });
    // Renaming to the name it has records nothing.
    expect((await audit(sb)).length).toBe(events.length);
  });

  it('tells a person what changed', async () => {
    const r = await sb.run(['workspaces', 'rename', 'acme', 'Acme Corp']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Renamed the workspace "Acme" to "Acme Corp" (acme).');
    expect(r.stdout).toBe('');
  });

  it('refuses a name another subject of the type has, or another subject\'s id (exit 1), and an invalid name (exit 2)', async () => {
    const taken = await sb.run(['workspaces', 'rename', 'acme', 'Beta', '--json']);
    expect(taken.code).toBe(1);
    expect(errorOf(taken.stderr)).toMatchObject({ code: 'conflict', message: 'the workspace "Beta" (beta) already has the name "Beta"' });
    const id = await sb.run(['workspaces', 'rename', 'acme', 'beta', '--json']);
    expect(id.code).toBe(1);
    expect(errorOf(id.stderr).message).toBe('the name "beta" is the id of the workspace "Beta" (beta): --workspace beta would select that one');
    const invalid = await sb.run(['channels', 'rename', 'sms1', 'line\tbreak', '--json']);
    expect(invalid.code).toBe(2);
    expect(errorOf(invalid.stderr).code).toBe('usage');
    // A subject may carry its own id as its name; another type's id is no clash.
    expect((await sb.json<{ workspace: { name: string } }>(['workspaces', 'rename', 'acme', 'acme'])).workspace.name).toBe('acme');
    expect((await sb.json<{ channel: { name: string } }>(['channels', 'rename', 'sms1', 'acme'])).channel.name).toBe('acme');
    expect((await sb.json<{ workspaces: { name: string }[] }>(['workspaces', 'list'])).workspaces.map((w) => w.name)).toEqual(['acme', 'Beta']);
  });

  it('of two renames to one name at once, one wins and the other is a conflict', async () => {
    const [a, b] = await Promise.all([
      sb.run(['workspaces', 'rename', 'acme', 'Gamma', '--json']),
      sb.run(['workspaces', 'rename', 'beta', 'Gamma', '--json']),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    expect(errorOf((a.code === 1 ? a : b).stderr).code).toBe('conflict');
    const names = (await sb.json<{ workspaces: { name: string }[] }>(['workspaces', 'list'])).workspaces.map((w) => w.name);
    expect(names.filter((n) => n === 'Gamma')).toHaveLength(1);
  });

  it('renames a bearer key by id, prefix, the key itself or -, and audits it', async () => {
    const created = await sb.json<{ key: KeyJson; secret: string }>(['keys', 'create', 'bearer', '--name', 'CI']);
    const id = created.key.id;
    expect(await sb.json(['keys', 'rename', id, 'CI (staging)'])).toEqual({ key: expect.objectContaining({ id, name: 'CI (staging)' }) });
    expect((await sb.json<{ key: KeyJson }>(['keys', 'rename', created.secret, 'by key'])).key.name).toBe('by key');
    expect((await sb.json<{ key: KeyJson }>(['keys', 'rename', '-', 'by stdin'], { input: created.secret })).key.name).toBe('by stdin');
    expect((await sb.json<{ key: KeyJson }>(['keys', 'rename', id.slice(0, 8), 'by prefix'])).key.name).toBe('by prefix');
    expect((await sb.json<{ key: KeyJson }>(['keys', 'show', id])).key.name).toBe('by prefix');
    const events = await audit(sb, '--key', id);
    expect(events.filter((e) => e.action === 'key.rename').map((e) => e.detail)).toEqual([
      { before: 'CI', after: 'CI (staging)' }, { before: 'CI (staging)', after: 'by key' },
      { before: 'by key', after: 'by stdin' }, { before: 'by stdin', after: 'by prefix' },
    ]);
    const out = JSON.stringify(events);
    expect(out).not.toContain(created.secret);
    const invalid = await sb.run(['keys', 'rename', id, '', '--json']);
    expect(invalid.code).toBe(2);
  });

  it('refuses to rename a workspace key, with a hint that renames its subject', async () => {
    const ws = await sb.json<{ key: KeyJson }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const r = await sb.run(['keys', 'rename', ws.key.id, 'Prod', '--json']);
    expect(r.code).toBe(1);
    const error = errorOf(r.stderr);
    expect(error).toMatchObject({ code: 'wrong_kind', hint: 'rename the workspace instead: `octo workspaces rename acme Prod`' });
    expect((await sb.json<{ key: KeyJson }>(['keys', 'show', ws.key.id])).key.name).toBeNull();
  });
});

describe('remove', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = new Sandbox();
    await world(sb);
  });
  afterEach(() => sb.cleanup());

  it('refuses a subject whose keys are still accepted, and --revoke-keys revokes them and removes it', async () => {
    const key = await sb.json<{ key: KeyJson; secret: string }>(['keys', 'create', 'channel', '--channel', 'sms1']);
    const refused = await sb.run(['channels', 'remove', 'sms1', '--yes', '--json']);
    expect(refused.code).toBe(1);
    const error = errorOf(refused.stderr);
    expect(error).toMatchObject({ code: 'has_active_keys', hint: 'revoke it with the channel: `octo channels remove sms1 --revoke-keys`' });
    expect(error.message).toContain(key.key.id);
    expect((await sb.json<{ channels: { id: string }[] }>(['channels', 'list'])).channels.map((c) => c.id)).toContain('sms1');

    const removed = await sb.json<{ channel: Record<string, unknown>; revoked: KeyJson[] }>(['channels', 'remove', 'sms1', '--revoke-keys', '--yes']);
    expect(removed.channel).toMatchObject({ id: 'sms1', name: 'Support line', type: 'sms', removed_at: expect.any(String) });
    expect(removed.revoked).toEqual([expect.objectContaining({ id: key.key.id, status: 'revoked' })]);

    // The key is refused from now on, and says what it belonged to.
    const verdict = await sb.run(['keys', 'verify', '-', '--json'], { input: key.secret });
    expect(verdict.code).toBe(1);
    expect(JSON.parse(verdict.stdout)).toMatchObject({ valid: false, reason: 'revoked', hint: `its channel sms1 was removed, so no key replaces it: see \`octo audit --key ${key.key.id}\`` });
    const shown = await sb.json<{ key: KeyJson }>(['keys', 'show', key.key.id]);
    expect(shown.key).toMatchObject({ status: 'revoked', subject: { type: 'channel', id: 'sms1', name: 'Support line' } });

    // Its whole history stays readable.
    const history = await audit(sb, '--key', key.key.id);
    expect(history.map((e) => [e.action, e.detail?.reason ?? null])).toEqual([['key.create', null], ['key.revoke', 'subject removed']]);
    expect((await audit(sb)).at(-1)).toMatchObject({ action: 'channel.remove', subject: { type: 'channel', id: 'sms1' }, detail: { name: 'Support line', revoked_keys: [key.key.id] } });
  });

  it('revokes a key in its rotation grace too', async () => {
    const key = await sb.json<{ key: KeyJson }>(['keys', 'create', 'channel', '--channel', 'sms1']);
    const rotated = await sb.json<{ key: KeyJson; secret: string }>(['keys', 'rotate', key.key.id, '--grace', '1h']);
    const removed = await sb.json<{ revoked: KeyJson[] }>(['channels', 'remove', 'sms1', '--revoke-keys', '--yes']);
    expect(removed.revoked.map((k) => k.id).sort()).toEqual([key.key.id, rotated.key.id].sort());
  });

  it('refuses while channels, WABAs or webhooks hang off it, naming them and the commands that remove them', async () => {
    await sb.json(['keys', 'create', 'channel', '--channel', 'sms1']);
    const webhook = await sb.json<{ webhook: { id: string } }>(['webhooks', 'add', 'http://127.0.0.1:9/hook', '--workspace', 'acme']);
    const r = await sb.run(['workspaces', 'remove', 'acme', '--yes', '--json']);
    expect(r.code).toBe(1);
    expect(errorOf(r.stderr)).toEqual({
      code: 'has_dependants',
      message: `the workspace "Acme" (acme) still has 2 channels (sms1, wa-num), 1 WABA (wa1), 1 webhook endpoint (${webhook.webhook.id})`,
      hint: `remove them first: \`octo channels remove sms1 --revoke-keys\`, \`octo channels remove wa-num\`, \`octo wabas remove wa1\`, \`octo webhooks remove ${webhook.webhook.id}\``,
    });
    const waba = await sb.run(['wabas', 'remove', 'wa1', '--yes', '--json']);
    expect(waba.code).toBe(1);
    expect(errorOf(waba.stderr)).toMatchObject({ code: 'has_dependants', hint: 'remove it first: `octo channels remove wa-num`' });

    // The hints, in their order, then work (with --yes off a terminal).
    for (const args of [['channels', 'remove', 'sms1', '--revoke-keys'], ['channels', 'remove', 'wa-num'], ['wabas', 'remove', 'wa1'], ['webhooks', 'remove', webhook.webhook.id]]) {
      expect((await sb.run([...args, '--yes'])).code).toBe(0);
    }
    expect((await sb.json<{ workspace: { removed_at: string } }>(['workspaces', 'remove', 'acme', '--yes'])).workspace.removed_at).toEqual(expect.any(String));
    expect((await sb.json<{ workspaces: { id: string }[] }>(['workspaces', 'list'])).workspaces.map((w) => w.id)).toEqual(['beta']);
  });

  it('off a terminal without --yes: exit 2, naming --yes, and nothing removed', async () => {
    const r = await sb.run(['channels', 'remove', 'Support line', '--json']);
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr)).toMatchObject({ code: 'confirmation_required', hint: 'pass --yes to confirm: `octo channels remove sms1 --yes`' });
    expect((await sb.json<{ channels: { id: string }[] }>(['channels', 'list'])).channels.map((c) => c.id)).toContain('sms1');
  });

  it('on a terminal asks: no removes nothing (exit 1), yes removes', async () => {
    await sb.json(['keys', 'create', 'channel', '--channel', 'sms1']);
    const no = await runInPty(sb, ['channels', 'remove', 'sms1', '--revoke-keys'], [{ expect: 'Remove the channel "Support line" (sms1)?', send: 'n\r' }]);
    expect(no.code, no.output).toBe(1);
    expect(no.output).toContain('Nothing removed.');
    expect((await sb.json<{ keys: KeyJson[] }>(['keys', 'list', '--status', 'active'])).keys).toHaveLength(1);
    expect((await sb.json<{ channels: { id: string }[] }>(['channels', 'list'])).channels.map((c) => c.id)).toContain('sms1');
    const yes = await runInPty(sb, ['channels', 'remove', 'sms1', '--revoke-keys'], [{ expect: 'are revoked', send: 'y\r' }]);
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toContain('Removed the channel "Support line" (sms1); revoked key_');
    expect((await sb.json<{ keys: KeyJson[] }>(['keys', 'list', '--status', 'active'])).keys).toHaveLength(0);
  });

  it('a removed subject is gone for every command but keeps its id and name', async () => {
    await sb.run(['channels', 'remove', 'wa-num', '--yes']);
    await sb.run(['wabas', 'remove', 'wa1', '--yes']);
    expect((await sb.json<{ wabas: unknown[] }>(['wabas', 'list'])).wabas).toEqual([]);
    const add = await sb.run(['channels', 'add', 'New', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'wa1', '--json']);
    expect(add.code).toBe(1);
    expect(errorOf(add.stderr)).toMatchObject({ code: 'not_found', message: 'the waba "Acme WABA" (wa1) was removed' });
    const key = await sb.run(['keys', 'create', 'waba', '--waba', 'Acme WABA', '--json']);
    expect(errorOf(key.stderr).code).toBe('not_found');
    const again = await sb.run(['wabas', 'remove', 'wa1', '--yes', '--json']);
    expect(errorOf(again.stderr).code).toBe('not_found');
    const sameId = await sb.run(['wabas', 'add', 'Other', '--workspace', 'acme', '--id', 'wa1', '--json']);
    expect(sameId.code).toBe(1);
    expect(errorOf(sameId.stderr).message).toBe('the waba "Acme WABA" (wa1, removed) already has the id "wa1"');
    const sameName = await sb.run(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--json']);
    expect(sameName.code).toBe(1);
    expect(errorOf(sameName.stderr).hint).toContain('a removed subject keeps its id and name');
  });

  it('a removed channel is no longer one a workspace key can send through', async () => {
    const ws = await sb.json<{ secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const verify = (channel: string) => sb.run(['keys', 'verify', '-', '--endpoint', 'POST /api/v1/sms/messages', '--channel', channel, '--json'], { input: ws.secret });
    expect((await verify('sms1')).code).toBe(0);
    await sb.run(['channels', 'add', 'Second line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms2']);
    expect((await sb.run(['channels', 'remove', 'sms1', '--yes'])).code).toBe(0);
    const gone = await verify('sms1');
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stdout)).toMatchObject({ valid: false, reason: 'wrong_channel' });
    // With one SMS line left, the key needs no channel_id.
    const only = await sb.run(['keys', 'verify', '-', '--endpoint', 'POST /api/v1/sms/messages', '--json'], { input: ws.secret });
    expect(JSON.parse(only.stdout)).toMatchObject({ valid: true });
    expect(JSON.parse(only.stdout).warnings).toBeUndefined();
  });

  it('a channel added while its workspace is removed: one of the two wins, cleanly, and no channel is left under a removed workspace', async () => {
    for (const round of [1, 2, 3]) {
      const ws = `ws${round}`;
      await sb.json(['workspaces', 'add', `W${round}`, '--platform', 'intercom', '--id', ws]);
      const [add, remove] = await Promise.all([
        sb.run(['channels', 'add', `Line ${round}`, '--workspace', ws, '--type', 'sms', '--json']),
        sb.run(['workspaces', 'remove', ws, '--yes', '--json']),
      ]);
      expect([add.code, remove.code].sort()).toEqual([0, 1]);
      const loser = add.code === 1 ? add : remove;
      expect(['not_found', 'has_dependants']).toContain(errorOf(loser.stderr).code);
      const channels = (await sb.json<{ channels: { workspace: { id: string } }[] }>(['channels', 'list'])).channels;
      const workspaces = (await sb.json<{ workspaces: { id: string }[] }>(['workspaces', 'list'])).workspaces.map((w) => w.id);
      expect(channels.every((c) => workspaces.includes(c.workspace.id))).toBe(true);
    }
  });
});

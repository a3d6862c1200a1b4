import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';

describe('subjects: workspaces, wabas, channels', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['workspaces', 'add', 'Globex', '--platform', 'hubspot']);
  });

  it('adds a workspace and prints it as a keyed JSON object', async () => {
    const r = await sb.json<{ workspace: Record<string, unknown> }>(['workspaces', 'add', 'Initech', '--platform', 'hubspot']);
    expect(r.workspace).toMatchObject({ name: 'Initech', platform: 'hubspot' });
    expect(r.workspace.id).toMatch(/^ws_[0-9A-Za-z]{10}$/);
  });

  it('lists every workspace with its key, or "No API key generated"', async () => {
    const before = await sb.run(['workspaces', 'list', '--no-color']);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('Acme');
    expect(before.stdout).toContain('No API key generated');

    const created = await sb.json<{ key: { masked: string; id: string }; secret: string }>(['keys', 'create', 'workspace', '--workspace', 'Acme']);
    const after = await sb.json<{ workspaces: { id: string; key: { masked: string } | null }[] }>(['workspaces', 'list']);
    const acme = after.workspaces.find((w) => w.id === 'acme')!;
    expect(acme.key?.masked).toBe(created.key.masked);
    expect(after.workspaces.find((w) => w.id !== 'acme')!.key).toBeNull();
    const human = await sb.run(['workspaces', 'list']);
    expect(human.stdout).toContain(created.key.masked);
    expect(human.stdout).not.toContain(created.secret);
  });

  it('refuses an unknown platform as a usage error', async () => {
    const r = await sb.run(['workspaces', 'add', 'X', '--platform', 'zendesk']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown platform "zendesk"\nhint: pass --platform intercom/m);
  });

  it('refuses a duplicate name or id with exit 1', async () => {
    const r = await sb.run(['workspaces', 'add', 'Acme', '--platform', 'intercom']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the workspace "Acme" (acme) already has the name "Acme"');
  });

  it('needs --platform off a terminal (usage error)', async () => {
    const r = await sb.run(['workspaces', 'add', 'NoPlatform']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--platform");
  });

  it('attaches WhatsApp numbers to a WABA and refuses one without', async () => {
    const waba = await sb.json<{ waba: { id: string } }>(['wabas', 'add', 'Acme WABA', '--workspace', 'acme']);
    const noWaba = await sb.run(['channels', 'add', '+15550100', '--workspace', 'acme', '--type', 'whatsapp']);
    expect(noWaba.code).toBe(2);
    expect(noWaba.stderr).toContain('--waba');
    const ch = await sb.json<{ channel: { waba: string; type: string } }>([
      'channels', 'add', '+15550100', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'Acme WABA',
    ]);
    expect(ch.channel).toMatchObject({ type: 'whatsapp', waba: waba.waba.id });
    const smsWithWaba = await sb.run(['channels', 'add', 'sms1', '--workspace', 'acme', '--type', 'sms', '--waba', 'Acme WABA']);
    expect(smsWithWaba.code).toBe(2);
  });

  it('refuses a WABA of another workspace', async () => {
    await sb.json(['wabas', 'add', 'Globex WABA', '--workspace', 'Globex']);
    const r = await sb.run(['channels', 'add', '+15550199', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'Globex WABA']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('another workspace');
  });

  it('lists channels with the key that serves them: a WhatsApp number shows its WABA key', async () => {
    await sb.json(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'ch_support']);
    const waba = await sb.json<{ key: { id: string; label: string } }>(['keys', 'create', 'waba', '--waba', 'Acme WABA']);
    const list = await sb.json<{ channels: { name: string; key: { id: string; label: string } | null; waba: { name: string } | null }[] }>(
      ['channels', 'list', '--workspace', 'acme'],
    );
    const wa = list.channels.find((c) => c.name === '+15550100')!;
    expect(wa.key?.id).toBe(waba.key.id);
    expect(wa.key?.label).toBe('WhatsApp Business API Key');
    expect(wa.waba?.name).toBe('Acme WABA');
    expect(list.channels.find((c) => c.name === 'Support')!.key).toBeNull();
  });

  it('resolves a subject by unique id prefix and names the candidates when ambiguous', async () => {
    await sb.json(['workspaces', 'add', 'P1', '--platform', 'intercom', '--id', 'prefix-one']);
    await sb.json(['workspaces', 'add', 'P2', '--platform', 'intercom', '--id', 'prefix-two']);
    const ok = await sb.json<{ wabas: unknown[] }>(['wabas', 'list', '--workspace', 'prefix-o']);
    expect(ok.wabas).toEqual([]);
    const amb = await sb.run(['wabas', 'list', '--workspace', 'prefix-']);
    expect(amb.code).toBe(2);
    expect(amb.stderr).toContain('prefix-one');
    expect(amb.stderr).toContain('prefix-two');
    const none = await sb.run(['wabas', 'list', '--workspace', 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('octo workspaces list');
  });

  it('records every subject added in the audit log with the actor', async () => {
    const { events } = await sb.json<{ events: { action: string; actor: string }[] }>(['audit']);
    const actions = events.map((e) => e.action);
    expect(actions).toContain('workspace.add');
    expect(actions).toContain('waba.add');
    expect(actions).toContain('channel.add');
    expect(new Set(events.map((e) => e.actor))).toEqual(new Set(['tester']));
  });
});

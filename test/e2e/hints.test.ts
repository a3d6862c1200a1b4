import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type RunResult } from '../helpers/cli.js';
import { hintedCommand, runHinted } from '../helpers/hints.js';

interface KeyObject {
  id: string; name: string | null; env: string | null; scopes: string[] | null; status: string;
  subject: { id: string } | null; rate_limit: { limit: number; window_s: number } | null;
}
interface Issued { key: KeyObject; secret: string }
interface Rotated extends Issued { replaced: KeyObject }

/** A refusal (exit 1 or 2, `hint:` holding a real id, no placeholder) whose hinted command then works. */
async function expectHintWorks(sb: Sandbox, refused: RunResult, extra = ''): Promise<RunResult> {
  expect(refused.code === 1 || refused.code === 2).toBe(true);
  const hint = /^hint: (.*)$/m.exec(refused.stderr)?.[1] ?? '';
  expect(hintedCommand(hint)).not.toMatch(/\b(KEY_ID|ID|WS|WABA|CH)\b/);
  const r = await runHinted(sb, hint, extra);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('every hint names a command that works, with the real id', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['workspaces', 'add', 'Globex', '--platform', 'hubspot', '--id', 'globex']);
    await sb.json(['wabas', 'add', 'Globex WABA', '--workspace', 'globex', '--id', 'gw']);
  });

  it('copying an active bearer key points at rotating it', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'copy me']);
    const r = await expectHintWorks(sb, await sb.run(['keys', 'copy', b.key.id]), '--json');
    expect((JSON.parse(r.stdout) as Rotated).replaced.id).toBe(b.key.id);
  });

  it('copying a rotated bearer key points at rotating the key in use now, not the rotated one', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'chain']);
    const second = await sb.json<Rotated>(['keys', 'rotate', b.key.id]);
    const third = await sb.json<Rotated>(['keys', 'rotate', second.key.id]);
    const copy = await sb.run(['keys', 'copy', b.key.id]);
    expect(copy.stderr).toContain(`octo keys rotate ${third.key.id}`);
    const rotate = await sb.run(['keys', 'rotate', b.key.id]);
    expect(rotate.stderr).toContain(`octo keys rotate ${third.key.id}`);
    const r = await expectHintWorks(sb, rotate, '--json');
    expect((JSON.parse(r.stdout) as Rotated).replaced.id).toBe(third.key.id);
  });

  it('with every key of the chain revoked, the hint creates a key like it (name quoted for the shell, scopes, env, rate limit)', async () => {
    const name = `Bob's "CI" pipeline $HOME`;
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', name, '--scope', 'posts:read', '--scope', 'bots:write', '--test', '--rate-limit', '100/1m']);
    const second = await sb.json<Rotated>(['keys', 'rotate', b.key.id]);
    await sb.json(['keys', 'revoke', second.key.id, '--yes']);
    for (const args of [['keys', 'copy', b.key.id], ['keys', 'rotate', b.key.id], ['keys', 'rotate', second.key.id]]) {
      const r = await expectHintWorks(sb, await sb.run(args), '--json');
      const created = JSON.parse(r.stdout) as Issued;
      expect(created.key).toMatchObject({ name, env: 'test', scopes: ['bots:write', 'posts:read'], rate_limit: { limit: 100, window_s: 60 } });
    }
  });

  it('rotating a revoked workspace key points at the key the workspace has now, or at creating one', async () => {
    const first = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    await sb.json(['keys', 'revoke', first.key.id, '--yes']);
    const none = await sb.run(['keys', 'rotate', first.key.id]);
    expect(none.stderr).toContain('`octo keys create workspace --workspace acme`');
    const created = JSON.parse((await expectHintWorks(sb, none, '--json')).stdout) as Issued;
    const again = await sb.run(['keys', 'rotate', first.key.id]);
    expect(again.stderr).toContain(`\`octo keys rotate ${created.key.id}\``);
    await expectHintWorks(sb, again);
  });

  it('a channel key for a WhatsApp number: create the WABA key, then (once it exists) copy it', async () => {
    await sb.json(['channels', 'add', '+1 555 0100', '--workspace', 'globex', '--type', 'whatsapp', '--waba', 'gw', '--id', 'wa1']);
    const first = await sb.run(['keys', 'create', 'channel', '--channel', 'wa1']);
    expect(first.stderr).toContain('`octo keys create waba --waba gw`');
    const waba = JSON.parse((await expectHintWorks(sb, first, '--json')).stdout) as Issued;
    const second = await sb.run(['keys', 'create', 'channel', '--channel', 'wa1']);
    expect(second.stderr).toContain(`\`octo keys copy ${waba.key.id}\``);
    // Off a desktop there is no clipboard: the same command with --print (what copy's own hint says).
    expect((await expectHintWorks(sb, second, '--print')).stdout).toBe(`${waba.secret}\n`);
  });

  it('a WhatsApp number without --waba, or with another workspace\'s WABA, is told its workspace\'s WABAs by id', async () => {
    const none = await sb.run(['channels', 'add', '+1 555 0199', '--workspace', 'acme', '--type', 'whatsapp']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('hint: the workspace acme has no WABA yet: add one with `octo wabas add NAME --workspace acme`');
    const other = await sb.run(['channels', 'add', '+1 555 0199', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'gw']);
    expect(other.stderr).toMatch(/the WABA "gw" belongs to another workspace\nhint: the workspace acme has no WABA yet/);
    const missing = await sb.run(['channels', 'add', '+1 555 0198', '--workspace', 'globex', '--type', 'whatsapp']);
    expect(missing.stderr).toContain('hint: pass a WABA of the workspace globex: --waba gw (Globex WABA)');
    const ok = await sb.run(['channels', 'add', '+1 555 0198', '--workspace', 'globex', '--type', 'whatsapp', '--waba', 'gw']);
    expect(ok.code).toBe(0);
  });

  it('keys scope hints name the key and work', async () => {
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'scoped']);
    const nothing = await sb.run(['keys', 'scope', b.key.id]);
    expect(nothing.stderr).toContain(`\`octo keys scope ${b.key.id} --add posts:read\``);
    await expectHintWorks(sb, nothing);
    const last = await sb.run(['keys', 'scope', b.key.id, '--remove', 'posts:read']);
    expect(last.stderr).toContain(`octo keys scope ${b.key.id} --full-access`);
    await expectHintWorks(sb, last);
    const fullAccess = await sb.run(['keys', 'scope', b.key.id, '--remove', 'posts:read']);
    await expectHintWorks(sb, fullAccess);
  });

  it('an empty listing narrowed to a workspace says how to add the first, with that workspace', async () => {
    const wabas = await sb.run(['wabas', 'list', '--workspace', 'Acme']);
    expect(wabas.stderr).toBe('No WABAs yet. Add one with `octo wabas add NAME --workspace acme`.\n');
    const channels = await sb.run(['channels', 'list', '--workspace', 'Acme']);
    expect(channels.stderr).toBe('No channels yet. Add one with `octo channels add NAME --workspace acme --type sms`.\n');
  });
  it('keys verify of a revoked key: the hint is the key in use now, or a create that works (never a bare `octo keys create`)', async () => {
    const verify = (secret: string) => sb.run(['keys', 'verify', '-', '--json'], { input: secret });
    const b = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'verify me', '--scope', 'posts:read']);
    await sb.json(['keys', 'revoke', b.key.id, '--yes']);
    const lone = JSON.parse((await verify(b.secret)).stdout) as { reason: string; hint?: string };
    expect(lone.reason).toBe('revoked');
    const created = JSON.parse((await runHinted(sb, lone.hint ?? '', '--json')).stdout) as Issued;
    expect(created.key).toMatchObject({ name: 'verify me', scopes: ['posts:read'] });

    await sb.json(['workspaces', 'add', 'Initech', '--platform', 'intercom', '--id', 'initech']);
    const old = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'initech']);
    await sb.json(['keys', 'revoke', old.key.id, '--yes']);
    const now = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'initech']);
    const replaced = JSON.parse((await verify(old.secret)).stdout) as { hint?: string };
    expect(replaced.hint).toContain(`use ${now.key.id}`);
    const copied = await runHinted(sb, replaced.hint ?? '');
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stdout.trim()).toBe(now.secret);
  });
});

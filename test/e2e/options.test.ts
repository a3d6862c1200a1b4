import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';

/** An option either has its effect or is a usage error that names it (exit 2), and nothing is made. */
describe('options a command does not take for this kind', () => {
  const sb = new Sandbox();
  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'wb']);
    await sb.json(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'sup']);
  });
  afterAll(() => sb.cleanup());

  // [command, the option named, what it does not apply to]
  it.each<[string[], string, string]>([
    [['keys', 'create', 'bearer', '--name', 'CI', '--workspace', 'acme'], '--workspace', 'a bearer key'],
    [['keys', 'create', 'bearer', '--name', 'CI', '--channel', 'sup'], '--channel', 'a bearer key'],
    [['keys', 'create', 'bearer', '--name', 'CI', '--waba', 'wb'], '--waba', 'a bearer key'],
    [['keys', 'create', 'workspace', '--workspace', 'acme', '--name', 'n'], '--name', 'a workspace key'],
    [['keys', 'create', 'workspace', '--workspace', 'acme', '--scope', 'posts:read'], '--scope', 'a workspace key'],
    [['keys', 'create', 'workspace', '--workspace', 'acme', '--test'], '--test', 'a workspace key'],
    [['keys', 'create', 'workspace', '--workspace', 'acme', '--expires-in', '90d'], '--expires-in', 'a workspace key'],
    [['keys', 'create', 'workspace', '--workspace', 'acme', '--channel', 'sup'], '--channel', 'a workspace key'],
    [['keys', 'create', 'channel', '--channel', 'sup', '--workspace', 'acme'], '--workspace', 'a channel key'],
    [['keys', 'create', 'channel', '--channel', 'sup', '--scope', 'posts:read'], '--scope', 'a channel key'],
    [['keys', 'create', 'waba', '--waba', 'wb', '--test'], '--test', 'a WABA key'],
    [['keys', 'create', 'waba', '--waba', 'wb', '--expires-in', '7d'], '--expires-in', 'a WABA key'],
    [['channels', 'add', 'Line 2', '--workspace', 'acme', '--type', 'sms', '--waba', 'wb'], '--waba', 'an sms channel'],
    [['channels', 'add', 'Bot', '--workspace', 'acme', '--type', 'telegram', '--waba', 'wb'], '--waba', 'a telegram channel'],
  ])('%j: exit 2 naming %s', async (args, flag, what) => {
    const before = await sb.json<{ keys: unknown[] }>(['keys', 'list']);
    const r = await sb.run(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error: ${flag} does not apply to ${what}\\nhint: ${flag} is for .+; drop it \\(${what} takes `));
    const j = await sb.run([...args, '--json']);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'option_not_applicable', message: `${flag} does not apply to ${what}` } });
    expect((await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys).toEqual(before.keys);
    expect((await sb.json<{ channels: unknown[] }>(['channels', 'list'])).channels).toHaveLength(1);
  });

  it('options of two kinds without a kind: a usage error naming both, before any question', async () => {
    const r = await sb.run(['keys', 'create', '--name', 'CI', '--workspace', 'acme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --workspace and --name do not go together\n' +
      'hint: --workspace is for a workspace key, --name is for a bearer key: keep the options of one\n');
  });

  it('every option that applies has its effect', async () => {
    const bearer = await sb.json<{ key: Record<string, unknown> }>(['keys', 'create', 'bearer', '--name', 'CI', '--scope', 'posts:read',
      '--test', '--expires-in', '90d', '--rate-limit', '100/1m']);
    expect(bearer.key).toMatchObject({ name: 'CI', env: 'test', scopes: ['posts:read'], rate_limit: { limit: 100, window_s: 60 }, expires_at: expect.any(String) });
    const ws = await sb.json<{ key: Record<string, unknown> }>(['keys', 'create', 'workspace', '--workspace', 'acme', '--rate-limit', '5/1s']);
    expect(ws.key).toMatchObject({ kind: 'workspace', subject: { id: 'acme' }, rate_limit: { limit: 5, window_s: 1 } });
    const wa = await sb.json<{ channel: Record<string, unknown> }>(['channels', 'add', '+1 555 0100', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'wb']);
    expect(wa.channel).toMatchObject({ type: 'whatsapp', waba: 'wb' });
  });

  it('says in --help which kind each option is for', async () => {
    const help = (await sb.run(['keys', 'create', '--help'])).stdout;
    expect(help).toMatch(/--workspace <ws>\s+workspace id or name \(kind workspace\)/);
    expect(help).toMatch(/--test\s+a test key \(oct_test_\) instead of a live one \(kind\s+bearer\)/);
    expect(help).toMatch(/--rate-limit <n\/window>\s+at most N requests per window, e\.g\. 100\/1m\n/);
    expect(help).not.toContain('(default: [])');
    expect((await sb.run(['channels', 'add', '--help'])).stdout).toMatch(/--waba <waba>[^\n]*\n[^\n]*\(type whatsapp\)/);
  });
});

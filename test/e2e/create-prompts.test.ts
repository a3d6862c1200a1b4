import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInPty, Sandbox } from '../helpers/cli.js';

interface Listed { name: string; scopes: string[] | null }

/** Full access is a choice of its own at the scopes prompt: two Enters never make a key that may do everything. */
describe('keys create bearer: the scopes prompt', () => {
  const sb = new Sandbox();
  // The keystore exists before the first listing reads it.
  beforeAll(() => sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom']));
  afterAll(() => sb.cleanup());
  const bearers = async () => (await sb.json<{ keys: Listed[] }>(['keys', 'list', '--kind', 'bearer'])).keys;

  it('Enter with nothing ticked asks again, and creates nothing', async () => {
    const r = await runInPty(sb, ['keys', 'create', 'bearer'], [
      { expect: 'Name of the key', send: 'Two enters\r' },
      { expect: 'Scopes', send: '\r' },
      { expect: 'Tick the scopes this key needs, or "Full access"', send: '\u0003' },
    ]);
    expect(r.code, r.output).toBe(130);
    expect(r.output).not.toMatch(/oct_live_/);
    expect(await bearers()).toEqual([]);
  });

  it('Full access, chosen, makes a full-access key and says so', async () => {
    const r = await runInPty(sb, ['keys', 'create', 'bearer'], [
      { expect: 'Name of the key', send: 'Everything\r' },
      { expect: 'Full access: every scope', send: ' \r' },
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Created API Key key_\w+ "Everything" \(live, full access\)/);
    expect(await bearers()).toEqual([expect.objectContaining({ name: 'Everything', scopes: null })]);
  });

  it('Full access with a scope besides is refused at the prompt', async () => {
    const r = await runInPty(sb, ['keys', 'create', 'bearer'], [
      { expect: 'Name of the key', send: 'Both\r' },
      { expect: 'Full access: every scope', send: ' \u001b[B \r' },
      { expect: '"Full access" already includes every scope', send: '\u0003' },
    ]);
    expect(r.code, r.output).toBe(130);
    expect((await bearers()).map((k) => k.name)).not.toContain('Both');
  });

  it('ticked scopes are the key\'s scopes, named in the result', async () => {
    const r = await runInPty(sb, ['keys', 'create', 'bearer'], [
      { expect: 'Name of the key', send: 'Reader\r' },
      { expect: 'Full access: every scope', send: '\u001b[B \r' },
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Created API Key key_\w+ "Reader" \(live, scopes posts:read\)/);
    expect((await bearers()).find((k) => k.name === 'Reader')).toMatchObject({ scopes: ['posts:read'] });
  });

  it('without a terminal, no --scope is still full access (SPEC), and the result says so', async () => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'CI']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^oct_live_[0-9A-Za-z]{38}\n$/);
    expect(r.stderr).toMatch(/^✔ Created API Key key_\w+ "CI" \(live, full access\)\n/);
    const scoped = await sb.run(['keys', 'create', 'bearer', '--name', 'CI test', '--test', '--scope', 'posts:read,posts:write']);
    expect(scoped.stderr).toMatch(/^✔ Created API Key key_\w+ "CI test" \(test, scopes posts:read, posts:write\)\n/);
    expect((await bearers()).find((k) => k.name === 'CI')).toMatchObject({ scopes: null });
  });
});

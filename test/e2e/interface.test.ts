import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInPty, Sandbox } from '../helpers/cli.js';

const ANSI = /\u001b\[[0-9;]*m/;

describe('the command-line interface', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());
  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'sup']);
  });

  it('prints help with examples and exit codes on stdout, exit 0', async () => {
    const r = await sb.run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: octo [options] [command]');
    for (const text of ['--db <path>', '--json', '--no-color', '-y, --yes', '--debug', '-V, --version', 'Examples:', 'Exit codes:', 'keys', 'workspaces']) {
      expect(r.stdout).toContain(text);
    }
    const create = await sb.run(['keys', 'create', '--help']);
    expect(create.code).toBe(0);
    expect(create.stdout).toContain('$ octo keys create bearer --name');
  });

  it('prints the version', async () => {
    const r = await sb.run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports an unknown flag as a usage error (exit 2) with a hint, as JSON under --json', async () => {
    const r = await sb.run(['keys', 'list', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: unknown option '--colour'\nhint: /);
    const j = await sb.run(['keys', 'list', '--frobnicate', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'usage', message: "unknown option '--frobnicate'" } });
  });

  it('never waits for input off a terminal: exit 2 naming the flag to pass', async () => {
    const noKind = await sb.run(['keys', 'create']);
    expect(noKind.code).toBe(2);
    expect(noKind.stderr).toMatch(/^error: missing the kind of key\nhint: pass a kind/);
    const noName = await sb.run(['keys', 'create', 'bearer']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--name NAME');
    const noWs = await sb.run(['keys', 'create', 'workspace', '--json']);
    expect(noWs.code).toBe(2);
    expect(JSON.parse(noWs.stderr).error).toMatchObject({ code: 'missing_argument', hint: expect.stringContaining('--workspace WS') });
  });

  it('prints no stack for an expected error, and one with --debug', async () => {
    const plain = await sb.run(['keys', 'show', 'key_nope']);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await sb.run(['keys', 'show', 'key_nope', '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('colours a table on a terminal, and not with NO_COLOR or --no-color', async () => {
    const coloured = await runInPty(sb, ['workspaces', 'list'], []);
    expect(coloured.code).toBe(0);
    expect(coloured.output).toMatch(ANSI);
    const noColor = await runInPty(sb, ['workspaces', 'list'], [], { NO_COLOR: '1' });
    expect(noColor.output).toContain('No API key generated');
    expect(noColor.output).not.toMatch(ANSI);
    const flag = await runInPty(sb, ['workspaces', 'list', '--no-color'], []);
    expect(flag.output).not.toMatch(ANSI);
    const piped = await sb.run(['workspaces', 'list']);
    expect(piped.stdout).not.toMatch(ANSI);
    // JSON on a terminal is plain JSON, errors included.
    const json = await runInPty(sb, ['workspaces', 'list', '--json'], []);
    expect(json.output).toContain('"workspaces"');
    expect(json.output).not.toMatch(ANSI);
    const jsonError = await runInPty(sb, ['keys', 'show', 'key_nope', '--json'], []);
    expect(jsonError.code).toBe(1);
    expect(jsonError.output).toContain('"error"');
    expect(jsonError.output).not.toMatch(ANSI);
  });

  it('asks for the missing kind and subject on a terminal, then creates the key', async () => {
    const r = await runInPty(sb, ['keys', 'create'], [
      { expect: 'Which kind of key?', send: '\u001b[B' }, // down: Channel API Key
      { expect: 'Channel API Key', send: '\r' },
      { expect: 'Which channel?', send: '\r' },
    ]);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/octo_ch_[0-9A-Za-z]{38}/);
    expect(r.output).toContain('Twilio API Key');
    const { keys } = await sb.json<{ keys: { kind: string; subject: { id: string } }[] }>(['keys', 'list', '--kind', 'channel']);
    expect(keys.map((k) => k.subject.id)).toEqual(['sup']);
  });

  it('asks for a bearer name and scopes on a terminal', async () => {
    const r = await runInPty(sb, ['keys', 'create', 'bearer', '--json'], [
      { expect: 'Name of the key', send: 'From the prompt\r' },
      { expect: 'Scopes', send: '\u001b[B \r' }, // down past "Full access", tick posts:read, confirm
    ]);
    expect(r.code).toBe(0);
    const { keys } = await sb.json<{ keys: { name: string; scopes: string[] | null }[] }>(['keys', 'list', '--kind', 'bearer']);
    expect(keys).toEqual([expect.objectContaining({ name: 'From the prompt', scopes: ['posts:read'] })]);
  });

  it('confirms a revoke on a terminal; "no" keeps the key (exit 1)', async () => {
    const { key } = await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', 'keep me']);
    const no = await runInPty(sb, ['keys', 'revoke', key.id], [{ expect: 'Revoke', send: 'n\r' }]);
    expect(no.code).toBe(1);
    expect((await sb.json<{ key: { status: string } }>(['keys', 'show', key.id])).key.status).toBe('active');
    const yes = await runInPty(sb, ['keys', 'revoke', key.id], [{ expect: 'Revoke', send: 'y\r' }]);
    expect(yes.code).toBe(0);
    expect((await sb.json<{ key: { status: string } }>(['keys', 'show', key.id])).key.status).toBe('revoked');
  });

  it('exits 130 when the prompt is cancelled with Ctrl-C, and creates nothing', async () => {
    const before = (await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys.length;
    const r = await runInPty(sb, ['keys', 'create'], [{ expect: 'Which kind of key?', send: '\u0003' }]);
    expect(r.code, r.output).toBe(130);
    expect((await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys.length).toBe(before);
  });

  it('exits 130, not by the signal, when a SIGINT arrives while a prompt waits (kill -INT)', async () => {
    const before = (await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys.length;
    const r = await runInPty(sb, ['keys', 'create'], [{ expect: 'Which kind of key?', signal: 2 }]);
    expect(r.code, r.output).toBe(130);
    expect((await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys.length).toBe(before);
  });
});

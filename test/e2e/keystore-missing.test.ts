import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { KEYSTORE_ACCESS } from '../../src/cli/keystore-access.js';
import { commandPath, Session } from '../../src/cli/session.js';
import { Output } from '../../src/ui/output.js';
import { BIN, Sandbox } from '../helpers/cli.js';

/** A command that reads, or changes what must already be there, and what it answers where no keystore has been created yet. */
interface ExistingRow {
  args: (sb: Sandbox) => string[];
  /** Exit code and JSON stdout (or stderr's error code) at the default location, no keystore there. */
  empty: { code: 0; stdout: object } | { code: 1; error: string };
}

const KEY = 'oct_live_' + 'a'.repeat(38);
const body = (sb: Sandbox) => join(sb.dir, 'body.json');
const emptyDir = (sb: Sandbox) => join(sb.dir, 'empty');

const EXISTING: Record<string, ExistingRow> = {
  'keys list': { args: () => ['keys', 'list'], empty: { code: 0, stdout: { keys: [] } } },
  'keys show': { args: () => ['keys', 'show', 'key_abc'], empty: { code: 1, error: 'not_found' } },
  'keys copy': { args: () => ['keys', 'copy', 'key_abc', '--print'], empty: { code: 1, error: 'not_found' } },
  'keys check': { args: () => ['keys', 'check'], empty: { code: 0, stdout: { violations: [], checked: 0 } } },
  'keys scan': { args: (sb) => ['keys', 'scan', emptyDir(sb)], empty: { code: 0, stdout: { findings: [], keystore: false } } },
  // A verdict needs the keystore that holds the key, even at the default location (README).
  'keys verify': { args: () => ['keys', 'verify', KEY], empty: { code: 1, error: 'keystore_missing' } },
  audit: { args: () => ['audit'], empty: { code: 0, stdout: { events: [] } } },
  export: { args: () => ['export'], empty: { code: 0, stdout: { workspaces: [], wabas: [], channels: [], keys: [], webhooks: [] } } },
  // Run by the completion scripts on a Tab, which send its errors to /dev/null.
  __complete: { args: () => ['__complete', 'keys'], empty: { code: 0, stdout: { values: [] } } },
  'workspaces list': { args: () => ['workspaces', 'list'], empty: { code: 0, stdout: { workspaces: [] } } },
  'wabas list': { args: () => ['wabas', 'list'], empty: { code: 0, stdout: { wabas: [] } } },
  'channels list': { args: () => ['channels', 'list'], empty: { code: 0, stdout: { channels: [] } } },
  'webhooks list': { args: () => ['webhooks', 'list'], empty: { code: 0, stdout: { webhooks: [] } } },
  'webhooks secret': { args: () => ['webhooks', 'secret', 'wh_abc', '--print'], empty: { code: 1, error: 'not_found' } },
  'webhooks deliveries': { args: () => ['webhooks', 'deliveries', 'wh_abc'], empty: { code: 1, error: 'not_found' } },
  'webhooks verify': {
    args: (sb) => ['webhooks', 'verify', '--endpoint', 'wh_abc', '--signature', 't=1,v1=00', '--body', body(sb)],
    empty: { code: 1, error: 'not_found' },
  },
  backup: { args: (sb) => ['backup', join(sb.dir, 'backup.db')], empty: { code: 1, error: 'not_found' } },
  // Changes to a key, subject or webhook that must already be there: nothing to change in a new keystore.
  'keys scope': { args: () => ['keys', 'scope', 'key_abc', '--add', 'posts:read'], empty: { code: 1, error: 'not_found' } },
  'keys rotate': { args: () => ['keys', 'rotate', 'key_abc'], empty: { code: 1, error: 'not_found' } },
  'keys revoke': { args: () => ['keys', 'revoke', 'key_abc', '--yes'], empty: { code: 1, error: 'not_found' } },
  'webhooks remove': { args: () => ['webhooks', 'remove', 'wh_abc', '--yes'], empty: { code: 1, error: 'not_found' } },
  'webhooks rotate-secret': { args: () => ['webhooks', 'rotate-secret', 'wh_abc'], empty: { code: 1, error: 'not_found' } },
  'webhooks test': { args: () => ['webhooks', 'test', 'wh_abc'], empty: { code: 1, error: 'not_found' } },
  // The outbox and journal serve wrote there: a listing is empty; following what cannot arrive is an error.
  'messages list': { args: () => ['messages', 'list'], empty: { code: 0, stdout: { messages: [] } } },
  'requests list': { args: () => ['requests', 'list'], empty: { code: 0, stdout: { requests: [] } } },
  'messages wait': { args: () => ['messages', 'wait', '--timeout', '1s'], empty: { code: 1, error: 'keystore_missing' } },
  'requests tail': { args: () => ['requests', 'tail'], empty: { code: 1, error: 'keystore_missing' } },
  'keys rename': { args: () => ['keys', 'rename', 'key_abc', 'CI'], empty: { code: 1, error: 'not_found' } },
  'workspaces rename': { args: () => ['workspaces', 'rename', 'acme', 'Acme'], empty: { code: 1, error: 'not_found' } },
  'workspaces remove': { args: () => ['workspaces', 'remove', 'acme', '--yes'], empty: { code: 1, error: 'not_found' } },
  'wabas rename': { args: () => ['wabas', 'rename', 'wa1', 'WABA'], empty: { code: 1, error: 'not_found' } },
  'wabas remove': { args: () => ['wabas', 'remove', 'wa1', '--yes'], empty: { code: 1, error: 'not_found' } },
  'channels rename': { args: () => ['channels', 'rename', 'sms1', 'SMS'], empty: { code: 1, error: 'not_found' } },
  'channels remove': { args: () => ['channels', 'remove', 'sms1', '--yes'], empty: { code: 1, error: 'not_found' } },
};

describe('only a command that adds something creates a keystore', () => {
  const sb = new Sandbox();
  const typo = join(sb.dir, 'no-such-folder', 'keystroe.db');
  const defaultDb = join(sb.env.XDG_DATA_HOME!, 'octo', 'keystore.db');
  const withoutOctoDb = { ...sb.env, OCTO_DB: undefined };
  beforeAll(() => {
    mkdirSync(emptyDir(sb));
    writeFileSync(body(sb), '{}');
  });
  afterAll(() => sb.cleanup());

  it('lists every `existing` command of the access table here, and the table lists every command of the tree', async () => {
    const existing = Object.entries(KEYSTORE_ACCESS).filter(([, access]) => access === 'existing').map(([name]) => name);
    expect(Object.keys(EXISTING).sort()).toEqual(existing.sort());
    const env = {};
    const session = new Session(new Output({ json: false, color: false, debug: false, env }), env);
    const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);
    const tree = leaves(await buildProgram(session, ['node', 'octo', '--help'])).map(commandPath).filter((p) => p !== 'help');
    expect(tree.filter((p) => !p.endsWith(' help')).sort()).toEqual(Object.keys(KEYSTORE_ACCESS).sort());
  });

  it.each(Object.entries(EXISTING))('%s: a keystore named by --db or OCTO_DB that does not exist is an error (exit 1)', async (_name, row) => {
    for (const opts of [{ args: ['--db', typo], env: withoutOctoDb }, { args: [], env: { ...sb.env, OCTO_DB: typo } }]) {
      const r = await sb.run([...row.args(sb), ...opts.args, '--json'], { env: opts.env });
      expect(r.code, r.stderr).toBe(1);
      const { error } = JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } };
      expect(error).toMatchObject({ code: 'keystore_missing', message: `no keystore at ${typo} (named by ${opts.args.length ? '--db' : 'OCTO_DB'})` });
      expect(error.hint).toContain('octo workspaces add');
      expect(existsSync(typo)).toBe(false);
      expect(existsSync(join(sb.dir, 'no-such-folder'))).toBe(false);
    }
  });

  it.each(Object.entries(EXISTING))('%s: the default location with no keystore yet reads as empty, and stays absent', async (_name, row) => {
    const r = await sb.run([...row.args(sb), '--json'], { env: withoutOctoDb });
    expect(r.code, r.stderr).toBe(row.empty.code);
    if ('stdout' in row.empty) expect(JSON.parse(r.stdout)).toMatchObject(row.empty.stdout);
    else expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: row.empty.error } });
    expect(existsSync(defaultDb)).toBe(false);
    expect(existsSync(sb.env.XDG_DATA_HOME!)).toBe(false);
  });

  it('says where in human output: the path, how it was named, and a command that creates it', async () => {
    const r = await sb.run(['keys', 'check', '--db', typo], { env: withoutOctoDb });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: no keystore at ${typo} (named by --db)\n` +
      `hint: check the path; to start a new keystore there, run a command that adds something, e.g. \`octo workspaces add Acme --platform intercom --db ${typo}\`\n`,
    );
  });

  it('a command that adds something still creates the keystore it is told to use', async () => {
    const fresh = join(sb.dir, 'fresh', 'keystore.db');
    const r = await sb.run(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--db', fresh, '--json'], { env: withoutOctoDb });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    const list = await sb.run(['workspaces', 'list', '--db', fresh, '--json'], { env: withoutOctoDb });
    expect(JSON.parse(list.stdout).workspaces).toHaveLength(1);
  });

  it('a command that does not use the keystore does not care where it is', async () => {
    const r = await sb.run(['scopes', 'list', '--db', typo, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(typo)).toBe(false);
  });
});

describe('a PostgreSQL URL is never taken for a file name: a server that is not there is keystore_unavailable', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());
  const url = 'postgres://octo:s3cr3t-pw@127.0.0.1:1/octo';

  it.each([
    ['keys list', ['keys', 'list'], 'OCTO_DB'],
    ['keys verify', ['keys', 'verify', KEY], 'OCTO_DB'],
    ['workspaces add', ['workspaces', 'add', 'Acme', '--platform', 'intercom'], 'OCTO_DB'],
    ['keys list --db', ['keys', 'list', '--db', url], '--db'],
  ])('%s: exit 1, keystore_unavailable naming host and port, the password masked, nothing created', async (_name, args, source) => {
    const env = source === 'OCTO_DB' ? { OCTO_DB: url } : {};
    const human = await sb.run(args, { env, cwd: sb.dir });
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^error: cannot reach the keystore postgres:\/\/octo:\*\*\*@127\.0\.0\.1:1\/octo: connection refused \(127\.0\.0\.1:1\).*\nhint: check that the database server runs/);
    expect(human.stderr).not.toMatch(/\n\s+at /);
    const json = await sb.run([...args, '--json'], { env, cwd: sb.dir });
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stderr) as { error: { code: string } }).error.code).toBe('keystore_unavailable');
    for (const r of [human, json]) expect(r.stdout + r.stderr).not.toContain('s3cr3t-pw');
    expect(existsSync(join(sb.dir, 'postgres:'))).toBe(false);
  });
});
describe('a PostgreSQL server that accepts the connection and never answers', () => {
  it('leaves the command waiting only until Ctrl-C (or the connect timeout)', async () => {
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const sb = new Sandbox();
    try {
      const port = (silent.address() as { port: number }).port;
      const child = spawn(process.execPath, [BIN, 'keys', 'list', '--db', `postgres://octo:pw@127.0.0.1:${port}/octo`], {
        env: { ...sb.env, OCTO_PG_CONNECT_TIMEOUT: '60' }, stdio: 'ignore',
      });
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(child.exitCode).toBeNull(); // still waiting on the server
      const sent = Date.now();
      child.kill('SIGINT');
      const end = await ended;
      expect(end.signal === 'SIGINT' || end.code === 130).toBe(true);
      expect(Date.now() - sent).toBeLessThan(5_000);
    } finally {
      silent.close();
      sb.cleanup();
    }
  });
});


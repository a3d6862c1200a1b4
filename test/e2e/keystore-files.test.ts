import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/core/key-format.js';
import { Sandbox } from '../helpers/cli.js';
import { request, startServe } from '../helpers/serve.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the keystore on disk', () => {
  const sandboxes: Sandbox[] = [];
  const fresh = () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    return sb;
  };
  afterAll(() => sandboxes.forEach((s) => s.cleanup()));

  it('is created with its folder on first use: folder 0700, file 0600, whatever the umask', async () => {
    const sb = fresh();
    const db = join(sb.dir, 'nested', 'deeper', 'keystore.db');
    // Started through a shell with umask 000, so only octo's own care makes the files private.
    execFileSync('sh', ['-c', `umask 000 && "${process.execPath}" bin/octo.js workspaces add Acme --platform intercom`], {
      env: { ...sb.env, OCTO_DB: db },
    });
    expect(mode(join(sb.dir, 'nested', 'deeper'))).toBe(0o700);
    expect(mode(db)).toBe(0o600);
  });

  it('has its -wal and -shm 0600 while a process holds it open, whatever the umask', async () => {
    const sb = fresh();
    const db = join(sb.dir, 'keystore.db');
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom']);
    // The CLI's last close checkpoints and deletes both: a running serve makes them afresh.
    expect([existsSync(db + '-wal'), existsSync(db + '-shm')]).toEqual([false, false]);
    const serve = await startServe(sb, [], { umask: '000' });
    try {
      expect([db + '-wal', db + '-shm'].map((p) => mode(p).toString(8))).toEqual(['600', '600']);
    } finally {
      // An answer means serve is past start-up, signal handlers included: a SIGTERM sent the moment
      // "listening" appears can still meet node's default action and kill it.
      expect((await request(`${serve.url}/healthz`, 'GET')).status).toBe(200);
      expect(await serve.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('uses the XDG data home by default, and creates the master key file 0600 when none is given', async () => {
    const sb = fresh();
    const { OCTO_DB: _db, OCTO_MASTER_KEY: _mk, ...env } = sb.env;
    const r = await sb.run(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme'], { env: { ...env, OCTO_DB: '', OCTO_MASTER_KEY: '' } });
    expect(r.code).toBe(0);
    const db = join(sb.dir, 'data', 'octo', 'keystore.db');
    expect(mode(db)).toBe(0o600);
    const create = await sb.run(['keys', 'create', 'workspace', '--workspace', 'acme', '--json'], { env: { OCTO_DB: '', OCTO_MASTER_KEY: '' } });
    expect(create.code).toBe(0);
    const masterKey = join(sb.dir, 'config', 'octo', 'master.key');
    expect(mode(masterKey)).toBe(0o600);
    expect(mode(join(sb.dir, 'config', 'octo'))).toBe(0o700);
    expect(Buffer.from(readFileSync(masterKey, 'utf8').trim(), 'base64')).toHaveLength(32);
    const { secret, key } = JSON.parse(create.stdout) as { secret: string; key: { id: string } };
    const copied = await sb.run(['keys', 'copy', key.id, '--print'], { env: { OCTO_DB: '', OCTO_MASTER_KEY: '' } });
    expect(copied.stdout.trim()).toBe(secret);
  });

  it('--db wins over OCTO_DB', async () => {
    const sb = fresh();
    const other = join(sb.dir, 'other.db');
    await sb.json(['workspaces', 'add', 'InOctoDb', '--platform', 'intercom']);
    await sb.json(['workspaces', 'add', 'OnlyHere', '--platform', 'intercom', '--db', other]);
    const names = async (args: string[]) => (await sb.json<{ workspaces: { name: string }[] }>(['workspaces', 'list', ...args])).workspaces.map((w) => w.name);
    expect(await names([])).toEqual(['InOctoDb']);
    expect(await names(['--db', other])).toEqual(['OnlyHere']);
  });

  it('keeps no usable key in the file: bearer keys hashed, the others encrypted', async () => {
    const sb = fresh();
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    const ws = await sb.json<{ secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const bearer = await sb.json<{ secret: string }>(['keys', 'create', 'bearer', '--name', 'b']);
    const bytes = Buffer.concat([sb.db, sb.db + '-wal'].filter(existsSync).map((p) => readFileSync(p)));
    for (const secret of [ws.secret, bearer.secret]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(secret.slice(12, 40)))).toBe(false); // no long run of the random part either
      expect(bytes.includes(hashKey(secret))).toBe(true); // looked up by SHA-256
    }
  });

  it('refuses a file that is not SQLite with a clear error and exit 1, leaving it untouched', async () => {
    const sb = fresh();
    writeFileSync(sb.db, 'this is my shopping list, not a database\n'.repeat(200));
    const before = readFileSync(sb.db);
    const r = await sb.run(['keys', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*is not an octo keystore/m);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(readFileSync(sb.db).equals(before)).toBe(true);
  });

  it('refuses a master key that does not fit, and one that does not open the secrets', async () => {
    const sb = fresh();
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    const bad = await sb.run(['keys', 'create', 'workspace', '--workspace', 'acme'], { env: { OCTO_MASTER_KEY: 'c2hvcnQ=' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not base64 of 32 bytes');
    const ws = await sb.json<{ key: { id: string } }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const wrong = await sb.run(['keys', 'copy', ws.key.id, '--print'], { env: { OCTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') } });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/^error: the master key does not open/m);
  });
});

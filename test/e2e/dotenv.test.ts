import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';

/**
 * `keys create … --dotenv FILE --env-var NAME` and `keys rotate … --dotenv FILE --env-var NAME`:
 * the secret goes into a dotenv file a program loads (0600, one NAME= line, other lines kept), and
 * nowhere else: not on stdout, not on stderr, not in --json.
 */

interface Issued { key: { id: string }; secret?: string; dotenv?: { path: string; variable: string; change: string } }

let sb: Sandbox;
let dir: string;
let file: string;

beforeEach(async () => {
  sb = new Sandbox();
  dir = join(sb.dir, 'app');
  mkdirSync(dir);
  file = join(dir, '.env.local');
  await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
  await sb.json(['channels', 'add', 'Support line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
});
afterEach(() => sb.cleanup());

const loaded = () => parseEnv(readFileSync(file, 'utf8'));
const mode = (path: string) => statSync(path).mode & 0o777;
const verifies = async (key: string) => (await sb.run(['keys', 'verify', '--json'], { env: { OCTO_KEY: key } })).code === 0;
const keyCount = async () => (await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys.length;

describe('keys create --dotenv', () => {
  it('writes a new file, 0600, that a dotenv reader loads; prints no secret', async () => {
    const r = await sb.run(['keys', 'create', 'channel', '--channel', 'sms1', '--dotenv', '.env.local', '--env-var', 'SMS_KEY'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(mode(file)).toBe(0o600);
    const env = loaded();
    expect(Object.keys(env)).toEqual(['SMS_KEY']);
    const secret = env.SMS_KEY!;
    expect(secret).toMatch(/^octo_ch_[A-Za-z0-9]{38}$/);
    expect(readFileSync(file, 'utf8')).toBe(`SMS_KEY=${secret}\n`);
    expect(r.stderr).not.toContain(secret);
    expect(r.stderr).toContain('Added SMS_KEY in .env.local');
    // It is the key that was made: the keystore gives the same one back.
    const id = (await sb.json<{ keys: { id: string }[] }>(['keys', 'list'])).keys[0]!.id;
    expect((await sb.run(['keys', 'copy', id, '--print'])).stdout.trim()).toBe(secret);
    expect(readdirSync(dir)).toEqual(['.env.local']);
  });

  it('updates NAME= in place: other lines and their order kept, no duplicate, mode narrowed to 0600', async () => {
    const before = [
      '# local settings',
      'export SMS_KEY = "an old',
      'value over two lines"',
      '',
      'PORT=3000   # the dev server',
      "GREETING='hello world'",
      'SMS_KEY=stale-duplicate',
      'LAST=1',
    ].join('\n') + '\n';
    writeFileSync(file, before);
    chmodSync(file, 0o644);
    const r = await sb.run(['keys', 'create', 'channel', '--channel', 'sms1', '--dotenv', file, '--env-var', 'SMS_KEY']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    const secret = loaded().SMS_KEY!;
    expect(secret).toMatch(/^octo_ch_/);
    expect(text).toBe([
      '# local settings',
      `export SMS_KEY = ${secret}`,
      '',
      'PORT=3000   # the dev server',
      "GREETING='hello world'",
      'LAST=1',
    ].join('\n') + '\n');
    expect(loaded()).toEqual({ SMS_KEY: secret, PORT: '3000', GREETING: 'hello world', LAST: '1' });
    expect(mode(file)).toBe(0o600);
    expect(r.stderr).toContain('Updated SMS_KEY');
    expect(r.stderr).toContain('0644');
    expect(r.stderr).not.toContain(secret);
    expect(await verifies(secret)).toBe(true);
  });

  it('keeps CRLF line endings, and adds a variable after the last line', async () => {
    writeFileSync(file, 'A=1\r\nB=2');
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'ci', '--dotenv', file, '--env-var', 'OCTO_KEY']);
    expect(r.code).toBe(0);
    const secret = loaded().OCTO_KEY!;
    expect(readFileSync(file, 'utf8')).toBe(`A=1\r\nB=2\r\nOCTO_KEY=${secret}\r\n`);
    expect(r.stderr).toContain('holds the only one');
    expect(await verifies(secret)).toBe(true);
  });

  it('--json says where the key went and carries no secret', async () => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'ci', '--dotenv', file, '--env-var', 'CI_KEY', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Issued;
    expect(doc.secret).toBeUndefined();
    expect(doc.dotenv).toEqual({ path: file, variable: 'CI_KEY', change: 'added' });
    const secret = loaded().CI_KEY!;
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain(secret.slice(9, 30));
    // ...nor the audit log.
    expect((await sb.run(['audit', '--json'])).stdout).not.toContain(secret.slice(9, 30));
  });
});

describe('keys rotate --dotenv', () => {
  it("replaces the old key's line with the successor's; --json without the secret", async () => {
    const created = await sb.run(['keys', 'create', 'channel', '--channel', 'sms1', '--dotenv', file, '--env-var', 'SMS_KEY', '--json']);
    const { key } = JSON.parse(created.stdout) as Issued;
    const old = loaded().SMS_KEY!;
    writeFileSync(file, readFileSync(file, 'utf8') + 'OTHER=x\n');
    const r = await sb.run(['keys', 'rotate', key.id, '--dotenv', file, '--env-var', 'SMS_KEY', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Issued & { replaced: { id: string } };
    expect(doc.secret).toBeUndefined();
    expect(doc.replaced.id).toBe(key.id);
    expect(doc.dotenv).toMatchObject({ variable: 'SMS_KEY', change: 'updated' });
    const env = loaded();
    expect(readFileSync(file, 'utf8')).toBe(`SMS_KEY=${env.SMS_KEY}\nOTHER=x\n`);
    expect(env.SMS_KEY).not.toBe(old);
    expect(r.stdout + r.stderr).not.toContain(env.SMS_KEY!);
    expect(await verifies(env.SMS_KEY!)).toBe(true);
    expect(await verifies(old)).toBe(false);
  });

  it('human output: the messages on stderr, nothing on stdout', async () => {
    const { key } = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'ci']);
    const r = await sb.run(['keys', 'rotate', key.id, '--grace', '1h', '--dotenv', file, '--env-var', 'CI_KEY']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Added CI_KEY');
    expect(r.stderr).not.toContain(loaded().CI_KEY!);
  });
});

describe('refusals: nothing created, nothing written', () => {
  it('a symbolic link is refused, naming the file it points to; its target is left alone', async () => {
    const target = join(dir, 'real.env');
    writeFileSync(target, 'A=1\n');
    symlinkSync(target, file);
    const r = await sb.run(['keys', 'create', 'channel', '--channel', 'sms1', '--dotenv', file, '--env-var', 'SMS_KEY']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a symbolic link');
    expect(r.stderr).toContain(`--dotenv ${target}`);
    expect(readFileSync(target, 'utf8')).toBe('A=1\n');
    expect(await keyCount()).toBe(0);
  });

  it('a folder that does not exist', async () => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'ci', '--dotenv', join(dir, 'no', '.env'), '--env-var', 'K']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist');
    expect(r.stderr).toContain(`mkdir -p ${join(dir, 'no')}`);
    expect(await keyCount()).toBe(0);
  });

  it('a file that is not a regular file', async () => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'ci', '--dotenv', dir, '--env-var', 'K']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a regular file');
    expect(await keyCount()).toBe(0);
  });

  it.each([
    [['--dotenv', '.env.x'], '--dotenv needs --env-var'],
    [['--env-var', 'K'], '--env-var needs --dotenv'],
    [['--dotenv', '.env.x', '--env-var', '1K'], 'invalid --env-var "1K"'],
    [['--dotenv', '.env.x', '--env-var', 'MY-KEY'], 'invalid --env-var "MY-KEY"'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await sb.run(['keys', 'create', 'bearer', '--name', 'ci', ...argv], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, '.env.x'))).toBe(false);
    expect(await keyCount()).toBe(0);
  });

  it('a rotation refused leaves the file as it was', async () => {
    const { key } = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'ci']);
    await sb.json(['keys', 'revoke', key.id, '--yes']);
    writeFileSync(file, 'CI_KEY=before\n');
    const r = await sb.run(['keys', 'rotate', key.id, '--dotenv', file, '--env-var', 'CI_KEY']);
    expect(r.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('CI_KEY=before\n');
  });

  it('--help of keys create and keys rotate shows the options', async () => {
    for (const argv of [['keys', 'create', '--help'], ['keys', 'rotate', '--help']]) {
      const r = await sb.run(argv);
      expect(r.stdout).toContain('--dotenv <file>');
      expect(r.stdout).toContain('--env-var <name>');
    }
  });
});

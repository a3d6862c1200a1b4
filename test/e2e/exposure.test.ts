import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type RunResult } from '../helpers/cli.js';
import { query, runWith } from '../helpers/keystore.js';

/**
 * Exposure (issue 6): every file octo creates is private whatever the umask, and no whole key is
 * found in the keystore's bytes, the audit log, a listing or an error. One world, built under
 * umask 000 with the master key in its default file, and left with a -wal by a kill -9 after the
 * last commit, so that every file octo can leave behind is there to inspect.
 */
const FAULT = resolve(import.meta.dirname, '../fixtures/fault.cjs');

let sb: Sandbox;
let env: NodeJS.ProcessEnv;
let dbPath: string;
const secrets: string[] = [];
const outputs: RunResult[] = [];
/** Taken before the test process opens the keystore: its own close would checkpoint the -wal away. */
const raw: Record<string, Buffer> = {};
const modes: Record<string, string> = {};

async function octo(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const r = await runWith(args, { env: { ...env, ...extra }, umask: '000' });
  outputs.push(r);
  return r;
}

async function create(args: string[]): Promise<string> {
  const r = await octo([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const { key, secret } = JSON.parse(r.stdout) as { key: { id: string }; secret: string };
  secrets.push(secret);
  outputs.pop(); // the one place a whole key is meant to be printed
  return key.id;
}

beforeAll(async () => {
  sb = new Sandbox();
  // the default locations: ${XDG_DATA_HOME}/octo/keystore.db and ${XDG_CONFIG_HOME}/octo/master.key
  const { OCTO_DB: _db, OCTO_MASTER_KEY: _mk, ...rest } = sb.env;
  env = rest;
  dbPath = join(sb.env.XDG_DATA_HOME!, 'octo', 'keystore.db');
  await octo(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
  await octo(['channels', 'add', 'Line', '--workspace', 'acme', '--type', 'sms', '--id', 'line']);
  await octo(['wabas', 'add', 'Biz', '--workspace', 'acme', '--id', 'biz']);
  const ws = await create(['keys', 'create', 'workspace', '--workspace', 'acme']);
  await create(['keys', 'create', 'channel', '--channel', 'line']);
  await create(['keys', 'create', 'waba', '--waba', 'biz']);
  const bearer = await create(['keys', 'create', 'bearer', '--name', 'CI', '--scope', 'posts:read']);
  await create(['keys', 'create', 'bearer', '--name', 'Test', '--test']);
  await create(['keys', 'rotate', bearer, '--grace', '1h']);
  // everything a person or a script reads, and the errors they meet
  await octo(['keys', 'list', '--json']);
  await octo(['keys', 'list', '--no-color']);
  await octo(['keys', 'show', ws, '--json']);
  await octo(['workspaces', 'list', '--json']);
  await octo(['channels', 'list', '--json']);
  await octo(['wabas', 'list', '--json']);
  await octo(['audit', '--json']);
  await octo(['audit', '--no-color']);
  await octo(['keys', 'create', 'workspace', '--workspace', 'acme']); // conflict: already has a key
  await octo(['keys', 'create', 'workspace', '--workspace', 'acme', '--json', '--debug']);
  await octo(['keys', 'copy', bearer, '--print']); // a bearer key is not retrievable
  await octo(['backup', join(sb.dir, 'backups', 'b.db')]);
  // the last write is killed just after its commit: the -wal and -shm stay behind
  const killed = await octo(['keys', 'create', 'bearer', '--name', 'Killed', '--json'], {
    NODE_OPTIONS: `--require ${FAULT}`, OCTO_FAULT_SQL: '^COMMIT$', OCTO_FAULT_WHEN: 'after',
  });
  expect(killed.signal).toBe('SIGKILL');
  await octo(['keys', 'rotate', ws, '--json']).then((r) => {
    secrets.push((JSON.parse(r.stdout) as { secret: string }).secret);
    outputs.pop();
  });
  const last = await octo(['keys', 'revoke', bearer, '--yes', '--json'], {
    NODE_OPTIONS: `--require ${FAULT}`, OCTO_FAULT_SQL: '^COMMIT$', OCTO_FAULT_WHEN: 'after',
  });
  expect(last.signal).toBe('SIGKILL');
  for (const suffix of ['', '-wal', '-shm']) raw[suffix] = readFileSync(dbPath + suffix);
  const paths: Record<string, string> = {
    'the keystore folder': join(sb.env.XDG_DATA_HOME!, 'octo'),
    'the keystore': dbPath,
    'its -wal': `${dbPath}-wal`,
    'its -shm': `${dbPath}-shm`,
    'the master key folder': join(sb.env.XDG_CONFIG_HOME!, 'octo'),
    'the master key': join(sb.env.XDG_CONFIG_HOME!, 'octo', 'master.key'),
    'the backup folder': join(sb.dir, 'backups'),
    'the backup': join(sb.dir, 'backups', 'b.db'),
  };
  for (const [what, path] of Object.entries(paths)) modes[what] = (statSync(path).mode & 0o777).toString(8);
});

afterAll(() => sb.cleanup());

describe('files are private whatever the umask', () => {
  it.each([
    ['the keystore folder', '700'], ['the keystore', '600'], ['its -wal', '600'], ['its -shm', '600'],
    ['the master key folder', '700'], ['the master key', '600'], ['the backup folder', '700'], ['the backup', '600'],
  ])('%s, made under umask 000, is %s', (what, mode) => {
    expect(modes[what]).toBe(mode);
  });
});

describe('no whole key where it does not belong', () => {
  it('made keys of every kind, and the grep below can see keystore bytes', () => {
    expect(secrets).toHaveLength(7);
    // the masked form is stored: proof that the raw reads below look at real content
    const masked = query<{ masked: string }>(dbPath, 'SELECT masked FROM keys')[0]!.masked;
    expect(Buffer.concat([raw['']!, raw['-wal']!]).includes(masked.split('…')[0]!)).toBe(true);
  });

  it.each(['', '-wal', '-shm'])('is not in the keystore file%s, nor its random part', (suffix) => {
    expect(raw[suffix]!.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(raw[suffix]!.includes(secret)).toBe(false);
      expect(raw[suffix]!.includes(secret.slice(secret.lastIndexOf('_') + 1))).toBe(false);
    }
  });

  it('is not in the backup', () => {
    const raw = readFileSync(join(sb.dir, 'backups', 'b.db'));
    for (const secret of secrets) expect(raw.includes(secret)).toBe(false);
  });

  it('is not in any listing, the audit log, or an error (with --debug too)', () => {
    expect(outputs.some((r) => r.stderr.includes('error: '))).toBe(true);
    expect(outputs.some((r) => r.stderr.includes('"error"'))).toBe(true);
    for (const r of outputs) {
      for (const secret of secrets) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
    }
  });

  it('is looked up by its SHA-256 only', () => {
    const hashes = new Set(query<{ hash: Buffer }>(dbPath, 'SELECT hash FROM keys').map((k) => k.hash.toString('hex')));
    for (const secret of secrets) expect(hashes.has(createHash('sha256').update(secret).digest('hex'))).toBe(true);
  });
});

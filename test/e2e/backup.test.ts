import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keystoreProblems } from '../../bench/invariants.js';
import { BIN, Sandbox, type RunResult } from '../helpers/cli.js';
import { digest, dumpKeystore, query, runWith, STACK_LINE } from '../helpers/keystore.js';

/** `octo backup FILE` and `octo restore FILE` (issue 6). */
let sb: Sandbox;
beforeEach(() => { sb = new Sandbox(); });
afterEach(() => sb.cleanup());

/** Seeding takes four CLI runs: done once, and each test starts from a copy of the file. */
let template: { dir: Sandbox; wsKey: string; wsSecret: string } | undefined;
afterAll(() => template?.dir.cleanup());

async function seed(): Promise<{ wsKey: string; wsSecret: string }> {
  if (!template) {
    const t = new Sandbox();
    await t.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await t.json(['channels', 'add', 'Line', '--workspace', 'acme', '--type', 'sms', '--id', 'line']);
    const ws = await t.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    await t.json(['keys', 'create', 'bearer', '--name', 'CI', '--scope', 'posts:read']);
    template = { dir: t, wsKey: ws.key.id, wsSecret: ws.secret };
  }
  copyFileSync(template.dir.db, sb.db); // closed cleanly: one self-contained file
  sb.env.OCTO_MASTER_KEY = template.dir.env.OCTO_MASTER_KEY;
  return { wsKey: template.wsKey, wsSecret: template.wsSecret };
}

/** A seeded keystore backed up to b.db, then given one more key, so that a restore would change it. */
async function backupThenAddKey(): Promise<{ file: string; before: ReturnType<typeof dumpKeystore> }> {
  await seed();
  const file = join(sb.dir, 'b.db');
  await sb.json(['backup', file]);
  await sb.json(['keys', 'create', 'bearer', '--name', 'Later']);
  return { file, before: dumpKeystore(sb.db) };
}

interface BackupDoc { file: string; schema_version: number; keys: number; subjects: number; audit_events: number; sealed_secrets: number; master_key: string }

describe('octo backup', () => {
  it('writes a private, self-contained, consistent copy', async () => {
    await seed();
    const file = join(sb.dir, 'backups', 'nested', 'k.db');
    const { backup } = await sb.json<{ backup: BackupDoc }>(['backup', file]);
    const schema = query<{ user_version: number }>(sb.db, 'PRAGMA user_version')[0]!.user_version;
    expect(backup).toEqual({
      file, schema_version: schema, keys: 2, subjects: 2, audit_events: 4, sealed_secrets: 1, master_key: 'matches',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(sb.dir, 'backups')).mode & 0o777).toBe(0o700);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(query(file, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'delete' }]);
    expect(dumpKeystore(file)).toEqual(dumpKeystore(sb.db));
  });

  it('says that sealed keys need the master key', async () => {
    await seed();
    const r = await sb.run(['backup', join(sb.dir, 'b.db')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 sealed key .* open only with your master key: keep the master key as well/);
  });

  it('refuses to overwrite an existing file without --yes (exit 2), and replaces it with --yes', async () => {
    await seed();
    const file = join(sb.dir, 'b.db');
    writeFileSync(file, 'precious');
    const r = await sb.run(['backup', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*confirmation.*\nhint: .*octo backup .* --yes/);
    expect(digest(file)).toBe(createHash('sha256').update('precious').digest('hex'));
    const json = await sb.run(['backup', file, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'confirmation_required' } });
    await sb.json(['backup', file, '--yes']);
    expect(dumpKeystore(file)).toEqual(dumpKeystore(sb.db));
  });

  it('refuses when there is no keystore to back up, creating none', async () => {
    // At the default location; a keystore named by OCTO_DB or --db that is missing: keystore-missing.test.ts.
    const r = await sb.run(['backup', join(sb.dir, 'b.db'), '--json'], { env: { OCTO_DB: undefined } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'not_found' } });
    expect(existsSync(sb.db)).toBe(false);
    expect(existsSync(sb.env.XDG_DATA_HOME!)).toBe(false);
    expect(existsSync(join(sb.dir, 'b.db'))).toBe(false);
  });

  it('takes a consistent copy while 8 other processes write', async () => {
    await seed();
    const writers = Array.from({ length: 8 }, (_, i) => runWith(['keys', 'create', 'bearer', '--name', `W${i}`, '--json'], { env: sb.env }));
    const backups = Array.from({ length: 3 }, (_, i) => runWith(['backup', join(sb.dir, `during-${i}.db`), '--json'], { env: sb.env }));
    const results = await Promise.all([...writers, ...backups]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (let i = 0; i < 3; i++) {
      const file = join(sb.dir, `during-${i}.db`);
      expect(keystoreProblems(file)).toEqual([]);
      const keys = query(file, 'SELECT id FROM keys').length;
      expect(keys).toBeGreaterThanOrEqual(2);
      expect(keys).toBeLessThanOrEqual(10);
    }
  });
});

describe('octo restore', () => {
  it('replaces the keystore, records the restore, and leaves the file untouched', async () => {
    const { wsKey, wsSecret } = await seed();
    const file = join(sb.dir, 'b.db');
    await sb.json(['backup', file]);
    const fileDigest = digest(file);
    const backedUp = dumpKeystore(file);
    // changes after the backup: a new key, a revoked one
    await sb.json(['keys', 'create', 'bearer', '--name', 'Later']);
    await sb.json(['keys', 'revoke', wsKey, '--yes']);

    const { restore } = await sb.json<{ restore: BackupDoc }>(['restore', file, '--yes']);
    expect(restore).toMatchObject({ file, keys: 2, audit_events: 5, master_key: 'matches' });
    expect(digest(file)).toBe(fileDigest);
    const now = dumpKeystore(sb.db);
    expect(now.tables.keys).toEqual(backedUp.tables.keys);
    expect(now.tables.audit!.slice(0, -1)).toEqual(backedUp.tables.audit);
    const { events } = await sb.json<{ events: { action: string; actor: string; detail: { file: string } }[] }>(['audit']);
    expect(events[0]).toMatchObject({ action: 'keystore.restore', actor: 'tester', detail: { file } });
    // the restored sealed key opens again with the same master key
    const copy = await sb.run(['keys', 'copy', wsKey, '--print']);
    expect(copy.stdout.trim()).toBe(wsSecret);
    expect(keystoreProblems(sb.db)).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('refuses to overwrite the keystore without --yes off a terminal (exit 2), unchanged', async () => {
    const { file, before } = await backupThenAddKey();
    const r = await sb.run(['restore', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: refusing to do this without confirmation off a terminal\nhint: .*octo restore .* --yes/);
    expect(dumpKeystore(sb.db)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it('asks on a terminal: "n" keeps the keystore, "y" restores', async () => {
    const { file, before } = await backupThenAddKey();
    const no = await inPty('n', ['restore', file]);
    expect(no.code, no.stdout).toBe(1);
    expect(no.stdout).toMatch(/Replace the keystore [\s\S]*\(2 keys\)\?/);
    expect(no.stdout).toContain('Nothing restored.');
    expect(dumpKeystore(sb.db)).toEqual(before);
    const yes = await inPty('y', ['restore', file]);
    expect(yes.code, yes.stdout).toBe(0);
    expect(yes.stdout).toMatch(/Restored 2 keys/);
    expect(query(sb.db, 'SELECT id FROM keys')).toHaveLength(2);
  });

  it('into a keystore that does not exist yet, without asking', async () => {
    await seed();
    const file = join(sb.dir, 'b.db');
    await sb.json(['backup', file]);
    const fresh = join(sb.dir, 'elsewhere', 'keystore.db');
    const r = await sb.run(['restore', file, '--json'], { env: { OCTO_DB: fresh } });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(dumpKeystore(fresh).tables.keys).toEqual(dumpKeystore(file).tables.keys);
  });

  it('warns when the backup was sealed with another master key', async () => {
    await seed();
    const file = join(sb.dir, 'b.db');
    await sb.json(['backup', file]);
    const other = { OCTO_MASTER_KEY: randomBytes(32).toString('base64') };
    const r = await sb.run(['restore', file, '--yes'], { env: other });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the 1 sealed key .* not your current one; set OCTO_MASTER_KEY/);
  });

  describe('refuses a file that is not a backup, changing nothing', () => {
    function otherDb(path: string): string {
      const db = new Database(path);
      db.exec('CREATE TABLE notes (x)');
      db.close();
      return path;
    }
    function tooNew(path: string): string {
      copyFileSync(sb.db, path);
      const db = new Database(path);
      db.pragma('journal_mode = DELETE');
      db.pragma('user_version = 42');
      db.close();
      return path;
    }
    it.each([
      ['text', (p: string) => writeAndReturn(p, 'not a database'), 'backup_invalid', /is not an octo keystore/],
      ['an empty file', (p: string) => writeAndReturn(p, ''), 'backup_invalid', /is not an octo keystore/],
      ['another program\'s SQLite database', otherDb, 'backup_invalid', /is not an octo keystore/],
      ['a newer schema', tooNew, 'keystore_too_new', /schema version 42, newer than this octo/],
      ['a missing file', (p: string) => p, 'backup_unreadable', /no such file/],
    ])('%s', async (_what, make, code, message) => {
      await seed();
      const file = make(join(sb.dir, 'candidate.db'));
      const before = dumpKeystore(sb.db);
      const fileDigest = digest(file);
      const r = await sb.run(['restore', file, '--yes', '--json']);
      expect(r.code, r.stderr).toBe(1);
      const body = JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(message);
      expect(body.error.hint.length).toBeGreaterThan(0);
      const human = await sb.run(['restore', file, '--yes']);
      expect(human.stderr).toMatch(/^error: .*\nhint: /);
      expect(human.stderr).not.toMatch(STACK_LINE);
      expect(dumpKeystore(sb.db)).toEqual(before);
      expect(digest(file)).toBe(fileDigest);
      expect(leftovers()).toEqual([]);
    });
  });
});

function writeAndReturn(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

/** Working files a backup or restore leaves behind beside the keystore (there must be none). */
function leftovers(): string[] {
  return readdirSync(sb.dir).filter((f) => f.includes('.tmp'));
}

/** Runs octo in a pseudo-terminal, answering its prompt. */
function inPty(answer: string, args: string[]): Promise<RunResult> {
  const script = resolve(import.meta.dirname, '../fixtures/pty-answer.py');
  return new Promise((done, reject) => {
    const child = spawn('python3', [script, '(y/N)', answer, process.execPath, BIN, ...args], { env: { ...sb.env, TERM: 'xterm' } });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // what the terminal showed, without its colour and cursor sequences
      done({ code, signal, stdout: stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''), stderr: '' });
    });
  });
}

describe('help', () => {
  it('backup and restore explain the master key and show an example', async () => {
    const backupHelp = await sb.run(['backup', '--help']);
    expect(backupHelp.code).toBe(0);
    expect(backupHelp.stdout).toMatch(/Usage: octo backup \[options\] <file>/);
    expect(backupHelp.stdout).toMatch(/\$ octo backup /);
    expect(backupHelp.stdout).toMatch(/sealed with your master key/);
    const restoreHelp = await sb.run(['restore', '--help']);
    expect(restoreHelp.code).toBe(0);
    expect(restoreHelp.stdout).toMatch(/\$ octo restore .* --yes/);
    expect(restoreHelp.stdout).toMatch(/left\s+untouched/);
    const top = await sb.run(['--help']);
    expect(top.stdout).toMatch(/backup <file>/);
    expect(top.stdout).toMatch(/restore <file>/);
  });
});

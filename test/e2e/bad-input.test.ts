import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOcto, Sandbox } from '../helpers/cli.js';
import { digest, dumpKeystore, runWith, STACK_LINE } from '../helpers/keystore.js';

/**
 * Bad input to the CLI (issue 6). Every case runs against its own copy of one seeded keystore and
 * must give `error:` + `hint:` (or the JSON error under --json), the right exit code, no stack, and
 * leave the keystore exactly as it was.
 */
const WEIRD_NAMES = [
  `O'Brien "quoted" \`tick\``,
  '🐙 Octo 🚀 ünïcödé',
  "Robert'); DROP TABLE keys;--",
  '1 OR 1=1; SELECT * FROM audit',
  '%_ LIKE wildcards \\ backslash',
];

let sb: Sandbox;
let seed: string;
let keyId: string;
let bearerId: string;
let caseNo = 0;

beforeAll(async () => {
  sb = new Sandbox();
  await sb.json(['workspaces', 'add', WEIRD_NAMES[0]!, '--platform', 'intercom', '--id', 'acme']);
  for (const name of WEIRD_NAMES.slice(1)) await sb.json(['workspaces', 'add', name, '--platform', 'hubspot']);
  await sb.json(['channels', 'add', WEIRD_NAMES[1]!, '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
  const ws = await sb.json<{ key: { id: string } }>(['keys', 'create', 'workspace', '--workspace', WEIRD_NAMES[0]!]);
  keyId = ws.key.id;
  for (const name of WEIRD_NAMES.slice(2)) {
    bearerId = (await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', name, '--scope', 'posts:read'])).key.id;
  }
  seed = sb.db;
  expect(existsSync(`${seed}-wal`)).toBe(false); // a clean close leaves one self-contained file
});

afterAll(() => sb.cleanup());

/** A private copy of the seeded keystore for one case. */
function copyOfSeed(): string {
  const path = join(sb.dir, `case-${++caseNo}.db`);
  copyFileSync(seed, path);
  return path;
}

interface Case {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  exit: number;
  code: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'an id that does not exist', args: ['keys', 'show', 'key_doesNotExist'], exit: 1, code: 'not_found', message: /no key with id "key_doesNotExist"/ },
  { name: 'an ambiguous id prefix', args: ['keys', 'show', 'key_'], exit: 2, code: 'ambiguous_id', message: /"key_" matches several keys: key_\w+, key_\w+/ },
  { name: 'an unknown subject', args: ['keys', 'create', 'channel', '--channel', "nope' OR '1'='1"], exit: 1, code: 'not_found', message: /no channel "nope' OR '1'='1"/ },
  { name: 'an id with SQL in it', args: ['workspaces', 'add', 'x', '--platform', 'intercom', '--id', "a'; DROP TABLE keys;--"], exit: 2, code: 'usage', message: /invalid id/ },
  { name: 'a key name with a tab in it', args: ['keys', 'create', 'bearer', '--name', 'CI\tpipeline'], exit: 2, code: 'usage', message: /invalid key name "CI\\tpipeline"/ },
  { name: 'a key name with an escape sequence', args: ['keys', 'create', 'bearer', '--name', '\u001b[2Jwiped'], exit: 2, code: 'usage', message: /invalid key name/ },
  { name: 'a duration 90x', args: ['keys', 'create', 'bearer', '--name', 'n', '--expires-in', '90x'], exit: 2, code: 'invalid_duration', message: /"90x"/ },
  { name: 'a duration -1d', args: ['keys', 'create', 'bearer', '--name', 'n', '--expires-in', '-1d'], exit: 2, code: 'invalid_duration', message: /"-1d"/ },
  { name: 'a duration 0', args: ['keys', 'create', 'bearer', '--name', 'n', '--expires-in', '0'], exit: 2, code: 'invalid_duration', message: /"0"/ },
  { name: 'a grace of 0', args: ['keys', 'rotate', 'KEY', '--grace', '0'], exit: 2, code: 'invalid_duration', message: /--grace/ },
  { name: 'a --since of 1.5h', args: ['audit', '--since', '1.5h'], exit: 2, code: 'invalid_duration', message: /--since/ },
  { name: 'a rate limit 0/1m', args: ['keys', 'create', 'bearer', '--name', 'n', '--rate-limit', '0/1m'], exit: 2, code: 'invalid_rate_limit', message: /0\/1m/ },
  { name: 'an invalid scope', args: ['keys', 'create', 'bearer', '--name', 'n', '--scope', 'posts:reed'], exit: 2, code: 'invalid_scope', message: /did you mean "posts:read"/ },
  { name: 'a scope change with an invalid scope', args: ['keys', 'scope', 'BEARER', '--add', 'handoff-analytics:write'], exit: 2, code: 'invalid_scope', message: /handoff-analytics:write/ },
  { name: 'an unknown --status', args: ['keys', 'list', '--status', "active' --"], exit: 2, code: 'usage', message: /invalid --status/ },
  { name: 'a wrong master key (copy)', args: ['keys', 'copy', 'KEY', '--print'], env: { OCTO_MASTER_KEY: randomBytes(32).toString('base64') }, exit: 1, code: 'master_key_mismatch', message: /master key does not open/ },
  { name: 'a wrong master key (create)', args: ['keys', 'create', 'channel', '--channel', 'sms1'], env: { OCTO_MASTER_KEY: randomBytes(32).toString('base64') }, exit: 1, code: 'master_key_mismatch', message: /master key does not open/ },
  { name: 'a master key of 16 bytes', args: ['keys', 'copy', 'KEY', '--print'], env: { OCTO_MASTER_KEY: randomBytes(16).toString('base64') }, exit: 1, code: 'master_key_invalid', message: /not base64 of 32 bytes/ },
  { name: 'a master key that is not base64', args: ['keys', 'copy', 'KEY', '--print'], env: { OCTO_MASTER_KEY: '!!!not*base64!!!' + 'x'.repeat(28) }, exit: 1, code: 'master_key_invalid', message: /not base64 of 32 bytes/ },
];

// Each case has its own copy of the keystore, so the cases may run side by side.
describe.concurrent('bad input leaves the keystore unchanged', () => {
  for (const c of cases) {
    it(`refuses ${c.name} (exit ${c.exit}, ${c.code})`, async () => {
      const db = copyOfSeed();
      const before = dumpKeystore(db);
      const args = c.args.map((a) => (a === 'KEY' ? keyId : a === 'BEARER' ? bearerId : a));
      const env = { OCTO_DB: db, ...c.env };

      const human = await sb.run(args, { env });
      expect(human.code, human.stderr).toBe(c.exit);
      expect(human.stdout).toBe('');
      expect(human.stderr).toMatch(/^error: /);
      expect(human.stderr).toMatch(c.message);
      expect(human.stderr).toMatch(/\nhint: \S/);
      expect(human.stderr).not.toMatch(STACK_LINE);

      const json = await sb.run([...args, '--json'], { env });
      expect(json.code).toBe(c.exit);
      expect(json.stdout).toBe('');
      const body = JSON.parse(json.stderr) as { error: { code: string; message: string; hint: string } };
      expect(body.error.code).toBe(c.code);
      expect(body.error.message).toMatch(c.message);
      expect(body.error.hint.length).toBeGreaterThan(0);

      expect(dumpKeystore(db)).toEqual(before);
    });
  }

  it('prints the stack only with --debug (so the check above can fail)', async () => {
    const r = await sb.run(['keys', 'show', 'key_doesNotExist', '--debug'], { env: { OCTO_DB: copyOfSeed() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(STACK_LINE);
  });
});

describe('names with quotes, emoji and SQL fragments', () => {
  it('stores and lists them verbatim', async () => {
    const { workspaces } = await sb.json<{ workspaces: { name: string }[] }>(['workspaces', 'list']);
    expect(workspaces.map((w) => w.name)).toEqual(WEIRD_NAMES);
    const { keys } = await sb.json<{ keys: { name: string | null; subject: { name: string } | null }[] }>(['keys', 'list', '--kind', 'bearer']);
    expect(keys.map((k) => k.name)).toEqual(WEIRD_NAMES.slice(2));
    const { channels } = await sb.json<{ channels: { name: string; workspace: { name: string } }[] }>(['channels', 'list']);
    expect(channels).toMatchObject([{ name: WEIRD_NAMES[1], workspace: { name: WEIRD_NAMES[0] } }]);
    const table = await sb.run(['keys', 'list', '--no-color']);
    for (const name of WEIRD_NAMES.slice(2)) expect(table.stdout).toContain(name);
    // Every table is still there: nothing was executed as SQL.
    expect(Object.keys(dumpKeystore(sb.db).tables)).toEqual(expect.arrayContaining(['audit', 'keys', 'workspaces']));
  });

  it('selects a subject by such a name', async () => {
    const r = await sb.json<{ keys: unknown[] }>(['keys', 'list', '--workspace', WEIRD_NAMES[0]!]);
    expect(r.keys).toHaveLength(1);
  });
});

describe('keystore files that cannot be used', () => {
  function expectRefused(r: { code: number | null; stdout: string; stderr: string }, code: string, message: RegExp, hint = /--db|OCTO_DB|upgrade/): void {
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    const body = JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } };
    expect(body.error).toMatchObject({ code });
    expect(body.error.message).toMatch(message);
    expect(body.error.hint).toMatch(hint);
  }

  it('creates a keystore in a folder that does not exist, private', async () => {
    const db = join(sb.dir, 'does', 'not', 'exist', 'keystore.db');
    const r = await sb.run(['workspaces', 'add', 'W', '--platform', 'intercom'], { env: { OCTO_DB: db } });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(sb.dir, 'does')).mode & 0o777).toBe(0o700);
    expect(statSync(join(sb.dir, 'does', 'not', 'exist')).mode & 0o777).toBe(0o700);
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('refuses a folder it cannot write, creating nothing', async () => {
    const ro = mkdtempSync(join(tmpdir(), 'octo-ro-'));
    try {
      chmodSync(ro, 0o555);
      // root writes anywhere, so as root the command runs as nobody
      const uid = process.getuid?.() === 0 ? 65534 : undefined;
      for (const db of [join(ro, 'keystore.db'), join(ro, 'sub', 'keystore.db')]) {
        // A command that writes: one that only reads refuses a missing keystore before (keystore-missing.test.ts).
        const r = await runWith(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--json'], { env: { ...sb.env, OCTO_DB: db, HOME: ro }, uid });
        expectRefused(r, 'keystore_unwritable', /cannot open the keystore .*keystore\.db/);
      }
      const human = await runWith(['workspaces', 'add', 'Acme', '--platform', 'intercom'], { env: { ...sb.env, OCTO_DB: join(ro, 'k.db'), HOME: ro }, uid });
      expect(human.stderr).toMatch(/^error: .*\nhint: /);
      expect(human.stderr).not.toMatch(STACK_LINE);
      expect(existsSync(join(ro, 'sub'))).toBe(false);
    } finally {
      rmSync(ro, { recursive: true, force: true });
    }
  });

  it('refuses a path that is a folder', async () => {
    const dir = join(sb.dir, 'a-folder');
    mkdirSync(dir);
    const r = await sb.run(['keys', 'list', '--json'], { env: { OCTO_DB: dir } });
    expectRefused(r, 'keystore_invalid', /is a folder/);
  });

  it.each([
    ['text', Buffer.from('this is not a database\n')],
    ['random bytes', randomBytes(8192)],
    ['a truncated SQLite header', Buffer.from('SQLite format 3\0' + 'x'.repeat(50))],
  ])('refuses a file of %s, untouched byte for byte', async (_what, bytes) => {
    const db = join(sb.dir, `not-sqlite-${++caseNo}.db`);
    writeFileSync(db, bytes);
    const r = await sb.run(['workspaces', 'add', 'W', '--platform', 'intercom', '--json'], { env: { OCTO_DB: db } });
    expectRefused(r, 'keystore_invalid', /is not an octo keystore/);
    const human = await sb.run(['keys', 'list'], { env: { OCTO_DB: db } });
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^error: .*not an octo keystore.*\nhint: /);
    expect(human.stderr).not.toMatch(STACK_LINE);
    expect(digest(db)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(existsSync(`${db}-wal`) || existsSync(`${db}-journal`)).toBe(false);
  });

  it('refuses a SQLite database that is not an octo keystore, without adding tables to it', async () => {
    const db = join(sb.dir, 'other-app.db');
    const other = new Database(db);
    other.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')");
    other.close();
    const before = digest(db);
    const r = await sb.run(['keys', 'list', '--json'], { env: { OCTO_DB: db } });
    expectRefused(r, 'keystore_invalid', /not an octo keystore/);
    expect(digest(db)).toBe(before);
  });

  it.each(['wal', 'delete'])('refuses a schema newer than this octo (%s journal), never touching it', async (mode) => {
    const db = copyOfSeed();
    const raw = new Database(db);
    raw.pragma(`journal_mode = ${mode}`);
    raw.pragma('user_version = 999');
    raw.close();
    const before = digest(db);
    const r = await sb.run(['workspaces', 'add', 'W', '--platform', 'intercom', '--json'], { env: { OCTO_DB: db } });
    expectRefused(r, 'keystore_too_new', /schema version 999, newer than this octo understands/);
    const human = await sb.run(['keys', 'list'], { env: { OCTO_DB: db } });
    expect(human.stderr).toMatch(/^error: .*\nhint: upgrade octo/);
    expect(digest(db)).toBe(before);
    expect(dumpKeystore(db).userVersion).toBe(999);
  });

  it('refuses a master key file that is not base64 of 32 bytes, naming the file', async () => {
    const db = copyOfSeed();
    const config = join(sb.dir, 'bad-config');
    mkdirSync(join(config, 'octo'), { recursive: true });
    writeFileSync(join(config, 'octo', 'master.key'), 'hunter2\n', { mode: 0o600 });
    const before = dumpKeystore(db);
    const r = await runOcto(['keys', 'copy', keyId, '--print', '--json'], {
      env: { ...sb.env, OCTO_DB: db, OCTO_MASTER_KEY: '', XDG_CONFIG_HOME: config },
    });
    expectRefused(r, 'master_key_invalid', /master\.key is not base64 of 32 bytes/, /openssl rand -base64 32/);
    expect(r.stderr).not.toContain('hunter2');
    expect(dumpKeystore(db)).toEqual(before);
  });
});

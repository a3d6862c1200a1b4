import Database from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';
import { Sandbox, type RunResult } from '../helpers/cli.js';
import { digest, dumpKeystore } from '../helpers/keystore.js';
import { startServe } from '../helpers/serve.js';
import { startXvfb } from '../helpers/xvfb.js';

/** No display of any kind: the clipboard is absent unless a test gives one. */
const HEADLESS = { DISPLAY: '', WAYLAND_DISPLAY: '', XDG_SESSION_TYPE: '' };

interface Problem { code: string; message: string; hint: string | null }
interface Counts { active: number; rotated: number; revoked: number; expired: number; total: number }
interface Report {
  ok: boolean;
  keystore: { location: string; source: string; backend: string; state: string; schema_version: number | null; schema_version_supported: number };
  master_key: { source: string | null; path: string; state: string; fingerprint: string | null; matches_keystore: boolean | null };
  keys: { total: number; by_status: Counts; by_kind: Record<string, Counts> } | null;
  expiring: { within: string; keys: { id: string; name: string | null; expires_at: string; status: string }[] };
  clipboard: { available: boolean };
  verifier: { url: string; source: string; up: boolean; status: number | null; latency_ms: number | null; error: string | null };
  problems: Problem[];
}

const counts = (active: number, rotated: number, revoked: number, expired: number): Counts =>
  ({ active, rotated, revoked, expired, total: active + rotated + revoked + expired });

async function status(sb: Sandbox, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ r: RunResult; report: Report }> {
  const r = await sb.run(['status', ...args, '--json'], { env: { ...HEADLESS, ...env } });
  return { r, report: JSON.parse(r.stdout) as Report };
}

/** A port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

describe('octo status: a keystore with keys of every kind and status', () => {
  const sb = new Sandbox();
  const secrets: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const create = async (name: string, args: string[]) => {
      const issued = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', ...args]);
      ids[name] = issued.key.id;
      secrets.push(issued.secret);
    };
    const rotate = async (name: string, successor: string, args: string[] = []) => {
      const rotated = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'rotate', ids[name]!, ...args]);
      ids[successor] = rotated.key.id;
      secrets.push(rotated.secret);
    };
    const revoke = (name: string) => sb.json(['keys', 'revoke', ids[name]!, '--yes']);
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['channels', 'add', 'Support line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
    await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'waba1']);
    // workspace: rotated (no grace), revoked, active
    await create('w1', ['workspace', '--workspace', 'acme']);
    await rotate('w1', 'w2');
    await revoke('w2');
    await create('w3', ['workspace', '--workspace', 'acme']);
    // channel: active
    await create('c1', ['channel', '--channel', 'sms1']);
    // waba: rotated inside its grace (still accepted, status rotated), active
    await create('b1', ['waba', '--waba', 'waba1']);
    await rotate('b1', 'b2', ['--grace', '24h']);
    // bearer: active ×5 (two expiring within 7 days), rotated, revoked ×2, expired
    await create('ci', ['bearer', '--name', 'CI']);
    await create('soon', ['bearer', '--name', 'soon', '--expires-in', '3d']);
    await create('week', ['bearer', '--name', 'week', '--expires-in', '7d']);
    await create('later', ['bearer', '--name', 'later', '--expires-in', '8d']);
    await create('rot', ['bearer', '--name', 'rot']);
    await rotate('rot', 'rot2');
    await create('gone', ['bearer', '--name', 'gone']);
    await revoke('gone');
    // Made on a clock two days back for one day: expired when read now. One of them revoked as
    // well: revoked wins (the one acceptance rule).
    const past = new AppContext(sb.env, undefined, () => Date.now() - 2 * 86_400_000);
    try {
      for (const name of ['short', 'short-revoked']) {
        const issued = (await createKey(past, { kind: 'bearer', name, expiresInSeconds: 86_400 }));
        ids[name] = issued.key.id;
        secrets.push(issued.secret);
      }
    } finally {
      await past.close();
    }
    await revoke('short-revoked');
  });
  afterAll(async () => sb.cleanup());

  it('counts keys by kind and status, exactly, with the status every listing shows', async () => {
    const { r, report } = await status(sb);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(report.keys).toEqual({
      total: 15,
      by_status: counts(8, 3, 3, 1),
      by_kind: {
        workspace: counts(1, 1, 1, 0),
        channel: counts(1, 0, 0, 0),
        waba: counts(1, 1, 0, 0),
        bearer: counts(5, 1, 2, 1),
      },
    });
    // The same rule as `keys list --status`.
    for (const s of ['active', 'rotated', 'revoked', 'expired'] as const) {
      const listed = await sb.json<{ keys: unknown[] }>(['keys', 'list', '--status', s]);
      expect(listed.keys.length, s).toBe(report.keys!.by_status[s]);
    }
  });

  it('lists the active keys that expire within 7 days, soonest first, as `keys check --expiring-within 7d` flags them', async () => {
    const { report } = await status(sb);
    expect(report.expiring.within).toBe('7d');
    expect(report.expiring.keys.map((k) => [k.id, k.name, k.status])).toEqual([
      [ids.soon, 'soon', 'active'],
      [ids.week, 'week', 'active'],
    ]);
    const check = await sb.run(['keys', 'check', '--expiring-within', '7d', '--json']);
    const flagged = (JSON.parse(check.stdout) as { violations: { rule: string; key: { id: string } }[] }).violations
      .filter((v) => v.rule === 'expiring-within').map((v) => v.key.id);
    expect(flagged.sort()).toEqual([ids.soon, ids.week].sort());
  });

  it('says where the keystore and the master key come from, and that they match', async () => {
    const { report } = await status(sb);
    expect(report.keystore).toEqual({
      location: sb.db, source: 'OCTO_DB', backend: 'sqlite', state: 'ok', schema_version: SCHEMA_VERSION, schema_version_supported: SCHEMA_VERSION,
    });
    expect(report.master_key).toEqual({
      source: 'OCTO_MASTER_KEY', path: join(sb.env.XDG_CONFIG_HOME!, 'octo', 'master.key'), state: 'ok',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/), matches_keystore: true,
    });
    const named = await status(sb, ['--db', sb.db], { OCTO_DB: undefined });
    expect(named.report.keystore).toMatchObject({ location: sb.db, source: '--db', state: 'ok' });
  });

  it('prints the same in human form: blocks on stdout, nothing on stderr', async () => {
    const r = await sb.run(['status'], { env: HEADLESS });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Keystore    ${sb.db} (from OCTO_DB)\n            schema version ${SCHEMA_VERSION}\n`);
    expect(r.stdout).toMatch(/^Master key  OCTO_MASTER_KEY \(environment\)\n            fingerprint [0-9a-f]{16}, matches the keystore\n/m);
    expect(r.stdout).toContain('Keys        15 in all: 8 active, 3 rotated, 3 revoked, 1 expired\n');
    expect(r.stdout).toMatch(/^            kind\s+active\s+rotated\s+revoked\s+expired\s+total$/m);
    expect(r.stdout).toMatch(/^            bearer\s+5\s+1\s+2\s+1\s+9$/m);
    expect(r.stdout).toMatch(/^            workspace\s+1\s+1\s+1\s+0\s+3$/m);
    expect(r.stdout).toContain('Expiring    2 keys within 7d:\n');
    expect(r.stdout).toMatch(new RegExp(`^              ${ids.soon}  "soon" \\(API Key\\)  in 2d, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$`, 'm'));
    expect(r.stdout).toMatch(/^Clipboard   none /m);
  });

  it('never prints a secret, and changes nothing in the keystore', async () => {
    const before = dumpKeystore(sb.db);
    const outputs = [await sb.run(['status'], { env: HEADLESS }), await sb.run(['status', '--json'], { env: HEADLESS })];
    for (const r of outputs) {
      for (const text of [r.stdout, r.stderr]) {
        for (const secret of [...secrets, sb.env.OCTO_MASTER_KEY!]) expect(text).not.toContain(secret);
      }
    }
    expect(dumpKeystore(sb.db)).toEqual(before);
  });
});

describe('octo status: where nothing exists yet', () => {
  const sb = new Sandbox();
  const bare = { ...sb.env, OCTO_DB: undefined, OCTO_MASTER_KEY: undefined, ...HEADLESS };
  afterAll(async () => sb.cleanup());

  it('reads the default location as empty, says "not created yet", and creates nothing', async () => {
    const r = await sb.run(['status', '--json'], { env: bare });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    expect(report).toMatchObject({
      ok: true,
      keystore: { location: join(sb.env.XDG_DATA_HOME!, 'octo', 'keystore.db'), source: 'default', state: 'not_created', schema_version: null },
      master_key: { source: null, state: 'not_created', fingerprint: null, matches_keystore: null },
      keys: { total: 0, by_status: counts(0, 0, 0, 0) },
      expiring: { within: '7d', keys: [] },
      problems: [],
    });
    const human = await sb.run(['status'], { env: bare });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('not created yet: the first command that adds something creates it');
    expect(human.stdout).toMatch(/^Master key  none yet: created at .*master\.key by the first command that seals a secret/m);
    expect(existsSync(sb.env.XDG_DATA_HOME!)).toBe(false);
    expect(existsSync(sb.env.XDG_CONFIG_HOME!)).toBe(false);
  });

  it('has one JSON shape', async () => {
    const r = await sb.run(['status', '--json'], { env: bare });
    const report = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(report)).toEqual(['ok', 'keystore', 'master_key', 'keys', 'expiring', 'clipboard', 'verifier', 'serving', 'problems']);
    expect(Object.keys(report.keystore!)).toEqual(['location', 'source', 'backend', 'state', 'schema_version', 'schema_version_supported']);
    expect(Object.keys(report.master_key!)).toEqual(['source', 'path', 'state', 'fingerprint', 'matches_keystore']);
    expect(Object.keys(report.keys!)).toEqual(['total', 'by_status', 'by_kind']);
    expect(Object.keys(report.keys!.by_kind!)).toEqual(['workspace', 'channel', 'waba', 'bearer']);
    expect(Object.keys(report.verifier!)).toEqual(['url', 'source', 'up', 'status', 'latency_ms', 'error']);
    expect(report.clipboard).toEqual({ available: false });
    // The default address, whatever answers there on this machine: never a problem.
    expect(report.verifier).toMatchObject({ url: 'http://127.0.0.1:8787', source: 'default' });
  });

  it('reports a keystore named by --db or OCTO_DB that does not exist, exit 1, and creates nothing', async () => {
    const typo = join(sb.dir, 'no-such-folder', 'keystroe.db');
    for (const [args, env, source] of [[['--db', typo], bare, '--db'], [[], { ...bare, OCTO_DB: typo }, 'OCTO_DB']] as const) {
      const r = await sb.run(['status', ...args, '--json'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as Report;
      expect(report.ok).toBe(false);
      expect(report.keystore).toMatchObject({ location: typo, source, state: 'missing' });
      expect(report.keys).toBeNull();
      expect(report.problems).toEqual([expect.objectContaining({ code: 'keystore_missing', message: `no keystore at ${typo} (named by ${source})` })]);
      const human = await sb.run(['status', ...args], { env });
      expect(human.code).toBe(1);
      expect(human.stdout).toContain(`Keystore    ${typo} (from ${source})\n            missing\n`);
      expect(human.stderr).toMatch(new RegExp(`^error: no keystore at ${typo} \\(named by ${source}\\)\\nhint: .*octo workspaces add Acme`));
    }
    expect(existsSync(join(sb.dir, 'no-such-folder'))).toBe(false);
  });

  it('shows a PostgreSQL keystore it cannot reach with its password masked, and why (exit 1)', async () => {
    const url = 'postgres://octo:hunter2-secret@127.0.0.1:1/keys';
    const r = await sb.run(['status', '--json'], { env: { ...bare, OCTO_DB: url } });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.keystore).toMatchObject({ location: 'postgres://octo:***@127.0.0.1:1/keys', source: 'OCTO_DB', backend: 'postgres', state: 'unreadable' });
    expect(report.problems.map((p) => p.code)).toEqual(['keystore_unavailable']);
    const human = await sb.run(['status', '--db', url], { env: bare });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('postgres://octo:***@127.0.0.1:1/keys (from --db)\n            cannot be read');
    expect(human.stderr).toContain('error: cannot reach the keystore postgres://octo:***@127.0.0.1:1/keys: connection refused (127.0.0.1:1)');
    for (const text of [r.stdout, r.stderr, human.stdout, human.stderr]) expect(text).not.toContain('hunter2');
    expect(existsSync(join(process.cwd(), 'postgres:'))).toBe(false);
  });

  it('an invalid --server or --timeout is a usage error', async () => {
    for (const server of ['not a url', 'ftp://127.0.0.1/']) {
      const r = await sb.run(['status', '--server', server, '--json'], { env: bare });
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'usage', message: `invalid --server "${server}"` } });
    }
    const r = await sb.run(['status', '--timeout', '1.5s', '--json'], { env: bare });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'invalid_duration', message: 'invalid duration for --timeout: "1.5s"' } });
  });
});

describe('octo status: the master key', () => {
  const sb = new Sandbox();
  const noEnvKey = { OCTO_MASTER_KEY: undefined };
  const file = join(sb.env.XDG_CONFIG_HOME!, 'octo', 'master.key');
  beforeAll(async () => {
    // The keystore seals a workspace key under the master key file octo creates, which records its fingerprint.
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme'], { env: noEnvKey });
    await sb.json(['keys', 'create', 'workspace', '--workspace', 'acme'], { env: noEnvKey });
  });
  afterAll(async () => sb.cleanup());

  it('from the file: its path, and that it matches', async () => {
    const { r, report } = await status(sb, [], noEnvKey);
    expect(r.code, r.stderr).toBe(0);
    expect(report.master_key).toMatchObject({ source: 'file', path: file, state: 'ok', matches_keystore: true });
    const human = await sb.run(['status'], { env: { ...noEnvKey, ...HEADLESS } });
    expect(human.stdout).toContain(`Master key  ${file} (file)\n            fingerprint ${report.master_key.fingerprint}, matches the keystore\n`);
    expect(human.stdout + human.stderr).not.toContain(readFileSync(file, 'utf8').trim());
  });

  it('from OCTO_MASTER_KEY, over the file: the same key matches, another one does not (exit 1)', async () => {
    const same = readFileSync(file, 'utf8').trim();
    const matching = await status(sb, [], { OCTO_MASTER_KEY: same });
    expect(matching.r.code).toBe(0);
    expect(matching.report.master_key).toMatchObject({ source: 'OCTO_MASTER_KEY', state: 'ok', matches_keystore: true });
    const other = randomBytes(32).toString('base64');
    const wrong = await status(sb, [], { OCTO_MASTER_KEY: other });
    expect(wrong.r.code).toBe(1);
    expect(wrong.report.master_key).toMatchObject({ source: 'OCTO_MASTER_KEY', state: 'mismatch', matches_keystore: false });
    expect(wrong.report.master_key.fingerprint).not.toBe(matching.report.master_key.fingerprint);
    expect(wrong.report.problems.map((p) => p.code)).toEqual(['master_key_mismatch']);
    for (const r of [matching.r, wrong.r]) expect(r.stdout + r.stderr).not.toMatch(new RegExp(`${same.slice(0, 20)}|${other.slice(0, 20)}`.replace(/[+/]/g, '\\$&')));
  });

  it('none at all, while the keystore has sealed secrets: a problem, and no key file is made', async () => {
    const elsewhere = join(sb.dir, 'other-config');
    const { r, report } = await status(sb, [], { ...noEnvKey, XDG_CONFIG_HOME: elsewhere });
    expect(r.code).toBe(1);
    expect(report.master_key).toMatchObject({ source: null, state: 'missing', fingerprint: null, matches_keystore: false });
    expect(report.problems.map((p) => p.code)).toEqual(['master_key_missing']);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('not base64 of 32 bytes: invalid (exit 1)', async () => {
    const { r, report } = await status(sb, [], { OCTO_MASTER_KEY: 'not-a-key' });
    expect(r.code).toBe(1);
    expect(report.master_key).toMatchObject({ source: 'OCTO_MASTER_KEY', state: 'invalid', fingerprint: null });
    expect(report.problems.map((p) => p.code)).toEqual(['master_key_invalid']);
  });
});

describe('octo status: keystore files it cannot use, and an old schema', () => {
  const sb = new Sandbox();
  afterAll(async () => sb.cleanup());

  it('reports an older schema as it is, and does not migrate it', async () => {
    const path = join(sb.dir, 'v1.db');
    const db = new Database(path);
    MIGRATIONS[0]!(db);
    db.pragma('user_version = 1');
    db.close();
    const before = digest(path);
    const { r, report } = await status(sb, ['--db', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(report.keystore).toMatchObject({ state: 'ok', schema_version: 1, schema_version_supported: SCHEMA_VERSION });
    expect(report.keys?.total).toBe(0);
    expect(digest(path)).toBe(before);
    expect(dumpKeystore(path).userVersion).toBe(1);
    const human = await sb.run(['status', '--db', path], { env: HEADLESS });
    expect(human.stdout).toContain(`schema version 1 (older: the next command that opens it migrates it to ${SCHEMA_VERSION})`);
  });

  it('a file that is not a keystore: reported, exit 1, left as it was', async () => {
    const path = join(sb.dir, 'notes.txt');
    writeFileSync(path, 'not a database at all, just some text that is long enough to be a page header of sorts');
    const before = digest(path);
    const { r, report } = await status(sb, ['--db', path]);
    expect(r.code).toBe(1);
    expect(report.keystore).toMatchObject({ state: 'unreadable', schema_version: null });
    expect(report.keys).toBeNull();
    expect(report.problems.map((p) => p.code)).toEqual(['keystore_invalid']);
    expect(digest(path)).toBe(before);
  });

  it('a folder: reported, exit 1', async () => {
    const path = join(sb.dir, 'a-folder');
    mkdirSync(path);
    const { r, report } = await status(sb, ['--db', path]);
    expect(r.code).toBe(1);
    expect(report.problems.map((p) => p.code)).toEqual(['keystore_invalid']);
  });
});

describe('octo status: the verifier', () => {
  const sb = new Sandbox();
  afterAll(async () => sb.cleanup());

  it('a running `octo serve` is up, with its latency', async () => {
    const serve = await startServe(sb);
    try {
      // A generous time to answer: what is tested is that an answer is seen, not how fast.
      const { r, report } = await status(sb, ['--server', serve.url, '--timeout', '20s']);
      expect(r.code, r.stderr).toBe(0);
      expect(report.verifier).toEqual({ url: serve.url, source: '--server', up: true, status: 200, latency_ms: expect.any(Number), error: null });
      const human = await sb.run(['status', '--server', serve.url, '--timeout', '20s'], { env: HEADLESS });
      expect(human.stdout).toMatch(new RegExp(`^Verifier    up at ${serve.url} \\(from --server\\), \\d+ ms$`, 'm'));
    } finally {
      await serve.stop();
    }
  });

  it('a closed port is down: a problem when named by --server (exit 1)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { r, report } = await status(sb, ['--server', url]);
    expect(r.code).toBe(1);
    expect(report.verifier).toEqual({ url, source: '--server', up: false, status: null, latency_ms: null, error: 'connection refused' });
    expect(report.problems).toEqual([{
      code: 'server_unreachable', message: `cannot reach the verifier at ${url} (connection refused)`,
      hint: 'start it with `octo serve`, or pass the URL it printed to --server',
    }]);
    const human = await sb.run(['status', '--server', url], { env: HEADLESS });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`Verifier    down at ${url} (from --server): connection refused\n`);
    expect(human.stderr).toBe(`error: cannot reach the verifier at ${url} (connection refused)\nhint: start it with \`octo serve\`, or pass the URL it printed to --server\n`);
  });
});

describe('octo status: a verifier that answers wrong, or not at all', () => {
  const sb = new Sandbox();
  sb.env.OCTO_DB = undefined;
  const sockets = new Set<Socket>();
  let silent: Server;
  let failing: HttpServer;
  const urlOf = (server: Server | HttpServer) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer((socket) => sockets.add(socket));
    failing = createHttpServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"keystore_unavailable"}'));
    await Promise.all([silent, failing].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([silent, failing].map((s) => new Promise((resolve) => s.close(resolve))));
    sb.cleanup();
  });

  it('no answer within --timeout is down, timed out', async () => {
    const { r, report } = await status(sb, ['--server', urlOf(silent), '--timeout', '1s']);
    expect(r.code).toBe(1);
    expect(report.verifier).toMatchObject({ up: false, status: null, error: 'timed out after 1s' });
    expect(report.problems.map((p) => p.code)).toEqual(['server_unreachable']);
  });

  it('an answer other than 200 is down, with the status', async () => {
    const { r, report } = await status(sb, ['--server', urlOf(failing), '--timeout', '20s']);
    expect(r.code).toBe(1);
    expect(report.verifier).toMatchObject({ up: false, status: 503, error: 'answered 503', latency_ms: expect.any(Number) });
    expect(report.problems).toEqual([expect.objectContaining({ code: 'server_error', message: `the verifier at ${urlOf(failing)} answered GET /healthz with 503` })]);
  });
});

describe('octo status: the clipboard', () => {
  const sb = new Sandbox();
  // The default keystore, not created yet: nothing else to report.
  sb.env.OCTO_DB = undefined;
  let xvfb: { proc: ChildProcess; display: string };
  let owner: ChildProcess | undefined;
  beforeAll(async () => {
    xvfb = await startXvfb();
  });
  afterAll(async () => {
    owner?.kill();
    xvfb?.proc.kill();
    sb.cleanup();
  });

  it('is available under an X display with xsel, and what is on it stays there, unprinted', async () => {
    const env = { ...process.env, DISPLAY: xvfb.display };
    // xsel --input stays in the background as the owner of the selection.
    owner = spawn('xsel', ['--clipboard', '--input'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    owner.stdin!.end('what the user copied');
    await new Promise((resolve) => owner!.on('exit', resolve));
    const { r, report } = await status(sb, ['--timeout', '20s'], { DISPLAY: xvfb.display });
    expect(r.code, r.stderr).toBe(0);
    expect(report.clipboard).toEqual({ available: true });
    const human = await sb.run(['status', '--timeout', '20s'], { env: { ...HEADLESS, DISPLAY: xvfb.display } });
    expect(human.stdout).toMatch(/^Clipboard   available$/m);
    for (const text of [r.stdout, human.stdout, human.stderr]) expect(text).not.toContain('what the user copied');
    const pasted = execFileSync('xsel', ['--clipboard', '--output'], { env, timeout: 5000 });
    expect(pasted.toString()).toBe('what the user copied');
  });

  it('is absent without a display', async () => {
    const { r, report } = await status(sb, [], HEADLESS);
    expect(r.code).toBe(0);
    expect(report.clipboard).toEqual({ available: false });
  });
});

import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { OctoError } from '../../src/core/errors.js';
import { KeystoreUnavailable, NotAKeystore } from '../../src/store/errors.js';
import { lookAtKeystore, openKeystore } from '../../src/store/open-keystore.js';
import { PostgresKeystore } from '../../src/store/postgres/keystore.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';
import { COPIED_TABLES } from '../../src/store/table-copy.js';
import { skipPg, usePostgres, workerScript } from '../helpers/pg.js';

/* Opening a PostgreSQL keystore: the schema made once, refusals, and an unreachable server. */

const admin = (url: string) => postgres(url, { max: 1, onnotice: () => {} });

async function caught(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

/** Every way an error could leak a secret: message, hint, stack, cause chain, enumerable fields. */
function everything(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; stack?: string; hint?: string; cause?: unknown } | undefined, n = 0; e && n < 5; e = e.cause as typeof e, n++) {
    parts.push(String(e.message), String(e.stack), String(e.hint), JSON.stringify(e));
  }
  return parts.join('\n');
}

describe('the schema version and tables (no server needed)', () => {
  it('is the same number on both backends, and the copied tables are SQLite\'s, column for column', () => {
    expect(PostgresKeystore.schemaVersion).toBe(SCHEMA_VERSION);
    const db = new Database(':memory:');
    for (const m of MIGRATIONS) m(db);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((r) => r.name);
    expect(COPIED_TABLES.map((t) => t.name).sort()).toEqual(tables);
    for (const t of COPIED_TABLES) {
      const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${t.name}')`).all().map((r) => r.name);
      expect([...t.columns].sort(), t.name).toEqual(columns.sort());
    }
    db.close();
  });
});

describe('a file keystore (no server needed)', () => {
  it('loads nothing of PostgreSQL or its driver, bundled as the CLI is (CommonJS, packages external)', () => {
    const root = join(import.meta.dirname, '..', '..');
    const out = join(root, 'dist', 'test-pg', 'open-keystore.cjs');
    execFileSync(process.execPath, [join(root, 'node_modules', 'esbuild', 'bin', 'esbuild'), join(root, 'src', 'store', 'open-keystore.ts'),
      '--bundle', '--platform=node', '--format=cjs', '--packages=external', `--outfile=${out}`, '--log-level=error']);
    const dir = mkdtempSync(join(tmpdir(), 'octo-file-'));
    try {
      const probe = `const m = require(${JSON.stringify(out)});
        const s = m.openKeystore(${JSON.stringify(join(dir, 'k.db'))});
        Promise.resolve(s).then((k) => { k.close();
          console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules[\\/]postgres[\\/]|store[\\/]postgres/.test(f)))); });`;
      expect(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', cwd: root }))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipPg)('opening a PostgreSQL keystore', () => {
  const pg = usePostgres();
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('is chosen by open-keystore for a postgres:// or postgresql:// URL, and creates the schema on first use', async () => {
    const url = await pg.fresh();
    const store = await openKeystore(url.replace(/^postgres:/, 'postgresql:'));
    expect(store).toBeInstanceOf(PostgresKeystore);
    expect((await store.summary()).schemaVersion).toBe(SCHEMA_VERSION);
    await store.close();
    const look = await lookAtKeystore(url);
    expect(look.schemaVersion).toBe(SCHEMA_VERSION);
    await look.store.close();
  });

  it('migrates a new database once when 8 processes open it at the same moment', async () => {
    const url = await pg.fresh();
    const script = workerScript();
    const children = Array.from({ length: 8 }, () => spawn(process.execPath, [script, 'open', url], { stdio: ['pipe', 'pipe', 'pipe'] }));
    // Each opens (and migrates) as soon as it starts; `go` then asks for the summary.
    const outputs = await Promise.all(children.map((c) => new Promise<string>((resolve) => {
      let out = '';
      let err = '';
      let sent = false;
      c.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (!sent && out.includes('ready\n')) {
          sent = true;
          c.stdin.end('go\n');
        }
      });
      c.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      c.on('close', () => resolve(out + err));
    })));
    for (const out of outputs) expect(out).toContain(`{"version":${SCHEMA_VERSION}}`);
    const sql = admin(url);
    expect(await sql`SELECT version FROM octo_schema`).toEqual([{ version: SCHEMA_VERSION }]);
    expect((await sql`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'keys_subject_not_removed'`)[0]!.n).toBe(1);
    await sql.end();
  }, 60_000);

  it('refuses a database holding another program\'s tables, as another program\'s SQLite file, and leaves it as it was', async () => {
    const url = await pg.fresh();
    const sql = admin(url);
    await sql`CREATE TABLE orders (id int)`;
    const err = await caught(PostgresKeystore.open(url));
    expect(err).toBeInstanceOf(NotAKeystore);
    expect(err).toMatchObject({ code: 'keystore_invalid' });
    expect(err.message).toMatch(/is a PostgreSQL database, but not an octo keystore/);
    expect((await caught(PostgresKeystore.asIs(url)))).toBeInstanceOf(NotAKeystore);
    expect(await sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`).toEqual([{ tablename: 'orders' }]);
    await sql.end();
  });

  it('refuses a newer octo schema, never downgrading it', async () => {
    const url = await pg.fresh();
    await (await PostgresKeystore.open(url)).close();
    const sql = admin(url);
    await sql`UPDATE octo_schema SET version = ${SCHEMA_VERSION + 1}`;
    await sql.end();
    for (const open of [PostgresKeystore.open, PostgresKeystore.asIs]) {
      const err = await caught(open(url));
      expect(err).toBeInstanceOf(OctoError);
      expect(err).toMatchObject({ code: 'keystore_too_new' });
    }
  });

  it('looks at an empty database as it is: version 0, nothing created', async () => {
    const url = await pg.fresh();
    const look = await PostgresKeystore.asIs(url);
    expect(look.schemaVersion).toBe(0);
    await look.store.close();
    const sql = admin(url);
    expect(await sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`).toEqual([]);
    await sql.end();
  });

  it('says a database that does not exist is unreachable, with a hint to create it', async () => {
    const u = new URL(pg.url());
    u.pathname = '/no_such_db';
    u.password = 'hunter2secret';
    const err = await caught(PostgresKeystore.open(u.toString()));
    expect(err).toBeInstanceOf(KeystoreUnavailable);
    expect(err.message).toContain('the database no_such_db does not exist');
    expect((err as OctoError).hint).toContain('createdb no_such_db');
    expect(everything(err)).not.toContain('hunter2secret');
  });
});

describe('an unreachable PostgreSQL server (no server needed)', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  it('a refused connection: KeystoreUnavailable naming host and port, the password masked everywhere', async () => {
    const port = await closedPort();
    const url = `postgres://octo:s3cr3t-pass@127.0.0.1:${port}/keys`;
    const started = Date.now();
    const err = await caught(PostgresKeystore.open(url));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(KeystoreUnavailable);
    expect(err).toMatchObject({ code: 'keystore_unavailable', reason: 'unreachable' });
    expect(err.message).toBe(`cannot reach the keystore postgres://octo:***@127.0.0.1:${port}/keys: connection refused (127.0.0.1:${port}); nothing was changed`);
    expect((err as OctoError).hint).toMatch(/accepts connections/);
    expect(everything(err)).not.toContain('s3cr3t-pass');
  });

  it('a server that never answers: KeystoreUnavailable within the connect timeout (OCTO_PG_CONNECT_TIMEOUT)', async () => {
    const silent = createServer(() => {});
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const err = await caught(PostgresKeystore.open(`postgres://u:pw-never-shown@127.0.0.1:${port}/db`, { ...process.env, OCTO_PG_CONNECT_TIMEOUT: '1' }));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(4_000);
    expect(err).toBeInstanceOf(KeystoreUnavailable);
    expect(err.message).toContain(`no answer within the connect timeout (127.0.0.1:${port})`);
    expect(everything(err)).not.toContain('pw-never-shown');
  });

  it('refuses a URL it cannot parse, masked, and a connect timeout that is not a number', async () => {
    const err = await caught(PostgresKeystore.open('postgres://u:topsecret@[bad/db'));
    expect(err).toMatchObject({ exitCode: 2 });
    expect(everything(err)).not.toContain('topsecret');
    const bad = await caught(PostgresKeystore.open('postgres://u@127.0.0.1:1/db', { OCTO_PG_CONNECT_TIMEOUT: 'soon' }));
    expect(bad.message).toContain('OCTO_PG_CONNECT_TIMEOUT=soon');
  });
});

import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { LOCK_CLASS, WRITERS_LOCK } from '../../src/store/postgres/schema.js';
import { runOcto, Sandbox } from '../helpers/cli.js';
import { skipPg, usePostgres, workerScript } from '../helpers/pg.js';

/*
 * A write transaction whose connection dies under it: the write fails with keystore_unavailable
 * and the process goes on. The test holds the writers' lock, so octo's write waits for it inside
 * its transaction; the test terminates that backend, which closes the connection cleanly while a
 * statement is pending, and the driver then writes the transaction's ROLLBACK to a connection
 * that has no socket. Unpatched, postgres.js 3.4.9 throws that from a setImmediate
 * (`TypeError: Cannot read properties of null (reading 'write')`, an uncaughtException) and the
 * process dies (porsager/postgres#1208); patches/postgres+3.4.9.patch makes it reject instead.
 * Each case runs in a child process, so that a crash is its exit code rather than vitest's.
 */
describe.skipIf(skipPg)('a PostgreSQL write whose connection dies inside its transaction', () => {
  const pg = usePostgres();

  /** Holds the writers' lock on a connection of its own until `terminateWaiter` has killed the writer waiting for it. */
  async function holdWritersLock(url: string) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin`SELECT pg_advisory_lock(${LOCK_CLASS}, ${WRITERS_LOCK})`;
    return {
      async terminateWaiter(): Promise<void> {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const waiting = await admin<{ pid: number }[]>`
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND classid::int8 = ${LOCK_CLASS} AND objid::int8 = ${WRITERS_LOCK}`;
          if (waiting.length > 0) {
            // Waits (up to 5 s) until the backend has exited.
            await admin`SELECT pg_terminate_backend(${waiting[0]!.pid}, 5000)`;
            break;
          }
          if (Date.now() > deadline) throw new Error('no octo writer came to wait for the writers\' lock');
          await new Promise((r) => setTimeout(r, 20));
        }
        await admin`SELECT pg_advisory_unlock(${LOCK_CLASS}, ${WRITERS_LOCK})`;
        await admin.end();
      },
    };
  }

  it('PostgresKeystore (the driver\'s ESM build): the write rejects keystore_unavailable, the next write succeeds', async () => {
    const url = await pg.fresh();
    const script = workerScript();
    const lock = await holdWritersLock(url);
    const child = spawn(process.execPath, [script, 'lost-write', url], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    }));
    child.stdin.end('go\n');
    await lock.terminateWaiter();
    const code = await closed;
    expect(err).not.toContain('TypeError');
    expect(code, `${out}${err}`).toBe(0);
    const outcome = JSON.parse(out.trim().split('\n').pop()!) as { first: unknown; second: string };
    expect(outcome.first).toEqual({ name: 'KeystoreUnavailable', reason: 'unreachable' });
    const sql = postgres(url, { max: 1 });
    expect(await sql`SELECT id, name FROM keys`).toEqual([{ id: outcome.second, name: 'after' }]);
    await sql.end();
  }, 60_000);

  it('the octo CLI (the bundle, the driver\'s CommonJS build): exit 1 keystore_unavailable, nothing written', async () => {
    const url = await pg.fresh();
    const sandbox = new Sandbox();
    try {
      const env = { OCTO_DB: url };
      await sandbox.json(['workspaces', 'add', 'Acme', '--platform', 'intercom'], { env });
      const lock = await holdWritersLock(url);
      const running = runOcto(['workspaces', 'add', 'Beta', '--platform', 'intercom', '--json'], { env: { ...sandbox.env, ...env } });
      await lock.terminateWaiter();
      const r = await running;
      expect(r.stderr).not.toContain('TypeError');
      expect(r.code, r.stderr).toBe(1);
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'keystore_unavailable' } });
      const { workspaces } = await sandbox.json<{ workspaces: { name: string }[] }>(['workspaces', 'list'], { env });
      expect(workspaces.map((w) => w.name)).toEqual(['Acme']);
    } finally {
      sandbox.cleanup();
    }
  }, 60_000);
});

import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { PostgresKeystore } from '../../src/store/postgres/keystore.js';
import { raceWorkers, skipPg, usePostgres, workerScript } from '../helpers/pg.js';
import { subjectKey } from './keystore-contract.js';

/*
 * Writers in separate processes (child processes running test/helpers/pg-worker.ts, bundled),
 * released at the same moment: the database keeps octo's rules whoever wins.
 */
describe.skipIf(skipPg)('concurrent writers on one PostgreSQL keystore, from several processes', () => {
  const pg = usePostgres();

  async function seeded(): Promise<string> {
    const url = await pg.fresh();
    const store = await PostgresKeystore.open(url);
    await store.subjects.addWorkspace({ id: 'ws_race', name: 'Race', platform: 'intercom', createdAt: 1 });
    await store.close();
    return url;
  }

  it('8 racing creates of an active key for one workspace: one winner, the others one_active_key', async () => {
    const url = await seeded();
    const outcomes = await raceWorkers(workerScript(), Array.from({ length: 8 }, () => ['create', url, 'ws_race']));
    expect(outcomes.filter((o) => o.won === true)).toHaveLength(1);
    expect(outcomes.filter((o) => o.won === false && o.rule === 'one_active_key')).toHaveLength(7);
    const sql = postgres(url, { max: 1 });
    expect(await sql`SELECT count(*)::int AS n FROM keys WHERE workspace_id = 'ws_race' AND state = 'active'`).toEqual([{ n: 1 }]);
    await sql.end();
  }, 60_000);

  it('8 racing rotations of one key: one winner, one successor', async () => {
    const url = await seeded();
    const store = await PostgresKeystore.open(url);
    const first = subjectKey('workspace', 'ws_race');
    await store.keys.insert(first);
    await store.close();
    const outcomes = await raceWorkers(workerScript(), Array.from({ length: 8 }, () => ['rotate', url, first.id, 'ws_race']));
    const winners = outcomes.filter((o) => o.won === true);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.won === false)).toHaveLength(7);
    const after = await PostgresKeystore.open(url);
    expect(await after.keys.findById(first.id)).toMatchObject({ state: 'rotated', replacedBy: winners[0]!.id });
    expect((await after.keys.forSubject('workspace', 'ws_race')).map((k) => k.state)).toEqual(['rotated', 'active']);
    await after.close();
  }, 60_000);

  it('40 concurrent writers: nothing lost or doubled', async () => {
    const url = await seeded();
    const outcomes = await raceWorkers(workerScript(), Array.from({ length: 40 }, () => ['write', url, '5']), 120_000);
    const ids = outcomes.flatMap((o) => o.ids as string[]);
    expect(ids).toHaveLength(200);
    const sql = postgres(url, { max: 1 });
    const keys = await sql<{ id: string }[]>`SELECT id FROM keys`;
    expect(keys.map((k) => k.id).sort()).toEqual([...ids].sort());
    expect(await sql`SELECT count(*)::int AS n FROM audit`).toEqual([{ n: 200 }]);
    await sql.end();
  }, 180_000);

  it('a writer SIGKILLed inside its transaction leaves no half-made key, and the next writer goes on', async () => {
    const url = await seeded();
    const child = spawn(process.execPath, [workerScript(), 'hang', url, 'ws_race'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n') && !out.includes('go')) {
        out += 'go';
        child.stdin.write('go\n');
      }
      if (out.includes('inserted\n')) resolve();
    }));
    const closed = new Promise((r) => child.on('close', r));
    child.kill('SIGKILL');
    await closed;
    const store = await PostgresKeystore.open(url);
    const started = Date.now();
    await store.keys.insert(subjectKey('workspace', 'ws_race'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await store.keys.forSubject('workspace', 'ws_race')).toHaveLength(1);
    await store.close();
  }, 30_000);
});

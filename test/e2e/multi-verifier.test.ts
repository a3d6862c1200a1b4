import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { Sandbox } from '../helpers/cli.js';
import { skipPg, usePostgres } from '../helpers/pg.js';
import { request, startServe, type HttpAnswer, type RunningServe } from '../helpers/serve.js';

/*
 * SPEC §11, several verifiers: three real `octo serve --port 0` processes on one PostgreSQL
 * database, the real CLI changing keys, and real faults (pg_terminate_backend, SIGSTOP/SIGCONT,
 * the server stopped). A request sent after the command returned is judged by the new state on
 * every verifier, or answered 503; never by a stale cache.
 */

const ROUNDS = Number(process.env.OCTO_MULTI_ROUNDS ?? 100);
const pg = usePostgres();
const DB = `octo_multi_${process.pid}_${Date.now().toString(36)}`;

describe.skipIf(skipPg)('several verifiers on one PostgreSQL keystore', () => {
  let sandbox: Sandbox;
  let ctx: AppContext;
  let admin: postgres.Sql;
  let serves: RunningServe[] = [];

  beforeAll(async () => {
    sandbox = new Sandbox();
    // One database for the file (usePostgres' fresh() ones are dropped after each test).
    const server = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await server.unsafe(`CREATE DATABASE ${DB}`);
    await server.end();
    const u = new URL(pg.url());
    u.pathname = `/${DB}`;
    sandbox.env.OCTO_DB = u.href;
    // The schema, and a context that issues keys without a process per key.
    ctx = new AppContext(sandbox.env);
    await ctx.keystore();
    admin = postgres(sandbox.env.OCTO_DB, { max: 1, onnotice: () => {} });
    serves = await Promise.all([0, 1, 2].map(() => startServe(sandbox)));
  }, 60_000);

  afterEach(() => {
    // A test that failed while a verifier was frozen must not leave it frozen.
    for (const s of serves) s.proc.kill('SIGCONT');
  });

  afterAll(async () => {
    await Promise.all(serves.map((s) => s.stop()));
    await admin?.end();
    await ctx?.close();
    sandbox?.cleanup();
    const server = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await server.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await server.end();
  }, 60_000);

  const posts = (url: string, secret: string): Promise<HttpAnswer> => request(`${url}/v1/posts`, 'GET', { Authorization: `Bearer ${secret}` });
  const everywhere = (secret: string) => Promise.all(serves.map((s) => posts(s.url, secret)));

  async function bearer(name: string, scopes = ['posts:read']): Promise<{ id: string; secret: string }> {
    const issued = await createKey(ctx, { kind: 'bearer', name, scopes });
    return { id: issued.key.id, secret: issued.secret };
  }

  /** Cuts one verifier's LISTEN connection: it reconnects by itself, missing what was sent meanwhile. */
  async function cutListener(nth: number): Promise<number> {
    const rows = await admin<{ pid: number }[]>`
      SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%' ORDER BY pid`;
    if (rows.length === 0) return 0;
    const [{ pid }] = [rows[nth % rows.length]!];
    await admin`SELECT pg_terminate_backend(${pid})`;
    return 1;
  }

  it(`refuses a revoked, rotated (no grace) or re-scoped key on every verifier at once: ${ROUNDS} rounds, listeners cut meanwhile`, async () => {
    let stale = 0;
    let cuts = 0;
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const key = await bearer(`round ${round}`);
      // Every verifier has the key in its cache, accepted.
      for (const a of await everywhere(key.secret)) expect(a.status).toBe(200);
      // Every fourth round a listener is cut just before the command: the change must still arrive.
      if (round % 4 === 1) cuts += await cutListener(round);
      const kind = round % 3;
      const args = kind === 0 ? ['keys', 'revoke', key.id, '--yes']
        : kind === 1 ? ['keys', 'rotate', key.id]
          : ['keys', 'scope', key.id, '--add', 'posts:write', '--remove', 'posts:read'];
      const r = await sandbox.run([...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const expected = kind === 2 ? 403 : 401;
      for (const [i, a] of (await everywhere(key.secret)).entries()) {
        if (a.status === 200) stale++;
        if (a.status !== expected) wrong.push(`round ${round} (${args[1]}) verifier ${i}: ${a.status} ${JSON.stringify(a.body)}`);
      }
    }
    console.log(`several verifiers: ${stale} stale accepts of ${ROUNDS * 3} requests (${ROUNDS} rounds, 3 verifiers, ${cuts} listeners cut)`);
    expect(wrong).toEqual([]);
    expect(stale).toBe(0);
    expect(cuts).toBeGreaterThan(0);
  }, 300_000);

  it('waits for a frozen verifier at most its lease; once resumed, that verifier re-reads instead of answering from its cache', async () => {
    const key = await bearer('frozen');
    for (const a of await everywhere(key.secret)) expect(a.status).toBe(200);
    const frozen = serves[1]!;
    frozen.proc.kill('SIGSTOP');
    try {
      const started = performance.now();
      const r = await sandbox.run(['keys', 'revoke', key.id, '--yes', '--json']);
      const waited = performance.now() - started;
      expect(r.code, r.stderr).toBe(0);
      console.log(`several verifiers: revoke with one verifier frozen took ${Math.round(waited)} ms`);
      // The lease (2 s) bounds the wait, with the CLI's own start-up on top.
      expect(waited).toBeGreaterThan(1_000);
      expect(waited).toBeLessThan(3_500);
      // The others were told at once.
      for (const s of [serves[0]!, serves[2]!]) expect((await posts(s.url, key.secret)).status).toBe(401);
    } finally {
      frozen.proc.kill('SIGCONT');
    }
    // The request is sent as soon as the process runs again: its cache said "accepted".
    const answer = await posts(frozen.url, key.secret);
    expect([401, 503]).toContain(answer.status);
    // And it catches up by itself.
    await expect.poll(async () => (await posts(frozen.url, key.secret)).status, { timeout: 5_000 }).toBe(401);
    // After catching up, a writer waits for it again as for any other verifier.
    const next = await bearer('after the thaw');
    for (const a of await everywhere(next.secret)) expect(a.status).toBe(200);
    const started = performance.now();
    expect((await sandbox.run(['keys', 'revoke', next.id, '--yes', '--json'])).code).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_500);
    for (const a of await everywhere(next.secret)) expect(a.status).toBe(401);
  }, 60_000);

  it('counts a rate limit across verifiers: 30/1m with 150 requests over 3 verifiers accepts exactly 30, the rest 429 with a Retry-After every verifier agrees on', async () => {
    const created = await sandbox.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'bearer', '--name', 'limited', '--scope', 'posts:read', '--rate-limit', '30/1m']);
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => posts(serves[i % 3]!.url, created.secret)));
    const statuses = answers.map((a) => a.status);
    const accepted = statuses.filter((s) => s === 200).length;
    const limited = answers.filter((a) => a.status === 429);
    // Any other answer is named, with its reason, so that a failure says what it was.
    const others = answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => `${a.status} ${(a.body as { reason?: string } | null)?.reason}`);
    console.log(`several verifiers: rate limit 30/1m, 150 requests over 3 verifiers: ${accepted} accepted, ${limited.length} refused 429${others.length ? `, others: ${others.join(', ')}` : ''}`);
    if (others.length) console.log(serves.map((s) => s.stderr()).join('\n'));
    expect(accepted).toBe(30);
    expect(limited.length).toBe(120);
    for (const a of limited) {
      expect(a.body).toMatchObject({ reason: 'rate_limited' });
      const after = Number(a.headers.get('retry-after'));
      expect(after).toBeGreaterThanOrEqual(55);
      expect(after).toBeLessThanOrEqual(60);
    }
    // Later, on every verifier (each now answers from its "window full" flag): the same window's end.
    const again = await everywhere(created.secret);
    const afters = again.map((a) => Number(a.headers.get('retry-after')));
    for (const a of again) expect(a.status).toBe(429);
    expect(Math.max(...afters) - Math.min(...afters)).toBeLessThanOrEqual(1);
    // A key without a limit costs no write: the counters table holds the limited key only.
    const plain = await bearer('unlimited');
    for (const a of await everywhere(plain.secret)) expect(a.status).toBe(200);
    const rows = await admin<{ key_id: string }[]>`SELECT key_id FROM octo_rate_windows`;
    expect(rows.map((r) => r.key_id)).toEqual([created.key.id]);
  }, 60_000);

  it('shows who is serving in `octo status`: host, pid, started, the change applied and the lease of each verifier', async () => {
    const report = await sandbox.json<{ serving: { version: number; verifiers: Record<string, unknown>[] } }>(['status']);
    expect(report.serving.verifiers.map((v) => v.pid).sort()).toEqual(serves.map((s) => s.proc.pid).sort());
    for (const v of report.serving.verifiers) {
      expect(Object.keys(v)).toEqual(['host', 'pid', 'started_at', 'applied_version', 'lease_until', 'live']);
      expect(v).toMatchObject({ live: true, applied_version: report.serving.version });
      expect(Date.parse(v.lease_until as string)).toBeGreaterThan(Date.parse(v.started_at as string));
    }
    const human = await sandbox.run(['status']);
    expect(human.stdout).toMatch(/Serving\s+change version \d+/);
    expect(human.stdout.match(/pid \d+, started .*: up to date/g)).toHaveLength(3);
    // A frozen verifier's lease runs out, and status says so.
    serves[2]!.proc.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 2_300));
      const frozen = await sandbox.json<{ serving: { verifiers: { pid: number; live: boolean }[] } }>(['status']);
      expect(frozen.serving.verifiers.find((v) => v.pid === serves[2]!.proc.pid)).toMatchObject({ live: false });
      expect(frozen.serving.verifiers.filter((v) => v.live)).toHaveLength(2);
    } finally {
      serves[2]!.proc.kill('SIGCONT');
    }
  }, 60_000);
});

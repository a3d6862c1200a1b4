import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WAIT_MS } from '../../src/store/postgres/changes.js';
import { PostgresKeystore } from '../../src/store/postgres/keystore.js';
import { skipPg, usePostgres, workerScript } from '../helpers/pg.js';
import { bearer } from './keystore-contract.js';

/*
 * SPEC §11's change protocol: a verifier in another process has seen a change before the command
 * that made it returns; a frozen verifier holds a writer up only until its lease runs out.
 */

/** A verifier process (pg-worker `follow`) that answers `counter` with its change counter. */
class Follower {
  private lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = null;
          w(line);
        } else this.lines.push(line);
      }
    });
  }

  static async start(url: string): Promise<Follower> {
    const f = new Follower(spawn(process.execPath, [workerScript(), 'follow', url], { stdio: ['pipe', 'pipe', 'pipe'] }));
    expect(await f.next()).toBe('ready');
    return f;
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((r) => (this.waiting = r));
  }

  async counter(): Promise<number> {
    this.child.stdin.write('counter\n');
    return (JSON.parse(await this.next()) as { counter: number }).counter;
  }

  async stop(): Promise<void> {
    const closed = new Promise((r) => this.child.on('close', r));
    this.child.stdin.end();
    await closed;
  }
}

describe.skipIf(skipPg)('PostgreSQL keystore: the change protocol', () => {
  const pg = usePostgres();
  const followers: Follower[] = [];
  afterEach(async () => {
    for (const f of followers.splice(0)) {
      f.child.kill('SIGCONT');
      f.child.kill('SIGKILL');
    }
  });

  it('a verifier in another process has applied each change before the writer\'s call returns', async () => {
    const url = await pg.fresh();
    const writer = await PostgresKeystore.open(url);
    const follower = await Follower.start(url);
    followers.push(follower);
    let last = await follower.counter();
    for (let i = 0; i < 10; i++) {
      const k = bearer();
      await writer.keys.insert(k);
      const afterInsert = await follower.counter();
      expect(afterInsert).toBeGreaterThan(last);
      await writer.transaction(async () => {
        await writer.keys.revoke(k.id, 1, null);
        await writer.audit.record({ at: 1, actor: 't', action: 'key.revoke', keyId: k.id, subjectType: null, subjectId: null, detail: null });
      });
      last = await follower.counter();
      expect(last).toBeGreaterThan(afterInsert);
    }
    await follower.stop();
    await writer.close();
  }, 60_000);

  it('only what a verifier decides on bumps the counter: not last-used times, audit entries or delivery bookkeeping', async () => {
    const url = await pg.fresh();
    const s = await PostgresKeystore.open(url);
    const k = bearer();
    await s.keys.insert(k);
    await s.webhooks.insert({ id: 'wh_1', url: 'http://x', events: ['message.sent'], workspaceId: null, createdAt: 1 });
    const sql = postgres(url, { max: 1 });
    const version = async () => Number((await sql`SELECT version FROM octo_changes`)[0]!.version);
    const before = await version();
    expect(before).toBe(2);
    await s.keys.touchLastUsed([[k.id, 5]]);
    await s.audit.record({ at: 1, actor: 't', action: 'x', keyId: null, subjectType: null, subjectId: null, detail: null });
    await s.webhooks.insertDelivery({ id: 'dlv_1', webhookId: 'wh_1', eventId: 'e', eventType: 'message.sent', payload: '{}', status: 'pending', attempts: 0, nextAttemptAt: 5, createdAt: 5 });
    await s.webhooks.reschedule('dlv_1', 9);
    await s.webhooks.recordAttempt({ deliveryId: 'dlv_1', at: 9, code: 200, error: null, durationMs: 1 }, { status: 'succeeded', nextAttemptAt: null });
    expect(await version()).toBe(before);
    await s.keys.setScopes(k.id, ['a']);
    expect(await version()).toBe(before + 1);
    await sql.end();
    await s.close();
  });

  it('before followChanges, the counter moves on every call and there is no stamp; after, it is the announced version', async () => {
    const url = await pg.fresh();
    const s = await PostgresKeystore.open(url);
    expect(s.changeCounter()).not.toBe(s.changeCounter());
    expect(s.commitStamp()).toBeNull();
    await s.keys.insert(bearer());
    await s.followChanges();
    expect(s.changeCounter()).toBe(1);
    expect(s.changeCounter()).toBe(1);
    expect(s.commitStamp()).toBe('1');
    await s.keys.insert(bearer());
    expect(s.commitStamp()).toBe('2');
    const sql = postgres(url, { max: 1 });
    expect(await sql`SELECT applied_version FROM octo_verifiers`).toEqual([{ applied_version: '2' }]);
    await s.close();
    expect(await sql`SELECT count(*)::int AS n FROM octo_verifiers`).toEqual([{ n: 0 }]);
    await sql.end();
  });

  it('a frozen verifier holds a writer up only until its lease runs out', async () => {
    const url = await pg.fresh();
    const writer = await PostgresKeystore.open(url);
    const follower = await Follower.start(url);
    followers.push(follower);
    const quick = Date.now();
    await writer.keys.insert(bearer());
    expect(Date.now() - quick).toBeLessThan(1_000);
    follower.child.kill('SIGSTOP');
    const started = Date.now();
    await writer.keys.insert(bearer());
    const took = Date.now() - started;
    expect(took).toBeGreaterThan(1_000);
    expect(took).toBeLessThan(MAX_WAIT_MS + 1_000);
    // Its lease ran out meanwhile: the next writer does not wait for it.
    const again = Date.now();
    await writer.keys.insert(bearer());
    expect(Date.now() - again).toBeLessThan(500);
    follower.child.kill('SIGCONT');
    // Awake again, it renews its lease, catches up, and is waited for once more.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await follower.counter()).toBe(3);
    await writer.close();
  }, 30_000);

  it('a verifier that cannot renew its lease stops trusting what it knows until it can again', async () => {
    const url = await pg.fresh();
    const s = await PostgresKeystore.open(url);
    await s.followChanges();
    expect(s.changeCounter()).toBe(s.changeCounter());
    // Renewals block behind this lock (the keystore is as good as unreachable for them).
    const sql = postgres(url, { max: 1 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = sql.begin(async (tx) => {
      await tx`LOCK TABLE octo_verifiers IN ACCESS EXCLUSIVE MODE`;
      locked();
      await held;
    });
    await isLocked;
    await new Promise((r) => setTimeout(r, 2_600));
    expect(s.commitStamp()).toBeNull();
    expect(s.changeCounter()).not.toBe(s.changeCounter());
    release();
    await holder;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(s.commitStamp()).toBe('0');
    expect(s.changeCounter()).toBe(0);
    await sql.end();
    await s.close();
  }, 20_000);

  it('a verifier whose listening connection was cut reads the counter again once it is back, and is waited for meanwhile', async () => {
    const url = await pg.fresh();
    const follower = await PostgresKeystore.open(url);
    await follower.followChanges();
    const writer = await PostgresKeystore.open(url);
    const sql = postgres(url, { max: 1 });
    const cut = await sql`SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`;
    expect(cut).toEqual([{ cut: true }]);
    await writer.keys.insert(bearer());
    expect(follower.changeCounter()).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    await writer.keys.insert(bearer());
    expect(follower.changeCounter()).toBe(2);
    expect((await sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`)[0]!.n).toBe(1);
    await sql.end();
    await writer.close();
    await follower.close();
  }, 20_000);
});

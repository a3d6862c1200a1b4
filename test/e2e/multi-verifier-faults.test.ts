import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { Sandbox } from '../helpers/cli.js';
import { skipPg } from '../helpers/pg.js';
import { request, startServe, type HttpAnswer, type RunningServe } from '../helpers/serve.js';

/*
 * SPEC §11 "Fail closed": three verifiers on a PostgreSQL server of this file's own, which goes
 * away (halted as a crash would, or its database closed to connections and every backend
 * terminated) and comes back. Meanwhile a key a verifier cannot be sure of is answered 503
 * keystore_unavailable, never 2xx, and /healthz says 503; answers come back by themselves after.
 */

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'test-postgres.sh');
const UNAVAILABLE = { code: 'keystore_unavailable', reason: 'keystore_unavailable' };

describe.skipIf(skipPg)('several verifiers when PostgreSQL goes away', () => {
  let dir: string;
  let serverUrl: string;
  let sandbox: Sandbox;
  let serves: RunningServe[] = [];
  let cached: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'octo-pg-faults-'));
    serverUrl = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' }).trim();
    sandbox = new Sandbox();
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe('CREATE DATABASE octo_faults');
    await admin.end();
    sandbox.env.OCTO_DB = serverUrl.replace(/\/postgres$/, '/octo_faults');
    // A short connect timeout, so that a verifier probing a server that is gone gives up quickly.
    sandbox.env.OCTO_PG_CONNECT_TIMEOUT = '1';
    const ctx = new AppContext(sandbox.env);
    cached = (await createKey(ctx, { kind: 'bearer', name: 'cached', scopes: ['posts:read'] })).secret;
    await ctx.close();
    serves = await Promise.all([0, 1, 2].map(() => startServe(sandbox)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(serves.map((s) => s.stop('SIGKILL')));
    sandbox?.cleanup();
    if (dir) execFileSync('bash', [SCRIPT, 'stop', dir]);
  }, 60_000);

  const posts = (url: string, secret: string): Promise<HttpAnswer> => request(`${url}/v1/posts`, 'GET', { Authorization: `Bearer ${secret}` });
  const health = (url: string) => request(`${url}/healthz`, 'GET');

  async function issue(name: string): Promise<{ key: { id: string }; secret: string }> {
    const ctx = new AppContext(sandbox.env);
    try {
      return await createKey(ctx, { kind: 'bearer', name, scopes: ['posts:read'] });
    } finally {
      await ctx.close();
    }
  }

  async function allServing(): Promise<void> {
    for (const s of serves) {
      await expect.poll(async () => (await health(s.url)).status, { timeout: 10_000, interval: 100 }).toBe(200);
      await expect.poll(async () => (await posts(s.url, cached)).status, { timeout: 10_000, interval: 100 }).toBe(200);
    }
  }

  /** With the keystore gone: 2xx only for a key cached within a live lease, then 503 for every key, and /healthz 503. */
  async function failsClosed(unseen: string): Promise<{ served: number; refused: number }> {
    let served = 0;
    let refused = 0;
    // A key no verifier has looked up cannot be sure: 503 at once.
    for (const s of serves) expect((await posts(s.url, unseen)).body).toMatchObject(UNAVAILABLE);
    // Within the lease (2 s) a cached key may still be answered; past it, never.
    const leaseOver = performance.now() + 2_500;
    while (performance.now() < leaseOver) {
      for (const s of serves) (await posts(s.url, cached)).status === 200 ? served++ : refused++;
    }
    for (const s of serves) {
      const a = await posts(s.url, cached);
      expect(a.status).toBe(503);
      expect(a.body).toMatchObject(UNAVAILABLE);
      expect(typeof a.body.error).toBe('string');
      const h = await health(s.url);
      expect(h.status).toBe(503);
      expect(h.body).toMatchObject(UNAVAILABLE);
    }
    return { served, refused };
  }

  it('answers 503 keystore_unavailable and /healthz 503 while the server is down, and serves again once it is back', async () => {
    await allServing();
    const { secret: unseen } = await issue('unseen while halted');
    execFileSync('bash', [SCRIPT, 'halt', dir]);
    try {
      console.log('fail closed (server halted):', await failsClosed(unseen));
    } finally {
      execFileSync('bash', [SCRIPT, 'resume', dir]);
    }
    await allServing();
    for (const s of serves) expect((await posts(s.url, unseen)).status).toBe(200);
  }, 60_000);

  it('does the same while every backend is terminated and reconnects are refused', async () => {
    await allServing();
    const { secret: unseen } = await issue('unseen while blocked');
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe('ALTER DATABASE octo_faults WITH ALLOW_CONNECTIONS false');
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'octo_faults'`);
      console.log('fail closed (backends terminated):', await failsClosed(unseen));
    } finally {
      await admin.unsafe('ALTER DATABASE octo_faults WITH ALLOW_CONNECTIONS true');
      await admin.end();
    }
    await allServing();
    // Every verifier follows changes again: a revoke is seen by all of them, and does not wait out a lease.
    const key = await issue('after');
    for (const s of serves) expect((await posts(s.url, key.secret)).status).toBe(200);
    const started = performance.now();
    const r = await sandbox.run(['keys', 'revoke', key.key.id, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_500);
    for (const s of serves) expect((await posts(s.url, key.secret)).status).toBe(401);
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, BIN, Sandbox } from '../helpers/cli.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/**
 * `octo messages` and `octo requests` as spawned binaries against a real `octo serve` process,
 * with real HTTP from the test playing the application: asking it (`--server`), and reading what
 * it wrote to the sandbox's keystore (a file, or a PostgreSQL database in the postgres project).
 */
let sandbox: Sandbox;
let serve: RunningServe;
let smsKey: string;
let wabaKey: string;
const SMS = { destination_phone: '+15551234567', body: 'Your code is 4321' };

const sms = (key: string, body: unknown = SMS, url = serve.url) => request(`${url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': key }, body);
const poll = { timeout: 10_000, interval: 50 };
const withServer = (args: string[]) => [...args, '--server', serve.url];

beforeAll(async () => {
  sandbox = new Sandbox();
  await sandbox.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
  await sandbox.json(['channels', 'add', 'Support line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
  await sandbox.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'waba1']);
  smsKey = (await sandbox.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms1'])).secret;
  wabaKey = (await sandbox.json<{ secret: string }>(['keys', 'create', 'waba', '--waba', 'waba1'])).secret;
  serve = await startServe(sandbox);
});

afterAll(async () => {
  await serve?.stop('SIGKILL');
  sandbox?.cleanup();
});

describe('octo messages', () => {
  it('wait returns as soon as the verifier accepted the message, not at its timeout', async () => {
    const to = '+15550000001';
    const waiting = sandbox.run(withServer(['messages', 'wait', '--to', to, '--body-contains', 'code', '--timeout', '20s', '--json']));
    // Started well before the message; then one real request to serve.
    await new Promise((r) => setTimeout(r, 800));
    const sentAt = Date.now();
    const sent = await sms(smsKey, { destination_phone: to, body: 'Your code is 1' });
    expect(sent.status).toBe(202);
    const r = await waiting;
    const after = Date.now() - sentAt;
    expect(r.code, r.stderr).toBe(0);
    expect(after).toBeLessThan(3_000);
    const { message } = JSON.parse(r.stdout) as { message: Record<string, unknown> };
    expect(message).toMatchObject({ id: sent.body.id, to, channel_id: 'sms1', workspace_id: 'acme', endpoint: 'POST /api/v1/sms/messages', body: { destination_phone: to, body: 'Your code is 1' } });
    expect(r.stdout).not.toContain(smsKey);
  });

  it('wait exits 1 on a timeout, and names the last refused request', async () => {
    await sms(wabaKey);
    const r = await sandbox.run(withServer(['messages', 'wait', '--to', '+15559999999', '--timeout', '1s']));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no message to +15559999999 was accepted within 1s');
    expect(r.stderr).toContain('403 wrong_key_type');
    expect(r.stderr).not.toContain(wabaKey);
  });

  it('list filters by destination and channel, newest first', async () => {
    await sms(smsKey);
    await sms(smsKey, { destination_phone: '+15550000002', body: 'second' });
    const { messages } = await sandbox.json<{ messages: { to: string; body: unknown }[] }>(withServer(['messages', 'list', '--to', '+15550000002']));
    expect(messages.map((m) => m.body)).toEqual([{ destination_phone: '+15550000002', body: 'second' }]);
    const all = await sandbox.json<{ messages: { to: string }[] }>(withServer(['messages', 'list', '--channel', 'sms', '--since', '5m']));
    expect(all.messages[0]!.to).toBe('+15550000002');
    expect(all.messages.length).toBeGreaterThanOrEqual(3);
    const none = await sandbox.run(withServer(['messages', 'list', '--channel', 'viber']));
    expect([none.code, none.stdout, none.stderr.trim()]).toEqual([0, '', 'No messages match.']);
  });

  it('a verifier that is not there: exit 1 with a hint; bad input: exit 2', async () => {
    const r = await sandbox.run(['messages', 'list', '--server', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the verifier');
    expect((await sandbox.run(withServer(['messages', 'wait', '--timeout', 'soon']))).code).toBe(2);
    expect((await sandbox.run(withServer(['requests', 'list', '--status', '4x']))).code).toBe(2);
  });
});

describe('octo requests', () => {
  it('list --status 4xx says why each was refused, with the key id and never the key', async () => {
    await sms(wabaKey);
    await request(`${serve.url}/v1/posts`, 'GET', { 'X-Octopods-Auth': smsKey });
    const r = await sandbox.run(withServer(['requests', 'list', '--status', '4xx', '--json']));
    expect(r.code).toBe(0);
    const { requests } = JSON.parse(r.stdout) as { requests: Record<string, unknown>[] };
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/v1/posts', status: 401, code: 'unauthorized', reason: 'wrong_scheme', key_id: null });
    expect(requests[1]).toMatchObject({ status: 403, reason: 'wrong_key_type', expected: 'Twilio API Key or Workspace API Key' });
    expect(requests.every((e) => (e.status as number) >= 400)).toBe(true);
    expect(r.stdout).not.toContain(smsKey);
    expect(r.stdout).not.toContain(wabaKey);
    const byReason = await sandbox.json<{ requests: unknown[] }>(withServer(['requests', 'list', '--reason', 'wrong_scheme']));
    expect(byReason.requests).toHaveLength(1);
  });

  it('tail follows: each request answered after it started, one JSON line each; SIGINT ends it with exit 0', async () => {
    // A marker already journaled, printed first (--limit 1): once it is out, tail is following.
    await request(`${serve.url}/v1/marker`, 'GET');
    const child = spawn(process.execPath, [BIN, ...withServer(['requests', 'tail', '--limit', '1', '--json'])], { env: sandbox.env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const lineCount = () => out.split('\n').filter(Boolean).length;
    // On a loaded CI machine a spawned node may take many seconds to print: wait for the marker
    // however long it takes (the test's own timeout bounds it), since a request sent before tail's
    // first listing would be its backlog, not followed.
    while (lineCount() < 1 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.parse(out.split('\n')[0]!)).toMatchObject({ path: '/v1/marker' });
    await sms(smsKey);
    await request(`${serve.url}/v1/nothing-here`, 'GET');
    for (let waited = 0; lineCount() < 3 && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).slice(1);
    expect(lines.map((l) => [l.path, l.status])).toEqual([['/api/v1/sms/messages', 202], ['/v1/nothing-here', 404]]);
  }, 60_000);

  it('tail ends with exit 1 and server_unreachable when the verifier it follows stops', async () => {
    // A verifier of its own, so that stopping it leaves the others' tests alone.
    const own = await startServe(sandbox);
    await request(`${own.url}/v1/marker`, 'GET');
    const child = spawn(process.execPath, [BIN, 'requests', 'tail', '--limit', '1', '--json', '--server', own.url], { env: sandbox.env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Following once the marker is out; then the verifier goes.
    while (!out.includes('/v1/marker') && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    await own.stop('SIGTERM');
    expect(await exited).toBe(1);
    expect(JSON.parse(err.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'server_unreachable' } });
  }, 60_000);
});

describe('the outbox and journal in the keystore', () => {
  it('messages wait sees a message serve accepted; requests list says why another was refused, with no key', async () => {
    const to = '+15550001001';
    const waiting = sandbox.run(['messages', 'wait', '--to', to, '--timeout', '20s', '--json']);
    await new Promise((r) => setTimeout(r, 500));
    const refused = await sms(wabaKey, { destination_phone: to, body: 'wrong key' });
    const sent = await sms(smsKey, { destination_phone: to, body: 'Your code is 7' });
    expect([refused.status, sent.status]).toEqual([403, 202]);
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).message).toMatchObject({
      id: sent.body.id, to, channel_id: 'sms1', channel_type: 'sms', workspace_id: 'acme', body: { destination_phone: to, body: 'Your code is 7' },
    });
    await expect.poll(async () => (await sandbox.json<{ requests: unknown[] }>(['requests', 'list', '--status', '4xx'])).requests, poll)
      .toContainEqual(expect.objectContaining({ path: '/api/v1/sms/messages', status: 403, reason: 'wrong_key_type', expected: expect.any(String) }));
    const listed = await sandbox.run(['requests', 'list', '--json']);
    expect(listed.stdout).not.toContain(wabaKey);
    expect(listed.stdout).not.toContain(smsKey);
    // Each entry has the seq a tail follows by, the keystore's, newest first.
    const seqs = (JSON.parse(listed.stdout) as { requests: { seq: number }[] }).requests.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('reads back what the verifier holds, exactly: bodies with escapes, non-ASCII and past the slots, scrubbed paths', async () => {
    const to = '+15550004000';
    const bodies = [
      { destination_phone: to, body: 'quotes " and \\ backslashes, a tab\t, a newline\n, é, 日本語, 🎉, \u2028' },
      { destination_phone: to, body: 'x'.repeat(400), extra: { nested: [1, 2.5, null, true, 'ü'] } },
    ];
    for (const body of bodies) expect((await sms(smsKey, body)).status).toBe(202);
    // A key-shaped segment in a path, and a query string: both scrubbed before anything is kept.
    const keyShaped = 'oct_live_' + 'Z'.repeat(38);
    expect((await request(`${serve.url}/v1/${keyShaped}/é?token=secret`, 'GET')).status).toBe(404);
    const fromServer = await sandbox.json<{ messages: unknown[] }>(withServer(['messages', 'list', '--to', to]));
    expect(fromServer.messages.map((m) => (m as { body: unknown }).body)).toEqual([...bodies].reverse());
    await expect.poll(async () => (await sandbox.json<{ messages: unknown[] }>(['messages', 'list', '--to', to])).messages, poll)
      .toEqual(fromServer.messages);
    const strip = ({ seq: _, ...entry }: { seq: number }) => entry;
    const [viaServer] = (await sandbox.json<{ requests: { seq: number; path: string }[] }>(withServer(['requests', 'list', '--limit', '1']))).requests;
    expect(viaServer!.path).not.toContain(keyShaped);
    expect(viaServer!.path).not.toContain('secret');
    await expect.poll(async () => (await sandbox.json<{ requests: { seq: number }[] }>(['requests', 'list', '--limit', '1'])).requests.map(strip), poll)
      .toEqual([strip(viaServer!)]);
  });

  it('requests tail follows what serve answers, oldest first, until SIGINT (exit 0)', async () => {
    await request(`${serve.url}/v1/marker`, 'GET');
    await expect.poll(async () => (await sandbox.json<{ requests: { path: string }[] }>(['requests', 'list', '--limit', '1'])).requests[0]?.path, poll)
      .toBe('/v1/marker');
    const child = spawn(process.execPath, [BIN, 'requests', 'tail', '--limit', '1', '--json'], { env: sandbox.env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const lines = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string; status: number });
    while (lines().length < 1 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(lines()[0]!.path).toBe('/v1/marker');
    // A burst: every one of them comes out, in the order serve answered them.
    for (let n = 0; n < 5; n++) await request(`${serve.url}/v1/burst-${n}`, 'GET');
    await expect.poll(() => lines().length, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(6);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(lines().slice(1).map((l) => [l.path, l.status])).toEqual([0, 1, 2, 3, 4].map((n) => [`/v1/burst-${n}`, 404]));
  }, 60_000);

  it('what a serve wrote stays readable after it stopped; --outbox-size bounds what the keystore keeps', async () => {
    const own = await startServe(sandbox, ['--outbox-size', '2']);
    for (const n of [1, 2, 3]) expect((await sms(smsKey, { destination_phone: '+15550002000', body: `n${n}` }, own.url)).status).toBe(202);
    // SIGTERM writes the last batch before serve exits.
    expect((await own.stop('SIGTERM')).code).toBe(0);
    const { messages } = await sandbox.json<{ messages: { body: { body: string } }[] }>(['messages', 'list', '--to', '+15550002000']);
    expect(messages.map((m) => m.body.body)).toEqual(['n3', 'n2']);
  });

  it.runIf(BACKEND === 'sqlite')('a SQLite keystore keeps them in its -twin file, made by serve, not by a listing', async () => {
    const fresh = new Sandbox();
    const twinFile = `${fresh.env.OCTO_DB!}-twin`;
    try {
      await fresh.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
      expect(await fresh.json(['messages', 'list'])).toEqual({ messages: [] });
      expect(await fresh.json(['requests', 'list'])).toEqual({ requests: [] });
      expect(existsSync(twinFile)).toBe(false);
      const own = await startServe(fresh);
      await request(`${own.url}/v1/nothing-here`, 'GET');
      expect((await own.stop('SIGTERM')).code).toBe(0);
      expect(statSync(twinFile).mode & 0o777).toBe(0o600);
      const { requests } = await fresh.json<{ requests: { path: string }[] }>(['requests', 'list']);
      expect(requests.map((r) => r.path)).toEqual(['/v1/nothing-here']);
    } finally {
      fresh.cleanup();
    }
  });

  it('POST /_octo/reset empties the keystore\'s outbox and journal too', async () => {
    const own = await startServe(sandbox);
    try {
      expect((await sms(smsKey, { destination_phone: '+15550003000', body: 'before' }, own.url)).status).toBe(202);
      await expect.poll(async () => (await sandbox.json<{ messages: unknown[] }>(['messages', 'list', '--to', '+15550003000'])).messages.length, poll).toBe(1);
      expect((await request(`${own.url}/_octo/reset`, 'POST')).body).toEqual({ reset: true });
      expect(await sandbox.json(['messages', 'list'])).toEqual({ messages: [] });
      expect(await sandbox.json(['requests', 'list'])).toEqual({ requests: [] });
      // And what comes after a reset is written again, after it.
      expect((await sms(smsKey, { destination_phone: '+15550003000', body: 'after' }, own.url)).status).toBe(202);
      const waited = await sandbox.json<{ message: { body: { body: string } } }>(['messages', 'wait', '--to', '+15550003000', '--timeout', '10s']);
      expect(waited.message.body.body).toBe('after');
    } finally {
      await own.stop('SIGTERM');
    }
  });

  it('an --ephemeral serve is reached with --server, and the keystore of --db / OCTO_DB is left alone', async () => {
    const own = await startServe(sandbox, ['--ephemeral']);
    try {
      const before = (await sandbox.json<{ requests: unknown[] }>(['requests', 'list'])).requests.length;
      await request(`${own.url}/v1/ephemeral`, 'GET');
      const viaServer = await sandbox.json<{ requests: { path: string }[] }>(['requests', 'list', '--server', own.url]);
      expect(viaServer.requests.map((e) => e.path)).toEqual(['/v1/ephemeral']);
      // Past a few of serve's batches: still nothing in the keystore.
      await new Promise((r) => setTimeout(r, 700));
      const after = (await sandbox.json<{ requests: { path: string }[] }>(['requests', 'list'])).requests;
      expect(after.length).toBe(before);
      expect(after.map((e) => e.path)).not.toContain('/v1/ephemeral');
    } finally {
      await own.stop('SIGTERM');
    }
  });
});

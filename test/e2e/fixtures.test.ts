import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/core/key-format.js';
import { Sandbox } from '../helpers/cli.js';
import { request, startServe } from '../helpers/serve.js';

/** `octo apply`, `octo export` and `octo serve --fixtures / --ephemeral`, spawned, on real keystores. */
let sandbox: Sandbox;
const SMS_SECRET = generateKey('octo_ch_');
const CI_SECRET = generateKey('oct_test_');
const SMS = { destination_phone: '+15551234567', body: 'Your code is 1234' };

const FIXTURES = `workspaces:
  - {id: acme, name: Acme, platform: intercom}
wabas:
  - {id: acme-waba, name: Acme WABA, workspace: acme}
channels:
  - {id: sms1, name: Support line, workspace: acme, type: sms}
  - {id: wa1, name: "+1 555 0100", workspace: acme, type: whatsapp, waba: acme-waba}
keys:
  - {name: acme-ws, kind: workspace, workspace: acme}
  - {name: support-sms, kind: channel, channel: sms1, secret: ${SMS_SECRET}}
  - {name: ci, kind: bearer, env: test, scopes: [posts:read], rate_limit: 100/1m, expires_in: 90d, secret: ${CI_SECRET}}
  - {name: deploy, kind: bearer, scopes: [posts:write]}
webhooks:
  - {name: app, url: "http://127.0.0.1:3000/octo", workspace: acme, events: [message.sent]}
`;

interface Applied {
  applied: Record<'created' | 'updated' | 'unchanged', { type: string; name: string; id: string }[]>;
  secrets: Record<string, string>;
}

function file(name: string, text: string): string {
  const path = join(sandbox.dir, name);
  writeFileSync(path, text);
  return path;
}

beforeEach(() => {
  sandbox = new Sandbox();
});

afterEach(() => sandbox.cleanup());

describe('octo apply', () => {
  it('creates the world once; applying it again changes nothing and says so', async () => {
    const path = file('fixtures.yaml', FIXTURES);
    const first = await sandbox.json<Applied>(['apply', path]);
    expect(first.applied.created.map((i) => `${i.type} ${i.name}`)).toEqual([
      'workspace acme', 'waba acme-waba', 'channel sms1', 'channel wa1', 'key acme-ws', 'key support-sms', 'key ci', 'key deploy', 'webhook app',
    ]);
    // Secrets only for the keys it generated.
    expect(Object.keys(first.secrets).sort()).toEqual(['acme-ws', 'deploy']);
    expect(first.secrets.deploy).toMatch(/^oct_live_/);
    const audit = await sandbox.json<{ events: unknown[] }>(['audit']);
    const second = await sandbox.json<Applied>(['apply', path]);
    expect([second.applied.created, second.applied.updated, second.applied.unchanged.length]).toEqual([[], [], 9]);
    expect(second.secrets).toEqual({});
    expect((await sandbox.json<{ events: unknown[] }>(['audit'])).events).toHaveLength(audit.events.length);
    const human = await sandbox.run(['apply', path]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('Nothing to change: 9 objects unchanged.');
    // The fixed secrets are the keys.
    const verify = await sandbox.json<{ valid: boolean; key: { name: string } }>(['keys', 'verify', CI_SECRET]);
    expect([verify.valid, verify.key.name]).toEqual([true, 'ci']);
  });

  it('--dry-run prints the plan and writes nothing; a changed file changes only what differs', async () => {
    const path = file('fixtures.yaml', FIXTURES);
    const plan = await sandbox.json<{ plan: Applied['applied'] }>(['apply', path, '--dry-run']);
    expect(plan.plan.created).toHaveLength(9);
    expect((await sandbox.run(['workspaces', 'list', '--json'])).code).toBe(1); // no keystore was made
    await sandbox.json(['apply', path]);
    const changed = file('changed.yaml', FIXTURES.replace('name: Acme,', 'name: Acme Inc,').replace('scopes: [posts:read]', 'scopes: [posts:read, bots:read]'));
    const dry = await sandbox.json<{ plan: Applied['applied'] }>(['apply', changed, '--dry-run']);
    expect(dry.plan.updated).toEqual([{ type: 'workspace', name: 'acme', changes: ['name'] }, { type: 'key', name: 'ci', changes: ['scopes'] }]);
    const applied = await sandbox.json<Applied>(['apply', changed]);
    expect(applied.applied.updated.map((i) => i.name)).toEqual(['acme', 'ci']);
    const ci = await sandbox.json<{ key: { scopes: string[] } }>(['keys', 'show', applied.applied.updated[1]!.id]);
    expect(ci.key.scopes.sort()).toEqual(['bots:read', 'posts:read']);
  });

  it('a bad file: every problem with file:line and field, exit 2, nothing written', async () => {
    const bad = file('bad.yaml', `${FIXTURES}  - {name: extra, kind: channel, channel: nope}\n  - {name: ci2, kind: bearer, secret: ${CI_SECRET}}\n`.replace('webhooks:\n  - {name: app, url: "http://127.0.0.1:3000/octo", workspace: acme, events: [message.sent]}\n', ''));
    const r = await sandbox.run(['apply', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:13: keys[4].channel: no channel "nope" in the file or the keystore`);
    expect(r.stderr).toContain(`${bad}:14: keys[5].secret: a bearer live key's secret starts with oct_live_, not oct_test_`);
    expect(r.stderr).not.toContain(CI_SECRET);
    // One transaction: the valid part was not written either.
    expect((await sandbox.run(['workspaces', 'list', '--json'])).code).toBe(1);
    const json = await sandbox.run(['apply', bad, '--json']);
    expect(JSON.parse(json.stderr).error.code).toBe('invalid_fixtures');
    // From stdin, named <stdin>.
    const piped = await sandbox.run(['apply', '-'], { input: 'workspaces:\n  - {id: a, name: A, platform: nope}\n' });
    expect([piped.code, piped.stderr.split('\n')[0]]).toEqual([2, 'error: <stdin>:2: workspaces[0].platform: must be one of intercom, hubspot']);
    const missing = await sandbox.run(['apply', join(sandbox.dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
  });

  it('export writes a file apply accepts: into another keystore, and back into this one as a no-op', async () => {
    await sandbox.json(['apply', file('fixtures.yaml', FIXTURES)]);
    const exported = await sandbox.run(['export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toMatch(/oct_(live|test)_[A-Za-z0-9]{20}|octo_(ws|ch|wa|wh)_[A-Za-z0-9]{20}/);
    const again = await sandbox.json<Applied>(['apply', '-'], { input: exported.stdout });
    expect([again.applied.created, again.applied.updated]).toEqual([[], []]);
    const other = await sandbox.json<Applied>(['apply', '-'], { input: exported.stdout, env: { OCTO_DB: join(sandbox.dir, 'other.db') } });
    expect(other.applied.created).toHaveLength(9);
    expect(Object.keys(other.secrets).sort()).toEqual(['acme-ws', 'ci', 'deploy', 'support-sms']);
  });
});

describe('octo serve --fixtures / --ephemeral', () => {
  it('--ephemeral --fixtures: the fixed keys work at once, and nothing is left behind at exit', async () => {
    const tmp = join(sandbox.dir, 'tmp');
    mkdirSync(tmp);
    const path = file('fixtures.yaml', FIXTURES);
    const env: NodeJS.ProcessEnv = { ...sandbox.env, TMPDIR: tmp };
    delete env.OCTO_MASTER_KEY;
    const serve = await startServe({ env } as unknown as Sandbox, ['--ephemeral', '--fixtures', path, '--json']);
    await serve.until('stdout', (t) => t.includes('"event":"fixtures"'), 'fixtures event');
    const fixtures = JSON.parse(serve.stdout().split('\n')[1]!) as Applied & { event: string };
    expect(Object.keys(fixtures.secrets).sort()).toEqual(['acme-ws', 'deploy']);
    const sms = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': SMS_SECRET }, SMS);
    expect(sms.status).toBe(202);
    const posts = await request(`${serve.url}/v1/posts`, 'GET', { Authorization: `Bearer ${CI_SECRET}` });
    expect(posts.status).toBe(200);
    expect(readdirSync(tmp)).toHaveLength(1);
    expect((await serve.stop('SIGTERM')).code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(sandbox.dir).sort()).toEqual(['fixtures.yaml', 'tmp']);
  });

  it('POST /_octo/reset restores the fixtures while requests keep arriving', async () => {
    const path = file('fixtures.yaml', FIXTURES);
    const serve = await startServe(sandbox, ['--fixtures', path, '--json']);
    let stop = false;
    let load: Promise<void>[] = [];
    try {
      const sms = () => request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': SMS_SECRET }, SMS);
      expect((await sms()).status).toBe(202);
      // A test revokes a fixture key and adds one of its own.
      const keys = await sandbox.json<{ keys: { id: string; name: string }[] }>(['keys', 'list']);
      await sandbox.json(['keys', 'revoke', keys.keys.find((k) => k.name === 'support-sms')!.id, '--yes']);
      const extra = await sandbox.json<{ secret: string }>(['keys', 'create', 'bearer', '--name', 'extra']);
      expect((await sms()).status).toBe(400);
      // Requests go on arriving, on four connections, before, during and after the reset.
      const statuses: number[] = [];
      load = Array.from({ length: 4 }, async () => {
        while (!stop) statuses.push((await sms()).status);
      });
      await new Promise((r) => setTimeout(r, 200));
      // Many times: a write of serve's own (the accepted messages' webhook deliveries, every 10 ms)
      // during a restore's copy once waited out the busy timeout on a lock its own thread held: a
      // reset took 10 s, stalled every request, and timed out here.
      for (let i = 0; i < 30; i++) {
        const reset = await request(`${serve.url}/_octo/reset`, 'POST');
        expect([reset.status, reset.body]).toEqual([200, { reset: true }]);
      }
      // Any request sent after the reset returned sees the fixtures.
      const after = await sms();
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await Promise.all(load);
      expect(after.status).toBe(202);
      expect(statuses.length).toBeGreaterThan(4);
      expect(new Set(statuses)).toEqual(new Set([400, 202]));
      expect((await request(`${serve.url}/v1/posts`, 'GET', { Authorization: `Bearer ${extra.secret}` })).status).toBe(401);
      // The outbox was emptied: what is there arrived after the reset.
      const { messages } = (await request(`${serve.url}/_octo/messages`, 'GET')).body as { messages: { at: string }[] };
      expect(messages.length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 202).length + 1).toBeGreaterThanOrEqual(messages.length);
      expect(new Set(statuses.slice(statuses.indexOf(202)))).toEqual(new Set([202]));
    } finally {
      // A failed expectation leaves the load running: stopped first, so that no request outlives serve.
      stop = true;
      await Promise.allSettled(load);
      await serve.stop('SIGKILL');
    }
  });

  it('a bad fixtures file stops serve before it listens: exit 2', async () => {
    const r = await sandbox.run(['serve', '--port', '0', '--fixtures', file('bad.yaml', 'workspaces:\n  - {id: a}\n')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml:2: workspaces[0].name: is required');
  });
});

describe('octo keys import', () => {
  it('brings in one key by its secret (kind from its prefix) or a bearer key by its SHA-256, never printing the secret', async () => {
    await sandbox.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sandbox.json(['channels', 'add', 'Line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
    const r = await sandbox.run(['keys', 'import', '-', '--channel', 'sms1', '--name', 'line', '--json'], { input: SMS_SECRET });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).key).toMatchObject({ kind: 'channel', name: 'line', subject: { id: 'sms1' }, status: 'active' });
    expect(r.stdout).not.toContain(SMS_SECRET);
    const live = generateKey('oct_live_');
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(live).digest('hex');
    const imported = await sandbox.json<{ key: { id: string; scopes: string[] } }>(['keys', 'import', '--hash', hash, '--name', 'ci', '--scope', 'posts:read']);
    expect(imported.key.scopes).toEqual(['posts:read']);
    const verdict = await sandbox.json<{ valid: boolean; key: { id: string } }>(['keys', 'verify', '-', '--endpoint', 'GET /v1/posts'], { input: live });
    expect([verdict.valid, verdict.key.id]).toEqual([true, imported.key.id]);
    // The same key twice, a malformed one, a missing subject: refused.
    expect((await sandbox.run(['keys', 'import', '--hash', hash, '--name', 'again'])).code).toBe(1);
    // Its last character changed (to one it is not: the secret is random) breaks its checksum.
    const broken = SMS_SECRET.slice(0, -1) + (SMS_SECRET.endsWith('x') ? 'y' : 'x');
    expect((await sandbox.run(['keys', 'import', '-', '--channel', 'sms1'], { input: broken })).code).toBe(2);
    expect((await sandbox.run(['keys', 'import', '-'], { input: generateKey('octo_ws_') })).code).toBe(2);
    const audit = await sandbox.json<{ events: { action: string }[] }>(['audit']);
    expect(audit.events.filter((e) => e.action === 'key.create')).toHaveLength(2);
  });
});

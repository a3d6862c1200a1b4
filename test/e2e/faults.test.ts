import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keystoreProblems } from '../../bench/invariants.js';
import { Sandbox, type RunResult } from '../helpers/cli.js';
import { dumpKeystore, finish, query, startOcto } from '../helpers/keystore.js';

/**
 * `kill -9` in the middle of writes (issue 6). First at exact moments, through a test-only preload
 * that SIGKILLs the process when a given statement runs; then at staggered moments under load.
 * Whatever the moment, the keystore passes integrity_check and holds no half-made key.
 */
const FAULT = resolve(import.meta.dirname, '../fixtures/fault.cjs');

let sb: Sandbox;
beforeEach(() => { sb = new Sandbox(); });
afterEach(() => sb.cleanup());

/** Seeding takes five CLI runs: done once, and each case starts from a copy of the file. */
let template: { dir: Sandbox; ids: { bearer: string; channelKey: string } } | undefined;
afterAll(() => template?.dir.cleanup());

function withFault(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${FAULT}`.trim() };
}

async function seed(): Promise<{ bearer: string; channelKey: string }> {
  if (!template) {
    const t = new Sandbox();
    await t.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await t.json(['channels', 'add', 'Line', '--workspace', 'acme', '--type', 'sms', '--id', 'line']);
    await t.json(['channels', 'add', 'Bot', '--workspace', 'acme', '--type', 'telegram', '--id', 'bot']);
    const bearer = (await t.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', 'B', '--scope', 'posts:read'])).key.id;
    const channelKey = (await t.json<{ key: { id: string } }>(['keys', 'create', 'channel', '--channel', 'line'])).key.id;
    template = { dir: t, ids: { bearer, channelKey } };
  }
  copyFileSync(template.dir.db, sb.db); // closed cleanly: one self-contained file
  sb.env.OCTO_MASTER_KEY = template.dir.env.OCTO_MASTER_KEY;
  return template.ids;
}

describe('a process killed at an exact moment of a write', () => {
  const BEFORE_AUDIT = '^\\s*INSERT INTO audit';
  const COMMIT = '^COMMIT$';
  it.each([
    ['keys create bearer', ['keys', 'create', 'bearer', '--name', 'X'], BEFORE_AUDIT],
    ['keys create channel', ['keys', 'create', 'channel', '--channel', 'bot'], COMMIT],
    ['keys rotate', ['keys', 'rotate', 'BEARER', '--grace', '1h'], BEFORE_AUDIT],
    ['keys rotate (channel)', ['keys', 'rotate', 'CHANNEL'], COMMIT],
    ['keys revoke', ['keys', 'revoke', 'BEARER', '--yes'], BEFORE_AUDIT],
    ['keys scope', ['keys', 'scope', 'BEARER', '--add', 'posts:write'], COMMIT],
    ['workspaces add', ['workspaces', 'add', 'New', '--platform', 'hubspot'], BEFORE_AUDIT],
    ['channels add', ['channels', 'add', 'New', '--workspace', 'acme', '--type', 'viber'], COMMIT],
  ])('%s, killed before its commit, leaves the keystore as it was', async (_name, args, sql) => {
    const ids = await seed();
    const before = dumpKeystore(sb.db);
    const argv = args.map((a) => (a === 'BEARER' ? ids.bearer : a === 'CHANNEL' ? ids.channelKey : a));
    const r = await sb.run(argv, { env: withFault({ ...sb.env, OCTO_FAULT_SQL: sql }) });
    expect(r.signal, r.stderr).toBe('SIGKILL'); // the fault fired: the test is not vacuous
    expect(existsSync(`${sb.db}-wal`)).toBe(true); // killed with the write half done
    expect(keystoreProblems(sb.db)).toEqual([]);
    expect(dumpKeystore(sb.db)).toEqual(before);
    // and the keystore is usable: the same command now succeeds
    const again = await sb.run([...argv, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(keystoreProblems(sb.db)).toEqual([]);
  });

  it('keys rotate, killed just after its commit, is whole', async () => {
    const ids = await seed();
    const r = await sb.run(['keys', 'rotate', ids.bearer], { env: withFault({ ...sb.env, OCTO_FAULT_SQL: '^COMMIT$', OCTO_FAULT_WHEN: 'after' }) });
    expect(r.signal).toBe('SIGKILL');
    expect(keystoreProblems(sb.db)).toEqual([]);
    const successor = query<{ id: string }>(sb.db, 'SELECT id FROM keys WHERE replaces = ?', ids.bearer);
    expect(successor).toHaveLength(1);
    expect(query(sb.db, 'SELECT replaced_by FROM keys WHERE id = ?', ids.bearer)).toEqual([{ replaced_by: successor[0]!.id }]);
  });

  it('creating the master key file, killed half way, leaves a usable configuration', async () => {
    const env = { ...sb.env, OCTO_MASTER_KEY: '' }; // the key comes from ${XDG_CONFIG_HOME}/octo/master.key
    const keyFile = join(sb.env.XDG_CONFIG_HOME!, 'octo', 'master.key');
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme'], { env });
    const r = await sb.run(['keys', 'create', 'workspace', '--workspace', 'acme'], { env: withFault({ ...env, OCTO_FAULT_WRITE: 'master\\.key' }) });
    expect(r.signal).toBe('SIGKILL');
    const created = await sb.run(['keys', 'create', 'workspace', '--workspace', 'acme', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const { key, secret } = JSON.parse(created.stdout) as { key: { id: string }; secret: string };
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const copied = await sb.run(['keys', 'copy', key.id, '--print'], { env });
    expect(copied.stdout.trim()).toBe(secret);
  });
});

describe('kill -9 at staggered moments', () => {
  it('24 writers, killed one after another while they write: integrity ok, nothing half-made', async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    const bearers: string[] = [];
    for (let i = 0; i < 8; i++) {
      await sb.json(['channels', 'add', `C${i}`, '--workspace', 'acme', '--type', 'sms', '--id', `c${i}`]);
      bearers.push((await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', `B${i}`])).key.id);
    }
    const commands = [
      ...Array.from({ length: 8 }, (_, i) => ['keys', 'create', 'channel', '--channel', `c${i}`]),
      ...Array.from({ length: 6 }, (_, i) => ['keys', 'create', 'bearer', '--name', `N${i}`, '--scope', 'posts:read']),
      ...bearers.slice(0, 4).map((id) => ['keys', 'rotate', id, '--grace', '1h']),
      ...bearers.slice(4, 7).map((id) => ['keys', 'revoke', id, '--yes']),
      ...Array.from({ length: 3 }, (_, i) => ['workspaces', 'add', `W${i}`, '--platform', 'hubspot']),
    ];
    const children: ChildProcess[] = commands.map((args) => startOcto([...args, '--json'], { env: sb.env }));
    const timers = children.map((child, i) => setTimeout(() => child.kill('SIGKILL'), 15 * i));
    const results: RunResult[] = await Promise.all(children.map((c) => finish(c)));
    timers.forEach(clearTimeout);

    const killed = results.filter((r) => r.signal === 'SIGKILL').length;
    expect(killed).toBeGreaterThan(0);
    for (const r of results.filter((x) => x.signal === null)) {
      // a survivor either succeeded or lost a one-active-key race; never a lock error
      expect(r.stderr).not.toMatch(/SQLITE_BUSY|database is locked|"internal"/);
    }
    expect(keystoreProblems(sb.db)).toEqual([]);
    // and every process that reported success is in the keystore
    for (const r of results.filter((x) => x.code === 0 && x.stdout.includes('"key"'))) {
      const id = (JSON.parse(r.stdout) as { key: { id: string } }).key.id;
      expect(query(sb.db, 'SELECT id FROM keys WHERE id = ?', id)).toHaveLength(1);
    }
    const list = await sb.run(['keys', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { keys: unknown[] }).keys).toHaveLength(query(sb.db, 'SELECT id FROM keys').length);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../helpers/cli.js';
import { Sandbox } from '../helpers/cli.js';
import { query, runWith } from '../helpers/keystore.js';

/**
 * Many CLI processes writing one keystore at once (issue 6): nothing lost or doubled, one active
 * key per subject, and never SQLITE_BUSY or "database is locked" reaching the user. Heavier and
 * more mixed than the 8-process workspace-key race of issue 2.
 */
let sb: Sandbox;
beforeEach(() => { sb = new Sandbox(); });
afterEach(() => sb.cleanup());

const LOCKED = /SQLITE_BUSY|database is locked|"internal"/;

function launch(args: string[]): Promise<RunResult> {
  return runWith([...args, '--json'], { env: sb.env, timeoutMs: 30_000 });
}

function expectNoLockErrors(results: RunResult[]): void {
  for (const r of results) {
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(LOCKED);
  }
}

/** Exactly one winner; every loser refused with a conflict (exit 1), none with another failure. */
function expectOneWinner(results: RunResult[]): RunResult {
  const winners = results.filter((r) => r.code === 0);
  expect(winners, results.map((r) => r.stderr).join('')).toHaveLength(1);
  for (const r of results.filter((x) => x.code !== 0)) {
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.stderr) as { error: { code: string } }).error.code).toBe('conflict');
  }
  return winners[0]!;
}

function auditCount(action: string, keyId?: string): number {
  const rows = keyId
    ? query<{ n: number }>(sb.db, 'SELECT count(*) AS n FROM audit WHERE action = ? AND key_id = ?', action, keyId)
    : query<{ n: number }>(sb.db, 'SELECT count(*) AS n FROM audit WHERE action = ?', action);
  return rows[0]!.n;
}

describe('many writers at once', () => {
  it('adds 16 workspaces, 16 bearer keys and races 8 for one channel key: nothing lost, doubled or locked', async () => {
    await sb.json(['workspaces', 'add', 'Base', '--platform', 'intercom', '--id', 'base']);
    await sb.json(['channels', 'add', 'Line', '--workspace', 'base', '--type', 'sms', '--id', 'line']);

    const adds = Array.from({ length: 16 }, (_, i) => launch(['workspaces', 'add', `W${i}`, '--platform', 'hubspot', '--id', `w${i}`]));
    const bearers = Array.from({ length: 16 }, (_, i) => launch(['keys', 'create', 'bearer', '--name', `B${i}`, '--scope', 'posts:read']));
    const racers = Array.from({ length: 8 }, () => launch(['keys', 'create', 'channel', '--channel', 'line']));
    const [added, created, raced] = await Promise.all([Promise.all(adds), Promise.all(bearers), Promise.all(racers)]);

    expectNoLockErrors([...added, ...created, ...raced]);
    for (const r of [...added, ...created]) expect(r.code, r.stderr).toBe(0);
    const winner = expectOneWinner(raced);
    const channelKey = (JSON.parse(winner.stdout) as { key: { id: string } }).key.id;

    const workspaces = query<{ id: string }>(sb.db, "SELECT id FROM workspaces WHERE id != 'base' ORDER BY id");
    expect(workspaces.map((w) => w.id).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `w${i}`).sort());
    const names = query<{ name: string }>(sb.db, "SELECT name FROM keys WHERE kind = 'bearer'").map((k) => k.name);
    expect(names.sort()).toEqual(Array.from({ length: 16 }, (_, i) => `B${i}`).sort());
    // each printed secret is a different key, and each is stored once
    const secrets = new Set(created.map((r) => (JSON.parse(r.stdout) as { secret: string }).secret));
    expect(secrets.size).toBe(16);
    expect(query(sb.db, "SELECT id FROM keys WHERE channel_id = 'line' AND state = 'active'")).toEqual([{ id: channelKey }]);
    expect(query(sb.db, "SELECT id FROM keys WHERE channel_id = 'line'")).toHaveLength(1);
    expect(auditCount('workspace.add')).toBe(17);
    expect(auditCount('key.create')).toBe(17);
  });
});

describe('racing changes to one key', () => {
  it('8 rotations of one bearer key: one successor, one audit entry', async () => {
    const old = (await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', 'Shared'])).key.id;
    const results = await Promise.all(Array.from({ length: 8 }, () => launch(['keys', 'rotate', old])));
    expectNoLockErrors(results);
    const winner = expectOneWinner(results);
    const successor = (JSON.parse(winner.stdout) as { key: { id: string } }).key.id;
    expect(query(sb.db, 'SELECT id FROM keys WHERE replaces = ?', old)).toEqual([{ id: successor }]);
    expect(query(sb.db, 'SELECT replaced_by FROM keys WHERE id = ?', old)).toEqual([{ replaced_by: successor }]);
    expect(query(sb.db, "SELECT id FROM keys WHERE state = 'active'")).toEqual([{ id: successor }]);
    expect(auditCount('key.rotate')).toBe(1);
  });

  it('8 rotations of one channel key: one active key for the channel', async () => {
    await sb.json(['workspaces', 'add', 'Base', '--platform', 'intercom', '--id', 'base']);
    await sb.json(['channels', 'add', 'Bot', '--workspace', 'base', '--type', 'telegram', '--id', 'bot']);
    const old = (await sb.json<{ key: { id: string } }>(['keys', 'create', 'channel', '--channel', 'bot'])).key.id;
    const results = await Promise.all(Array.from({ length: 8 }, () => launch(['keys', 'rotate', old, '--grace', '1h'])));
    expectNoLockErrors(results);
    expectOneWinner(results);
    expect(query(sb.db, "SELECT id FROM keys WHERE channel_id = 'bot' AND state = 'active'")).toHaveLength(1);
    expect(query(sb.db, 'SELECT id FROM keys WHERE replaces = ?', old)).toHaveLength(1);
  });

  it('8 revocations of one key: one revocation, one audit entry', async () => {
    const id = (await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', 'Leaked'])).key.id;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => launch(['keys', 'revoke', id, '--yes', '--reason', `r${i}`])));
    expectNoLockErrors(results);
    const winner = expectOneWinner(results);
    // the stored reason is the winner's: no loser overwrote it
    expect(query(sb.db, 'SELECT revoked_reason FROM keys WHERE id = ?', id)).toEqual([{ revoked_reason: `r${results.indexOf(winner)}` }]);
    expect(auditCount('key.revoke', id)).toBe(1);
  });

  it('8 processes each adding a scope to one key: no scope lost', async () => {
    const id = (await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', 'Narrow', '--scope', 'posts:read'])).key.id;
    const added = ['accounts:read', 'presets:read', 'webhooks:read', 'tags:read', 'teams:read', 'org:read', 'sip:read', 'csat:read'];
    const results = await Promise.all(added.map((s) => launch(['keys', 'scope', id, '--add', s])));
    expectNoLockErrors(results);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const { key } = await sb.json<{ key: { scopes: string[] } }>(['keys', 'show', id]);
    expect(key.scopes).toEqual(['posts:read', ...added].sort());
    expect(auditCount('key.scope', id)).toBe(8);
  });
});

describe('first runs racing', () => {
  it('8 processes creating the master key file at once agree on one key', async () => {
    const env = { ...sb.env, OCTO_MASTER_KEY: '' }; // from ${XDG_CONFIG_HOME}/octo/master.key, not there yet
    await sb.json(['workspaces', 'add', 'Base', '--platform', 'intercom', '--id', 'base'], { env });
    for (let i = 0; i < 8; i++) await sb.json(['channels', 'add', `C${i}`, '--workspace', 'base', '--type', 'sms', '--id', `c${i}`], { env });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => runWith(['keys', 'create', 'channel', '--channel', `c${i}`, '--json'], { env })));
    expectNoLockErrors(results);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // every sealed secret opens with the one key file that won
    for (const r of results) {
      const { key, secret } = JSON.parse(r.stdout) as { key: { id: string }; secret: string };
      const copy = await sb.run(['keys', 'copy', key.id, '--print'], { env });
      expect(copy.stdout.trim(), copy.stderr).toBe(secret);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';

interface Issued { key: { id: string }; secret: string }
interface AuditEvent { action: string; key_id: string | null; detail: Record<string, unknown> | null }

describe('audit --key: every event that touched the key', () => {
  const sb = new Sandbox();
  let first: Issued;
  let second: Issued;
  let third: Issued;
  let other: Issued;
  afterAll(() => sb.cleanup());

  // Oldest first here, to read as a story: audit itself lists the newest first.
  const history = async (ref: string) =>
    (await sb.json<{ events: AuditEvent[] }>(['audit', '--key', ref])).events.map((e) => [e.action, e.key_id, e.detail?.replaces ?? null]).reverse();

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    first = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    second = await sb.json<Issued>(['keys', 'rotate', first.key.id, '--grace', '1h']);
    third = await sb.json<Issued>(['keys', 'rotate', second.key.id]);
    other = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'unrelated']);
    await sb.json(['keys', 'rotate', other.key.id]);
  });

  it('the old key of a rotation shows the rotation (filed under its successor)', async () => {
    expect(await history(first.key.id)).toEqual([
      ['key.create', first.key.id, null],
      ['key.rotate', second.key.id, first.key.id],
    ]);
  });

  it('a key rotated in turn shows the rotation that made it and the one that replaced it', async () => {
    expect(await history(second.key.id)).toEqual([
      ['key.rotate', second.key.id, first.key.id],
      ['key.rotate', third.key.id, second.key.id],
    ]);
    expect(await history(third.secret)).toEqual([['key.rotate', third.key.id, second.key.id]]);
  });

  it('the human table shows the rotation too', async () => {
    const r = await sb.run(['audit', '--key', first.key.id, '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('key.rotate');
    expect(r.stdout).toContain(`"replaces":"${first.key.id}"`);
    expect(r.stdout).not.toContain(other.key.id);
  });
});

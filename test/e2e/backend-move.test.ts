import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { skipPg, usePostgres } from '../helpers/pg.js';

/*
 * SPEC §11: a team moves from a keystore file to PostgreSQL, and back, with two commands (`octo
 * backup FILE`, `octo restore FILE`), and every kind of key is still accepted afterwards, by
 * `keys verify` and by the verifier's rules alike (the same decision).
 */
describe.skipIf(skipPg)('moving a keystore between SQLite and PostgreSQL', () => {
  const pg = usePostgres();
  let sb: Sandbox;
  beforeEach(() => { sb = new Sandbox(); });
  afterEach(() => sb.cleanup());

  /** A key of every kind, on the keystore `db`; their secrets and ids. */
  async function everyKind(db: string): Promise<{ secret: string; id: string; endpoint: string }[]> {
    const on = { env: { OCTO_DB: db } };
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme'], on);
    await sb.json(['channels', 'add', 'Line', '--workspace', 'acme', '--type', 'sms', '--id', 'line'], on);
    await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'waba'], on);
    const made = [
      [['keys', 'create', 'workspace', '--workspace', 'acme'], 'POST /api/v1/workspace/messages'],
      [['keys', 'create', 'channel', '--channel', 'line'], 'POST /api/v1/sms/messages'],
      [['keys', 'create', 'waba', '--waba', 'waba'], 'POST /api/v1/whatsapp/templates'],
      [['keys', 'create', 'bearer', '--name', 'CI', '--scope', 'posts:read'], 'GET /v1/posts'],
    ] as const;
    const keys = [];
    for (const [args, endpoint] of made) {
      const r = await sb.json<{ key: { id: string }; secret: string }>([...args], on);
      keys.push({ secret: r.secret, id: r.key.id, endpoint });
    }
    return keys;
  }

  async function expectAccepted(db: string, keys: { secret: string; id: string; endpoint: string }[]): Promise<void> {
    for (const k of keys) {
      const r = await sb.run(['keys', 'verify', k.secret, '--json'], { env: { OCTO_DB: db } });
      expect(r.code, `${k.id}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, key: { id: k.id } });
    }
  }

  it('file → PostgreSQL → file: two commands each way, every kind of key still accepted', async () => {
    const file = join(sb.dir, 'start.db');
    const keys = await everyKind(file);
    const url = await pg.fresh();

    const backup = join(sb.dir, 'team.db');
    expect((await sb.run(['backup', backup, '--json'], { env: { OCTO_DB: file } })).code).toBe(0);
    const restored = await sb.json<{ restore: { keys: number } }>(['restore', backup, '--yes'], { env: { OCTO_DB: url } });
    expect(restored.restore.keys).toBe(4);
    await expectAccepted(url, keys);
    // A sealed key opens on PostgreSQL with the same master key.
    const copied = await sb.run(['keys', 'copy', keys[0]!.id, '--print'], { env: { OCTO_DB: url } });
    expect(copied.stdout.trim()).toBe(keys[0]!.secret);

    const back = join(sb.dir, 'back.db');
    expect((await sb.run(['backup', back, '--json'], { env: { OCTO_DB: url } })).code).toBe(0);
    const local = join(sb.dir, 'local.db');
    expect((await sb.run(['restore', back, '--yes', '--json'], { env: { OCTO_DB: local } })).code).toBe(0);
    await expectAccepted(local, keys);
    const audit = await sb.json<{ events: { action: string }[] }>(['audit'], { env: { OCTO_DB: local } });
    expect(audit.events.filter((e) => e.action === 'keystore.restore')).toHaveLength(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, revokeKey, type CreateKeyInput } from '../../src/app/keys.js';
import { Sandbox } from '../helpers/cli.js';

/**
 * `octo keys check` end to end. Keys "created 100 days ago" are made by the real app code with its
 * injectable clock set back, in the sandbox's keystore; the built binary then judges them today.
 */
interface KeyObject { id: string; status: string; created_at: string; last_used_at: string | null; [field: string]: unknown }
interface Violation { key: KeyObject; rule: string; limit: string; detail: string; action: string }
interface CheckDoc { violations: Violation[]; checked: number }

const DAY = 86_400_000;
const sb = new Sandbox();
const ids = {} as Record<'old' | 'expiring' | 'unusedOld' | 'usedRecently' | 'fresh' | 'revokedOld', string>;

async function createAgo(daysAgo: number, input: CreateKeyInput, after?: (ctx: AppContext, id: string) => Promise<unknown>): Promise<string> {
  const ctx = new AppContext(sb.env, undefined, () => Date.now() - daysAgo * DAY);
  try {
    const { key } = (await createKey(ctx, input));
    await after?.(ctx, key.id);
    return key.id;
  } finally {
    await ctx.close();
  }
}

beforeAll(async () => {
  ids.old = await createAgo(100, { kind: 'bearer', name: 'old' }, async (ctx, id) => (await ctx.keystore()).keys.touchLastUsed([[id, Date.now() - DAY]]));
  ids.expiring = await createAgo(0, { kind: 'bearer', name: 'expiring', expiresInSeconds: 3 * 86_400 });
  ids.unusedOld = await createAgo(60, { kind: 'bearer', name: 'never used' });
  ids.usedRecently = await createAgo(60, { kind: 'bearer', name: 'used' }, async (ctx, id) => (await ctx.keystore()).keys.touchLastUsed([[id, Date.now() - DAY]]));
  ids.fresh = await createAgo(0, { kind: 'bearer', name: 'fresh' });
  ids.revokedOld = await createAgo(200, { kind: 'bearer', name: 'revoked' }, (ctx, id) => revokeKey(ctx, id, 'test'));
});

afterAll(async () => sb.cleanup());

const rulesOf = (doc: CheckDoc) => doc.violations.map((v) => [v.key.id, v.rule]);

describe('octo keys check', () => {
  it('flags active keys older than 90 days by default, and exits 1', async () => {
    const r = await sb.run(['keys', 'check', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as CheckDoc;
    expect(rulesOf(doc)).toEqual([[ids.old, 'max-age']]);
    expect(doc.checked).toBe(5);
    const [v] = doc.violations;
    expect(v).toMatchObject({ limit: '90d', detail: 'created 100d ago', action: `octo keys rotate ${ids.old}` });
    // the SPEC §5 key object, never a secret
    expect(Object.keys(v!.key).sort()).toEqual([
      'created_at', 'env', 'expires_at', 'id', 'kind', 'label', 'last_used_at', 'masked', 'name', 'rate_limit',
      'replaced_by', 'replaces', 'revoked_at', 'scopes', 'status', 'subject',
    ]);
    expect(v!.key.status).toBe('active');
  });

  it('applies --expiring-within and --unused-for only when given', async () => {
    const doc = JSON.parse((await sb.run(['keys', 'check', '--expiring-within', '7d', '--unused-for', '30d', '--json'])).stdout) as CheckDoc;
    expect(rulesOf(doc)).toEqual([
      [ids.old, 'max-age'],
      [ids.unusedOld, 'unused-for'],
      [ids.expiring, 'expiring-within'],
    ]);
    expect(doc.violations.find((v) => v.rule === 'unused-for')).toMatchObject({ detail: 'never used, created 60d ago', action: `octo keys revoke ${ids.unusedOld}` });
    expect(doc.violations.find((v) => v.rule === 'expiring-within')).toMatchObject({ limit: '7d', detail: 'expires in 2d' });
  });

  it('exits 0 when every active key passes, and says so', async () => {
    const r = await sb.run(['keys', 'check', '--max-age', '365d', '--expiring-within', '1d']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('No violations: 5 active keys checked (max-age 365d, expiring-within 1d)');
  });

  it('prints offenders as a table', async () => {
    const r = await sb.run(['keys', 'check', '--max-age', '30d']);
    expect(r.code).toBe(1);
    for (const id of [ids.old, ids.unusedOld, ids.usedRecently]) expect(r.stdout).toContain(`octo keys rotate ${id}`);
    expect(r.stdout).not.toContain(ids.fresh);
    expect(r.stdout).not.toContain(ids.revokedOld);
    expect(r.stderr).toContain('3 violations by 3 keys (of 5 active keys; max-age 30d)');
  });

  it.each([['--max-age', '90x'], ['--expiring-within', '0d'], ['--unused-for', '1.5d']])('refuses %s %s as a usage error (exit 2)', async (flag, value) => {
    const r = await sb.run(['keys', 'check', flag, value, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'invalid_duration', hint: expect.stringContaining(flag) } });
  });
});

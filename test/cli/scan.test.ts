import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { generateKey, maskKey } from '../../src/core/key-format.js';
import { Sandbox } from '../helpers/cli.js';

/**
 * `octo keys scan` end to end: keys of every status, created through the CLI, planted in a tree
 * with every kind of place the scan must skip; the built binary scans it against the keystore.
 */
interface Issued { key: { id: string; masked: string }; secret: string }
interface Finding { file: string; line: number; column: number; masked: string; key_id: string | null; kind: string; status: string; accepted: boolean; action: string | null }
interface Report { findings: Finding[]; scanned: { files: number; bytes: number; binary: number }; skipped: { file: string; reason: string; size: number | null }[]; keystore: boolean }

const sb = new Sandbox();
const tree = join(sb.dir, 'tree');
const k = {} as Record<'workspace' | 'active' | 'revoked' | 'rotated' | 'grace' | 'expired', Issued>;
const unknownTest = generateKey('oct_test_');
const unknownWebhook = generateKey('octo_wh_');

function plant(path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), content);
}

const create = (args: string[]) => sb.json<Issued>(['keys', 'create', ...args]);

beforeAll(async () => {
  await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
  k.workspace = await create(['workspace', '--workspace', 'acme']);
  k.active = await create(['bearer', '--name', 'active']);
  k.revoked = await create(['bearer', '--name', 'revoked']);
  await sb.json(['keys', 'revoke', k.revoked.key.id, '--yes']);
  k.rotated = await create(['bearer', '--name', 'rotated']);
  await sb.json(['keys', 'rotate', k.rotated.key.id]);
  k.grace = await create(['bearer', '--name', 'in grace']);
  await sb.json(['keys', 'rotate', k.grace.key.id, '--grace', '24h']);
  // An expired key needs a past creation: the app's clock is injectable, so it is made two days ago.
  const past = new AppContext(sb.env, undefined, () => Date.now() - 2 * 86_400_000);
  try {
    const issued = (await createKey(past, { kind: 'bearer', name: 'expired', expiresInSeconds: 86_400 }));
    k.expired = { key: { id: issued.key.id, masked: issued.key.masked }, secret: issued.secret };
  } finally {
    await past.close();
  }
  const live = k.active.secret;
  const typo = live.slice(0, 20) + (live[20] === 'a' ? 'b' : 'a') + live.slice(21);
  plant('.env', `OCTO_KEY=${live}\n`);
  plant('config/deep/er/settings.json', `{\n  "octopods": {\n    "auth": "${k.workspace.secret}"\n  }\n}\n`);
  plant('docs/old.md', `Use \`${k.revoked.secret}\`.\n`);
  plant('a/b/c/d/rotated.txt', k.rotated.secret);
  plant('grace.txt', k.grace.secret);
  plant('expired.yml', `key: ${k.expired.secret}\n`);
  plant('unknown.txt', `${unknownTest}\nsecret=${unknownWebhook}\n`);
  plant('typo.txt', typo);
  plant('longer.txt', 'X' + live);
  plant('node_modules/pkg/index.js', `module.exports = "${live}";`);
  plant('.git/config', `[x]\n\tkey = ${live}\n`);
  plant('.gitignore', 'secret/\n*.log\n');
  plant('secret/keys.txt', live);
  plant('logs/app.log', live);
  plant('logs/.gitignore', '!keep.log\n');
  plant('logs/keep.log', `${live}\n`);
  plant('.git/info/exclude', '# git ls-files --others --exclude-from=.git/info/exclude\nexcluded/\n*.secret\n');
  plant('excluded/key.txt', live);
  plant('config/deep/app.secret', live);
  plant('image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]), Buffer.from(live)]));
  plant('big.txt', Buffer.concat([Buffer.alloc(10 * 1024 * 1024, 0x61), Buffer.from(`\n${live}\n`)]));
  plant('clean/readme.txt', 'octopus oct_live_ nothing here\n');
});

afterAll(async () => sb.cleanup());

/** Webhook signing secrets are looked up like keys: by the endpoint's secrets, live, in grace, retired. */
describe('octo keys scan and webhook signing secrets', () => {
  const hooks = join(sb.dir, 'hooks');
  const secrets = {} as Record<'live' | 'previous' | 'current' | 'ended' | 'removed', string>;
  const ids = {} as Record<'live' | 'graced' | 'ended' | 'removed', string>;
  const add = async (name: keyof typeof ids) => {
    const r = await sb.json<{ webhook: { id: string }; secret: string }>(['webhooks', 'add', `http://127.0.0.1:9/${name}`]);
    ids[name] = r.webhook.id;
    return r.secret;
  };
  const rotate = async (id: string, grace: string) =>
    (await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', id, '--grace', grace])).secret;
  const scan = async (file: string) => {
    const r = await sb.run(['keys', 'scan', file, '--json'], { cwd: hooks });
    expectNoSecret(r.stdout + r.stderr);
    for (const secret of Object.values(secrets)) expect(r.stdout + r.stderr).not.toContain(secret);
    return { code: r.code, findings: (JSON.parse(r.stdout) as Report).findings.map((f) => [f.key_id, f.kind, f.status, f.accepted, f.action]) };
  };

  beforeAll(async () => {
    secrets.live = await add('live');
    secrets.previous = await add('graced');
    secrets.current = await rotate(ids.graced, '24h');
    secrets.ended = await add('ended');
    await rotate(ids.ended, '0');
    secrets.removed = await add('removed');
    await sb.json(['webhooks', 'remove', ids.removed, '--yes']);
    for (const [name, secret] of Object.entries(secrets)) plant(`../hooks/${name}.env`, `OCTO_WEBHOOK_SECRET=${secret}\n`);
  });

  it('reports a live secret as active with its endpoint, and exits 1', async () => {
    expect(await scan('live.env')).toEqual({
      code: 1, findings: [[ids.live, 'webhook_secret', 'active', true, `octo webhooks rotate-secret ${ids.live} --grace 0`]],
    });
  });

  it('reports both secrets of a rotation grace as still signing (exit 1)', async () => {
    expect(await scan('previous.env')).toEqual({
      code: 1, findings: [[ids.graced, 'webhook_secret', 'rotated', true, `octo webhooks rotate-secret ${ids.graced}`]],
    });
    expect((await scan('current.env')).findings).toEqual([[ids.graced, 'webhook_secret', 'active', true, expect.any(String)]]);
  });

  it('exits 0 for a secret past its grace, and for one of a removed endpoint', async () => {
    expect(await scan('ended.env')).toEqual({ code: 0, findings: [[ids.ended, 'webhook_secret', 'rotated', false, null]] });
    expect(await scan('removed.env')).toEqual({ code: 0, findings: [[ids.removed, 'webhook_secret', 'revoked', false, null]] });
    const human = await sb.run(['keys', 'scan', 'ended.env'], { cwd: hooks });
    expect(human.stdout).toContain(ids.ended);
    expect(human.stdout).toContain('no longer signs; delete it from the file');
  });

  it('never creates a master key either, and says the webhook secrets were not looked up', async () => {
    const config = join(sb.dir, 'no-config');
    const r = await sb.run(['keys', 'scan', 'live.env'], { cwd: hooks, env: { OCTO_MASTER_KEY: '', XDG_CONFIG_HOME: config } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`webhook signing secrets not looked up: no master key (OCTO_MASTER_KEY, or ${join(config, 'octo', 'master.key')})`);
    expect(existsSync(config)).toBe(false);
    const wrong = await sb.run(['keys', 'scan', 'live.env', '--json'], { cwd: hooks, env: { OCTO_MASTER_KEY: randomBytes(32).toString('base64') } });
    expect(wrong.code).toBe(0);
    expect((JSON.parse(wrong.stdout) as Report).findings.map((f) => f.status)).toEqual(['unknown']);
    const human = await sb.run(['keys', 'scan', 'live.env'], { cwd: hooks, env: { OCTO_MASTER_KEY: randomBytes(32).toString('base64') } });
    expect(human.stderr).toContain("webhook signing secrets not looked up: the master key does not open this keystore's secrets");
  });
});

function allSecrets(): string[] {
  return [...Object.values(k).map((i) => i.secret), unknownTest, unknownWebhook];
}

function expectNoSecret(text: string): void {
  for (const secret of allSecrets()) expect(text).not.toContain(secret);
}

describe('octo keys scan', () => {
  it('finds every planted key with its status, skips what it must, and exits 1 for keys still accepted', async () => {
    const r = await sb.run(['keys', 'scan', '--json'], { cwd: tree });
    expect(r.code).toBe(1);
    expectNoSecret(r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const rows = report.findings.map((f) => [f.file, f.status, f.key_id, f.kind, f.accepted, f.action]);
    expect(rows).toEqual([
      ['.env', 'active', k.active.key.id, 'bearer', true, `octo keys rotate ${k.active.key.id}`],
      ['a/b/c/d/rotated.txt', 'rotated', k.rotated.key.id, 'bearer', false, null],
      ['config/deep/er/settings.json', 'active', k.workspace.key.id, 'workspace', true, `octo keys rotate ${k.workspace.key.id}`],
      ['docs/old.md', 'revoked', k.revoked.key.id, 'bearer', false, null],
      ['expired.yml', 'expired', k.expired.key.id, 'bearer', false, null],
      ['grace.txt', 'rotated', k.grace.key.id, 'bearer', true, `octo keys revoke ${k.grace.key.id}`],
      ['logs/keep.log', 'active', k.active.key.id, 'bearer', true, `octo keys rotate ${k.active.key.id}`],
      ['unknown.txt', 'unknown', null, 'bearer', false, null],
      ['unknown.txt', 'unknown', null, 'webhook_secret', false, null],
    ]);
    const settings = report.findings.find((f) => f.file === 'config/deep/er/settings.json')!;
    expect(settings).toMatchObject({ line: 3, column: 14, masked: k.workspace.key.masked });
    expect(report.findings.find((f) => f.kind === 'webhook_secret')).toMatchObject({ line: 2, column: 8, masked: maskKey(unknownWebhook) });
    expect(report.skipped).toEqual([{ file: 'big.txt', reason: 'too_large', size: 10 * 1024 * 1024 + 2 + k.active.secret.length }]);
    expect(report.scanned.binary).toBe(1);
    expect(report.keystore).toBe(true);
  });

  it('prints a table of masked keys and the action to take', async () => {
    const r = await sb.run(['keys', 'scan', '.env', 'docs', 'unknown.txt'], { cwd: tree });
    expect(r.code).toBe(1);
    expectNoSecret(r.stdout + r.stderr);
    expect(r.stdout).toContain('.env:1:10');
    expect(r.stdout).toContain(k.active.key.masked);
    expect(r.stdout).toContain(`octo keys rotate ${k.active.key.id}`);
    expect(r.stdout).toContain('not in this keystore');
    expect(r.stderr).toMatch(/4 keys found in 3 files .* 1 still accepted/);
  });

  it('exits 0 when no key found is still accepted, and 1 for unknown keys with --fail-on-unknown', async () => {
    const paths = ['docs', 'a', 'expired.yml', 'unknown.txt', 'typo.txt', 'image.png'];
    const r = await sb.run(['keys', 'scan', ...paths, '--json'], { cwd: tree });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.status)).toEqual(['rotated', 'revoked', 'expired', 'unknown', 'unknown']);
    expect((await sb.run(['keys', 'scan', 'unknown.txt', '--fail-on-unknown'], { cwd: tree })).code).toBe(1);
    expect((await sb.run(['keys', 'scan', 'docs', '--fail-on-unknown'], { cwd: tree })).code).toBe(0);
  });

  it('scanning a sub-folder of the work tree still honours .git/info/exclude', async () => {
    const r = await sb.run(['keys', 'scan', 'config', '--json'], { cwd: tree });
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.file)).toEqual(['config/deep/er/settings.json']);
  });

  it('reads a file named on the command line even if .gitignore ignores it', async () => {
    const r = await sb.run(['keys', 'scan', 'secret/keys.txt', '--json'], { cwd: tree });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.file)).toEqual(['secret/keys.txt']);
  });

  it('says so when nothing is found', async () => {
    const r = await sb.run(['keys', 'scan', join(tree, 'clean')]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('No octo keys found (1 file scanned)');
    const json = await sb.json<Report>(['keys', 'scan', join(tree, 'clean')]);
    expect(json).toMatchObject({ findings: [], scanned: { files: 1 }, skipped: [] });
  });

  it('never creates a keystore: without one at the default location, every key is unknown', async () => {
    const env = { OCTO_DB: undefined, XDG_DATA_HOME: join(sb.dir, 'absent') };
    const db = join(sb.dir, 'absent', 'octo', 'keystore.db');
    const r = await sb.run(['keys', 'scan', '.env', '--json'], { cwd: tree, env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ keystore: false, findings: [{ file: '.env', status: 'unknown', key_id: null }] });
    expect(existsSync(db)).toBe(false);
    const human = await sb.run(['keys', 'scan', '.env'], { cwd: tree, env });
    expect(human.stderr).toContain(`no keystore at ${db}`);
  });

  it('refuses a path that does not exist (exit 2)', async () => {
    const r = await sb.run(['keys', 'scan', 'nope', '--json'], { cwd: tree });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'path_not_found', hint: expect.stringContaining('octo keys scan') } });
  });

  it('documents itself in --help', async () => {
    const r = await sb.run(['keys', 'scan', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['--staged', '--fail-on-unknown', 'Exit codes', 'octo keys scan --staged']) expect(r.stdout).toContain(text);
    expect((await sb.run(['keys', '--help'])).stdout).toMatch(/scan[\s\S]*check/);
  });
});

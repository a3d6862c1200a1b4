import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, generateKey, maskKey } from '../../src/core/key-format.js';
import { runInPty, Sandbox, type RunResult } from '../helpers/cli.js';
import { runHinted } from '../helpers/hints.js';

interface KeyObject { id: string; status: string; scopes: string[] | null; replaced_by: string | null; masked: string }
interface Issued { key: KeyObject; secret: string }

/** What an operator holds after a leak, in the three ways it may be handed to a KEY_ID argument. */
const FORMS: [string, (secret: string) => { args: string[]; input?: string }][] = [
  ['the key itself', (s) => ({ args: [s] })],
  ['a pasted "Bearer <key>"', (s) => ({ args: [`Bearer ${s}`] })],
  ['a pasted header line', (s) => ({ args: [`X-Octopods-Auth: ${s}`] })],
  ['- with the key on stdin', (s) => ({ args: ['-'], input: `${s}\n` })],
];

function expectNoSecret(r: RunResult, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
    // Nor its random part alone.
    expect(r.stdout + r.stderr).not.toContain(secret.slice(-38));
  }
}

/** A well-formed key of `prefix` with a valid checksum that no keystore holds. */
const unknownKey = (prefix: string) => generateKey(prefix);
/** The same key with its checksum broken. */
const typo = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

describe('a key id may be the key itself (found by its hash) or - (read from stdin)', () => {
  const sb = new Sandbox();
  let ws: Issued;
  let bearer: Issued;
  afterAll(() => sb.cleanup());

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    ws = await sb.json<Issued>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    bearer = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'CI', '--scope', 'posts:read']);
  });

  for (const [form, given] of FORMS) {
    it(`keys show finds the key given as ${form}, and never prints it`, async () => {
      for (const issued of [ws, bearer]) {
        const { args, input } = given(issued.secret);
        const json = await sb.run(['keys', 'show', ...args, '--json'], { input });
        expect(json.code).toBe(0);
        expect((JSON.parse(json.stdout) as { key: KeyObject }).key.id).toBe(issued.key.id);
        expectNoSecret(json, issued.secret);
        const human = await sb.run(['keys', 'show', ...args, '--no-color'], { input });
        expect(human.code).toBe(0);
        expect(human.stdout).toContain(issued.key.id);
        expect(human.stdout).toContain(issued.key.masked);
        expectNoSecret(human, issued.secret);
      }
    });

    it(`audit --key takes the key given as ${form}`, async () => {
      const { args, input } = given(ws.secret);
      const r = await sb.run(['audit', '--key', ...args, '--json'], { input });
      expect(r.code).toBe(0);
      const events = (JSON.parse(r.stdout) as { events: { action: string; key_id: string }[] }).events;
      expect(events.map((e) => [e.action, e.key_id])).toEqual([['key.create', ws.key.id]]);
      expectNoSecret(r, ws.secret);
    });
  }

  it('keys scope changes the key given as itself', async () => {
    const r = await sb.run(['keys', 'scope', bearer.secret, '--add', 'posts:write', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { key: KeyObject }).key).toMatchObject({ id: bearer.key.id, scopes: ['posts:read', 'posts:write'] });
    expectNoSecret(r, bearer.secret);
    const human = await sb.run(['keys', 'scope', '-', '--remove', 'posts:write'], { input: bearer.secret });
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(`${bearer.key.id} now has the scopes posts:read`);
    expectNoSecret(human, bearer.secret);
  });

  it('keys copy --print writes the secret (what it is for); without --print it never does', async () => {
    const printed = await sb.run(['keys', 'copy', '-', '--print'], { input: ws.secret });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(`${ws.secret}\n`);
    expect(printed.stderr).not.toContain(ws.secret);
    // A clipboard may or may not be there; either way, nothing shows the key.
    const copied = await sb.run(['keys', 'copy', ws.secret], { env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
    expectNoSecret(copied, ws.secret);
  });

  it('keys copy of a bearer key given as itself is refused, masked, and its hint works', async () => {
    const r = await sb.run(['keys', 'copy', bearer.secret]);
    expect(r.code).toBe(1);
    expectNoSecret(r, bearer.secret);
    expect(r.stderr).toMatch(new RegExp(`^error: ${bearer.key.id} is a bearer key`, 'm'));
    expect(r.stderr).toContain(`\`octo keys rotate ${bearer.key.id}\``);
    const json = await sb.run(['keys', 'copy', bearer.secret, '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'not_retrievable' } });
    expectNoSecret(json, bearer.secret);
  });

  it('keys rotate takes the key: prints the new secret, never the old one; then points at the successor', async () => {
    const local = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'rotate me']);
    const r = await sb.run(['keys', 'rotate', local.secret, '--json']);
    expect(r.code).toBe(0);
    const rotated = JSON.parse(r.stdout) as Issued & { replaced: KeyObject };
    expect(rotated.replaced.id).toBe(local.key.id);
    expect(rotated.secret).not.toBe(local.secret);
    expectNoSecret(r, local.secret);
    const again = await sb.run(['keys', 'rotate', '-'], { input: local.secret });
    expect(again.code).toBe(1);
    expectNoSecret(again, local.secret, rotated.secret);
    expect(again.stderr).toContain(`\`octo keys rotate ${rotated.key.id}\``);
    const hinted = await runHinted(sb, again.stderr, '--json');
    expect(hinted.code).toBe(0);
    expect((JSON.parse(hinted.stdout) as { replaced: KeyObject }).replaced.id).toBe(rotated.key.id);
  });

  it('keys revoke takes the key from stdin; without --yes off a terminal, the hint names the id', async () => {
    const local = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'revoke me']);
    const unconfirmed = await sb.run(['keys', 'revoke', '-'], { input: local.secret });
    expect(unconfirmed.code).toBe(2);
    expectNoSecret(unconfirmed, local.secret);
    expect(unconfirmed.stderr).toContain(`\`octo keys revoke ${local.key.id} --yes\``);
    const r = await sb.run(['keys', 'revoke', '-', '--yes', '--reason', 'leaked in CI logs', '--json'], { input: local.secret });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { key: KeyObject }).key).toMatchObject({ id: local.key.id, status: 'revoked' });
    expectNoSecret(r, local.secret);
    const human = await sb.run(['keys', 'revoke', `Bearer ${local.secret}`, '--yes']);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`${local.key.id} is already revoked`);
    expectNoSecret(human, local.secret);
  });

  it('on a terminal, - asks for the key hidden, and a confirmation can still follow', async () => {
    const local = await sb.json<Issued>(['keys', 'create', 'bearer', '--name', 'typed at a terminal']);
    const r = await runInPty(sb, ['keys', 'revoke', '-'], [
      { expect: 'Key or key id (hidden):', send: `${local.secret}\r` },
      { expect: `Revoke ${local.key.id}`, send: 'y\r' },
    ]);
    expect(r.code).toBe(0);
    expect(r.output).toContain(`Revoked ${local.key.id}`);
    expect(r.output).not.toContain(local.secret);
    expect(r.output).not.toContain(local.secret.slice(-38));
  });

  const COMMANDS: [string, (ref: string) => string[]][] = [
    ['keys show', (ref) => ['keys', 'show', ref]],
    ['keys copy', (ref) => ['keys', 'copy', ref, '--print']],
    ['keys scope', (ref) => ['keys', 'scope', ref, '--add', 'posts:read']],
    ['keys rotate', (ref) => ['keys', 'rotate', ref]],
    ['keys revoke', (ref) => ['keys', 'revoke', ref, '--yes']],
    ['audit --key', (ref) => ['audit', '--key', ref]],
  ];

  for (const [name, argv] of COMMANDS) {
    it(`${name}: an unknown well-formed key is exit 1, named only by its mask (text and --json)`, async () => {
      for (const prefix of ['octo_ws_', 'octo_ch_', 'octo_wa_', 'oct_live_', 'oct_test_']) {
        const key = unknownKey(prefix);
        const r = await sb.run(argv(key));
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^error: no key ${maskKey(key)} in this keystore`, 'm'));
        expectNoSecret(r, key);
        const j = await sb.run([...argv(key), '--json']);
        expect(j.code).toBe(1);
        expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'not_found', message: `no key ${maskKey(key)} in this keystore` } });
        expectNoSecret(j, key);
      }
    });

    it(`${name}: a key with a broken checksum, or cut short, is exit 1 and masked`, async () => {
      const broken = typo(ws.secret);
      const r = await sb.run([...argv(broken), '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'malformed_key', message: expect.stringContaining(maskKey(broken)) } });
      expectNoSecret(r, broken, ws.secret);
      const cut = await sb.run(argv(ws.secret.slice(0, -3)));
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(/is not a whole octo key: it has 35 characters after the prefix, a key has 38/);
      expect(cut.stderr).not.toContain(ws.secret.slice(0, -3));
    });
  }

  it('a webhook signing secret gets its own explanation, masked', async () => {
    const secret = unknownKey('octo_wh_');
    const r = await sb.run(['keys', 'show', secret, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({
      error: { code: 'webhook_secret', message: `${maskKey(secret)} is a webhook signing secret, not an API key`, hint: expect.stringContaining('octo webhooks list') },
    });
    expectNoSecret(r, secret);
  });

  it('a string that is neither an id nor an octo key says so, and echoes a long one only masked', async () => {
    const short = await sb.run(['keys', 'show', 'CI pipeline']);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error: "CI pipeline" is neither a key id nor an octo key\nhint: key ids start with key_/m);
    const foreign = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}${'x'.repeat(20)}`;
    const long = await sb.run(['keys', 'revoke', foreign, '--yes']);
    expect(long.code).toBe(1);
    expect(long.stderr).not.toContain(foreign);
    expect(long.stderr).toContain(`"sk_l…xxxx" (${foreign.length} characters) is neither a key id nor an octo key`);
  });

  it('a bearer key\'s name, or a subject, is told the key id it probably meant, in a hint that works', async () => {
    const byName = await sb.run(['keys', 'show', 'CI']);
    expect(byName.code).toBe(1);
    expect(byName.stderr).toContain(`hint: "CI" is the name of ${bearer.key.id}: pass the id, e.g. \`octo keys show ${bearer.key.id}\``);
    expect((await runHinted(sb, byName.stderr)).code).toBe(0);
    const bySubject = await sb.run(['keys', 'rotate', 'Acme']);
    expect(bySubject.code).toBe(1);
    expect(bySubject.stderr).toContain(`hint: that is the workspace acme; the key that serves it is ${ws.key.id}: \`octo keys show ${ws.key.id}\``);
    expect((await runHinted(sb, bySubject.stderr)).code).toBe(0);
  });

  it('the help of every command taking a KEY_ID says the key itself and - will do', async () => {
    for (const args of [['keys', 'show'], ['keys', 'copy'], ['keys', 'scope'], ['keys', 'rotate'], ['keys', 'revoke'], ['audit']]) {
      const r = await sb.run([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('or the whole key itself (found by its hash');
      expect(r.stdout).toMatch(new RegExp(`\\$ octo ${args.join(' ')} .*- .*< \\w+\\.txt`));
    }
  });

  it('an id prefix still works as before, and - with nothing on stdin is a usage error', async () => {
    const r = await sb.json<{ key: KeyObject }>(['keys', 'show', ws.key.id.slice(0, -2)]);
    expect(r.key.id).toBe(ws.key.id);
    const fromStdin = await sb.json<{ key: KeyObject }>(['keys', 'show', '-'], { input: `${ws.key.id}\n` });
    expect(fromStdin.key.id).toBe(ws.key.id);
    const empty = await sb.run(['keys', 'show', '-', '--json'], { input: '' });
    expect(empty.code).toBe(2);
    expect(JSON.parse(empty.stderr)).toMatchObject({ error: { code: 'missing_argument', message: 'no key or key id on standard input' } });
  });

  it('any error that would carry a key shape prints it masked (text, --json and --debug)', async () => {
    const cases: string[][] = [
      ['keys', 'list', '--kind', ws.secret],
      [ws.secret],
      ['keys', 'list', `--${bearer.secret}`],
    ];
    for (const args of cases) {
      for (const extra of [[], ['--json'], ['--debug']]) {
        const r = await sb.run([...args, ...extra]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(maskKey(args.join(' ').includes(ws.secret) ? ws.secret : bearer.secret));
        expectNoSecret(r, ws.secret, bearer.secret);
      }
    }
    // Even a key-shaped string whose checksum fails (a key with one typo is nearly the key).
    const broken = typo(ws.secret);
    expect(checksumOf(broken.slice(0, -6))).not.toBe(broken.slice(-6));
    const r = await sb.run(['keys', 'list', '--status', broken]);
    expect(r.stderr).not.toContain(broken);
  });
});

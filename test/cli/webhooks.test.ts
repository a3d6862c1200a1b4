import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKey } from '../../src/core/key-format.js';
import { Sandbox } from '../helpers/cli.js';
import { keystoreText } from '../helpers/keystore.js';
import { Receiver } from '../helpers/receiver.js';
import { loadSnippet, signedBy, SNIPPET_PATH, specHex } from '../helpers/webhooks.js';

interface Added { webhook: { id: string; url: string; events: string[]; workspace: string | null; masked: string }; secret: string }
interface Tested { ok: boolean; code: number | null; error: string | null; ms: number; delivery: string; event: { id: string; type: string } }

let sb: Sandbox;
let receiver: Receiver;

beforeEach(async () => {
  sb = new Sandbox();
  receiver = await Receiver.start();
  await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
});

afterEach(async () => {
  await receiver.close();
  sb.cleanup();
});

const add = (...args: string[]) => sb.json<Added>(['webhooks', 'add', receiver.url, ...args]);
const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string; hint: string } }).error;

describe('octo webhooks add, list, secret, remove', () => {
  it('adds an endpoint with a checksummed octo_wh_ secret, in the SPEC §9 shape', async () => {
    const added = await add('--workspace', 'Acme', '--events', 'message.sent,message.queued');
    expect(added.webhook).toMatchObject({ url: receiver.url, events: ['message.queued', 'message.sent'], workspace: 'acme' });
    expect(added.webhook.id).toMatch(/^wh_[0-9A-Za-z]{10}$/);
    const parsed = parseKey(added.secret);
    expect(parsed.ok && parsed.info.kind).toBe('webhook_secret');
    expect((await add()).webhook).toMatchObject({ events: ['message.queued', 'message.sent', 'message.delivered'], workspace: null });
  });

  it('never shows the secret in listings, only masked; secret --print shows it', async () => {
    const { webhook, secret } = await add();
    const json = await sb.run(['webhooks', 'list', '--json']);
    const human = await sb.run(['webhooks', 'list']);
    expect(json.code).toBe(0);
    expect(human.code).toBe(0);
    expect((JSON.parse(json.stdout) as { webhooks: { id: string; masked: string }[] }).webhooks.map((w) => [w.id, w.masked]))
      .toEqual([[webhook.id, webhook.masked]]);
    expect(human.stdout).toContain(webhook.id);
    for (const r of [json, human]) expect(r.stdout + r.stderr).not.toContain(secret.slice(8, 40));
    const printed = await sb.run(['webhooks', 'secret', webhook.id.slice(0, 6), '--print']);
    expect([printed.code, printed.stdout]).toEqual([0, secret + '\n']);
    const audit = await sb.run(['audit', '--json']);
    expect((JSON.parse(audit.stdout) as { events: unknown[] }).events[0]).toMatchObject({
      action: 'webhook.reveal_secret', subject: { type: 'webhook', id: webhook.id }, detail: { to: 'stdout' },
    });
    expect(audit.stdout).not.toContain(secret.slice(8, 40));
  });

  it('records add, rotate-secret and remove in the audit log, never a secret', async () => {
    const { webhook, secret } = await add();
    const rotated = await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', webhook.id]);
    await sb.json(['webhooks', 'remove', webhook.id, '--yes']);
    const audit = await sb.run(['audit', '--json']);
    const events = (JSON.parse(audit.stdout) as { events: { action: string; subject: { type: string; id: string } | null }[] }).events;
    expect(events.filter((e) => e.subject?.type === 'webhook').map((e) => [e.action, e.subject!.id])).toEqual([
      ['webhook.remove', webhook.id], ['webhook.rotate_secret', webhook.id], ['webhook.add', webhook.id],
    ]);
    const raw = keystoreText(sb.db) + audit.stdout;
    for (const s of [secret, rotated.secret]) expect(raw).not.toContain(s.slice(8, 40));
  });

  it.each([
    [['webhooks', 'add', 'ftp://example.test/x'], 2, 'invalid_url'],
    [['webhooks', 'add', 'not a url'], 2, 'invalid_url'],
    [['webhooks', 'add', 'http://127.0.0.1:1/', '--events', 'message.read'], 2, 'invalid_event'],
    [['webhooks', 'add', 'http://127.0.0.1:1/', '--workspace', 'nope'], 1, 'not_found'],
    [['webhooks', 'remove', 'wh_missing', '--yes'], 1, 'not_found'],
    [['webhooks', 'rotate-secret', 'wh_missing', '--grace', '1x'], 2, 'invalid_duration'],
    [['webhooks', 'test', 'wh_missing', '--event', 'message.read'], 2, 'invalid_event'],
    [['webhooks', 'deliveries', 'wh_missing'], 1, 'not_found'],
  ])('%j exits %d with %s', async (args, code, errorCode) => {
    const r = await sb.run([...args, '--json']);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(errorOf(r.stderr).code).toBe(errorCode);
  });

  it('refuses to remove off a terminal without --yes, and removes with it', async () => {
    const { webhook } = await add();
    const refused = await sb.run(['webhooks', 'remove', webhook.id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`octo webhooks remove ${webhook.id} --yes`);
    expect((await sb.json<{ webhooks: unknown[] }>(['webhooks', 'list'])).webhooks).toHaveLength(1);
    expect((await sb.run(['webhooks', 'remove', webhook.id, '--yes'])).code).toBe(0);
    expect((await sb.json<{ webhooks: unknown[] }>(['webhooks', 'list'])).webhooks).toHaveLength(0);
  });
});

describe('octo webhooks test and deliveries', () => {
  it("sends one signed event and reports the receiver's status; exit 1 unless 2xx", async () => {
    const { webhook, secret } = await add();
    const ok = await sb.run(['webhooks', 'test', webhook.id]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/webhook\.test → 200 in \d+ ms \(delivery dlv_/);
    const [req] = receiver.requests;
    expect(req!.headers['x-octo-event']).toBe('webhook.test');
    expect(signedBy(req!, { secret })).toEqual(['secret']);
    expect(JSON.parse(req!.body.toString())).toMatchObject({ type: 'webhook.test', data: { webhook_id: webhook.id } });

    receiver.answer = () => 500;
    const failed = await sb.run(['webhooks', 'test', webhook.id, '--event', 'message.delivered', '--json']);
    expect(failed.code).toBe(1);
    const result = JSON.parse(failed.stdout) as Tested;
    expect(result).toMatchObject({ ok: false, code: 500, error: null, event: { type: 'message.delivered' } });
    expect(receiver.requests[1]!.headers['x-octo-delivery']).toBe(result.delivery);

    const { deliveries } = await sb.json<{ deliveries: { id: string; event: string; status: string; attempts: { code: number | null; at: string }[] }[] }>(['webhooks', 'deliveries', webhook.id]);
    expect(deliveries.map((d) => [d.event, d.status, d.attempts.map((a) => a.code)])).toEqual([
      ['message.delivered', 'failed', [500]], ['webhook.test', 'succeeded', [200]],
    ]);
    expect(deliveries[0]!.id).toBe(result.delivery);
    expect(Date.parse(deliveries[0]!.attempts[0]!.at)).toBeGreaterThan(0);
  });

  it('counts no answer within --timeout as a failure with code null', async () => {
    const { webhook } = await add();
    receiver.answer = () => 'hang';
    const r = await sb.run(['webhooks', 'test', webhook.id, '--timeout', '1s', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: null, error: 'timeout' });
    const { deliveries } = await sb.json<{ deliveries: { attempts: { code: number | null }[] }[] }>(['webhooks', 'deliveries', webhook.id]);
    expect(deliveries[0]!.attempts).toEqual([expect.objectContaining({ code: null, error: 'timeout' })]);
  });

  it('sends two v1= during a rotation grace (both verify), one after --grace 0', async () => {
    const { webhook, secret: old } = await add();
    const { secret: current } = await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', webhook.id]);
    await sb.json(['webhooks', 'test', webhook.id]);
    expect(signedBy(receiver.requests[0]!, { old, current })).toEqual(['current', 'old']);
    const { secret: newest } = await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', webhook.id, '--grace', '0']);
    await sb.json(['webhooks', 'test', webhook.id]);
    expect(signedBy(receiver.requests[1]!, { old, current, newest })).toEqual(['newest']);
  });
});

describe('octo webhooks verify', () => {
  let body: string;
  let header: string;
  let secret: string;
  let id: string;

  /** A real delivery, captured by the receiver, saved byte for byte. */
  beforeEach(async () => {
    ({ secret, webhook: { id } } = await add());
    await sb.json(['webhooks', 'test', id, '--event', 'message.sent']);
    const [req] = receiver.requests;
    body = join(sb.dir, 'body.json');
    writeFileSync(body, req!.body);
    header = String(req!.headers['x-octo-signature']);
  });

  const verify = (args: string[], input?: string) => sb.run(['webhooks', 'verify', '--body', body, ...args, '--json'], input === undefined ? {} : { input });
  const staleHeader = () => {
    const t = Math.floor(Date.now() / 1000) - 1000;
    return `t=${t},v1=${specHex(secret, t, readFileSync(body))}`;
  };

  it.each<[string, () => string[], string | undefined, number, string | null]>([
    ['a real delivery, by endpoint', () => ['--endpoint', id, '--signature', header], undefined, 0, null],
    ['a real delivery, secret on stdin', () => ['--secret-stdin', '--signature', header], 'SECRET', 0, null],
    ['another secret', () => ['--secret-stdin', '--signature', header], 'octo_wh_someoneelse', 1, 'bad_signature'],
    ['a stale signature', () => ['--endpoint', id, '--signature', staleHeader()], undefined, 1, 'timestamp_out_of_tolerance'],
    ['a stale signature within --tolerance 2000', () => ['--endpoint', id, '--signature', staleHeader(), '--tolerance', '2000'], undefined, 0, null],
    ['a stale signature with --tolerance 0', () => ['--endpoint', id, '--signature', staleHeader(), '--tolerance', '0'], undefined, 0, null],
    ['a malformed header', () => ['--endpoint', id, '--signature', 'v1=abc'], undefined, 1, 'malformed_header'],
    ['a header without v1', () => ['--endpoint', id, '--signature', header.split(',')[0]!], undefined, 1, 'malformed_header'],
  ])('%s', async (_name, args, input, code, reason) => {
    const r = await verify(args(), input === 'SECRET' ? `${secret}\n` : input);
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout)).toEqual({ valid: code === 0, reason, scheme: 'octo' });
  });

  it('says bad_signature for a tampered body, in words without --json', async () => {
    writeFileSync(body, readFileSync(body, 'utf8').replace('"sent"', '"read"'));
    const r = await sb.run(['webhooks', 'verify', '--endpoint', id, '--signature', header, '--body', body]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('invalid: bad_signature\n');
    expect(r.stderr).toContain('tampered');
  });

  it.each([
    ['no secret source', ['--signature', 'x', '--body', 'BODY'], 'exactly one source of secrets'],
    ['two secret sources', ['--secret-stdin', '--endpoint', 'ID', '--signature', 'x', '--body', 'BODY'], 'exactly one source of secrets'],
    ['no --signature', ['--endpoint', 'ID', '--body', 'BODY'], "'--signature <header>' not specified"],
    ['a missing body file', ['--endpoint', 'ID', '--signature', 'x', '--body', '/nonexistent/body'], 'cannot read the body file'],
    ['a bad --tolerance', ['--endpoint', 'ID', '--signature', 'x', '--body', 'BODY', '--tolerance', '5m'], 'invalid --tolerance'],
    ['an empty secret on stdin', ['--secret-stdin', '--signature', 'x', '--body', 'BODY'], 'no secret on standard input', '\n'],
  ])('exits 2 on %s', async (_name, args, message, input = 'octo_wh_x\n') => {
    const r = await sb.run(['webhooks', 'verify', ...args.map((a) => (a === 'BODY' ? body : a === 'ID' ? id : a))], { input });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toContain(message);
  });
});

describe('the README snippet', () => {
  it('is in README.md verbatim', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('```js\n' + readFileSync(SNIPPET_PATH, 'utf8') + '```\n');
  });

  it('accepts real deliveries signed with its secret and refuses others', async () => {
    const snippet = await loadSnippet();
    const statuses: number[] = [];
    const server = createServer((req, res) => {
      res.on('finish', () => statuses.push(res.statusCode));
      snippet.handleOctoWebhook(req, res);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const saved = process.env.OCTO_WEBHOOK_SECRET;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/octo`;
      const { webhook, secret } = await sb.json<Added>(['webhooks', 'add', url]);
      process.env.OCTO_WEBHOOK_SECRET = secret;
      expect((await sb.run(['webhooks', 'test', webhook.id, '--event', 'message.queued'])).code).toBe(0);
      // During a rotation grace the receiver still holds the old secret: one of the two v1 matches.
      await sb.json(['webhooks', 'rotate-secret', webhook.id]);
      expect((await sb.run(['webhooks', 'test', webhook.id])).code).toBe(0);
      process.env.OCTO_WEBHOOK_SECRET = createHmac('sha256', 'x').digest('hex');
      expect((await sb.run(['webhooks', 'test', webhook.id])).code).toBe(1);
      expect(statuses).toEqual([204, 204, 400]);
    } finally {
      process.env.OCTO_WEBHOOK_SECRET = saved;
      if (saved === undefined) delete process.env.OCTO_WEBHOOK_SECRET;
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});

describe('--help', () => {
  it('lists every webhooks command, and verify names its exit codes', async () => {
    const group = await sb.run(['webhooks', '--help']);
    for (const c of ['add', 'list', 'remove', 'secret', 'rotate-secret', 'test', 'verify', 'deliveries']) expect(group.stdout).toContain(`  ${c} `);
    const verify = await sb.run(['webhooks', 'verify', '--help']);
    expect(verify.stdout).toContain('Exit codes: 0 valid, 1 invalid');
  });
});

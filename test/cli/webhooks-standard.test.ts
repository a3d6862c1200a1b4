import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { answerIfVerified, Receiver, type Received } from '../helpers/receiver.js';

/**
 * The two signature schemes, each checked by the receivers' own libraries, unchanged: the
 * `standardwebhooks` package (what Svix's libraries also implement) for `--scheme
 * standard-webhooks`, and Stripe's SDK for octo's own `t=…,v1=…`.
 */

interface Added { webhook: { id: string; scheme: string; masked: string }; secret: string }
interface Tested { ok: boolean; code: number | null; delivery: string; event: { id: string; type: string } }

let sb: Sandbox;
let receiver: Receiver;

beforeEach(async () => {
  sb = new Sandbox();
  receiver = await Receiver.start();
});

afterEach(async () => {
  await receiver.close();
  sb.cleanup();
});

const add = (...args: string[]) => sb.json<Added>(['webhooks', 'add', receiver.url, ...args]);
const addStandard = () => add('--scheme', 'standard-webhooks');
const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string; hint: string } }).error;

/** What a receiver built on `standardwebhooks` does: the parsed event, or the library's refusal. */
function standardVerify(secret: string, req: Received): unknown {
  return new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
}
const stripe = new Stripe('sk_test_octo');
const stripeVerify = (secret: string, req: Received) =>
  stripe.webhooks.constructEvent(req.body, String(req.headers['x-octo-signature']), secret);

describe('webhooks add --scheme', () => {
  it('presents a standard-webhooks secret as whsec_ (base64 of the octo_wh_ secret), the same in add, secret --print and list', async () => {
    const { webhook, secret } = await addStandard();
    expect(webhook.scheme).toBe('standard-webhooks');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64').toString()).toMatch(/^octo_wh_[0-9A-Za-z]{38}$/);
    expect(webhook.masked).toBe(`whsec_…${secret.slice(-8)}`);
    const printed = await sb.run(['webhooks', 'secret', webhook.id, '--print']);
    expect([printed.code, printed.stdout]).toEqual([0, `${secret}\n`]);

    const plain = await add();
    expect([plain.webhook.scheme, plain.secret.slice(0, 8)]).toEqual(['octo', 'octo_wh_']);
    const { webhooks } = await sb.json<{ webhooks: { id: string; scheme: string; masked: string }[] }>(['webhooks', 'list']);
    expect(webhooks.map((w) => [w.id, w.scheme, w.masked])).toEqual([
      [webhook.id, 'standard-webhooks', webhook.masked], [plain.webhook.id, 'octo', plain.webhook.masked],
    ]);
    const human = await sb.run(['webhooks', 'list']);
    expect(human.stdout.split('\n')[0]).toContain('SCHEME');
    expect(human.stdout).toContain('standard-webhooks');
    expect(human.stdout + human.stderr).not.toContain(secret.slice(6, 40));
  });

  it('never echoes a whsec_ secret in an error, even when it is passed where an id belongs', async () => {
    const { secret } = await addStandard();
    for (const json of [[], ['--json']]) {
      const r = await sb.run(['webhooks', 'test', secret, ...json]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`whsec_…${secret.slice(-8)}`);
      expect(r.stderr).not.toContain(secret.slice(6, 40));
    }
  });

  it('refuses a scheme it does not know (exit 2), naming both', async () => {
    const r = await sb.run(['webhooks', 'add', receiver.url, '--scheme', 'svix', '--json']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(errorOf(r.stderr)).toMatchObject({ code: 'invalid_scheme', hint: 'pass --scheme octo or --scheme standard-webhooks' });
  });
});

describe('keys scan finds a leaked whsec_ secret', () => {
  interface Scanned { findings: { masked: string; key_id: string; kind: string; status: string; accepted: boolean; action: string | null }[] }
  it('as the endpoint\'s webhook secret, masked as written, judged like an octo_wh_ one', async () => {
    const { webhook, secret } = await addStandard();
    writeFileSync(join(sb.dir, 'leak.env'), `WEBHOOK_SECRET=${secret}\n`);
    const scan = () => sb.run(['keys', 'scan', join(sb.dir, 'leak.env'), '--json']);
    const live = await scan();
    expect(live.code).toBe(1);
    expect((JSON.parse(live.stdout) as Scanned).findings).toEqual([expect.objectContaining({
      masked: `whsec_…${secret.slice(-8)}`, key_id: webhook.id, kind: 'webhook_secret', status: 'active', accepted: true,
      action: `octo webhooks rotate-secret ${webhook.id} --grace 0`,
    })]);
    expect(live.stdout + live.stderr).not.toContain(secret.slice(6, 40));
    await sb.json(['webhooks', 'rotate-secret', webhook.id, '--grace', '0']);
    const ended = await scan();
    expect(ended.code).toBe(0);
    expect((JSON.parse(ended.stdout) as Scanned).findings).toEqual([expect.objectContaining({ key_id: webhook.id, status: 'rotated', accepted: false })]);
  });
});

describe('deliveries that the standardwebhooks library verifies unchanged', () => {
  it('sends webhook-id (the delivery id), webhook-timestamp and webhook-signature, and X-Octo-Event', async () => {
    const { webhook, secret } = await addStandard();
    receiver.answer = answerIfVerified((req) => standardVerify(secret, req));
    const tested = await sb.json<Tested>(['webhooks', 'test', webhook.id, '--event', 'message.sent']);
    expect(tested).toMatchObject({ ok: true, code: 204 });
    const [req] = receiver.requests;
    expect(standardVerify(secret, req!)).toMatchObject({ id: tested.event.id, type: 'message.sent' });
    expect(req!.headers['webhook-id']).toBe(tested.delivery);
    expect(Math.abs(Number(req!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(req!.headers['x-octo-event']).toBe('message.sent');
    expect(req!.headers['x-octo-signature']).toBeUndefined();
    expect(req!.headers['x-octo-delivery']).toBeUndefined();
    // Another endpoint's secret is refused by the library, and so the test send fails.
    const other = await addStandard();
    expect(() => standardVerify(other.secret, req!)).toThrow('No matching signature found');
    receiver.answer = answerIfVerified((r) => standardVerify(other.secret, r));
    expect((await sb.run(['webhooks', 'test', webhook.id])).code).toBe(1);
  });

  it('signs with both secrets during a rotation grace (v1,… v1,…): the library accepts either; after --grace 0 only the new one', async () => {
    const { webhook, secret: old } = await addStandard();
    const { secret: current } = await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', webhook.id]);
    expect(current).toMatch(/^whsec_/);
    await sb.json(['webhooks', 'test', webhook.id]);
    const [graced] = receiver.requests;
    expect(String(graced!.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    expect(standardVerify(old, graced!)).toMatchObject({ type: 'webhook.test' });
    expect(standardVerify(current, graced!)).toMatchObject({ type: 'webhook.test' });

    const { secret: newest } = await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', webhook.id, '--grace', '0']);
    await sb.json(['webhooks', 'test', webhook.id]);
    const after = receiver.requests[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(standardVerify(newest, after)).toMatchObject({ type: 'webhook.test' });
    for (const s of [old, current]) expect(() => standardVerify(s, after)).toThrow('No matching signature found');
  });
});

describe("the octo scheme, verified by Stripe's SDK", () => {
  it('stripe.webhooks.constructEvent accepts a delivery of webhooks test, and refuses another secret', async () => {
    const { webhook, secret } = await add();
    receiver.answer = answerIfVerified((req) => stripeVerify(secret, req));
    const tested = await sb.json<Tested>(['webhooks', 'test', webhook.id, '--event', 'message.delivered']);
    expect(tested).toMatchObject({ ok: true, code: 204 });
    expect(stripeVerify(secret, receiver.requests[0]!)).toMatchObject({ id: tested.event.id, type: 'message.delivered' });
    const other = await add();
    expect(() => stripeVerify(other.secret, receiver.requests[0]!)).toThrow(/No signatures found matching/);
  });

  it('accepts either secret during a rotation grace (two v1=)', async () => {
    const { webhook, secret: old } = await add();
    const { secret: current } = await sb.json<{ secret: string }>(['webhooks', 'rotate-secret', webhook.id]);
    await sb.json(['webhooks', 'test', webhook.id]);
    for (const s of [old, current]) expect(stripeVerify(s, receiver.requests[0]!)).toMatchObject({ type: 'webhook.test' });
  });
});

describe('webhooks verify, standard-webhooks', () => {
  let id: string;
  let secret: string;
  let body: string;
  let headers: { id: string; timestamp: string; signature: string };

  /** A real delivery, captured by the receiver, saved byte for byte. */
  beforeEach(async () => {
    ({ secret, webhook: { id } } = await addStandard());
    await sb.json(['webhooks', 'test', id, '--event', 'message.sent']);
    const [req] = receiver.requests;
    body = join(sb.dir, 'body.json');
    writeFileSync(body, req!.body);
    headers = { id: String(req!.headers['webhook-id']), timestamp: String(req!.headers['webhook-timestamp']), signature: String(req!.headers['webhook-signature']) };
  });

  const flags = (h: Partial<typeof headers> = {}) => {
    const all = { ...headers, ...h };
    return ['--id', all.id, '--timestamp', all.timestamp, '--signature', all.signature];
  };
  /** Signed by the library itself: authentic, at a time of our choosing. */
  const librarySigned = (seconds: number) => {
    const raw = receiver.requests[0]!.body.toString();
    return new Webhook(secret).sign(headers.id, new Date(seconds * 1000), raw);
  };
  const stale = () => {
    const t = Math.floor(Date.now() / 1000) - 1000;
    return { timestamp: String(t), signature: librarySigned(t) };
  };
  const verify = (args: string[], input?: string) =>
    sb.run(['webhooks', 'verify', '--body', body, ...args, '--json'], input === undefined ? {} : { input });

  it.each<[string, () => string[], string | undefined, number, string | null]>([
    ['a real delivery, by endpoint (its scheme)', () => ['--endpoint', id, ...flags()], undefined, 0, null],
    ['the whsec_ secret on stdin (--id says the scheme)', () => ['--secret-stdin', ...flags()], 'WHSEC', 0, null],
    ['the octo_wh_ form of the same secret, --scheme given', () => ['--secret-stdin', '--scheme', 'standard-webhooks', ...flags()], 'INNER', 0, null],
    ['a signature the library made', () => ['--endpoint', id, ...flags({ signature: librarySigned(Number(headers.timestamp)) })], undefined, 0, null],
    ['another secret', () => ['--secret-stdin', ...flags()], `whsec_${Buffer.from('someone else entirely, 24+ bytes').toString('base64')}`, 1, 'bad_signature'],
    ['another webhook-id', () => ['--endpoint', id, ...flags({ id: 'dlv_another' })], undefined, 1, 'bad_signature'],
    ['another webhook-timestamp', () => ['--endpoint', id, ...flags({ timestamp: String(Number(headers.timestamp) + 1) })], undefined, 1, 'bad_signature'],
    ['a stale signature', () => ['--endpoint', id, ...flags(stale())], undefined, 1, 'timestamp_out_of_tolerance'],
    ['a stale signature with --tolerance 0', () => ['--endpoint', id, ...flags(stale()), '--tolerance', '0'], undefined, 0, null],
    ['a signature that is not base64 of 32 bytes', () => ['--endpoint', id, ...flags({ signature: 'v1,abc' })], undefined, 1, 'malformed_header'],
    ['only another version (v1a)', () => ['--endpoint', id, ...flags({ signature: headers.signature.replace('v1,', 'v1a,') })], undefined, 1, 'malformed_header'],
    ['an octo header instead', () => ['--endpoint', id, ...flags({ signature: `t=${headers.timestamp},v1=${'a'.repeat(64)}` })], undefined, 1, 'malformed_header'],
    ['a timestamp that is not unix seconds', () => ['--endpoint', id, ...flags({ timestamp: '2026-12-02T10:00:00Z' })], undefined, 1, 'malformed_header'],
  ])('%s', async (_name, args, input, code, reason) => {
    const stdin = input === 'WHSEC' ? `${secret}\n` : input === 'INNER' ? Buffer.from(secret.slice(6), 'base64').toString() : input;
    const r = await verify(args(), stdin);
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout)).toEqual({ valid: code === 0, reason, scheme: 'standard-webhooks' });
  });

  it('says valid, and the scheme, in words without --json; a tampered body is bad_signature', async () => {
    const ok = await sb.run(['webhooks', 'verify', '--endpoint', id, ...flags(), '--body', body]);
    expect([ok.code, ok.stdout]).toEqual([0, 'valid (standard-webhooks, signed within 300s of now)\n']);
    writeFileSync(body, receiver.requests[0]!.body.toString().replace('"sent"', '"read"'));
    const bad = await sb.run(['webhooks', 'verify', '--endpoint', id, ...flags(), '--body', body]);
    expect([bad.code, bad.stdout]).toEqual([1, 'invalid: bad_signature\n']);
    expect(bad.stderr).toContain('tampered');
  });

  it.each([
    ['a standard endpoint without --id', () => ['--endpoint', id, '--timestamp', headers.timestamp, '--signature', headers.signature], 'missing_argument', '--id is missing'],
    ['--timestamp alone on stdin', () => ['--secret-stdin', '--timestamp', headers.timestamp, '--signature', headers.signature], 'missing_argument', '--id is missing'],
    ['--id with --scheme octo', () => ['--secret-stdin', '--scheme', 'octo', ...flags()], 'option_not_applicable', '--id and --timestamp are for --scheme standard-webhooks'],
    ['an unknown --scheme', () => ['--endpoint', id, '--scheme', 'svix', ...flags()], 'invalid_scheme', 'invalid --scheme "svix"'],
    ['a whsec_ that is not base64', () => ['--secret-stdin', ...flags()], 'usage', 'not base64', 'whsec_not*base64\n'],
  ])('exits 2 on %s', async (_name, args, code, message, input = `${secret}\n`) => {
    const r = await verify(args(), input);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(errorOf(r.stderr)).toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('still verifies the octo scheme of an octo endpoint, and says so', async () => {
    const plain = await add();
    await sb.json(['webhooks', 'test', plain.webhook.id]);
    const req = receiver.requests[1]!;
    writeFileSync(body, req.body);
    const r = await verify(['--endpoint', plain.webhook.id, '--signature', String(req.headers['x-octo-signature'])]);
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, { valid: true, reason: null, scheme: 'octo' }]);
    const refused = await verify(['--endpoint', plain.webhook.id, ...flags()]);
    expect([refused.code, errorOf(refused.stderr).hint]).toEqual([2, `${plain.webhook.id} signs with X-Octo-Signature alone: drop --id and --timestamp`]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { addWorkspace } from '../../src/app/subjects.js';
import { listDeliveries, testWebhook } from '../../src/app/webhook-deliveries.js';
import { WebhookDispatcher, type AcceptedMessage, type DispatcherOptions, type DispatchLog } from '../../src/app/webhook-dispatcher.js';
import { addWebhook, removeWebhook, rotateSecret, webhookView } from '../../src/app/webhooks.js';
import { Sandbox } from '../helpers/cli.js';
import { Receiver, type Received } from '../helpers/receiver.js';
import { loadSnippet, signedBy, specHex, specSignatures } from '../helpers/webhooks.js';

let sandbox: Sandbox;
let ctx: AppContext;
let receiver: Receiver;
let dispatchers: WebhookDispatcher[];
const contexts: AppContext[] = [];

beforeEach(async () => {
  sandbox = new Sandbox();
  ctx = new AppContext(sandbox.env);
  contexts.push(ctx);
  receiver = await Receiver.start();
  dispatchers = [];
  await addWorkspace(ctx, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addWorkspace(ctx, { name: 'Other', platform: 'hubspot', id: 'other' });
});

afterEach(async () => {
  for (const d of dispatchers) await d.stop();
  await receiver.close();
  for (const c of contexts.splice(0)) await c.close();
  sandbox.cleanup();
});

/** Checks run again after each attempt a dispatcher logs (its outcome is written by then). */
let onAttempt: (() => Promise<void>)[] = [];

function dispatcher(opts: DispatcherOptions = {}, context = ctx): WebhookDispatcher {
  const d = new WebhookDispatcher(context, {
    pollMs: 50, timeoutMs: 2_000, backoffBaseMs: 20, delays: { 'message.queued': 0, 'message.sent': 10, 'message.delivered': 20 }, ...opts,
    log: (entry) => {
      opts.log?.(entry);
      for (const check of onAttempt) void check();
    },
  });
  dispatchers.push(d);
  return d;
}

const message = (over: Partial<AcceptedMessage> = {}): AcceptedMessage => ({
  id: 'msg_1', workspaceId: 'acme', channelId: 'ch_sms', channelType: 'sms', endpoint: 'POST /api/v1/sms/messages',
  keyId: 'key_1', at: Date.now(), ...over,
});

/**
 * Waits for a condition on the keystore, checked now and after each attempt a dispatcher logs: a
 * delivery changes only through an attempt, so no change goes unseen (and nothing sleeps).
 */
function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = async () => {
      if (!(await cond())) return;
      clearTimeout(timer);
      onAttempt = onAttempt.filter((c) => c !== check);
      resolve();
    };
    const timer = setTimeout(() => {
      onAttempt = onAttempt.filter((c) => c !== check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    onAttempt.push(check);
    void check();
  });
}

const body = (r: Received) => JSON.parse(r.body.toString('utf8')) as { id: string; type: string; created: number; data: Record<string, unknown> };
const statusOf = async (id: string) => (await listDeliveries(ctx, id, 100)).map((d) => d.status);

describe('WebhookDispatcher', () => {
  it('delivers queued, sent and delivered, signed, to the subscribed endpoints of the workspace', async () => {
    const a = await addWebhook(ctx, { url: `${receiver.url}/a`, workspace: 'acme' });
    const b = await addWebhook(ctx, { url: `${receiver.url}/b`, events: 'message.sent' });
    const c = await addWebhook(ctx, { url: `${receiver.url}/c`, workspace: 'other' });
    const d = dispatcher();
    d.start();
    d.messageAccepted(message());
    await receiver.waitFor(4);
    await d.stop();

    expect(receiver.requests).toHaveLength(4);
    const toA = receiver.requests.filter((r) => r.path === '/hooks/a');
    const toB = receiver.requests.filter((r) => r.path === '/hooks/b');
    expect(toA.map((r) => body(r).type).sort()).toEqual(['message.delivered', 'message.queued', 'message.sent']);
    expect(toB.map((r) => body(r).type)).toEqual(['message.sent']);
    expect((await listDeliveries(ctx, c.webhook.id, 10))).toEqual([]);

    const snippet = await loadSnippet();
    for (const r of receiver.requests) {
      const secret = r.path === '/hooks/a' ? a.secret : b.secret;
      const event = body(r);
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-octo-event']).toBe(event.type);
      expect(r.headers['x-octo-delivery']).toMatch(/^dlv_[0-9A-Za-z]{10}$/);
      const { t, v1 } = specSignatures(r);
      expect(v1).toEqual([specHex(secret, t, r.body)]);
      expect(snippet.verifyOctoSignature(r.body, r.headers['x-octo-signature'], secret)).toBe(true);
      expect(Object.keys(event)).toEqual(['id', 'type', 'created', 'data']);
      expect(event.id).toMatch(/^evt_/);
      expect(Number.isInteger(event.created)).toBe(true);
      expect(event.data).toMatchObject({
        message_id: 'msg_1', status: event.type.slice('message.'.length), workspace_id: 'acme', channel_id: 'ch_sms',
        channel_type: 'sms', endpoint: 'POST /api/v1/sms/messages', key_id: 'key_1',
      });
    }
    // One event, one id at every endpoint; one delivery id per endpoint.
    const sentAtA = toA.find((r) => body(r).type === 'message.sent')!;
    expect(body(sentAtA).id).toBe(body(toB[0]!).id);
    expect(sentAtA.headers['x-octo-delivery']).not.toBe(toB[0]!.headers['x-octo-delivery']);
    expect(await statusOf(a.webhook.id)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it("sends one message's events to an endpoint in order, the next once the one before was answered", async () => {
    await addWebhook(ctx, { url: `${receiver.url}/a`, workspace: 'acme' });
    // All three due at once, so that one claim takes them; the first answer is slow.
    receiver.answer = (n) => (n === 0 ? { status: 200, afterMs: 300 } : 200);
    const d = dispatcher({ delays: { 'message.queued': 0, 'message.sent': 0, 'message.delivered': 0 } });
    d.start();
    d.messageAccepted(message());
    d.messageAccepted(message({ id: 'msg_2' }));
    await receiver.waitFor(6);
    const of = (id: string) => receiver.requests.filter((r) => body(r).data.message_id === id);
    for (const id of ['msg_1', 'msg_2']) {
      expect(of(id).map((r) => body(r).type)).toEqual(['message.queued', 'message.sent', 'message.delivered']);
    }
    // msg_1's later events waited for its slow first answer; msg_2's did not wait for msg_1's.
    const [queued, sent] = of('msg_1');
    expect(sent!.at - queued!.at).toBeGreaterThanOrEqual(290);
    expect(of('msg_2')[2]!.at).toBeLessThan(queued!.at + 290);
  });

  it("claims a message's next event only once the attempt before it has ended: no lease runs out while it waits", async () => {
    const { webhook } = await addWebhook(ctx, { url: `${receiver.url}/a`, workspace: 'acme' });
    let skew = 0;
    const clocked = new AppContext(sandbox.env, undefined, () => Date.now() + skew);
    contexts.push(clocked);
    receiver.answer = (n) => (n === 0 ? { status: 200, afterMs: 500 } : 200);
    const d = dispatcher({ delays: { 'message.queued': 0, 'message.sent': 0, 'message.delivered': 0 } }, clocked);
    d.start();
    d.messageAccepted(message());
    await receiver.waitFor(1);
    // While the first answer is slow, the clock passes every lease a claim could have taken so far
    // (the attempt timeout and 5 s). A later event claimed with it would now be due again, and sent twice.
    skew = 60_000;
    await receiver.waitFor(3);
    await until('every delivery to succeed', async () => (await statusOf(webhook.id)).every((s) => s === 'succeeded'));
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.map((r) => body(r).type)).toEqual(['message.queued', 'message.sent', 'message.delivered']);
  });

  it('retries after 500 answers with growing gaps, the same delivery and bytes, and succeeds when the receiver recovers', async () => {
    const { webhook, secret } = await addWebhook(ctx, { url: receiver.url, events: 'message.queued' });
    receiver.answer = (n) => (n < 3 ? 500 : 200);
    const log: DispatchLog[] = [];
    const d = dispatcher({ retries: 5, backoffBaseMs: 40, random: () => 1, log: (e) => log.push(e) });
    d.start();
    d.messageAccepted(message());
    await receiver.waitFor(4);
    await until('the delivery to succeed', async () => (await statusOf(webhook.id))[0] === 'succeeded');
    await d.stop();

    const reqs = receiver.requests;
    expect(reqs).toHaveLength(4);
    expect(new Set(reqs.map((r) => r.headers['x-octo-delivery'])).size).toBe(1);
    expect(new Set(reqs.map((r) => r.body.toString('hex'))).size).toBe(1);
    for (const r of reqs) expect(signedBy(r, { secret })).toEqual(['secret']);

    const attempts = log.filter((e) => e.event === 'webhook');
    expect(attempts.map((e) => [e.attempt, e.code, e.status, e.retry_in_ms])).toEqual([
      [1, 500, 'pending', 40], [2, 500, 'pending', 80], [3, 500, 'pending', 160], [4, 200, 'succeeded', null],
    ]);
    // Each gap the receiver saw is at least the scheduled backoff (timers never fire early; 2 ms of rounding).
    const gaps = reqs.slice(1).map((r, i) => r.at - reqs[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual([40, 80, 160][i]! - 2));
    expect((await listDeliveries(ctx, webhook.id, 10))[0]!.attempts.map((a) => a.code)).toEqual([500, 500, 500, 200]);
  });

  it('gives up after the configured number of retries', async () => {
    const { webhook } = await addWebhook(ctx, { url: receiver.url, events: 'message.queued' });
    receiver.answer = () => 503;
    const d = dispatcher({ retries: 2 });
    d.start();
    d.messageAccepted(message());
    await until('the delivery to fail', async () => (await statusOf(webhook.id))[0] === 'failed');
    await d.stop();
    expect(receiver.requests).toHaveLength(3);
    expect((await listDeliveries(ctx, webhook.id, 10))[0]!.attempts.map((a) => a.code)).toEqual([503, 503, 503]);
    expect(await (await ctx.keystore()).webhooks.nextDueAt()).toBeNull();
  });

  it('counts a timeout as an attempt with code null, then retries', async () => {
    const { webhook } = await addWebhook(ctx, { url: receiver.url, events: 'message.queued' });
    receiver.answer = (n) => (n === 0 ? 'hang' : 200);
    const d = dispatcher({ timeoutMs: 200 });
    d.start();
    d.messageAccepted(message());
    await until('the delivery to succeed', async () => (await statusOf(webhook.id))[0] === 'succeeded');
    await d.stop();
    const [delivery] = await listDeliveries(ctx, webhook.id, 10);
    expect(delivery!.attempts.map((a) => [a.code, a.error])).toEqual([[null, 'timeout'], [200, null]]);
  });

  it('leaves deliveries pending at stop, and the next start (another process) delivers them', async () => {
    const { webhook } = await addWebhook(ctx, { url: receiver.url, workspace: 'acme' });
    receiver.answer = () => 'hang';
    const first = dispatcher({ timeoutMs: 5_000, stopGraceMs: 100 });
    first.start();
    first.messageAccepted(message());
    // message.queued in flight, unanswered, leased; sent and delivered due, left unclaimed behind it.
    await receiver.waitFor(1);
    const store = await ctx.keystore();
    const leased = async () => (await store.webhooks.deliveriesOf(webhook.id, 10)).filter((r) => r.nextAttemptAt! > Date.now() + 1_000).length;
    while ((await leased()) < 1) await new Promise((r) => setTimeout(r, 10));
    // Past their due times (10 and 20 ms) and a few polls (50 ms).
    await new Promise((r) => setTimeout(r, 200));
    expect(await leased()).toBe(1);
    await first.stop();
    expect(receiver.requests).toHaveLength(1);
    // The interrupted attempts were not counted and released their leases: due now, not after a
    // lease runs out.
    const stopped = Date.now();
    expect((await store.webhooks.deliveriesOf(webhook.id, 10)).map((r) => [r.status, r.attempts, r.nextAttemptAt! <= stopped]))
      .toEqual(Array(3).fill(['pending', 0, true]));
    // Accepted after stop: written at once, pending for the next start.
    first.messageAccepted(message({ id: 'msg_2' }));
    await new Promise((r) => setImmediate(r));
    expect((await listDeliveries(ctx, webhook.id, 10)).map((p) => p.status)).toEqual(Array(6).fill('pending'));

    const before = receiver.requests.length;
    receiver.answer = () => 200;
    const other = new AppContext(sandbox.env);
    contexts.push(other);
    dispatcher({}, other).start();
    await until('every delivery to succeed', async () => (await statusOf(webhook.id)).every((s) => s === 'succeeded'));
    const resent = receiver.requests.slice(before).map((r) => `${String(body(r).data.message_id)} ${body(r).type}`).sort();
    expect(resent).toEqual([
      'msg_1 message.delivered', 'msg_1 message.queued', 'msg_1 message.sent',
      'msg_2 message.delivered', 'msg_2 message.queued', 'msg_2 message.sent',
    ]);
  });

  it('cancels the pending deliveries of a removed endpoint', async () => {
    const { webhook } = await addWebhook(ctx, { url: receiver.url, events: 'message.queued' });
    receiver.answer = () => 500;
    const d = dispatcher({ backoffBaseMs: 60_000 });
    d.start();
    d.messageAccepted(message());
    await until('a first attempt', async () => (await listDeliveries(ctx, webhook.id, 1))[0]?.attempts.length === 1);
    expect((await removeWebhook(ctx, webhook.id)).cancelled).toBe(1);
    expect(await statusOf(webhook.id)).toEqual(['cancelled']);
    expect(await (await ctx.keystore()).webhooks.nextDueAt()).toBeNull();
  });
});

describe('secret rotation', () => {
  it('signs with both secrets during the grace, then with the new one alone', async () => {
    let offset = 0;
    const clocked = new AppContext(sandbox.env, undefined, () => Date.now() + offset);
    contexts.push(clocked);
    const { webhook, secret: old } = await addWebhook(clocked, { url: receiver.url });
    const { secret: current } = await rotateSecret(clocked, webhook.id, 3600);
    expect((await webhookView(clocked, webhook)).previous_secret_until).not.toBeNull();

    expect((await testWebhook(clocked, webhook.id, 'message.sent', 2_000)).code).toBe(200);
    expect(signedBy(receiver.requests[0]!, { old, current })).toEqual(['current', 'old']);

    offset = 3601 * 1000;
    await testWebhook(clocked, webhook.id, 'webhook.test', 2_000);
    expect(signedBy(receiver.requests[1]!, { old, current })).toEqual(['current']);
    expect((await webhookView(clocked, webhook)).previous_secret_until).toBeNull();
  });

  it('keeps at most two secrets signing when rotated again during a grace', async () => {
    const { webhook, secret: first } = await addWebhook(ctx, { url: receiver.url });
    const { secret: second } = await rotateSecret(ctx, webhook.id, 3600);
    const { secret: third } = await rotateSecret(ctx, webhook.id, 3600);
    await testWebhook(ctx, webhook.id, 'webhook.test', 2_000);
    expect(signedBy(receiver.requests[0]!, { first, second, third })).toEqual(['third', 'second']);
  });

  it('with a grace of 0, stops signing with the old secret at once', async () => {
    const { webhook, secret: old } = await addWebhook(ctx, { url: receiver.url });
    const { secret: current } = await rotateSecret(ctx, webhook.id, 0);
    await testWebhook(ctx, webhook.id, 'webhook.test', 2_000);
    expect(signedBy(receiver.requests[0]!, { old, current })).toEqual(['current']);
  });
});
